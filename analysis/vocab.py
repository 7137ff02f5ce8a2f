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
        tokens: output of :func:`analysis.tokenize.tokenize`.
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


def _ordered(tokens: pd.DataFrame) -> pd.DataFrame:
    return tokens.sort_values(["doc_id", "para_id", "start"], kind="stable", ignore_index=True)


def _links(tokens: pd.DataFrame, *, contiguous: bool) -> tuple[np.ndarray, pd.DataFrame]:
    """Boolean ``link[i]``: token i and i+1 are neighbours (same paragraph [, no gap])."""
    t = _ordered(tokens)
    doc = t["doc_id"].astype(str).to_numpy()
    para = t["para_id"].to_numpy()
    same = (doc[:-1] == doc[1:]) & (para[:-1] == para[1:])
    if contiguous:
        same &= t["end"].to_numpy()[:-1] == t["start"].to_numpy()[1:]
    return same, t


def _pair_table(tokens: pd.DataFrame, *, contiguous: bool) -> pd.DataFrame:
    link, t = _links(tokens, contiguous=contiguous)
    words = t["token"].astype(str).to_numpy(dtype=object)
    idx = np.flatnonzero(link)
    pairs = pd.DataFrame(
        {
            "left": words[idx],
            "right": words[idx + 1],
            "doc": t["doc_id"].astype(str).to_numpy()[idx],
        }
    )
    if pairs.empty:
        return pd.DataFrame(columns=COLLOCATION_COLUMNS)
    counts = pairs.groupby(["left", "right"], sort=False).agg(
        count=("doc", "size"), doc_frequency=("doc", "nunique")
    )
    counts = counts.reset_index()
    unigram = pd.Series(words).value_counts()
    n_tokens = float(len(words))
    n_pairs = float(len(idx))
    counts["left_count"] = unigram.reindex(counts["left"]).to_numpy()
    counts["right_count"] = unigram.reindex(counts["right"]).to_numpy()
    p_xy = counts["count"] / n_pairs
    p_x = counts["left_count"] / n_tokens
    p_y = counts["right_count"] / n_tokens
    counts["pmi"] = np.log2(p_xy / (p_x * p_y))
    with np.errstate(divide="ignore", invalid="ignore"):
        npmi = counts["pmi"] / -np.log2(p_xy)
    counts["npmi"] = npmi.where(p_xy < 1, 1.0).clip(-1.0, 1.0)
    counts["term"] = counts["left"] + counts["right"]
    return counts[COLLOCATION_COLUMNS]


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
        tokens: output of :func:`analysis.tokenize.tokenize` (filtered tokens are fine: pairs
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
    table = _pair_table(tokens, contiguous=contiguous)
    table = table[table["count"] >= min_count]
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

    from .tokenize import unit_tokens

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
    dictionary: Collection[str] | None = None,
    stopwords: Collection[str] | None = None,
) -> pd.DataFrame:
    """Candidate new dictionary words: recurring contiguous token n-grams not in the dictionary.

    Use lightly filtered tokens (``TokenizerOptions(min_chars=1, remove_stopwords=False)``) so
    that words split into single characters (两/委) can be found; an n-gram that starts or ends
    with a stopword is skipped.

    Args:
        tokens: output of :func:`analysis.tokenize.tokenize`.
        min_count: minimum occurrences.
        max_n: longest n-gram (in tokens), at least 2.
        max_chars: longest candidate (in characters).
        top: keep the ``top`` most frequent (``None`` = all).
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
    link, t = _links(tokens, contiguous=True)
    words = t["token"].astype(str).to_numpy(dtype=object)
    docs = t["doc_id"].astype(str).to_numpy()
    pairs = _pair_table(tokens, contiguous=True).set_index(["left", "right"])["npmi"]
    frames = []
    for n in range(2, max(2, max_n) + 1):
        ok = link.copy()
        for k in range(1, n - 1):
            ok[: len(ok) - k] &= link[k:]
            ok[len(ok) - k :] = False
        idx = np.flatnonzero(ok[: len(words) - n + 1])
        if not len(idx):
            continue
        parts = [words[idx + k] for k in range(n)]
        word = parts[0].copy()
        for part in parts[1:]:
            word = word + part
        weakest = np.full(len(idx), np.inf)
        for k in range(n - 1):
            key = pd.MultiIndex.from_arrays([parts[k], parts[k + 1]])
            weakest = np.minimum(weakest, pairs.reindex(key).to_numpy(dtype=float))
        frames.append(
            pd.DataFrame(
                {
                    "word": word,
                    "doc": docs[idx],
                    "n_parts": n,
                    "parts": [" ".join(p) for p in zip(*parts, strict=True)],
                    "first": parts[0],
                    "last": parts[-1],
                    "npmi": weakest,
                }
            )
        )
    if not frames:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    grams = pd.concat(frames, ignore_index=True)
    stop = set(stopwords)
    known = dictionary if isinstance(dictionary, (set, frozenset, dict)) else set(dictionary)
    keep = (
        ~_member(grams["first"], stop)
        & ~_member(grams["last"], stop)
        & (grams["word"].str.len() <= max_chars).to_numpy()
        & ~_member(grams["word"], known)
    )
    grams = grams[keep]
    if grams.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    out = grams.groupby(["word", "parts"], sort=False).agg(
        frequency=("doc", "size"),
        doc_frequency=("doc", "nunique"),
        n_parts=("n_parts", "first"),
        npmi=("npmi", "first"),
    )
    out = out.reset_index()
    out = out[out["frequency"] >= min_count]
    out = out.sort_values(
        ["frequency", "npmi", "word"], ascending=[False, False, True], ignore_index=True
    )
    out = out[CANDIDATE_COLUMNS]
    return out if top is None else out.head(top)


def _member(values: pd.Series, container: Collection[str]) -> np.ndarray:
    """Vectorised ``value in container`` (a C-level loop; pandas' isin is slow on big sets)."""
    arr = values.to_numpy(dtype=object)
    return np.fromiter(map(container.__contains__, arr), dtype=bool, count=len(arr))


def cli_vocab(args: argparse.Namespace) -> int:
    """``python -m analysis vocab --data DIR --top N --min-count N``: print the evidence."""
    from .corpus import analysis_paragraphs, load_corpus
    from .tokenize import TokenizerOptions, tokenize

    paragraphs = analysis_paragraphs(load_corpus(args.data))
    light = tokenize(paragraphs, options=TokenizerOptions(min_chars=1, remove_stopwords=False))
    tokens = tokenize(paragraphs)
    pd.set_option("display.unicode.east_asian_width", True)
    pd.set_option("display.width", 160)
    n_chars = int(paragraphs["text"].str.len().sum())
    print(f"{args.data}: {paragraphs['doc_id'].nunique()} documents, {n_chars:,} characters")
    print(f"\n== Candidate new dictionary words (min count {args.min_count}) ==")
    print("   (contiguous token n-grams not in the dictionary; add good ones to")
    print("    data/lexicons/userdict.txt, one per line, and re-run)")
    cands = candidate_words(light, min_count=args.min_count, top=args.top)
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
