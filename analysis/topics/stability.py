"""Topic stability across seeds: refit, align by Hungarian matching, score each topic.

Topics of two runs are aligned by maximising total similarity with the Hungarian algorithm
(:func:`scipy.optimize.linear_sum_assignment`) on a topic-by-topic similarity matrix: cosine of
the topic-term distributions (default), 1 − Jensen–Shannon distance, or Jaccard overlap of the
top-``n`` terms. Each topic of the reference run (by default the first seed, i.e. the model one
publishes) gets the mean and minimum similarity of its matches in the other runs. A topic that
comes back in every run scores near 1; a topic that is an artefact of one seed scores low.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from scipy.spatial.distance import jensenshannon

from .backends import DEFAULT_BACKEND, fit_topics, prepare_bow
from .bow import Bow
from .result import TopicResult


def topic_similarity(
    a: np.ndarray, b: np.ndarray, *, metric: str = "cosine", top_n: int = 10
) -> np.ndarray:
    """Similarity of every topic of ``a`` (k_a, V) to every topic of ``b`` (k_b, V).

    Args:
        a, b: topic-term matrices over the same vocabulary.
        metric: ``"cosine"``, ``"jsd"`` (1 − Jensen–Shannon distance, base 2) or ``"jaccard"``
            (of top-``top_n`` term sets).
        top_n: top terms for ``"jaccard"``.

    Returns:
        (k_a, k_b) array with values in [0, 1].
    """
    if metric == "cosine":
        na = a / np.linalg.norm(a, axis=1, keepdims=True)
        nb = b / np.linalg.norm(b, axis=1, keepdims=True)
        return np.clip(na @ nb.T, 0.0, 1.0)
    if metric == "jsd":
        return np.array([[1.0 - jensenshannon(x, y, base=2) for y in b] for x in a])
    if metric == "jaccard":
        ta = [set(r) for r in np.argsort(-a, axis=1, kind="stable")[:, :top_n]]
        tb = [set(r) for r in np.argsort(-b, axis=1, kind="stable")[:, :top_n]]
        return np.array([[len(x & y) / len(x | y) for y in tb] for x in ta])
    raise ValueError(f"unknown metric {metric!r}")


def align_topics(
    reference: np.ndarray, other: np.ndarray, *, metric: str = "cosine", top_n: int = 10
) -> tuple[np.ndarray, np.ndarray]:
    """Match each reference topic to one topic of ``other`` (Hungarian algorithm).

    Returns:
        ``(match, similarity)``: ``match[i]`` is the topic of ``other`` aligned with reference
        topic i, ``similarity[i]`` their similarity. ``other[match]`` is ``other`` reordered
        into the reference's topic order.
    """
    sim = topic_similarity(reference, other, metric=metric, top_n=top_n)
    rows, cols = linear_sum_assignment(sim, maximize=True)
    match = np.empty(reference.shape[0], dtype=int)
    match[rows] = cols
    return match, sim[np.arange(len(match)), match]


def alignment_table(
    results: Sequence[TopicResult], *, reference: int = 0, top_n: int = 10
) -> pd.DataFrame:
    """Align every run with ``results[reference]``.

    Returns:
        DataFrame[seed, ref_topic, topic, cosine, jsd_sim, jaccard], one row per reference topic
        and other run.
    """
    ref = results[reference]
    rows = []
    for r in results:
        if r is ref:
            continue
        if r.vocab != ref.vocab:
            raise ValueError("runs must share one vocabulary (fit them on one Bow)")
        match, cos = align_topics(ref.topic_word, r.topic_word)
        other = r.topic_word[match]
        jac = np.diag(topic_similarity(ref.topic_word, other, metric="jaccard", top_n=top_n))
        jsd = [
            1.0 - jensenshannon(x, y, base=2) for x, y in zip(ref.topic_word, other, strict=True)
        ]
        for t in range(ref.k):
            rows.append((r.seed, t, int(match[t]), float(cos[t]), float(jsd[t]), float(jac[t])))
    return pd.DataFrame(
        rows, columns=["seed", "ref_topic", "topic", "cosine", "jsd_sim", "jaccard"]
    )


def stability_from_results(
    results: Sequence[TopicResult], *, reference: int = 0, top_n: int = 10
) -> pd.DataFrame:
    """Per-topic stability of ``results[reference]`` against the other runs.

    Returns:
        DataFrame[model, topic, top_terms, stability, min_cosine, mean_jaccard, mean_jsd_sim,
        n_runs] -- ``stability`` is the mean matched cosine similarity across the other runs.
        ``attrs["mean_stability"]`` is the mean over topics.
    """
    if len(results) < 2:
        raise ValueError("stability needs at least two runs")
    ref = results[reference]
    al = alignment_table(results, reference=reference, top_n=top_n)
    g = al.groupby("ref_topic")
    top = ref.top_term_ids(top_n)
    out = pd.DataFrame(
        {
            "model": ref.name,
            "topic": np.arange(ref.k),
            "top_terms": [" ".join(ref.vocab[j] for j in row) for row in top],
            "stability": g["cosine"].mean().to_numpy(),
            "min_cosine": g["cosine"].min().to_numpy(),
            "mean_jaccard": g["jaccard"].mean().to_numpy(),
            "mean_jsd_sim": g["jsd_sim"].mean().to_numpy(),
            "n_runs": len(results),
        }
    )
    out.attrs["mean_stability"] = float(out["stability"].mean())
    out.attrs["seeds"] = [r.seed for r in results]
    return out


def topic_stability(
    units: pd.Series | Mapping[str, Sequence[str]] | Bow,
    *,
    k: int,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    backend: str = DEFAULT_BACKEND,
    top_n: int = 10,
    min_df: float = 2,
    max_df: float = 0.5,
    **params,
) -> pd.DataFrame:
    """Refit K with every seed and score each topic of the first seed's model.

    Args:
        units: tokens per unit or a shared :class:`Bow`.
        k: number of topics (usually from :func:`~analysis.topics.select.choose_k`).
        seeds: seeds to fit; the first is the reference (the model you report).
        backend: topic-model backend.
        top_n: top terms for Jaccard overlap and the ``top_terms`` column.
        min_df, max_df: vocabulary pruning when ``units`` is not a Bow.
        **params: passed to :func:`~analysis.topics.fit_topics`.

    Returns:
        See :func:`stability_from_results`.
    """
    bow = prepare_bow(units, min_df=min_df, max_df=max_df)
    params.setdefault("measures", ())
    runs = [fit_topics(bow, k=k, backend=backend, seed=int(s), **params) for s in seeds]
    return stability_from_results(runs, top_n=top_n)
