"""Effects with uncertainty: document-level theme rates and topic shares regressed on metadata.

The regression is ordinary least squares per outcome (statsmodels), with covariates taken from
the document table (``year`` as a number or a B-spline, ``level``, ``region`` or any manifest
column) and standard errors that are cluster-robust when documents nest in groups (e.g. several
reports per region). For topic shares the topic model is itself uncertain: following the
*method of composition* of stm's ``estimateEffect`` (Roberts, Stewart & Tingley 2019), the
regression is refitted on ``n_draws`` plausible versions of the document-topic shares (posterior
draws, or refits with other seeds aligned to the reported model), coefficient vectors are
simulated from each fit's sampling distribution, and the pooled simulations give the estimate
and its interval. The interval then carries both the sampling and the topic-model uncertainty.

    >>> outcomes = theme_outcomes(theme_scores)
    >>> estimate_effects(outcomes, documents, covariates=["year", "level"], cluster="region")

Every table states ``n`` (documents used) and a ``note`` when a number is not applicable
(too few documents, a covariate without variation, too few clusters for robust errors).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

#: Columns of :func:`estimate_effects`' result.
EFFECT_COLUMNS = [
    "outcome",
    "covariate",
    "level",
    "reference",
    "estimate",
    "ci_low",
    "ci_high",
    "se",
    "p",
    "n",
    "n_clusters",
    "n_draws",
    "method",
    "note",
]

MIN_DOCS = 8  # fewer documents than this: "not applicable"
MIN_CLUSTERS = 5  # fewer clusters than this: cluster-robust errors are not used (noted)


def theme_outcomes(theme_scores: pd.DataFrame, *, measure: str = "per_1k_tokens") -> pd.DataFrame:
    """Document-level theme outcomes in long form from :func:`analysis.themes.theme_scores`.

    Returns:
        DataFrame[doc_id, outcome, value]: one row per document and theme (``outcome`` = theme id).
    """
    df = theme_scores[["doc_id", "theme", measure]].rename(
        columns={"theme": "outcome", measure: "value"}
    )
    return df.astype({"doc_id": str, "outcome": str}).reset_index(drop=True)


def topic_outcomes(result, *, labels: Sequence[str] | None = None) -> pd.DataFrame:
    """Document-level topic shares of a :class:`~analysis.topics.TopicResult`.

    A document's share is the length-weighted mean of its paragraph units' shares (as in
    ``doc_topics.csv``).

    Returns:
        DataFrame[doc_id, outcome, value]; ``outcome`` is the topic label (default ``topic <k>``).
    """
    from analysis.topics.result import doc_topics

    d = doc_topics(result)
    names = list(labels) if labels is not None else [f"topic {k}" for k in range(result.k)]
    d["outcome"] = d["topic"].map(dict(enumerate(names)))
    return d[["doc_id", "outcome", "weight"]].rename(columns={"weight": "value"})


def topic_outcome_draws(
    result,
    *,
    n_draws: int = 20,
    seed: int,
    refits: Sequence | None = None,
    labels: Sequence[str] | None = None,
    alpha: float = 0.1,
) -> list[pd.DataFrame]:
    """Plausible versions of the document-topic shares, for the method of composition.

    With ``refits`` (models fitted with other seeds on the same units), each refit's topics are
    aligned to ``result``'s by the Hungarian algorithm on topic-word cosine and used as one draw.
    Otherwise each draw samples every unit's topic proportions from the Dirichlet posterior
    implied by the fit, ``θ_u ~ Dirichlet(α + n_u θ̂_u)`` with ``n_u`` the unit's in-vocabulary
    tokens, then aggregates units to documents. Draw 0 is always the point estimate.

    Returns:
        list of DataFrame[doc_id, outcome, value] (the first is :func:`topic_outcomes`).
    """
    from analysis.topics.result import TopicResult
    from analysis.topics.stability import align_topics

    base = topic_outcomes(result, labels=labels)
    draws = [base]
    if refits:
        for other in refits:
            match, _ = align_topics(result.topic_word, other.topic_word)
            aligned = TopicResult(
                backend=other.backend,
                k=other.k,
                seed=other.seed,
                vocab=other.vocab,
                unit_ids=other.unit_ids,
                topic_word=other.topic_word[match],
                doc_topic=other.doc_topic[:, match],
                params=dict(other.params),
                doc_lengths=other.doc_lengths,
            )
            draws.append(topic_outcomes(aligned, labels=labels))
        return draws
    rng = np.random.default_rng(seed)
    n_u = (
        np.asarray(result.doc_lengths, dtype=float)
        if result.doc_lengths is not None
        else np.full(len(result.unit_ids), 50.0)
    )
    conc = alpha + n_u[:, None] * result.doc_topic
    for _ in range(max(0, n_draws - 1)):
        g = rng.gamma(np.maximum(conc, 1e-6))
        theta = g / g.sum(axis=1, keepdims=True)
        draw = TopicResult(
            backend=result.backend,
            k=result.k,
            seed=result.seed,
            vocab=result.vocab,
            unit_ids=result.unit_ids,
            topic_word=result.topic_word,
            doc_topic=theta,
            params=dict(result.params),
            doc_lengths=result.doc_lengths,
        )
        draws.append(topic_outcomes(draw, labels=labels))
    return draws


def _design(
    docs: pd.DataFrame, covariates: Sequence[str], year: str, spline_df: int
) -> tuple[pd.DataFrame, list[str], dict[str, str], list[str]]:
    """Design matrix (with intercept), the covariate of each column, reference levels, notes."""
    import patsy

    parts: list[pd.DataFrame] = [pd.DataFrame({"Intercept": 1.0}, index=docs.index)]
    owner: list[str] = ["Intercept"]
    refs: dict[str, str] = {}
    notes: list[str] = []
    for cov in covariates:
        col = docs[cov]
        if cov == "year" or pd.api.types.is_numeric_dtype(col):
            x = pd.to_numeric(col, errors="coerce").astype(float)
            if x.nunique() < 2:
                notes.append(f"{cov}: no variation")
                continue
            if cov == "year" and year == "spline":
                df_ = max(2, min(spline_df, int(x.nunique()) - 1))
                basis = patsy.dmatrix(
                    f"bs(x, df={df_}, include_intercept=False) - 1",
                    {"x": x.to_numpy()},
                    return_type="dataframe",
                )
                basis.index = docs.index
                basis.columns = [f"year_spline_{i}" for i in range(basis.shape[1])]
                parts.append(basis)
                owner += ["year (spline)"] * basis.shape[1]
            else:
                parts.append(pd.DataFrame({cov: x}))
                owner.append(cov)
        else:
            cats = col.astype(str)
            counts = cats.value_counts()
            if len(counts) < 2:
                notes.append(f"{cov}: one group only")
                continue
            ref = str(counts.index[0])  # the largest group is the reference
            refs[cov] = ref
            levels = sorted(c for c in counts.index if c != ref)
            dummies = pd.DataFrame(
                {f"{cov}[{lev}]": (cats == lev).astype(float) for lev in levels}, index=docs.index
            )
            parts.append(dummies)
            owner += [cov] * len(levels)
    return pd.concat(parts, axis=1), owner, refs, notes


def _fit(y: np.ndarray, X: pd.DataFrame, groups: np.ndarray | None):
    # the class itself: ``statsmodels.api`` would import every model family (~0.5 CPU s)
    from statsmodels.regression.linear_model import OLS

    model = OLS(y, X.to_numpy(dtype=float))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if groups is not None:
            return model.fit(cov_type="cluster", cov_kwds={"groups": groups})
        return model.fit(cov_type="HC1")


def estimate_effects(
    outcomes: pd.DataFrame | Sequence[pd.DataFrame],
    documents: pd.DataFrame,
    *,
    covariates: Sequence[str] = ("year",),
    year: str = "linear",
    spline_df: int = 3,
    cluster: str | None = "region",
    n_sims: int = 1000,
    seed: int,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Regress document-level outcomes on metadata, with cluster-robust, composed uncertainty.

    Args:
        outcomes: DataFrame[doc_id, outcome, value] (e.g. :func:`theme_outcomes`), or a list of
            such frames = draws of an uncertain measure (e.g. :func:`topic_outcome_draws`); with
            several draws the method of composition is used.
        documents: the corpus documents (``doc_id`` plus the covariate columns; near-duplicates
            should already be excluded).
        covariates: document columns; ``year`` and numeric columns enter as numbers (``year``
            as a B-spline with ``year="spline"``), others as categories against the largest
            group (named in ``reference``).
        year: ``"linear"`` (effect per year) or ``"spline"`` (the table then reports the
            predicted change between the first and last year, ``level = "<y0>→<y1>"``).
        cluster: document column whose groups get cluster-robust errors (``None``: HC1 robust
            errors). Ignored, with a note, when fewer than 5 clusters exist.
        n_sims: coefficient simulations pooled over draws (method of composition).
        seed: seed of the simulations.
        ci: interval level.

    Returns:
        DataFrame with :data:`EFFECT_COLUMNS`: one row per outcome × covariate level.
        ``estimate`` is the coefficient (per year for linear year; difference from the reference
        group for categories); ``method`` is ``ols`` or ``composition``. Rows whose model could
        not be estimated carry ``note = "not applicable (…)"`` and empty numbers.
    """
    draws = [outcomes] if isinstance(outcomes, pd.DataFrame) else list(outcomes)
    if not draws:
        raise ValueError("outcomes: no draws given")
    if year not in ("linear", "spline"):
        raise ValueError(f"year must be 'linear' or 'spline', not {year!r}")
    missing = [c for c in covariates if c not in documents]
    if missing:
        raise ValueError(f"covariates not in documents: {', '.join(missing)}")
    docs = documents.copy()
    docs["doc_id"] = docs["doc_id"].astype(str)
    docs = docs.drop_duplicates("doc_id").set_index("doc_id")
    rng = np.random.default_rng(seed)
    alpha = (1.0 - ci) / 2.0
    rows: list[dict] = []
    for outcome in sorted(draws[0]["outcome"].astype(str).unique()):
        ys = [
            d[d["outcome"].astype(str) == outcome].set_index("doc_id")["value"].astype(float)
            for d in draws
        ]
        ids = [i for i in ys[0].index if i in docs.index]
        sub = docs.loc[ids, list(covariates) + ([cluster] if cluster and cluster in docs else [])]
        ok = sub[list(covariates)].notna().all(axis=1) & ys[0].reindex(ids).notna().to_numpy()
        for c in covariates:
            ok &= sub[c].astype(str).str.strip().ne("")
        sub = sub[ok]
        n = len(sub)
        base = {"outcome": outcome, "n": n, "n_draws": len(draws)}
        if n < MIN_DOCS:
            rows.append(
                {**base, "covariate": ",".join(covariates), "note": f"not applicable (n = {n})"}
            )
            continue
        X, owner, refs, notes = _design(sub, covariates, year, spline_df)
        if X.shape[1] == 1 or n <= X.shape[1] + 1:
            why = "; ".join(notes) or f"n = {n} for {X.shape[1]} parameters"
            rows.append(
                {**base, "covariate": ",".join(covariates), "note": f"not applicable ({why})"}
            )
            continue
        groups, n_clusters, cl_note = None, np.nan, ""
        if cluster and cluster in sub:
            g = sub[cluster].astype(str)
            n_clusters = g.nunique()
            if n_clusters >= MIN_CLUSTERS:
                groups = pd.factorize(g)[0]
            else:
                cl_note = f"{n_clusters} {cluster} clusters: HC1 errors, not clustered"
        fits = [_fit(y.reindex(sub.index).to_numpy(float), X, groups) for y in ys]
        composed = len(fits) > 1
        if composed:
            per = max(1, n_sims // len(fits))
            sims = np.vstack(
                [
                    rng.multivariate_normal(f.params, f.cov_params(), size=per, method="eigh")
                    for f in fits
                ]
            )
        else:
            sims = None
        rows.extend(
            _effect_rows(
                base,
                X,
                owner,
                refs,
                fits[0],
                sims,
                sub,
                alpha,
                n_clusters,
                cl_note,
                notes,
                clusters=groups,
            )
        )
    out = pd.DataFrame(rows)
    for col in EFFECT_COLUMNS:
        if col not in out:
            out[col] = np.nan if col not in ("note", "level", "reference", "method") else ""
    out[["note", "level", "reference", "method"]] = out[
        ["note", "level", "reference", "method"]
    ].fillna("")
    return out[EFFECT_COLUMNS].reset_index(drop=True)


def _effect_rows(
    base, X, owner, refs, fit, sims, sub, alpha, n_clusters, cl_note, notes, *, clusters=None
):
    from scipy import stats

    names = list(X.columns)
    note = "; ".join([*notes, cl_note]) if (notes or cl_note) else ""
    method = "composition" if sims is not None else "ols"
    common = {**base, "n_clusters": n_clusters, "method": method, "note": note}
    rows = []
    spline_cols = [i for i, o in enumerate(owner) if o == "year (spline)"]
    for i, name in enumerate(names):
        if owner[i] in ("Intercept", "year (spline)"):
            continue
        cov = owner[i]
        level = name[len(cov) + 1 : -1] if name.startswith(f"{cov}[") else "per unit"
        if cov == "year":
            level = "per year"
        if sims is not None:
            draws = sims[:, i]
            est, se = float(draws.mean()), float(draws.std(ddof=1))
            lo, hi = np.quantile(draws, [alpha, 1 - alpha])
            p = float(2 * min((draws <= 0).mean(), (draws >= 0).mean()))
        else:
            est, se = float(fit.params[i]), float(fit.bse[i])
            z = stats.norm.ppf(1 - alpha)
            lo, hi = est - z * se, est + z * se
            p = float(fit.pvalues[i])
        row = {
            **common,
            "covariate": cov,
            "level": level,
            "reference": refs.get(cov, ""),
            "estimate": est,
            "ci_low": float(lo),
            "ci_high": float(hi),
            "se": se,
            "p": p,
        }
        if clusters is not None and name.startswith(f"{cov}["):
            # a group that sits inside one cluster is identified by that cluster alone: its
            # cluster-robust error is not reliable (say so rather than print a tight interval)
            inside = np.unique(clusters[X[name].to_numpy() > 0])
            if len(inside) < 2:
                warn = f"{level}: all documents in one cluster, interval unreliable"
                row["note"] = f"{row['note']}; {warn}" if row["note"] else warn
        rows.append(row)
    if spline_cols:
        # predicted change from the first to the last year, other covariates held fixed
        y0, y1 = float(sub["year"].astype(float).min()), float(sub["year"].astype(float).max())
        b0 = X.iloc[sub["year"].astype(float).to_numpy().argmin(), spline_cols].to_numpy()
        b1 = X.iloc[sub["year"].astype(float).to_numpy().argmax(), spline_cols].to_numpy()
        contrast = np.zeros(X.shape[1])
        contrast[spline_cols] = b1 - b0
        if sims is not None:
            draws = sims @ contrast
            est, se = float(draws.mean()), float(draws.std(ddof=1))
            lo, hi = np.quantile(draws, [alpha, 1 - alpha])
            p = float(2 * min((draws <= 0).mean(), (draws >= 0).mean()))
        else:
            est = float(contrast @ fit.params)
            se = float(np.sqrt(contrast @ fit.cov_params() @ contrast))
            z = stats.norm.ppf(1 - alpha)
            lo, hi = est - z * se, est + z * se
            p = float(2 * stats.norm.sf(abs(est / se))) if se > 0 else np.nan
        rows.append(
            {
                **common,
                "covariate": "year (spline)",
                "level": f"{int(y0)}→{int(y1)}",
                "reference": str(int(y0)),
                "estimate": est,
                "ci_low": float(lo),
                "ci_high": float(hi),
                "se": se,
                "p": p,
            }
        )
    return rows
