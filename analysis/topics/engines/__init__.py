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
import logging
import os
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

ONLINE_CHUNK = 2000  # units per online update (gensim, scikit-learn online VB)

#: tomotopy ships one build per instruction set and picks the widest the CPU has, unless the
#: environment variable ``TOMOTOPY_ISA`` names one. The builds do not sample identically (measured:
#: data/raw's seeded topics differ between its AVX-512 and AVX2 builds, though its plain LDA fits
#: agree), so the same seed would give other tables on a newer CPU. :func:`import_tomotopy` asks
#: for AVX2 (most x86-64 CPUs since 2013, and the build the committed outputs were made with),
#: falling back to SSE2, then none, where the CPU lacks it. Set ``TOMOTOPY_ISA`` yourself (before
#: the first import) to choose another.
TOMOTOPY_ISA = "avx2,sse2,none"

log = logging.getLogger(__name__)


def import_tomotopy():
    """The ``tomotopy`` module, with its instruction-set build fixed (:data:`TOMOTOPY_ISA`).

    Import tomotopy through this function: the choice is made once per process, at the first
    import, from the environment. If tomotopy was imported before (by the caller) or the CPU
    lacks AVX2, the build in use is logged once as a warning: fits are then reproducible on
    that build but may differ from tables made with the AVX2 one.
    """
    os.environ.setdefault("TOMOTOPY_ISA", TOMOTOPY_ISA)
    import tomotopy

    _warn_isa(tomotopy.isa)
    return tomotopy


@functools.lru_cache(maxsize=1)
def _warn_isa(isa: str) -> None:
    if isa != TOMOTOPY_ISA.split(",")[0]:
        log.warning(
            "tomotopy runs its %r build (TOMOTOPY_ISA=%r): its fits are reproducible on this "
            "build but can differ from tables made with the %r build",
            isa, os.environ.get("TOMOTOPY_ISA", ""), TOMOTOPY_ISA.split(",")[0],
        )  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class Convergence:
    """When an iterative fit may stop before its maximum number of iterations.

    The fit runs in blocks of ``every`` iterations (Gibbs sweeps for tomotopy); after each
    block, from ``min_iterations`` on, it computes the log-likelihood per word ``ll`` and stops
    when ``|ll - ll_prev| / |ll_prev| < tol``, ``ll_prev`` being the value one block earlier.
    ``iterations`` (the fit's argument) stays the maximum. Sampling is not changed: a fit
    stopped after ``s`` sweeps is exactly the fit run for ``s`` sweeps with the same seed, so
    results stay deterministic.

    Attributes:
        tol: relative change of log-likelihood per word over one block below which the fit stops.
        every: iterations per block (the check interval).
        min_iterations: never stop before this many iterations.
    """

    tol: float = 5e-3
    every: int = 10
    min_iterations: int = 20

    def __post_init__(self) -> None:
        if not self.tol > 0 or self.every < 1 or self.min_iterations < 0:
            raise ValueError(f"invalid convergence rule {self}")

    def reads(self, done: int) -> bool:
        """Is the log-likelihood read after ``done`` iterations (from the block before
        ``min_iterations`` on, so the first check has a value to compare with)?"""
        return done + self.every >= self.min_iterations

    def stops(self, done: int, ll: float, previous: float | None) -> bool:
        """Does the fit stop after ``done`` iterations, at log-likelihood per word ``ll``,
        ``previous`` being the value one block earlier (None: not read)?"""
        return (
            previous is not None
            and done >= self.min_iterations
            and abs(ll - previous) < self.tol * abs(previous)
        )

    def describe(self, max_iterations: int) -> str:
        """One line for tables and notes, e.g. ``ll/word rel. change < 0.005 per 10 sweeps``."""
        return (
            f"stop when log-likelihood/word changes < {self.tol:g} (relative) over "
            f"{self.every} iterations; min {self.min_iterations}, max {max_iterations}"
        )


#: the default stopping rule of backends that support one (see :class:`Convergence` and the
#: README's topic section for what it changes against fixed sweeps).
DEFAULT_CONVERGENCE = Convergence()


def as_convergence(value: Convergence | Mapping[str, Any] | bool | None) -> Convergence | None:
    """``None``/``False``: fixed iterations; ``True``: the default rule; a mapping: its fields."""
    if value is None or value is False:
        return None
    if value is True:
        return DEFAULT_CONVERGENCE
    if isinstance(value, Convergence):
        return value
    if isinstance(value, Mapping):
        return Convergence(**dict(value))
    raise TypeError(f"convergence must be a Convergence, a mapping, True/False or None: {value!r}")


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
        convergence: the fit takes ``convergence=`` (a :class:`Convergence` or None) and
            returns a third element, a dict with ``iterations_run`` and ``ll_per_word``.
        large_convergence: the stopping rule of the fits on a large corpus (the topic
            pipeline above ``MAX_SWEEP_UNITS`` units and ``python -m analysis bench speed``),
            with ``large_iterations`` as the maximum; None = always ``large_iterations``.
        learn_alpha: the fit takes ``learn_alpha=`` (bool): re-estimate an asymmetric
            ``alpha`` from the data while fitting (True) or keep the symmetric ``alpha`` fixed.
        large_learn_alpha: ``learn_alpha`` of the fits on a large corpus (as
            ``large_convergence``).
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
    convergence: bool = False
    large_convergence: Convergence | None = None
    learn_alpha: bool = False
    large_learn_alpha: bool = False


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
