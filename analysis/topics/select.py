"""Choosing the number of topics K: a seeded sweep and a stated rule.

**Rule for the default K** (:func:`choose_k`): for the chosen backend, average NPMI over seeds
for every K; take the K with the highest mean; then apply the *one-standard-error rule*: the
smallest K whose mean NPMI is at least (best mean − standard error of the best K's mean across
seeds). A plateau or a tie therefore resolves to the smaller, more readable model. NPMI is the
coherence measure that agrees best with human judgements of topic quality on short texts (Lau
et al. 2014); perplexity, c_v, u_mass and diversity are reported beside it for the reader but do
not drive the choice (held-out perplexity typically keeps falling as K grows and favours
models that people find less interpretable, Chang et al. 2009).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .backends import DEFAULT_BACKEND, fit_topics, prepare_bow
from .bow import Bow
from .result import TopicResult

log = logging.getLogger(__name__)

K_COLUMNS = ["backend", "k", "seed", "npmi", "c_v", "u_mass", "perplexity", "diversity"]
RULE = "smallest K within one standard error (across seeds) of the highest mean NPMI"


def select_k(
    units: pd.Series | Mapping[str, Sequence[str]] | Bow,
    *,
    ks: Iterable[int] = range(4, 13, 2),
    seeds: Sequence[int] = (0, 1, 2),
    backends: Sequence[str] = (DEFAULT_BACKEND,),
    holdout: float = 0.1,
    split_seed: int = 0,
    min_df: float = 2,
    max_df: float = 0.5,
    return_fits: bool = False,
    **params,
) -> pd.DataFrame | tuple[pd.DataFrame, dict[tuple[str, int, int], TopicResult]]:
    """Fit every (backend, K, seed) on one shared bag of words and score it.

    All fits share the vocabulary and the held-out split (``split_seed``), so every number in a
    column is comparable. Extra ``params`` go to :func:`~analysis.topics.fit_topics`.
    With ``return_fits`` the fitted models come back too, as ``(table, fits)`` with
    ``fits[(backend, k, seed)]`` a :class:`TopicResult` (the run reuses the chosen K's fits for
    stability, :func:`analysis.topics.stability.stability_from_results`).

    Returns:
        DataFrame[backend, k, seed, npmi, c_v, u_mass, perplexity, diversity], one row per
        fit, sorted by backend, k, seed; identical for identical inputs (fit times, which are
        not, stay in each result's ``metrics["fit_seconds"]``). ``attrs["chosen_k"]`` holds the
        K picked by :func:`choose_k` (for the first backend) and ``attrs["rule"]`` the rule.
    """
    bow = prepare_bow(units, min_df=min_df, max_df=max_df)
    rows = []
    fits: dict[tuple[str, int, int], TopicResult] = {}
    for backend in backends:
        for k in ks:
            for seed in seeds:
                r = fit_topics(
                    bow,
                    k=int(k),
                    backend=backend,
                    seed=int(seed),
                    holdout=holdout,
                    split_seed=split_seed,
                    **params,
                )
                if return_fits:
                    fits[(backend, int(k), int(seed))] = r
                rows.append(
                    {
                        "backend": backend,
                        "k": int(k),
                        "seed": int(seed),
                        **{m: r.metrics[m] for m in K_COLUMNS[3:]},
                    }
                )
                log.info("select_k %s k=%d seed=%d npmi=%.3f", backend, k, seed, r.metrics["npmi"])
    table = pd.DataFrame(rows, columns=K_COLUMNS)
    table = table.sort_values(["backend", "k", "seed"], ignore_index=True)
    table.attrs["chosen_k"] = choose_k(table, backend=backends[0])
    table.attrs["rule"] = RULE
    return (table, fits) if return_fits else table


def k_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Mean, standard deviation and standard error across seeds per backend and K.

    Returns:
        DataFrame[backend, k, n_seeds, <metric>_mean, <metric>_sd, <metric>_se ...].
    """
    metrics = [c for c in K_COLUMNS[3:] if c in table.columns]
    g = table.groupby(["backend", "k"], sort=True)[metrics]
    mean, sd, n = g.mean(), g.std(ddof=1).fillna(0.0), g.size()
    se = sd.div(np.sqrt(n), axis=0)
    out = pd.concat([mean.add_suffix("_mean"), sd.add_suffix("_sd"), se.add_suffix("_se")], axis=1)
    out.insert(0, "n_seeds", n)
    return out.reset_index()


K_EXTEND_STEPS = 3  # at most this many further K values are swept beyond an edge (the cap)


def best_k(table: pd.DataFrame, *, backend: str | None = None, metric: str = "npmi") -> int:
    """The K with the highest mean ``metric`` across seeds (before the one-SE rule)."""
    backend = backend or str(table["backend"].iloc[0])
    s = k_summary(table[table["backend"] == backend]).set_index("k").sort_index()
    return int(s[f"{metric}_mean"].idxmax())


def k_edge(table: pd.DataFrame, *, backend: str | None = None, metric: str = "npmi") -> str:
    """Where the best mean K lies in the searched range: ``"upper"``, ``"lower"`` or ``""``.

    A best K at the upper edge means the metric may still rise beyond the range; at the lower
    edge, that a smaller K may fit better. A range of one K is never at an edge.
    """
    backend = backend or str(table["backend"].iloc[0])
    ks = sorted(int(k) for k in table.loc[table["backend"] == backend, "k"].unique())
    if len(ks) < 2:
        return ""
    best = best_k(table, backend=backend, metric=metric)
    if best == ks[-1]:
        return "upper"
    if best == ks[0]:
        return "lower"
    return ""


def extend_ks(ks: Sequence[int], edge: str, *, steps: int = K_EXTEND_STEPS) -> list[int]:
    """Candidate Ks beyond an edge: the range's last step continued, at most ``steps`` values
    (never below 2). ``extend_ks([3, 4, 5], "upper") == [6, 7, 8]``;
    ``extend_ks([10, 15, 20], "upper") == [25, 30, 35]``."""
    ks = sorted(int(k) for k in ks)
    if edge == "upper":
        step = ks[-1] - ks[-2] if len(ks) > 1 else 1
        return [ks[-1] + step * (i + 1) for i in range(steps)]
    if edge == "lower":
        step = ks[1] - ks[0] if len(ks) > 1 else 1
        return [k for k in (ks[0] - step * (i + 1) for i in range(steps)) if k >= 2]
    return []


def choose_k(table: pd.DataFrame, *, backend: str | None = None, metric: str = "npmi") -> int:
    """Apply the module's rule (one-standard-error rule on mean ``metric``, larger = better).

    Args:
        table: output of :func:`select_k`.
        backend: which backend's sweep decides (default: the first in the table).
        metric: the coherence column to maximise.

    Returns:
        The chosen K.
    """
    backend = backend or str(table["backend"].iloc[0])
    s = k_summary(table[table["backend"] == backend]).set_index("k").sort_index()
    if s.empty:
        raise ValueError(f"no rows for backend {backend!r}")
    best = s[f"{metric}_mean"].idxmax()
    threshold = s.loc[best, f"{metric}_mean"] - s.loc[best, f"{metric}_se"]
    ok = s.index[s[f"{metric}_mean"] >= threshold - 1e-12]
    return int(ok.min())
