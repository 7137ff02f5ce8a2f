"""Topic-model backends: one file each, one :class:`TopicBackend` spec per file.

A backend is a module of this package that defines ``SPEC = TopicBackend(...)``: its name, the
function that fits LDA on a :class:`~analysis.topics.bow.Bow`, the library whose version is
recorded, and its default and large-corpus iterations. :func:`discover` collects them (no list to
edit); :func:`analysis.topics.fit_topics`, the topic cache (through the source of this package),
the manifest (library versions) and ``python -m analysis bench topics`` read the specs.

To add a backend, add one file here, e.g. ``lda_mylib.py``::

    from analysis.topics.engines import TopicBackend, normalize

    def fit(bow, *, k, seed, alpha, eta, iterations, word_prior, online):
        ...                                   # fit on bow.counts / bow.texts
        return normalize(topic_word), normalize(doc_topic)   # (k, V), (n_units, k)

    SPEC = TopicBackend(name="mylib", fit=fit, distribution="mylib",
                        default_iterations=100, large_iterations=20)
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

ONLINE_CHUNK = 2000  # units per online update (gensim, scikit-learn online VB)


@dataclass(frozen=True)
class TopicBackend:
    """One topic-model backend.

    Attributes:
        name: backend name (``fit_topics(backend=name)``).
        fit: ``(bow, *, k, seed, alpha, eta, iterations, word_prior, online) -> (topic_word,
            doc_topic)``, both row-normalised NumPy arrays; ``word_prior`` is a (k, V) prior
            matrix or None; ``online`` asks for online updates where the backend has them.
        distribution: PyPI distribution whose version is recorded with every fit.
        default_iterations: what ``iterations=None`` means (passes, EM iterations or sweeps).
        large_iterations: iterations per fit on a large corpus (the topic pipeline and the
            benchmark use it above ``MAX_SWEEP_UNITS`` units).
        iterations_mean: what one iteration is for this backend (documentation).
        word_prior: supports per-topic word priors (seeded topics).
        online: supports online (mini-batch) updates.
        order: position in :data:`analysis.topics.BACKENDS` (lower first).
        provenance: optional ``() -> dict`` of extra build facts recorded with a fit.
        fit_source: optional ``(source, *, k, seed, alpha, eta, iterations, min_df, max_df,
            **kw) -> TopicResult`` fitting straight from a tokens Parquet source (streaming).
    """

    name: str
    fit: Callable[..., tuple[np.ndarray, np.ndarray]]
    distribution: str
    default_iterations: int
    large_iterations: int
    iterations_mean: str = "iterations"
    word_prior: bool = True
    online: bool = False
    order: int = 100
    provenance: Callable[[], dict[str, Any]] | None = None
    fit_source: Callable[..., Any] | None = None


def normalize(a: np.ndarray) -> np.ndarray:
    """Rows clipped at 0 and scaled to sum to 1 (all-zero rows stay 0)."""
    a = np.asarray(a, dtype=np.float64)
    a = np.maximum(a, 0.0)
    s = a.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return a / s


@functools.lru_cache(maxsize=1)
def discover() -> dict[str, TopicBackend]:
    """Every backend of this package, by name, in ``order``."""
    specs = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = getattr(module, "SPEC", None)
        if isinstance(spec, TopicBackend):
            specs.append(spec)
    return {s.name: s for s in sorted(specs, key=lambda s: (s.order, s.name))}
