"""Many-term matching over whole corpora: all terms of a list in one pass, no per-term scan.

The theme lexicon, the slogan keys and the discovered formulations are all matched with one
matcher per term list, built once and run over the paragraphs joined into one string (no
per-paragraph Python loop). The matcher walks the terms' prefix tree level by level with numpy:
the positions whose first character starts a term, then, one character at a time, the positions
whose polynomial hash is still the hash of some term's prefix (every match is then confirmed by
comparing the strings, so hash collisions cannot create or hide a match). On large term lists it
is several times faster than pyahocorasick's automaton, whose root node scans its children
linearly (1,333 distinct first characters for the slogan keys of the 874 reports: 5.6 s against
about 0.5 s here); pyahocorasick is kept as the fallback when two terms of one length share a
hash. Two match rules:

- :func:`find_all`: every occurrence of every term, overlapping and nested ones included
  (slogan counting: 创先争优 is found inside 创先争优、为民服务 too).
- :func:`find_longest`: left to right, at each position the longest term wins and consumes its
  characters (theme counting: 基础设施建设 is one hit, not also 基础设施).

Offsets are returned per paragraph, so they index each paragraph's own text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import numpy as np
import pandas as pd

#: joins paragraphs into one searchable string; never part of a term (terms are checked)
JOIN = "\n"


@dataclass(frozen=True)
class Matches:
    """Matches as parallel arrays (one entry per match), sorted by paragraph, start, -length.

    ``para`` is the position of the paragraph in the input sequence, ``start``/``end`` offsets
    in that paragraph's text, ``term`` the index of the term in the automaton's term list.
    """

    para: np.ndarray
    start: np.ndarray
    end: np.ndarray
    term: np.ndarray

    def __len__(self) -> int:
        return len(self.para)


_BASE = np.uint64(0x100000001B3)  # odd: multiplication by it is invertible modulo 2**64


@dataclass(frozen=True)
class _Level:
    """Term hashes of one length: ``done`` sorted hashes of whole terms (``done_term`` their
    term indices), ``more`` sorted hashes of the prefixes of longer terms."""

    done: np.ndarray
    done_term: np.ndarray
    more: np.ndarray
    bits: int  # the filter has 2**bits slots
    filter: np.ndarray  # bool per slot: some hash of ``done`` or ``more`` falls in it
    done_lookup: pd.Index  # ``done`` and ``more`` as hash tables (membership tests)
    more_lookup: pd.Index


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _slots(h: np.ndarray, bits: int) -> np.ndarray:
    """Multiply-shift hash of ``h`` into ``bits`` bits (the filter slot)."""
    return ((h * _MIX) >> np.uint64(64 - bits)).astype(np.int64)


def _level(done: np.ndarray, done_term: np.ndarray, more: np.ndarray) -> _Level:
    both = np.concatenate([done, more])
    bits = max(10, int(np.ceil(np.log2(max(len(both), 1) * 64))))
    filt = np.zeros(1 << bits, dtype=bool)
    filt[_slots(both, bits)] = True
    return _Level(done, done_term, more, bits, filt, pd.Index(done), pd.Index(more))


@dataclass(frozen=True)
class PrefixTable:
    """The terms' prefix tree as sorted hash arrays, one :class:`_Level` per length."""

    first: np.ndarray  # bool per code point: starts a term
    levels: tuple[_Level, ...]  # levels[L - 1] for length L


@dataclass(frozen=True)
class TermAutomaton:
    """A matcher over ``terms`` (match values are term indices): the numpy prefix table, or
    an Aho–Corasick automaton when two terms of one length share a hash."""

    terms: tuple[str, ...]
    automaton: ahocorasick.Automaton | None
    table: PrefixTable | None = None


def _hashes(codes: list[list[int]], n: int) -> np.ndarray:
    """Polynomial hash (Horner, modulo 2**64) of the first ``n`` code points of each term."""
    h = np.zeros(len(codes), dtype=np.uint64)
    for j in range(n):
        h = h * _BASE + np.array([c[j] for c in codes], dtype=np.uint64)
    return h


