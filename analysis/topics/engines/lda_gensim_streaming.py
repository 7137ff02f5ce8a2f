"""gensim online LDA, streamed: from a tokens Parquet source chunk by chunk (memory stays flat).

``fit_topics("run/tokens", backend="gensim-streaming", k=20, seed=1)`` reads the tokens of a
Parquet file or partition folder (as written by :mod:`analysis.scale.distributed`) with
:func:`analysis.scale.streaming.fit_streaming_lda`; on an in-memory bag of words it is gensim's
online variational Bayes in mini-batches. Same option names as every backend: ``k``, ``seed``,
``alpha``, ``eta``, ``iterations`` (passes over the corpus), ``min_df``, ``max_df``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from analysis.topics.bow import Bow

from . import TopicBackend
from .lda_gensim import fit as _fit_gensim


def fit(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=True):
    return _fit_gensim(
        bow, k=k, seed=seed, alpha=alpha, eta=eta, iterations=iterations,
        word_prior=word_prior, online=True,
    )  # fmt: skip


def fit_source(
    source: str | Path,
    *,
    k: int,
    seed: int = 0,
    alpha: float = 0.1,
    eta: float = 0.01,
    iterations: int | None = None,
    min_df: float = 2,
    max_df: float = 0.5,
    **kwargs: Any,
):
    """Fit from a tokens Parquet source; ``kwargs`` go to ``fit_streaming_lda`` (``unit``,
    ``chunksize``, ``skip_docs`` …)."""
    from analysis.scale.streaming import fit_streaming_lda

    return fit_streaming_lda(
        source, k=k, seed=seed, alpha=alpha, eta=eta,
        passes=iterations or SPEC.default_iterations, no_below=int(min_df), no_above=max_df,
        **kwargs,
    )  # fmt: skip


SPEC = TopicBackend(
    name="gensim-streaming",
    fit=fit,
    fit_source=fit_source,
    distribution="gensim",
    default_iterations=2,
    large_iterations=2,
    iterations_mean="passes over the corpus (online VB in mini-batches)",
    online=True,
    order=4,
)
