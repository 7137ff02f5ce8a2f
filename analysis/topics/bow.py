"""Bag of words built once and shared by every backend, metric and table.

All backends see exactly the same units, vocabulary and counts, so their coherence, perplexity
and diversity figures are comparable. Vocabulary pruning (documented defaults):

* ``min_df`` -- keep terms that occur in at least this many units (int) or share of units
  (float in (0, 1)); default 2, i.e. drop hapax units-terms that no topic can generalise from;
* ``max_df`` -- drop terms that occur in more than this share of units (float) or number of
  units (int); default 0.5, i.e. drop terms present in over half of the paragraphs, which in
  these reports are boilerplate rather than topical (工作, 发展 … are usually removed upstream).

Units left empty after pruning are dropped (their ids are kept in ``Bow.dropped``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from scipy import sparse

log = logging.getLogger(__name__)


class TokenLists(Sequence):
    """Token lists stored as integer codes: a read-only sequence of ``list[str]``.

    ``ids`` (int32) concatenates every list's token codes into ``terms``; list ``i`` is
    ``ids[offsets[i]:offsets[i + 1]]``. Millions of tokens cost 4 bytes each instead of a
    Python list slot per token; a list of strings is built only when one is asked for
    (``texts[i]``, iteration), and the coherence measures read the codes directly.
    """

    __slots__ = ("ids", "offsets", "terms")

    def __init__(self, ids: np.ndarray, offsets: np.ndarray, terms: np.ndarray) -> None:
        self.ids = np.asarray(ids, dtype=np.int32)
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.terms = np.asarray(terms, dtype=object)

    @classmethod
    def from_lists(cls, lists: Iterable[Sequence[str]]) -> TokenLists:
        lists = [list(t) for t in lists]
        flat = list(chain.from_iterable(lists))
        codes, terms = pd.factorize(pd.Series(flat, dtype=object))
        lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        return cls(codes, offsets, np.asarray(terms, dtype=object))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.terms[self.ids[self.offsets[i] : self.offsets[i + 1]]].tolist()

    def __iter__(self) -> Iterator[list[str]]:
        words = self.terms[self.ids].tolist() if len(self.ids) else []
        off = self.offsets.tolist()
        for a, b in zip(off[:-1], off[1:], strict=True):
            yield words[a:b]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or len(other) != len(self):
            return False
        return all(a == list(b) for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def take(self, rows: Sequence[int] | np.ndarray) -> TokenLists:
        """The lists ``rows`` (in that order), sharing ``terms``."""
        rows = np.asarray(rows, dtype=np.int64)
        starts, lengths = self.offsets[rows], self.lengths[rows]
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        pos = np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1])
        return TokenLists(self.ids[pos], offsets, self.terms)

    def codes_for(self, words: Sequence[str]) -> np.ndarray:
        """Per token, the index of its term in ``words`` (-1 when absent), shape (n_tokens,)."""
        index = pd.Index(self.terms).get_indexer(pd.Index(list(words), dtype=object))
        lookup = np.full(len(self.terms) + 1, -1, dtype=np.int64)
        found = index >= 0
        lookup[index[found]] = np.flatnonzero(found)
        return lookup[self.ids]


@dataclass(frozen=True)
class Bow:
    """A unit-by-term count matrix and the pruned token lists behind it.

    Attributes:
        unit_ids: ids of the kept units, in input order.
        vocab: terms, sorted by descending corpus frequency then by term (deterministic).
        counts: CSR matrix (n_units, V) of term counts.
        texts: per unit, the tokens kept by pruning, in reading order (for coherence windows);
            a :class:`TokenLists` (integer-coded, reads as ``list[str]`` per unit).
        raw_texts: per unit, all input tokens in reading order (windows over the original
            text); a :class:`TokenLists`.
        dropped: ids of units with no token left after pruning.
        min_df, max_df: the pruning thresholds used.
        max_terms, keep_terms: the vocabulary cap and the terms kept whatever their document
            frequency (sorted), as given to :func:`build_bow`.
    """

    unit_ids: list[str]
    vocab: list[str]
    counts: sparse.csr_matrix
    texts: Sequence[list[str]]
    raw_texts: Sequence[list[str]]
    dropped: list[str] = field(default_factory=list)
    min_df: float = 2
    max_df: float = 0.5
    max_terms: int | None = None
    keep_terms: tuple[str, ...] = ()

    @property
    def term_freq(self) -> np.ndarray:
        """Corpus frequency of each vocabulary term, shape (V,)."""
        return np.asarray(self.counts.sum(axis=0)).ravel()

    @property
    def doc_lengths(self) -> np.ndarray:
        """Number of in-vocabulary tokens per unit, shape (n_units,)."""
        return np.asarray(self.counts.sum(axis=1)).ravel()

    @property
    def token2id(self) -> dict[str, int]:
        return {t: i for i, t in enumerate(self.vocab)}

    def subset(self, rows: Sequence[int] | np.ndarray) -> Bow:
        """The same vocabulary restricted to some units (e.g. a train/held-out split)."""
        rows = np.asarray(rows, dtype=int)
        return Bow(
            unit_ids=[self.unit_ids[i] for i in rows],
            vocab=self.vocab,
            counts=self.counts[rows],
            texts=_take(self.texts, rows),
            raw_texts=_take(self.raw_texts, rows),
            dropped=list(self.dropped),
            min_df=self.min_df,
            max_df=self.max_df,
            max_terms=self.max_terms,
            keep_terms=self.keep_terms,
        )


def _take(texts: Sequence[list[str]], rows: np.ndarray) -> Sequence[list[str]]:
    if isinstance(texts, TokenLists):
        return texts.take(rows)
    return [texts[i] for i in rows]


def _threshold(value: float, n: int) -> float:
    return value * n if isinstance(value, float) and value <= 1.0 else float(value)


def as_units(units: pd.Series | Mapping[str, Sequence[str]]) -> pd.Series:
    """Coerce tokens-per-unit input to a ``pd.Series`` of ``list[str]`` indexed by unit id."""
    if isinstance(units, pd.Series):
        s = units
    else:
        s = pd.Series(dict(units), dtype=object)
    s = s.map(lambda toks: [str(t) for t in toks] if toks is not None else [])
    s.index = s.index.map(str)
    if not s.index.is_unique:
        raise ValueError("unit ids must be unique")
    return s


def build_bow(
    units: pd.Series | Mapping[str, Sequence[str]],
    *,
    min_df: float = 2,
    max_df: float = 0.5,
    max_terms: int | None = None,
    keep_terms: Iterable[str] = (),
) -> Bow:
    """Build the shared bag of words from tokens per unit.

    Args:
        units: ``pd.Series`` of ``list[str]`` indexed by unit id (as returned by
            ``analysis.text.tokens.unit_tokens``) or a mapping ``{unit_id: tokens}``.
        min_df: minimum document frequency, count (int) or share of units (float < 1).
        max_df: maximum document frequency, share of units (float <= 1) or count (int).
        max_terms: keep at most this many of the most frequent terms (None: all).
        keep_terms: terms kept whenever they occur, whatever their document frequency (e.g.
            the seed terms of :func:`analysis.topics.seeded.fit_seeded_topics`).

    Returns:
        A :class:`Bow`; its ``vocab`` is ordered by descending frequency, ties by term.
    """
    s = units if isinstance(units, pd.Series) else pd.Series(dict(units), dtype=object)
    n = len(s)
    if n == 0:
        raise ValueError("no units to model")
    try:  # lists of str: encoded by Arrow in C++, no per-token Python work below
        index = s.index.map(str)
        values = s.tolist()
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
        flat = pa.array(list(chain.from_iterable(values)), pa.string())
    except (TypeError, pa.ArrowException):  # anything else: coerce every token with str()
        s = as_units(s)
        index, values = s.index, s.tolist()
        lengths = np.fromiter(map(len, values), dtype=np.int64, count=n)
        flat = pa.array(list(chain.from_iterable(values)), pa.string())
    if not index.is_unique:
        raise ValueError("unit ids must be unique")
    del values
    if flat.null_count:  # None is not a word (Arrow takes it as a null string)
        raise ValueError(f"{flat.null_count} missing token(s) (None) in the units")
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    return _bow_from_tokens(index, offsets, flat, min_df, max_df, max_terms, keep_terms)


def bow_from_tokens(
    tokens: pd.DataFrame,
    unit: Literal["paragraph", "document"] = "paragraph",
    *,
    min_df: float = 2,
    max_df: float = 0.5,
    max_terms: int | None = None,
    keep_terms: Iterable[str] = (),
) -> Bow:
    """:func:`build_bow` straight from a token table: the same :class:`Bow` as
    ``build_bow(unit_tokens(tokens, unit), ...)`` (same units, vocabulary order, counts and
    texts), without a Python list per unit: the ``token`` column is encoded by Arrow in the
    units' reading order (:func:`analysis.text.tokens.unit_spans`).

    Args:
        tokens: a token table (:func:`analysis.text.tokens.tokenize`: ``doc_id``, ``para_id``,
            ``token``, ``start``).
        unit: ``"paragraph"`` or ``"document"``.
        min_df, max_df, max_terms, keep_terms: as :func:`build_bow`.
    """
    from analysis.text.tokens import unit_spans, unit_tokens

    order, ids, offsets = unit_spans(tokens, unit)
    index = pd.Index(ids)
    if not len(index):
        raise ValueError("no units to model")
    if not index.is_unique:
        raise ValueError("unit ids must be unique")
    flat = _string_array(tokens["token"])
    if flat is None:  # not all strings: build_bow coerces every token with str()
        return build_bow(unit_tokens(tokens, unit), min_df=min_df, max_df=max_df,
                         max_terms=max_terms, keep_terms=keep_terms)  # fmt: skip
    if order is not None:
        flat = flat.take(pa.array(order))
    return _bow_from_tokens(index, offsets, flat, min_df, max_df, max_terms, keep_terms)


def _string_array(values: pd.Series) -> pa.Array | None:
    """``values`` as one Arrow string array (zero-copy for Arrow-backed strings), or None when
    they are not all strings."""
    try:
        arr = pa.array(values.array)
    except (TypeError, pa.ArrowException):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        return None
    return None if arr.null_count else arr  # missing tokens: unit_tokens says where


def _bow_from_tokens(
    index: pd.Index,
    offsets: np.ndarray,
    flat: pa.Array,
    min_df: float,
    max_df: float,
    max_terms: int | None,
    keep_terms: Iterable[str],
) -> Bow:
    """The bag of words of units ``index`` whose tokens (strings, in reading order) are
    ``flat[offsets[i]:offsets[i + 1]]`` for unit ``i``."""
    n = len(index)
    keep_terms = tuple(sorted(set(keep_terms)))  # recorded in the Bow (an iterable is read once)
    lengths = np.diff(offsets)
    encoded = pc.dictionary_encode(flat)
    del flat
    terms = encoded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    del encoded
    n_terms = len(terms)
    unit_of = np.repeat(np.arange(n, dtype=np.int64), lengths)
    cf = np.bincount(codes, minlength=n_terms)
    # rows are units in order: CSR from the offsets directly; duplicates summed, one stored
    # entry per (unit, term)
    occurs = sparse.csr_matrix(
        (np.ones(len(codes), dtype=np.int32), codes, offsets), shape=(n, n_terms)
    )
    occurs.sum_duplicates()
    df = np.bincount(occurs.indices, minlength=n_terms)
    del occurs
    lo, hi = _threshold(min_df, n), _threshold(max_df, n)
    term_id = {t: i for i, t in enumerate(terms.tolist())}
    forced = {term_id[t] for t in set(keep_terms) if t in term_id}
    cf_list, term_list = cf.tolist(), terms.tolist()

    def order(i: int) -> tuple[int, str]:
        return (-cf_list[i], term_list[i])

    ok = np.flatnonzero((df >= lo) & (df <= hi)).tolist()
    keep = sorted((i for i in ok if i not in forced), key=order)
    if max_terms is not None:
        keep = keep[:max_terms]
    keep = sorted(set(keep) | forced, key=order)
    vocab = [term_list[i] for i in keep]
    new_id = np.full(n_terms, -1, dtype=np.int64)
    new_id[np.asarray(keep, dtype=np.int64)] = np.arange(len(keep))
    kept_codes = new_id[codes]
    in_vocab = kept_codes >= 0
    kept_len = np.bincount(unit_of[in_vocab], minlength=n)
    has = kept_len > 0
    ids = index[has].tolist()
    dropped = index[~has].tolist()
    if not ids:
        raise ValueError(f"vocabulary pruning (min_df={min_df}, max_df={max_df}) left no tokens")
    cols = kept_codes[in_vocab]
    indptr = np.concatenate(([0], np.cumsum(kept_len[has])))
    counts = sparse.csr_matrix(
        (np.ones(len(cols), dtype=np.int64), cols.astype(np.int32), indptr),
        shape=(len(ids), len(keep)),
    )
    counts.sum_duplicates()
    texts = TokenLists(cols, indptr, np.asarray(vocab, dtype=object))
    raw_texts = TokenLists(
        codes[has[unit_of]], np.concatenate(([0], np.cumsum(lengths[has]))), terms
    )
    if dropped:
        log.info("%d of %d units empty after vocabulary pruning; dropped", len(dropped), n)
    return Bow(ids, vocab, counts, texts, raw_texts, dropped, min_df, max_df, max_terms, keep_terms)


def split_units(n: int, *, share: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded split of ``range(n)`` into (train, held-out) index arrays, both sorted.

    ``share`` of the units (at least one, when share > 0 and n > 1) are held out.
    """
    if share <= 0 or n < 2:
        return np.arange(n), np.array([], dtype=int)
    rng = np.random.default_rng(seed)
    n_out = min(n - 1, max(1, int(round(share * n))))
    out = np.sort(rng.choice(n, size=n_out, replace=False))
    train = np.setdiff1d(np.arange(n), out)
    return train, out