def _prefix_table(terms: tuple[str, ...], valid: list[int]) -> PrefixTable | None:
    """The prefix table of the valid terms; ``None`` on a hash collision between two terms."""
    codes = [[ord(ch) for ch in terms[i]] for i in valid]
    lens = np.array([len(c) for c in codes], dtype=np.int64)
    first = np.zeros(0x110000, dtype=bool)
    first[[c[0] for c in codes]] = True
    levels = []
    with np.errstate(over="ignore"):
        for n in range(1, int(lens.max()) + 1):
            sel = np.flatnonzero(lens >= n)
            h = _hashes([codes[i] for i in sel], n)
            whole = lens[sel] == n
            done, done_term = h[whole], np.asarray(valid, dtype=np.int64)[sel[whole]]
            order = np.argsort(done, kind="stable")
            done, done_term = done[order], done_term[order]
            if len(done) > 1 and (done[1:] == done[:-1]).any():
                return None  # terms are unique: equal hashes would be a collision
            levels.append(_level(done, done_term, np.unique(h[~whole])))
    return PrefixTable(first, tuple(levels))


@lru_cache(maxsize=16)
def _build(terms: tuple[str, ...]) -> TermAutomaton:
    valid = [i for i, t in enumerate(terms) if t and JOIN not in t]
    if not valid:
        return TermAutomaton(terms, None)
    unique = len({terms[i] for i in valid}) == len(valid)
    table = _prefix_table(terms, valid) if unique else None
    if table is not None:
        return TermAutomaton(terms, None, table)
    a = ahocorasick.Automaton()
    for i in valid:
        a.add_word(terms[i], (i, len(terms[i])))
    a.make_automaton()
    return TermAutomaton(terms, a)


def build_automaton(terms: Iterable[str]) -> TermAutomaton:
    """One automaton for all ``terms`` (cached by the term tuple; empty terms are ignored)."""
    return _build(tuple(terms))


def joined(texts: Sequence[str]) -> tuple[str, np.ndarray]:
    """The texts joined by :data:`JOIN` and the start offset of each text in the result."""
    lens = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        np.cumsum(lens[:-1] + len(JOIN), out=starts[1:])
    return JOIN.join(texts), starts


def _empty() -> Matches:
    z = np.zeros(0, dtype=np.int64)
    return Matches(z, z, z, z)


def _locate(ends: np.ndarray, lens: np.ndarray, idx: np.ndarray, starts: np.ndarray) -> Matches:
    gstart = ends - lens + 1
    para = np.searchsorted(starts, gstart, side="right") - 1
    start = gstart - starts[para]
    order = np.lexsort((-lens, start, para))
    return Matches(para[order], start[order], (start + lens)[order], idx[order])


