"""Metadata-aware topics: tomotopy's Dirichlet-multinomial regression (DMR) topic model.

DMR (Mimno & McCallum 2008) lets a document's metadata label (e.g. its administrative level, or
a period) shift the Dirichlet prior of its topic shares: ``α_{label,k} = exp(λ_{label,k})``.
It is the topic-model-side alternative to regressing topic shares on metadata after the fit
(:func:`analysis.measures.effects.estimate_effects`); the notebook on inference compares the two.

    >>> result, prior = fit_dmr(units, labels, k=10, seed=1)
    >>> prior  # label, topic, lambda, alpha, alpha_share
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.topics.backends import prepare_bow
from analysis.topics.coherence import topic_metrics
from analysis.topics.result import TopicResult


def fit_dmr(
    units: pd.Series,
    labels: pd.Series,
    *,
    k: int,
    seed: int,
    iterations: int = 500,
    alpha: float = 0.1,
    eta: float = 0.01,
    sigma: float = 1.0,
    min_df: float = 2,
    max_df: float = 0.5,
) -> tuple[TopicResult, pd.DataFrame]:
    """Fit a DMR topic model whose prior depends on each unit's metadata label.

    Args:
        units: tokens per unit (``analysis.tokens.unit_tokens``).
        labels: metadata label per unit id (e.g. the document's ``level``); units without a
            label get ``"unknown"``.
        k: topics.
        seed: tomotopy seed (one worker: reproducible).
        iterations: Gibbs sweeps.
        alpha, eta, sigma: DMR priors (``sigma`` = prior sd of λ).
        min_df, max_df: vocabulary pruning as for :func:`analysis.topics.fit_topics`.

    Returns:
        ``(result, prior)``: a :class:`TopicResult` (backend ``"tomotopy-dmr"``) and
        DataFrame[label, topic, lambda, alpha, alpha_share] where ``alpha_share`` is the label's
        expected topic share under its prior (``α_k / Σ α``) — the metadata effect the model
        estimated.
    """
    from analysis.topics.engines import import_tomotopy

    tp = import_tomotopy()

    if k < 2:
        raise ValueError("k must be at least 2")
    bow = prepare_bow(units, min_df=min_df, max_df=max_df)
    lab = labels.copy()
    lab.index = lab.index.map(str)
    lab = lab.astype(object).where(lab.notna(), "unknown").astype(str)
    model = tp.DMRModel(
        k=k, alpha=alpha, eta=eta, sigma=sigma, seed=seed, min_cf=0, min_df=0, rm_top=0
    )
    for uid, text in zip(bow.unit_ids, bow.texts, strict=True):
        model.add_doc(text, metadata=str(lab.get(uid, "unknown")))
    model.train(0, workers=1)
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)
    pos = {w: i for i, w in enumerate(model.used_vocabs)}
    cols = np.array([pos.get(w, -1) for w in bow.vocab])
    raw = np.stack([model.get_topic_word_dist(t) for t in range(k)])
    topic_word = np.where(cols >= 0, raw[:, np.maximum(cols, 0)], raw.min(axis=1, keepdims=True))
    topic_word = topic_word / topic_word.sum(axis=1, keepdims=True)
    doc_topic = np.stack([d.get_topic_dist() for d in model.docs])
    doc_topic = doc_topic / doc_topic.sum(axis=1, keepdims=True)
    metrics = topic_metrics(topic_word, bow, top_n=10, measures=("npmi", "diversity"))
    result = TopicResult(
        backend="tomotopy-dmr",
        k=k,
        seed=seed,
        vocab=list(bow.vocab),
        unit_ids=list(bow.unit_ids),
        topic_word=topic_word,
        doc_topic=doc_topic,
        params={
            "backend": "tomotopy-dmr",
            "k": k,
            "seed": seed,
            "alpha": alpha,
            "eta": eta,
            "sigma": sigma,
            "iterations": iterations,
            "min_df": bow.min_df,
            "max_df": bow.max_df,
            "n_units": len(bow.unit_ids),
            "workers": 1,
            "tomotopy": tp.__version__,
        },
        metrics=metrics,
        term_freq=bow.term_freq.astype(np.float64),
        doc_lengths=bow.doc_lengths.astype(np.float64),
    )
    lam = np.asarray(model.lambdas)  # (k, n_labels)
    rows = []
    for j, label in enumerate(model.metadata_dict):
        a = np.exp(lam[:, j])
        for t in range(k):
            rows.append(
                {
                    "label": label,
                    "topic": t,
                    "lambda": float(lam[t, j]),
                    "alpha": float(a[t]),
                    "alpha_share": float(a[t] / a.sum()),
                }
            )
    prior = pd.DataFrame(rows).sort_values(["label", "topic"], ignore_index=True)
    return result, prior
