"""scikit-learn LDA: variational Bayes (batch, or online with ``online=True``)."""

from __future__ import annotations

import numpy as np

from analysis.topics.bow import Bow

from . import ONLINE_CHUNK, TopicBackend, normalize


def fit(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
    from sklearn.decomposition import LatentDirichletAllocation

    if word_prior is not None:
        raise ValueError("scikit-learn LDA has no per-word priors; use gensim or tomotopy")
    model = LatentDirichletAllocation(
        n_components=k,
        doc_topic_prior=alpha,
        topic_word_prior=eta,
        learning_method="online" if online else "batch",
        batch_size=ONLINE_CHUNK,
        learning_offset=10.0,
        max_iter=iterations,
        random_state=seed,
        evaluate_every=-1,
        n_jobs=1,
    )
    doc_topic = model.fit_transform(bow.counts.astype(np.float64))
    return normalize(model.components_), normalize(doc_topic)


SPEC = TopicBackend(
    name="sklearn",
    fit=fit,
    distribution="scikit-learn",
    default_iterations=50,
    large_iterations=3,
    iterations_mean="EM iterations (passes over the corpus)",
    word_prior=False,
    online=True,
    order=3,
)
