"""gensim LDA: variational Bayes (batch, or online with ``online=True``)."""

from __future__ import annotations

import contextlib
import logging

import numpy as np

from analysis.topics.bow import Bow

from . import ONLINE_CHUNK, TopicBackend, normalize


@contextlib.contextmanager
def _quiet(logger_name: str, level: int = logging.WARNING):
    """Raise a chatty library logger's level for the duration of a fit, then restore it."""
    logger = logging.getLogger(logger_name)
    old = logger.level
    logger.setLevel(max(level, old))
    try:
        yield
    finally:
        logger.setLevel(old)


def fit(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
    with _quiet("gensim"):
        return _fit_gensim_inner(
            bow, k=k, seed=seed, alpha=alpha, eta=eta, iterations=iterations,
            word_prior=word_prior, online=online,
        )  # fmt: skip


def _fit_gensim_inner(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online):
    from gensim.models import LdaModel

    counts = bow.counts.tocsr()
    corpus = [
        list(zip(counts.indices[a:b].tolist(), counts.data[a:b].tolist(), strict=True))
        for a, b in zip(counts.indptr[:-1], counts.indptr[1:], strict=True)
    ]
    model = LdaModel(
        corpus=None,
        num_topics=k,
        id2word=dict(enumerate(bow.vocab)),
        alpha=np.full(k, alpha),
        eta=eta if word_prior is None else word_prior,
        passes=iterations,
        iterations=100,
        update_every=1 if online else 0,
        chunksize=ONLINE_CHUNK if online else max(1, len(corpus)),
        eval_every=None,
        random_state=seed,
        dtype=np.float64,
    )
    if word_prior is not None:
        # variational VB starts from random sufficient statistics everywhere, which a tiny
        # prior alone cannot undo; start seeded terms with no mass on topics they are barred from
        model.state.sstats[word_prior < eta] = 0.0
        model.sync_state()
    model.update(corpus)
    gamma, _ = model.inference(corpus)
    return normalize(model.get_topics()), normalize(gamma)


SPEC = TopicBackend(
    name="gensim",
    fit=fit,
    distribution="gensim",
    default_iterations=50,
    large_iterations=3,
    iterations_mean="passes over the corpus",
    online=True,
    order=2,
)