def _member(values: pd.Index, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``h`` in ``values`` (unique; bool) and the position of each found value (-1 if not).
    A hash lookup: several times cheaper than a binary search of positions in text order."""
    pos = values.get_indexer(h)
    return pos >= 0, pos


#: start positions scanned per block: the level arrays of a block stay a few MB, reused by the
#: allocator, instead of hundreds of MB of fresh pages per level over a whole corpus
_BLOCK = 1 << 20


def _scan(table: PrefixTable, terms: tuple[str, ...], big: str) -> tuple[np.ndarray, ...]:
    """End offsets, term indices and lengths of every occurrence of every term in ``big``."""
    # padded so that a window may run past the end (such a match fails the string check)
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    codes = np.concatenate([codes, np.zeros(len(table.levels), dtype=np.uint32)])
    found_start, found_term, found_len = [], [], []
    n_text = len(codes) - len(table.levels)
    for block in range(0, max(n_text, 1), _BLOCK):
        _scan_block(table, codes, block, min(block + _BLOCK, n_text), found_start, found_term,
                    found_len)  # fmt: skip
    if not found_start:
        z = np.zeros(0, dtype=np.int64)
        return z, z, z
    start = np.concatenate(found_start)
    term = np.concatenate(found_term)
    lens = np.concatenate(found_len)
    # confirm every match on the strings (a hash collision cannot make a false match)
    real = np.fromiter(
        (
            big[s : s + n_] == terms[t]
            for s, t, n_ in zip(start.tolist(), term.tolist(), lens.tolist(), strict=True)
        ),
        dtype=bool,
        count=len(start),
    )
    return start[real] + lens[real] - 1, term[real], lens[real]


def _scan_block(
    table: PrefixTable,
    codes: np.ndarray,
    lo: int,
    hi: int,
    found_start: list,
    found_term: list,
    found_len: list,
) -> None:
    """The matches of :func:`_scan` that start in ``lo:hi`` (appended to the lists)."""
    idx = np.flatnonzero(table.first[codes[lo:hi]]) + lo
    h = codes[idx].astype(np.uint64)
    with np.errstate(over="ignore"):
        for length, level in enumerate(table.levels, start=1):
            if length > 1:
                h = h * _BASE + codes[idx + (length - 1)]
            elif not len(level.done):
                continue  # ``table.first`` already kept only the first characters of terms
            maybe = level.filter[_slots(h, level.bits)]  # cheap: drops almost every position
            idx, h = idx[maybe], h[maybe]
            hit, pos = _member(level.done_lookup, h)
            if hit.any():
                found_start.append(idx[hit])
                found_term.append(level.done_term[pos[hit]])
                found_len.append(np.full(int(hit.sum()), length, dtype=np.int64))
            go, _ = _member(level.more_lookup, h)
            idx, h = idx[go], h[go]
            if not len(idx):
                break


def find_all(automaton: TermAutomaton, texts: Sequence[str]) -> Matches:
    """Every occurrence of every term in ``texts`` (overlapping and nested ones included)."""
    if (automaton.automaton is None and automaton.table is None) or not texts:
        return _empty()
    big, starts = joined(texts)
    if automaton.table is not None:
        ends, idx, lens = _scan(automaton.table, automaton.terms, big)
        if not len(ends):
            return _empty()
        return _locate(ends, lens, idx, starts)
    found = list(automaton.automaton.iter(big))
    if not found:
        return _empty()
    ends = np.fromiter((e for e, _ in found), dtype=np.int64, count=len(found))
    idx = np.fromiter((v[0] for _, v in found), dtype=np.int64, count=len(found))
    lens = np.fromiter((v[1] for _, v in found), dtype=np.int64, count=len(found))
    return _locate(ends, lens, idx, starts)


def longest_first(m: Matches) -> Matches:
    """Keep, left to right, the longest match at each position; a kept match consumes its
    characters, so kept matches never overlap (the rule of the theme counts)."""
    if not len(m):
        return m
    # one candidate per (paragraph, start): the longest (arrays are sorted by para, start, -len)
    first = np.ones(len(m), dtype=bool)
    first[1:] = (m.para[1:] != m.para[:-1]) | (m.start[1:] != m.start[:-1])
    para, start, end = m.para[first], m.start[first], m.end[first]
    keep = np.zeros(len(para), dtype=bool)
    last_para, last_end = -1, 0
    for i, (p, s, e) in enumerate(zip(para.tolist(), start.tolist(), end.tolist(), strict=True)):
        if p != last_para:
            last_para, last_end = p, 0
        if s >= last_end:
            keep[i] = True
            last_end = e
    sel = np.flatnonzero(first)[keep]
    return Matches(m.para[sel], m.start[sel], m.end[sel], m.term[sel])


def find_longest(automaton: TermAutomaton, texts: Sequence[str]) -> Matches:
    """Leftmost-longest, non-overlapping matches (see :func:`longest_first`)."""
    return longest_first(find_all(automaton, texts))
