"""Vocabulary help: term frequencies, collocations and candidate new dictionary words.

The dictionary should grow from evidence: :func:`candidate_words` lists character-contiguous
token n-grams that recur in the corpus but are not dictionary words (e.g. ``升级`` + ``晋档``),
with their frequencies, document frequencies and association (NPMI); ``python -m analysis vocab``
prints them next to the strongest collocations so a researcher can copy lines into
``data/lexicons/userdict.txt``.

    >>> tokens = an.tokenize(paragraphs)
    >>> an.vocabulary(tokens).head()
    >>> an.candidate_words(an.tokenize(paragraphs, options=an.TokenizerOptions(
    ...     min_chars=1, remove_stopwords=False)))
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

VOCAB_COLUMNS = ["term", "frequency", "doc_frequency"]
COLLOCATION_COLUMNS = [
    "term", "left", "right", "count", "left_count", "right_count", "pmi", "npmi", "doc_frequency",
]  # fmt: skip
CANDIDATE_COLUMNS = ["word", "frequency", "doc_frequency", "n_parts", "parts", "npmi"]


def vocabulary(tokens: pd.DataFrame, *, min_count: int = 1) -> pd.DataFrame:
    """Term frequencies.

    Args:
        tokens: output of :func:`analysis.text.tokens.tokenize`.
        min_count: drop terms seen fewer times.

    Returns:
        DataFrame ``term`` (str), ``frequency`` (int64, tokens), ``doc_frequency`` (int64,
        distinct documents), sorted by frequency (descending) then term.
    """
    if tokens.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in VOCAB_COLUMNS}).astype(
            {"term": "str"}
        )
    token = tokens["token"].astype(str)
    freq = token.value_counts()
    docs = pd.DataFrame({"t": token, "d": tokens["doc_id"].astype(str)}).drop_duplicates()
    dfreq = docs["t"].value_counts()
    out = pd.DataFrame(
        {
            "term": freq.index.astype(str),
            "frequency": freq.to_numpy(dtype="int64"),
            "doc_frequency": dfreq.reindex(freq.index).to_numpy(dtype="int64"),
        }
    )
    out = out[out["frequency"] >= min_count]
    return out.sort_values(["frequency", "term"], ascending=[False, True], ignore_index=True)


@dataclass(frozen=True)
class _Sequence:
    """Tokens in reading order as integer codes (no per-token Python strings)."""

    codes: np.ndarray  # token code of each token
    vocab: np.ndarray  # code -> token string (object array)
    doc: np.ndarray  # document code of each token
    link: np.ndarray  # link[i]: tokens i and i+1 are neighbours (len = n_tokens - 1)


def _sequence(tokens: pd.DataFrame, *, contiguous: bool) -> _Sequence:
    doc_col = tokens["doc_id"]
    if not isinstance(doc_col.dtype, pd.CategoricalDtype):
        doc_col = doc_col.astype(str).astype("category")
    doc = doc_col.cat.codes.to_numpy().astype(np.int64)
    para = tokens["para_id"].to_numpy(dtype=np.int64)
    start = tokens["start"].to_numpy(dtype=np.int64)
    end = tokens["end"].to_numpy(dtype=np.int64)
    order = np.lexsort((start, para, doc))
    codes, uniques = pd.factorize(tokens["token"].astype(str).to_numpy()[order])
    doc, para, start, end = doc[order], para[order], start[order], end[order]
    link = (doc[:-1] == doc[1:]) & (para[:-1] == para[1:])
    if contiguous:
        link &= end[:-1] == start[1:]
    return _Sequence(codes.astype(np.int64), np.asarray(uniques, dtype=object), doc, link)


@dataclass(frozen=True)
class _Pairs:
    """Counts and association of adjacent token pairs, keyed by ``left * V + right``."""

    keys: np.ndarray
    count: np.ndarray
    doc_frequency: np.ndarray
    left_count: np.ndarray
    right_count: np.ndarray
    pmi: np.ndarray
    npmi: np.ndarray

    def lookup(self, left: np.ndarray, right: np.ndarray, n_vocab: int) -> np.ndarray:
        """Row of each (left, right) pair (all pairs must exist)."""
        return np.searchsorted(self.keys, left * n_vocab + right)


def _pairs(seq: _Sequence) -> _Pairs:
    n_vocab = len(seq.vocab)
    idx = np.flatnonzero(seq.link)
    left, right = seq.codes[idx], seq.codes[idx + 1]
    keys, inverse, count = np.unique(
        left * n_vocab + right, return_inverse=True, return_counts=True
    )
    n_docs = int(seq.doc.max()) + 1 if len(seq.doc) else 1
    pair_doc = np.unique(inverse.astype(np.int64) * n_docs + seq.doc[idx])
    doc_frequency = np.bincount(pair_doc // n_docs, minlength=len(keys))
    unigram = np.bincount(seq.codes, minlength=n_vocab)
    left_count, right_count = unigram[keys // n_vocab], unigram[keys % n_vocab]
    p_xy = count / max(1, len(idx))
    p_x = left_count / max(1, len(seq.codes))
    p_y = right_count / max(1, len(seq.codes))
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log2(p_xy / (p_x * p_y))
        npmi = np.where(p_xy < 1, pmi / -np.log2(p_xy), 1.0)
    return _Pairs(keys, count, doc_frequency, left_count, right_count, pmi,
                  np.clip(npmi, -1.0, 1.0))  # fmt: skip


def _pair_table(tokens: pd.DataFrame, *, contiguous: bool, min_count: int = 1) -> pd.DataFrame:
    seq = _sequence(tokens, contiguous=contiguous)
    if len(seq.codes) < 2 or not seq.link.any():
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    pairs = _pairs(seq)
    rows = np.flatnonzero(pairs.count >= min_count)
    n_vocab = len(seq.vocab)
    left = seq.vocab[pairs.keys[rows] // n_vocab]
    right = seq.vocab[pairs.keys[rows] % n_vocab]
    return pd.DataFrame(
        {
            "term": [a + b for a, b in zip(left, right, strict=True)],
            "left": left,
            "right": right,
            "count": pairs.count[rows],
            "left_count": pairs.left_count[rows],
            "right_count": pairs.right_count[rows],
            "pmi": pairs.pmi[rows],
            "npmi": pairs.npmi[rows],
            "doc_frequency": pairs.doc_frequency[rows],
        }
    ).astype({"term": "str", "left": "str", "right": "str"})


def collocations(
    tokens: pd.DataFrame,
    *,
    min_count: int = 5,
    top: int | None = 50,
    method: Literal["pmi", "phrases"] = "pmi",
    contiguous: bool = False,
    threshold: float | None = None,
) -> pd.DataFrame:
    """Adjacent token pairs that co-occur more than chance: multi-word term proposals.

    Args:
        tokens: output of :func:`analysis.text.tokens.tokenize` (filtered tokens are fine: pairs
            are neighbours after filtering, within one paragraph).
        min_count: minimum pair count.
        top: keep the best ``top`` pairs (``None`` = all).
        method: ``"pmi"`` ranks by normalised PMI; ``"phrases"`` runs gensim ``Phrases``
            (NPMI scoring) over paragraph token lists and keeps the pairs it would join.
        contiguous: only pairs with no character between them in the text.
        threshold: minimum NPMI (default 0 for ``pmi``, 0.5 for ``phrases``).

    Returns:
        DataFrame ``term`` (left+right), ``left``, ``right``, ``count``, ``left_count``,
        ``right_count``, ``pmi`` (log2), ``npmi`` (−1…1), ``doc_frequency``; sorted by NPMI.
    """
    table = _pair_table(tokens, contiguous=contiguous, min_count=min_count)
    if method == "phrases":
        table = _gensim_filter(tokens, table, min_count, 0.5 if threshold is None else threshold)
    elif method != "pmi":
        raise ValueError("method must be 'pmi' or 'phrases'")
    else:
        table = table[table["npmi"] >= (0.0 if threshold is None else threshold)]
    table = table.sort_values(["npmi", "count", "term"], ascending=[False, False, True])
    table = table.reset_index(drop=True)
    return table if top is None else table.head(top)


def _gensim_filter(
    tokens: pd.DataFrame, table: pd.DataFrame, min_count: int, threshold: float
) -> pd.DataFrame:
    from gensim.models.phrases import Phrases

    from .tokens import unit_tokens

    sentences = unit_tokens(tokens).tolist()
    model = Phrases(
        sentences, min_count=min_count, threshold=threshold, scoring="npmi", delimiter="\x1f"
    )
    joined = set(model.export_phrases())
    keys = table["left"] + "\x1f" + table["right"]
    return table[keys.isin(joined)]


def candidate_words(
    tokens: pd.DataFrame,
    *,
    min_count: int = 3,
    max_n: int = 3,
    max_chars: int = 8,
    top: int | None = None,
    min_npmi: float = -1.0,
    dictionary: Collection[str] | None = None,
    stopwords: Collection[str] | None = None,
) -> pd.DataFrame:
    """Candidate new dictionary words: recurring contiguous token n-grams not in the dictionary.

    Use lightly filtered tokens (``TokenizerOptions(min_chars=1, remove_stopwords=False)``) so
    that words split into single characters (两/委) can be found; an n-gram that starts or ends
    with a stopword is skipped.

    Args:
        tokens: output of :func:`analysis.text.tokens.tokenize`.
        min_count: minimum occurrences.
        max_n: longest n-gram (in tokens), at least 2.
        max_chars: longest candidate (in characters).
        top: keep the ``top`` most frequent (``None`` = all).
        min_npmi: drop n-grams whose weakest adjacent pair has a lower NPMI (compositional
            phrases such as 加快/发展 score low; fixed terms such as 升级/晋档 near 1).
        dictionary: known words to exclude (default: the merged project dictionary).
        stopwords: boundary words to reject (default: the project stopword list).

    Returns:
        DataFrame ``word``, ``frequency``, ``doc_frequency``, ``n_parts``, ``parts``
        (space-separated tokens), ``npmi`` (association of the weakest adjacent pair), sorted by
        frequency then NPMI.
    """
    if dictionary is None or stopwords is None:
        from . import lexicons

        if dictionary is None:
            dictionary = lexicons.effective_dictionary().freq
        if stopwords is None:
            stopwords = lexicons.word_set(lexicons.STOPWORDS)
    seq = _sequence(tokens, contiguous=True)
    if len(seq.codes) < 2 or not seq.link.any():
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    pairs = _pairs(seq)
    n_vocab = len(seq.vocab)
    is_stop = _member(pd.Series(seq.vocab), set(stopwords))
    frames = []
    for n in range(2, max(2, max_n) + 1):
        ok = seq.link.copy()
        for k in range(1, n - 1):
            ok[: len(ok) - k] &= seq.link[k:]
            ok[len(ok) - k :] = False
        idx = np.flatnonzero(ok[: len(seq.codes) - n + 1])
        idx = idx[~is_stop[seq.codes[idx]] & ~is_stop[seq.codes[idx + n - 1]]]
        if not len(idx):
            continue
        grams = pd.DataFrame({f"k{k}": seq.codes[idx + k] for k in range(n)})
        keys = list(grams.columns)
        freq = grams.value_counts(sort=False)
        freq = freq[freq >= min_count]
        if freq.empty:
            continue
        grams["doc"] = seq.doc[idx]
        dfreq = grams.drop_duplicates()[keys].value_counts(sort=False)
        found = freq.index.to_frame(index=False)
        found["frequency"] = freq.to_numpy()
        found["doc_frequency"] = dfreq.reindex(freq.index).to_numpy()
        parts = [seq.vocab[found[k].to_numpy()] for k in keys]
        weakest = np.full(len(found), np.inf)
        for k in range(n - 1):
            a, b = found[keys[k]].to_numpy(), found[keys[k + 1]].to_numpy()
            weakest = np.minimum(weakest, pairs.npmi[pairs.lookup(a, b, n_vocab)])
        frames.append(
            pd.DataFrame(
                {
                    "word": ["".join(p) for p in zip(*parts, strict=True)],
                    "frequency": found["frequency"].to_numpy(),
                    "doc_frequency": found["doc_frequency"].to_numpy(),
                    "n_parts": n,
                    "parts": [" ".join(p) for p in zip(*parts, strict=True)],
                    "npmi": weakest,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    known = dictionary if isinstance(dictionary, (set, frozenset, dict)) else set(dictionary)
    keep = (out["word"].str.len() <= max_chars).to_numpy() & ~_member(out["word"], known)
    out = out[keep & (out["npmi"] >= min_npmi).to_numpy()]
    out = out.sort_values(
        ["frequency", "npmi", "word"], ascending=[False, False, True], ignore_index=True
    )
    out = out[CANDIDATE_COLUMNS].astype({"word": "str", "parts": "str"})
    return out if top is None else out.head(top)


def _member(values: pd.Series, container: Collection[str]) -> np.ndarray:
    """Vectorised ``value in container`` (a C-level loop; pandas' isin is slow on big sets)."""
    arr = values.to_numpy(dtype=object)
    return np.fromiter(map(container.__contains__, arr), dtype=bool, count=len(arr))


def cli_vocab(args: argparse.Namespace) -> int:
    """``python -m analysis vocab --data DIR --top N --min-count N``: print the evidence."""
    from analysis.corpus.build import analysis_paragraphs, load_corpus

    from .tokens import TokenizerOptions, tokenize

    paragraphs = analysis_paragraphs(load_corpus(args.data))
    light = tokenize(paragraphs, options=TokenizerOptions(min_chars=1, remove_stopwords=False))
    tokens = tokenize(paragraphs)
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.width", 160)
    n_chars = int(paragraphs["text"].str.len().sum())
    print(f"{args.data}: {paragraphs['doc_id'].nunique()} documents, {n_chars:,} characters")
    print(f"\n== Candidate new dictionary words (min count {args.min_count}, NPMI >= 0.5) ==")
    print("   (contiguous token n-grams not in the dictionary; add good ones to")
    print("    data/lexicons/userdict.txt, one per line, and re-run)")
    cands = candidate_words(light, min_count=args.min_count, top=args.top, min_npmi=0.5)
    print(cands.to_string(index=False, float_format=lambda x: f"{x:.2f}") if len(cands) else "none")
    print(f"\n== Collocations (NPMI, min count {args.min_count}) ==")
    coll = collocations(tokens, min_count=args.min_count, top=args.top)
    cols = ["term", "left", "right", "count", "doc_frequency", "npmi"]
    print(
        coll[cols].to_string(index=False, float_format=lambda x: f"{x:.2f}")
        if len(coll)
        else "none"
    )
    print(f"\n== Most frequent terms (default filters, top {args.top}) ==")
    print(vocabulary(tokens).head(args.top).to_string(index=False))
    return 0
