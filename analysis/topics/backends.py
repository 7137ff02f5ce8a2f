"""LDA with gensim, scikit-learn and tomotopy behind one interface, :func:`fit_topics`.

Every backend is fitted on the same :class:`~analysis.topics.bow.Bow` with the same symmetric
priors (``alpha`` on unit-topic, ``eta`` on topic-term; tomotopy by default re-estimates an
asymmetric ``alpha`` while sampling, see ``learn_alpha``), one worker thread and an explicit seed,
and returns a :class:`~analysis.topics.result.TopicResult`. Metrics are computed afterwards by
:mod:`analysis.topics.coherence`, identically for every backend.

Inference differs by backend (this is the point of offering three): gensim and scikit-learn use
variational Bayes (batch mode here: every pass sees all units), tomotopy uses collapsed Gibbs
sampling. ``iterations`` means passes over the corpus for gensim, EM iterations for
scikit-learn and Gibbs sweeps for tomotopy; defaults in :data:`DEFAULT_ITERATIONS`. Each backend
is one spec (:class:`~analysis.topics.engines.TopicBackend`) in one file of
:mod:`analysis.topics.engines`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import hashing

from .bow import Bow, build_bow, split_units
from .coherence import fold_in, heldout_perplexity, topic_metrics
from .engines import Convergence, TopicBackend, as_convergence, discover
from .result import TopicResult

log = logging.getLogger(__name__)

#: every backend spec, by name (one file each in :mod:`analysis.topics.engines`).
BACKEND_SPECS: dict[str, TopicBackend] = discover()
BACKENDS: tuple[str, ...] = tuple(BACKEND_SPECS)
DEFAULT_BACKEND = "tomotopy"
DEFAULT_ITERATIONS = {name: spec.default_iterations for name, spec in BACKEND_SPECS.items()}
DEFAULT_ALPHA = 0.1
DEFAULT_ETA = 0.01


def _provenance(backend: str) -> dict[str, str]:
    """Library version (and build facts such as tomotopy's SIMD set) behind a fit."""
    spec = BACKEND_SPECS[backend]
    out = {"library_version": hashing.library_version(spec.distribution)}
    if spec.provenance is not None:
        out.update(spec.provenance())
    return out


def prepare_bow(units: pd.Series | Mapping | Bow, *, min_df=2, max_df=0.5) -> Bow:
    """Return ``units`` as a :class:`Bow` (built with the given pruning unless it is one)."""
    return units if isinstance(units, Bow) else build_bow(units, min_df=min_df, max_df=max_df)


def fit_topics(
    units: pd.Series | Mapping[str, Sequence[str]] | Bow,
    *,
    k: int,
    backend: str = DEFAULT_BACKEND,
    seed: int = 0,
    alpha: float = DEFAULT_ALPHA,
    eta: float = DEFAULT_ETA,
    iterations: int | None = None,
    min_df: float = 2,
    max_df: float = 0.5,
    holdout: float = 0.0,
    split_seed: int = 0,
    top_n: int = 10,
    measures: Sequence[str] = ("npmi", "c_v", "u_mass", "diversity"),
    word_prior: np.ndarray | None = None,
    topic_labels: list[str] | None = None,
    online: bool = False,
    convergence: Convergence | Mapping | bool | None = None,
    learn_alpha: bool = True,
) -> TopicResult:
    """Fit LDA with one backend and return a backend-independent result.

    Args:
        units: tokens per unit (``pd.Series`` of ``list[str]`` indexed by unit id, as from
            ``analysis.text.tokens.unit_tokens``), or a prebuilt :class:`Bow` to share between
            fits (then ``min_df``/``max_df`` are ignored), or — for a backend that streams
            (``"gensim-streaming"``) — a tokens Parquet file or partition folder.
        k: number of topics.
        backend: a name of :data:`BACKENDS` (``"tomotopy"`` by default, see the benchmark;
            ``"gensim"``, ``"sklearn"``, ``"gensim-streaming"``); one spec file each in
            :mod:`analysis.topics.engines`.
        seed: random seed; with one worker the same tokens and seed give identical results.
        alpha: symmetric Dirichlet prior on unit-topic shares (same for all backends).
        eta: symmetric Dirichlet prior on topic-term distributions.
        iterations: passes (gensim), EM iterations (sklearn) or Gibbs sweeps (tomotopy);
            None uses :data:`DEFAULT_ITERATIONS`. With a ``convergence`` rule this is the
            maximum.
        min_df, max_df: vocabulary pruning, see :func:`analysis.topics.bow.build_bow`.
        holdout: share of units held out from fitting (split by ``split_seed``, the same for
            every backend, K and seed); their topic shares are folded in
            (:func:`~analysis.topics.coherence.fold_in`) and ``metrics["perplexity"]`` is their
            document-completion perplexity. 0 fits all units and reports perplexity as NaN.
        split_seed: seed of the held-out split and of the completion halves.
        top_n: top terms per topic scored by the coherence measures.
        measures: coherence/diversity measures to compute (empty for none).
        word_prior: optional (k, V) matrix of per-topic term priors replacing ``eta``
            (gensim, tomotopy); see :func:`analysis.topics.seeded.fit_seeded_topics`.
        topic_labels: optional topic names stored on the result.
        online: gensim and scikit-learn only: online variational Bayes (Hoffman et al. 2010)
            in mini-batches of :data:`ONLINE_CHUNK` units, ``iterations`` = passes; the usual
            choice for large corpora. Default: batch VB (every pass sees all units).
        convergence: stopping rule for backends that support one (tomotopy): ``None``
            (default; also ``False``) runs exactly ``iterations``; a
            :class:`~analysis.topics.engines.Convergence`, a mapping of its fields, or ``True``
            (:data:`~analysis.topics.engines.DEFAULT_CONVERGENCE`: stop when log-likelihood per
            word changes by less than 0.5 % over 10 sweeps, after at least 20) stops earlier
            once converged, ``iterations`` being the maximum. The topic pipeline uses the
            backend's ``large_convergence`` on a large corpus. ``params`` record ``stopping``
            (the rule in words) and ``iterations_run``; ``metrics["ll_per_word"]`` the final
            log-likelihood per word (NaN for backends without one).
        learn_alpha: backends that can (tomotopy): re-estimate an asymmetric ``alpha`` from
            the data while sampling (tomotopy's default, every 10 sweeps; ``alpha`` is then
            only the starting value) — True by default; False keeps the symmetric ``alpha``
            fixed, as gensim and scikit-learn do here. The topic pipeline passes the backend's
            ``large_learn_alpha`` (False) on a large corpus: on the 874 reports the
            re-estimation costs a quarter of the sampling time (see the README, "When Gibbs
            sampling stops"). ``params["learn_alpha"]`` records what was done.

    Returns:
        :class:`TopicResult` whose ``doc_topic`` rows follow ``bow.unit_ids`` (units left empty
        by pruning are dropped) and whose ``params`` hold every setting above.
    """
    if backend not in BACKEND_SPECS:
        raise ValueError(f"unknown backend {backend!r}; choose from {BACKENDS}")
    spec = BACKEND_SPECS[backend]
    if isinstance(units, str | Path):  # a tokens Parquet source: backends that stream it
        if spec.fit_source is None:
            raise ValueError(f"backend {backend!r} needs tokens in memory, not {units}")
        return spec.fit_source(
            units, k=k, seed=seed, alpha=alpha, eta=eta, iterations=iterations,
            min_df=min_df, max_df=max_df,
        )  # fmt: skip
    if k < 2:
        raise ValueError("k must be at least 2")
    bow = prepare_bow(units, min_df=min_df, max_df=max_df)
    iterations = iterations or DEFAULT_ITERATIONS[backend]
    train_idx, out_idx = split_units(len(bow.unit_ids), share=holdout, seed=split_seed)
    train = bow.subset(train_idx) if out_idx.size else bow
    if word_prior is not None:
        word_prior = np.asarray(word_prior, dtype=np.float64)
        if word_prior.shape != (k, len(bow.vocab)):
            raise ValueError(f"word_prior must have shape {(k, len(bow.vocab))}")
    rule = as_convergence(convergence) if spec.convergence else None
    extra = {"convergence": rule} if spec.convergence else {}
    if spec.learn_alpha:
        extra["learn_alpha"] = bool(learn_alpha)
    t0 = time.perf_counter()
    fitted = spec.fit(
        train, k=k, seed=seed, alpha=alpha, eta=eta, iterations=iterations,
        word_prior=word_prior, online=online, **extra,
    )  # fmt: skip
    fit_seconds = time.perf_counter() - t0
    topic_word, theta_train = fitted[0], fitted[1]
    info = fitted[2] if len(fitted) > 2 else {}
    doc_topic = np.zeros((len(bow.unit_ids), k))
    doc_topic[train_idx] = theta_train
    metrics: dict = {
        "perplexity": float("nan"),
        "fit_seconds": fit_seconds,
        "ll_per_word": info.get("ll_per_word", float("nan")),
    }
    if out_idx.size:
        held = bow.subset(out_idx)
        doc_topic[out_idx] = fold_in(topic_word, held.counts, alpha=alpha)
        metrics["perplexity"] = heldout_perplexity(topic_word, held, seed=split_seed, alpha=alpha)
    if measures:
        metrics.update(topic_metrics(topic_word, bow, top_n=top_n, measures=measures))
    params = {
        "backend": backend,
        "k": k,
        "seed": seed,
        "alpha": alpha,
        "eta": eta if word_prior is None else "word_prior",
        "iterations": iterations,
        "iterations_run": int(info.get("iterations_run", iterations)),
        "stopping": rule.describe(iterations) if rule is not None else f"fixed {iterations}",
        "min_df": bow.min_df,
        "max_df": bow.max_df,
        "n_units": len(bow.unit_ids),
        "n_terms": len(bow.vocab),
        "n_dropped_empty": len(bow.dropped),
        "holdout": holdout,
        "split_seed": split_seed,
        "top_n": top_n,
        "workers": 1,
        "online": online and spec.online,
        "learn_alpha": bool(learn_alpha) and spec.learn_alpha,
        **_provenance(backend),
    }
    log.debug("fitted %s k=%d seed=%d in %.2fs", backend, k, seed, fit_seconds)
    return TopicResult(
        backend=backend,
        k=k,
        seed=seed,
        vocab=list(bow.vocab),
        unit_ids=list(bow.unit_ids),
        topic_word=topic_word,
        doc_topic=doc_topic,
        params=params,
        metrics=metrics,
        term_freq=bow.term_freq.astype(np.float64),
        doc_lengths=bow.doc_lengths.astype(np.float64),
        topic_labels=topic_labels,
    )
