"""Many-term matching over whole corpora with one Aho–Corasick automaton (pyahocorasick).

The theme lexicon, the slogan keys and the discovered formulations are all matched with one
automaton per term list, built once and run over the paragraphs joined into one string (C speed,
no per-paragraph Python loop). Two match rules:

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


@dataclass(frozen=True)
class TermAutomaton:
    """An Aho–Corasick automaton over ``terms`` (value = index of the term)."""

    terms: tuple[str, ...]
    automaton: ahocorasick.Automaton | None


@lru_cache(maxsize=16)
def _build(terms: tuple[str, ...]) -> TermAutomaton:
    a = ahocorasick.Automaton()
    n = 0
    for i, t in enumerate(terms):
        if t and JOIN not in t:
            a.add_word(t, (i, len(t)))
            n += 1
    if not n:
        return TermAutomaton(terms, None)
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


def find_all(automaton: TermAutomaton, texts: Sequence[str]) -> Matches:
    """Every occurrence of every term in ``texts`` (overlapping and nested ones included)."""
    if automaton.automaton is None or not texts:
        return _empty()
    big, starts = joined(texts)
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
