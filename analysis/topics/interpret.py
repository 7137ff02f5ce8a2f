"""Reading topics: LDAvis relevance ranking and the most representative paragraphs."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .result import TopicResult


def term_relevance(result: TopicResult, *, lambda_: float = 0.6) -> np.ndarray:
    """LDAvis relevance (Sievert & Shirley 2014), shape (k, V).

    ``r(w, k | λ) = λ log φ_kw + (1 − λ) log(φ_kw / p_w)``, with ``p_w`` the corpus share of
    term w. λ = 1 ranks by probability within the topic; λ = 0 by lift (distinctiveness); the
    authors' user study found λ ≈ 0.6 best for interpretation.
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError("lambda_ must be in [0, 1]")
    phi = np.maximum(result.topic_word, 1e-300)
    if result.term_freq is not None and result.term_freq.sum() > 0:
        pw = result.term_freq / result.term_freq.sum()
    else:
        pw = (result.topic_word * result.prevalence()[:, None]).sum(axis=0)
    pw = np.maximum(pw, 1e-300)
    return lambda_ * np.log(phi) + (1.0 - lambda_) * np.log(phi / pw)


def topic_terms(result: TopicResult, n: int = 10, lambda_: float = 0.6) -> pd.DataFrame:
    """Top ``n`` terms of each topic ranked by LDAvis relevance.

    Args:
        result: a fitted :class:`TopicResult`.
        n: terms per topic.
        lambda_: relevance weight λ in [0, 1] (1 = plain probability ranking).

    Returns:
        DataFrame[topic, rank, term, weight, relevance] -- ``rank`` starts at 1, ``weight`` is
        P(term | topic), ``relevance`` the LDAvis score; ties broken by term index.
    """
    rel = term_relevance(result, lambda_=lambda_)
    order = np.argsort(-rel, axis=1, kind="stable")[:, :n]
    rows = [
        (t, r + 1, result.vocab[j], float(result.topic_word[t, j]), float(rel[t, j]))
        for t in range(result.k)
        for r, j in enumerate(order[t])
    ]
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight", "relevance"])


def _unit_text(paragraphs: pd.DataFrame) -> pd.Series:
    """``text_original`` (or ``text``) per unit id, for both paragraph and document units."""
    col = "text_original" if "text_original" in paragraphs.columns else "text"
    doc = paragraphs["doc_id"].astype(str)
    para_ids = doc + "#" + paragraphs["para_id"].astype(int).astype(str)
    by_para = pd.Series(paragraphs[col].to_numpy(), index=para_ids)
    by_doc = paragraphs.groupby(doc, sort=False)[col].agg("\n".join)
    return pd.concat([by_para, by_doc[~by_doc.index.isin(by_para.index)]])


def representative_units(
    result: TopicResult,
    paragraphs: pd.DataFrame,
    n: int = 3,
    *,
    min_tokens: int = 5,
    max_chars: int | None = None,
    skip_kinds: tuple[str, ...] = ("title", "heading", "subheading"),
) -> pd.DataFrame:
    """The units most representative of each topic, quoted in the original script.

    A unit's score for topic k is its share θ_dk; units with fewer than ``min_tokens``
    in-vocabulary tokens are skipped (a 2-word heading at θ = 0.99 represents nothing), and so
    are paragraphs whose ``kind`` is in ``skip_kinds`` (bare titles and headings).

    Args:
        result: fitted model over paragraph units (``"{doc_id}#{para_id}"``) or documents.
        paragraphs: the corpus paragraphs table (``doc_id, para_id, text_original``).
        n: units per topic.
        min_tokens: minimum in-vocabulary tokens for a unit to be quoted.
        skip_kinds: paragraph kinds never quoted (when ``paragraphs`` has a ``kind`` column).
        max_chars: truncate quoted text to this many characters (None: full text).

    Returns:
        DataFrame[model, topic, rank, unit_id, doc_id, para_id, weight, text_original] --
        ``para_id`` is <NA> for document units.
    """
    texts = _unit_text(paragraphs)
    lengths = (
        result.doc_lengths
        if result.doc_lengths is not None
        else np.full(len(result.unit_ids), np.inf)
    )
    eligible = lengths >= min_tokens
    if "kind" in paragraphs and skip_kinds:
        bare = paragraphs.loc[paragraphs["kind"].isin(skip_kinds), ["doc_id", "para_id"]]
        bare_ids = set(bare["doc_id"].astype(str) + "#" + bare["para_id"].astype(str))
        eligible &= np.array([u not in bare_ids for u in result.unit_ids])
    if not eligible.any():
        eligible[:] = True
    rows = []
    for t in range(result.k):
        score = np.where(eligible, result.doc_topic[:, t], -1.0)
        order = np.argsort(-score, kind="stable")[:n]
        for rank, i in enumerate(order, start=1):
            uid = result.unit_ids[i]
            doc_id, _, para = uid.partition("#")
            text = str(texts.get(uid, ""))
            if max_chars is not None and len(text) > max_chars:
                text = text[:max_chars] + "…"
            rows.append(
                (
                    result.name,
                    t,
                    rank,
                    uid,
                    doc_id,
                    int(para) if para else pd.NA,
                    float(result.doc_topic[i, t]),
                    text,
                )
            )
    cols = ["model", "topic", "rank", "unit_id", "doc_id", "para_id", "weight", "text_original"]
    out = pd.DataFrame(rows, columns=cols)
    out["para_id"] = out["para_id"].astype("Int64")
    return out


def word_intrusion(
    result: TopicResult, *, n_top: int = 5, seed: int = 0, top_other: int = 10
) -> pd.DataFrame:
    """Word-intrusion items for human validation of topics (Chang et al. 2009).

    For each topic: its ``n_top`` most probable terms plus one *intruder* -- a term among the
    top ``top_other`` of another topic that is in the least probable half of this topic -- in
    a seeded random order. Coders who find the intruder easily confirm a coherent topic.

    Returns:
        DataFrame[model, topic, item, words, intruder] -- ``words`` is a space-separated list of
        ``n_top + 1`` terms to show; ``intruder`` the answer key (keep it from the coders).
    """
    rng = np.random.default_rng(seed)
    top = result.top_term_ids(max(n_top, top_other))
    median = np.median(result.topic_word, axis=1)
    rows = []
    for t in range(result.k):
        own = list(top[t, :n_top])
        pool = sorted(
            {int(j) for o in range(result.k) if o != t for j in top[o, :top_other]}
            - set(top[t, :top_other].tolist())
        )
        pool = [j for j in pool if result.topic_word[t, j] <= median[t]]
        if not pool:
            continue
        intruder = int(rng.choice(pool))
        shown = [result.vocab[j] for j in rng.permutation([*own, intruder])]
        rows.append((result.name, t, t + 1, " ".join(shown), result.vocab[intruder]))
    return pd.DataFrame(rows, columns=["model", "topic", "item", "words", "intruder"])
