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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Bow:
    """A unit-by-term count matrix and the pruned token lists behind it.

    Attributes:
        unit_ids: ids of the kept units, in input order.
        vocab: terms, sorted by descending corpus frequency then by term (deterministic).
        counts: CSR matrix (n_units, V) of term counts.
        texts: per unit, the tokens kept by pruning, in reading order (for coherence windows).
        raw_texts: per unit, all input tokens in reading order (windows over the original text).
        dropped: ids of units with no token left after pruning.
        min_df, max_df: the pruning thresholds used.
    """

    unit_ids: list[str]
    vocab: list[str]
    counts: sparse.csr_matrix
    texts: list[list[str]]
    raw_texts: list[list[str]]
    dropped: list[str] = field(default_factory=list)
    min_df: float = 2
    max_df: float = 0.5

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
            texts=[self.texts[i] for i in rows],
            raw_texts=[self.raw_texts[i] for i in rows],
            dropped=list(self.dropped),
            min_df=self.min_df,
            max_df=self.max_df,
        )


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
    s = as_units(units)
    n = len(s)
    if n == 0:
        raise ValueError("no units to model")
    df: dict[str, int] = {}
    cf: dict[str, int] = {}
    for toks in s:
        for t in toks:
            cf[t] = cf.get(t, 0) + 1
        for t in set(toks):
            df[t] = df.get(t, 0) + 1
    lo, hi = _threshold(min_df, n), _threshold(max_df, n)
    forced = set(keep_terms)
    keep = [t for t, d in df.items() if lo <= d <= hi and t not in forced]
    keep.sort(key=lambda t: (-cf[t], t))
    if max_terms is not None:
        keep = keep[:max_terms]
    keep = sorted(set(keep) | (forced & df.keys()), key=lambda t: (-cf[t], t))
    token2id = {t: i for i, t in enumerate(keep)}
    rows, cols, ids, texts, raw, dropped = [], [], [], [], [], []
    for uid, toks in s.items():
        kept = [t for t in toks if t in token2id]
        if not kept:
            dropped.append(uid)
            continue
        r = len(ids)
        ids.append(uid)
        texts.append(kept)
        raw.append(list(toks))
        rows.extend([r] * len(kept))
        cols.extend(token2id[t] for t in kept)
    if not ids:
        raise ValueError(f"vocabulary pruning (min_df={min_df}, max_df={max_df}) left no tokens")
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(ids), len(keep))
    )
    counts.sum_duplicates()
    if dropped:
        log.info("%d of %d units empty after vocabulary pruning; dropped", len(dropped), n)
    return Bow(ids, keep, counts, texts, raw, dropped, min_df, max_df)


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
