"""tomotopy LDA: collapsed Gibbs sampling (the default backend)."""

from __future__ import annotations

import numpy as np

from analysis.topics.bow import Bow

from . import TopicBackend, normalize


def fit(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
    import tomotopy as tp

    model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=seed, min_cf=0, min_df=0, rm_top=0)
    for text in bow.texts:
        model.add_doc(text)
    if word_prior is not None:
        for j in np.flatnonzero((word_prior != eta).any(axis=0)):
            model.set_word_prior(bow.vocab[j], [float(v) for v in word_prior[:, j]])
    model.train(0, workers=1)  # initialise, so burn-in below is counted in `iterations`
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)
    pos = {w: i for i, w in enumerate(model.used_vocabs)}
    cols = np.array([pos.get(w, -1) for w in bow.vocab])
    raw = np.stack([model.get_topic_word_dist(t) for t in range(k)])
    topic_word = np.where(cols >= 0, raw[:, np.maximum(cols, 0)], 0.0)
    if (cols < 0).any():  # terms absent from the training units: prior mass only
        topic_word[:, cols < 0] = raw.min(axis=1, keepdims=True)
    doc_topic = np.stack([d.get_topic_dist() for d in model.docs])
    return normalize(topic_word), normalize(doc_topic)


def provenance() -> dict[str, str]:
    """tomotopy picks a SIMD instruction set at import (``tomotopy.isa``; pin it with the
    ``TOMOTOPY_ISA`` environment variable). Results are identical for the same tokens and seed
    on one machine; a different instruction set can change floating-point sums and hence the
    sampled topics, so the set is recorded."""
    import tomotopy as tp

    return {"tomotopy_isa": str(tp.isa)}


SPEC = TopicBackend(
    name="tomotopy",
    fit=fit,
    distribution="tomotopy",
    default_iterations=1000,
    large_iterations=200,
    iterations_mean="Gibbs sweeps",
    order=1,
    provenance=provenance,
)
