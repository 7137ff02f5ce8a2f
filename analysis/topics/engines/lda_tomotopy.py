"""tomotopy LDA: collapsed Gibbs sampling (the default backend)."""

from __future__ import annotations

import numpy as np

from analysis.topics.bow import Bow

from . import DEFAULT_CONVERGENCE, Convergence, TopicBackend, import_tomotopy, normalize


def train(model, iterations: int, convergence: Convergence | None) -> int:
    """Gibbs sweeps on an initialised tomotopy model; returns the number run.

    Without ``convergence``: exactly ``iterations``. With it: blocks of ``convergence.every``
    sweeps until the relative change of log-likelihood per word over one block falls below
    ``convergence.tol`` (checked from ``min_iterations`` on) or ``iterations`` is reached.
    Training in blocks samples exactly as one call (tomotopy keeps its random state).
    """
    tp = import_tomotopy()

    if convergence is None:
        model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)
        return iterations
    done, previous = 0, None
    while done < iterations:
        step = min(convergence.every, iterations - done)
        model.train(step, workers=1, parallel=tp.ParallelScheme.NONE)
        done += step
        if convergence.reads(done):
            ll = model.ll_per_word
            if convergence.stops(done, ll, previous):
                break
            previous = ll
    return done


#: tomotopy's own default: with ``learn_alpha`` it re-estimates an asymmetric alpha (one value
#: per topic, Minka's fixed point) every this many sweeps.
OPTIM_INTERVAL = 10


def new_model(*, k: int, alpha: float, eta: float, seed: int, learn_alpha: bool = True):
    """An empty ``tomotopy.LDAModel`` as every fit builds it: priors ``alpha`` and ``eta``, no
    vocabulary pruning of its own; ``learn_alpha=False`` keeps ``alpha`` symmetric and fixed
    (``optim_interval = 0``), else tomotopy re-estimates it every :data:`OPTIM_INTERVAL`
    sweeps (its default)."""
    tp = import_tomotopy()

    model = tp.LDAModel(k=k, alpha=alpha, eta=eta, seed=seed, min_cf=0, min_df=0, rm_top=0)
    model.optim_interval = OPTIM_INTERVAL if learn_alpha else 0
    return model


def fit(
    bow: Bow,
    *,
    k,
    seed,
    alpha,
    eta,
    iterations,
    word_prior,
    online=False,
    convergence=None,
    learn_alpha=True,
):
    model = initialised_model(
        bow, k=k, alpha=alpha, eta=eta, seed=seed, learn_alpha=learn_alpha, word_prior=word_prior
    )
    run = train(model, iterations, convergence)
    doc_topic = np.stack([d.get_topic_dist() for d in model.docs])
    info = {"iterations_run": run, "ll_per_word": float(model.ll_per_word)}
    return topic_word(model, bow.vocab), normalize(doc_topic), info


def initialised_model(bow: Bow, *, k, alpha, eta, seed, learn_alpha=True, word_prior=None):
    """:func:`new_model` with ``bow``'s units added, ``word_prior`` (a (k, V) matrix or None)
    set, and initialised with no sweep, so every sweep after it counts in ``iterations``."""
    model = new_model(k=k, alpha=alpha, eta=eta, seed=seed, learn_alpha=learn_alpha)
    add = model.add_doc
    for text in bow.texts:
        add(text)
    if word_prior is not None:
        for j in np.flatnonzero((word_prior != eta).any(axis=0)):
            model.set_word_prior(bow.vocab[j], [float(v) for v in word_prior[:, j]])
    model.train(0, workers=1)
    return model


def topic_word(model, vocab) -> np.ndarray:
    """The model's (k, V) topic-word distributions over ``vocab`` (rows sum to 1); terms the
    training units lack get their topic's prior mass only."""
    pos = {w: i for i, w in enumerate(model.used_vocabs)}
    cols = np.array([pos.get(w, -1) for w in vocab])
    raw = np.stack([model.get_topic_word_dist(t) for t in range(model.k)])
    out = np.where(cols >= 0, raw[:, np.maximum(cols, 0)], 0.0)
    if (cols < 0).any():
        out[:, cols < 0] = raw.min(axis=1, keepdims=True)
    return normalize(out)


def provenance() -> dict[str, str]:
    """tomotopy picks a SIMD instruction set at import (``tomotopy.isa``; pin it with the
    ``TOMOTOPY_ISA`` environment variable). Results are identical for the same tokens and seed
    on one machine; a different instruction set can change floating-point sums and hence the
    sampled topics, so the set is recorded."""
    tp = import_tomotopy()

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
    convergence=True,
    large_convergence=DEFAULT_CONVERGENCE,
    learn_alpha=True,
    large_learn_alpha=False,
)
