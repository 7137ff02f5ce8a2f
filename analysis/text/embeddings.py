"""Lexicon expansion from the corpus itself: word2vec (gensim) and nearest terms to a seed list.

Dictionaries are easier to defend when their terms come from the corpus and are checked by a
reader (cntext's workflow): train word vectors on the analysed paragraphs, propose the terms
closest to a theme's seed terms, show how often each appears and one line of context, then let
coders accept or reject them in a coding sheet. The vectors are cached as a Parquet table
(``term`` + dimensions), keyed by the tokens' content, the options and the gensim version, so a
re-run with the same inputs costs a read.

    >>> vectors = train_word2vec(units, seed=1)
    >>> similar_terms(vectors, ["招商引资", "项目建设"], units=units, paragraphs=paras)
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.cache import cached_frame

log = logging.getLogger(__name__)

SIMILAR_COLUMNS = [
    "term",
    "nearest_seed",
    "similarity",
    "freq",
    "doc_freq",
    "in_lexicon",
    "example",
]


def _units_digest(units: pd.Series) -> str:
    h = hashlib.sha256()
    for uid, toks in zip(units.index.astype(str), units, strict=True):
        h.update(uid.encode())
        h.update("\x1f".join(toks).encode())
        h.update(b"\x1e")
    return h.hexdigest()


def train_word2vec(
    units: pd.Series,
    *,
    seed: int,
    vector_size: int = 100,
    window: int = 5,
    min_count: int = 5,
    epochs: int = 10,
    sg: int = 1,
    force: bool = False,
) -> pd.DataFrame:
    """Train skip-gram word2vec on tokens per unit; one worker, so a seed fixes the result.

    Args:
        units: tokens per unit (``analysis.tokens.unit_tokens``), typically paragraphs.
        seed: gensim's seed (with ``workers=1`` the vectors are reproducible).
        vector_size, window, min_count, epochs, sg: gensim ``Word2Vec`` options.
        force: recompute even if cached.

    Returns:
        DataFrame[term, freq, d0 … d{vector_size-1}] with unit-normalised vectors, one row per
        term seen at least ``min_count`` times. Empty when the corpus is too small to train.
    """
    import gensim
    from gensim.models import Word2Vec

    key = {
        "stage": "word2vec",
        "units": _units_digest(units),
        "seed": seed,
        "vector_size": vector_size,
        "window": window,
        "min_count": min_count,
        "epochs": epochs,
        "sg": sg,
        "gensim": gensim.__version__,
    }

    def compute() -> pd.DataFrame:
        sentences = [list(t) for t in units if len(t)]
        cols = ["term", "freq", *[f"d{i}" for i in range(vector_size)]]
        if sum(len(s) for s in sentences) < 10 * min_count:
            log.info("word2vec: corpus too small to train (%d tokens)", sum(map(len, sentences)))
            return pd.DataFrame(columns=cols)
        model = Word2Vec(
            sentences=sentences,
            vector_size=vector_size,
            window=window,
            min_count=min_count,
            workers=1,
            seed=seed,
            epochs=epochs,
            sg=sg,
        )
        kv = model.wv
        if not len(kv.index_to_key):
            return pd.DataFrame(columns=cols)
        vec = kv.get_normed_vectors().astype(np.float32)
        frame = pd.DataFrame(vec, columns=cols[2:])
        frame.insert(0, "freq", [int(kv.get_vecattr(t, "count")) for t in kv.index_to_key])
        frame.insert(0, "term", list(kv.index_to_key))
        return frame

    return cached_frame(key, compute, "word2vec", force=force)


def similar_terms(
    vectors: pd.DataFrame,
    seed_terms: Sequence[str],
    *,
    topn: int = 30,
    units: pd.Series | None = None,
    paragraphs: pd.DataFrame | None = None,
    lexicon: Sequence[str] = (),
    min_similarity: float = 0.0,
) -> pd.DataFrame:
    """Terms closest to the centroid of ``seed_terms`` (cosine), with evidence.

    Args:
        vectors: :func:`train_word2vec` output.
        seed_terms: the theme's current terms (those absent from the vectors are ignored).
        topn: proposals returned (seed terms themselves are excluded).
        units: tokens per unit, for the document frequency of each proposal.
        paragraphs: paragraphs (``text_original``), for one example line per proposal.
        lexicon: terms already in any lexicon (``in_lexicon`` marks them).
        min_similarity: drop proposals below this cosine.

    Returns:
        DataFrame with :data:`SIMILAR_COLUMNS`, most similar first; ``nearest_seed`` is the
        single seed term closest to the proposal. Empty (with the columns) when no seed term
        has a vector.
    """
    if vectors.empty:
        return pd.DataFrame(columns=SIMILAR_COLUMNS)
    terms = vectors["term"].astype(str).to_numpy()
    mat = vectors[[c for c in vectors.columns if c.startswith("d")]].to_numpy(np.float64)
    pos = {t: i for i, t in enumerate(terms)}
    seeds = [t for t in dict.fromkeys(seed_terms) if t in pos]
    if not seeds:
        return pd.DataFrame(columns=SIMILAR_COLUMNS)
    seed_vecs = mat[[pos[t] for t in seeds]]
    centroid = seed_vecs.mean(axis=0)
    centroid /= np.linalg.norm(centroid) or 1.0
    sims = mat @ centroid
    per_seed = mat @ seed_vecs.T
    order = [i for i in np.argsort(-sims, kind="stable") if terms[i] not in set(seeds)]
    order = [i for i in order if sims[i] >= min_similarity][:topn]
    out = pd.DataFrame(
        {
            "term": terms[order],
            "nearest_seed": [seeds[int(np.argmax(per_seed[i]))] for i in order],
            "similarity": sims[order],
            "freq": vectors["freq"].to_numpy()[order].astype(int),
        }
    )
    if units is not None:
        docs: dict[str, set] = {}
        wanted = set(out["term"])
        for uid, toks in zip(units.index.astype(str), units, strict=True):
            for t in set(toks) & wanted:
                docs.setdefault(t, set()).add(uid.split("#", 1)[0])
        out["doc_freq"] = out["term"].map(lambda t: len(docs.get(t, ()))).astype(int)
    else:
        out["doc_freq"] = pd.NA
    lex = set(lexicon)
    out["in_lexicon"] = out["term"].isin(lex)
    out["example"] = ""
    if paragraphs is not None and len(out):
        from analysis.measures.concordance import kwic

        examples = []
        for t in out["term"]:
            k = kwic(paragraphs, t, window=12)
            examples.append(
                f"[{k.iloc[0]['doc_id']}] {k.iloc[0]['left']}【{k.iloc[0]['match']}】{k.iloc[0]['right']}"
                if len(k)
                else ""
            )
        out["example"] = examples
    return out[SIMILAR_COLUMNS]
