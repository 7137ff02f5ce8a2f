"""LDA with gensim, scikit-learn and tomotopy behind one interface, :func:`fit_topics`.

Every backend is fitted on the same :class:`~analysis.topics.bow.Bow` with the same symmetric
priors (``alpha`` on unit-topic, ``eta`` on topic-term), one worker thread and an explicit seed,
and returns a :class:`~analysis.topics.result.TopicResult`. Metrics are computed afterwards by
:mod:`analysis.topics.coherence`, identically for every backend.

Inference differs by backend (this is the point of offering three): gensim and scikit-learn use
variational Bayes (batch mode here: every pass sees all units), tomotopy uses collapsed Gibbs
sampling. ``iterations`` means passes over the corpus for gensim, EM iterations for
scikit-learn and Gibbs sweeps for tomotopy; defaults in :data:`DEFAULT_ITERATIONS`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .bow import Bow, build_bow, split_units
from .coherence import fold_in, heldout_perplexity, topic_metrics
from .result import TopicResult

log = logging.getLogger(__name__)

BACKENDS = ("tomotopy", "gensim", "sklearn")
DEFAULT_BACKEND = "tomotopy"
DEFAULT_ITERATIONS = {"tomotopy": 1000, "gensim": 50, "sklearn": 50}
DEFAULT_ALPHA = 0.1
DEFAULT_ETA = 0.01
ONLINE_CHUNK = 2000


def _normalize(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    a = np.maximum(a, 0.0)
    s = a.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return a / s


def _fit_sklearn(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
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
    return _normalize(model.components_), _normalize(doc_topic)


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


def _fit_gensim(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
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
    return _normalize(model.get_topics()), _normalize(gamma)


def _fit_tomotopy(bow: Bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
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
    return _normalize(topic_word), _normalize(doc_topic)


_FITTERS = {"sklearn": _fit_sklearn, "gensim": _fit_gensim, "tomotopy": _fit_tomotopy}
_DISTRIBUTIONS = {"sklearn": "scikit-learn", "gensim": "gensim", "tomotopy": "tomotopy"}


def _provenance(backend: str) -> dict[str, str]:
    """Library version (and tomotopy's SIMD build) behind a fit, for the params record.

    tomotopy picks a SIMD instruction set at import (``tomotopy.isa``; pin it with the
    ``TOMOTOPY_ISA`` environment variable). Results are identical for the same tokens and seed
    on one machine; a different instruction set can change floating-point sums and hence the
    sampled topics, so the set is recorded.
    """
    from importlib import metadata

    out = {"library_version": metadata.version(_DISTRIBUTIONS[backend])}
    if backend == "tomotopy":
        import tomotopy as tp

        out["tomotopy_isa"] = str(tp.isa)
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
) -> TopicResult:
    """Fit LDA with one backend and return a backend-independent result.

    Args:
        units: tokens per unit (``pd.Series`` of ``list[str]`` indexed by unit id, as from
            ``analysis.text.tokens.unit_tokens``), or a prebuilt :class:`Bow` to share between
            fits (then ``min_df``/``max_df`` are ignored).
        k: number of topics.
        backend: ``"tomotopy"`` (default, see the benchmark), ``"gensim"`` or ``"sklearn"``.
        seed: random seed; with one worker the same tokens and seed give identical results.
        alpha: symmetric Dirichlet prior on unit-topic shares (same for all backends).
        eta: symmetric Dirichlet prior on topic-term distributions.
        iterations: passes (gensim), EM iterations (sklearn) or Gibbs sweeps (tomotopy);
            None uses :data:`DEFAULT_ITERATIONS`.
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

    Returns:
        :class:`TopicResult` whose ``doc_topic`` rows follow ``bow.unit_ids`` (units left empty
        by pruning are dropped) and whose ``params`` hold every setting above.
    """
    if backend not in _FITTERS:
        raise ValueError(f"unknown backend {backend!r}; choose from {BACKENDS}")
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
    t0 = time.perf_counter()
    topic_word, theta_train = _FITTERS[backend](
        train, k=k, seed=seed, alpha=alpha, eta=eta, iterations=iterations,
        word_prior=word_prior, online=online,
    )  # fmt: skip
    fit_seconds = time.perf_counter() - t0
    doc_topic = np.zeros((len(bow.unit_ids), k))
    doc_topic[train_idx] = theta_train
    metrics: dict = {"perplexity": float("nan"), "fit_seconds": fit_seconds}
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
        "min_df": bow.min_df,
        "max_df": bow.max_df,
        "n_units": len(bow.unit_ids),
        "n_terms": len(bow.vocab),
        "n_dropped_empty": len(bow.dropped),
        "holdout": holdout,
        "split_seed": split_seed,
        "top_n": top_n,
        "workers": 1,
        "online": online and backend != "tomotopy",
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
