"""Themes over time: prevalence of each theme by year (and by administrative level), with
uncertainty.

Two measures, both computed per (theme, year[, level]) from per-document theme scores
(:func:`analysis.measures.themes.theme_scores`: ``doc_id, theme, hits, per_1k_tokens, share``) joined
to document metadata (``doc_id, year`` and optionally ``level`` from the manifest, or else the
``place_level`` inferred from the text):

- ``"per_1k_tokens"`` (default): mean hits per 1,000 tokens across the documents of the year,
  with a seeded percentile bootstrap over documents (documents are the sampling unit, so the
  interval reflects how much reports of one year differ from each other);
- ``"doc_share"``: share of the year's documents that mention the theme at least once, with a
  Wilson score interval (binomial; well-behaved at 0, 1 and for small n).

Pure functions return DataFrames (the plots are in :mod:`analysis.figures.plots_time`). Few or
no dated documents degrade gracefully: groups with fewer than ``min_docs`` documents are dropped
(logged).

    >>> docs = corpus.documents          # doc_id, year, level (manifest)
    >>> prev = theme_prevalence(scores, docs, by=("year",), seed=1)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.corpus.dedup import without_duplicates

log = logging.getLogger(__name__)

MEASURES = ("per_1k_tokens", "doc_share")
# Small-N honesty (every figure of this module follows these two numbers):
MIN_INTERVAL_DOCS = 3  # a group of fewer reports gets no interval (lo = hi = NaN)
MIN_GROUP_DOCS = 3  # a group joins a comparison only with at least this many reports
PREVALENCE_COLUMNS = ["theme", "n_docs", "n_with_theme", "prevalence", "lo", "hi", "measure"]


# --------------------------------------------------------------------------------------------
# uncertainty (pure)
# --------------------------------------------------------------------------------------------


def wilson_interval(
    successes: np.ndarray | int, n: np.ndarray | int, *, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a binomial proportion (vectorised).

    Returns:
        ``(lo, hi)`` arrays; NaN where ``n == 0``.
    """
    from scipy.stats import norm

    s = np.asarray(successes, dtype=float)
    n = np.asarray(n, dtype=float)
    z = norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = s / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    lo = np.where(n > 0, np.clip(centre - half, 0, 1), np.nan)
    hi = np.where(n > 0, np.clip(centre + half, 0, 1), np.nan)
    return lo, hi


def bootstrap_mean_ci(
    values: np.ndarray, *, n_boot: int = 1000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Seeded percentile bootstrap interval of the mean of ``values``.

    One value gives a degenerate interval ``(v, v)``; none gives ``(nan, nan)``.
    """
    values = np.asarray(values, dtype=float)
    if values.size == 0:
        return float("nan"), float("nan")
    if values.size == 1:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, values.size, size=(n_boot, values.size))
    means = values[idx].mean(axis=1)
    alpha = (1 - level) / 2
    lo, hi = np.quantile(means, [alpha, 1 - alpha])
    return float(lo), float(hi)


# --------------------------------------------------------------------------------------------
# prevalence tables (pure)
# --------------------------------------------------------------------------------------------


def doc_theme_matrix(
    theme_scores: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str] = ("year",),
    value: str = "per_1k_tokens",
    exclude_duplicates: bool = True,
) -> pd.DataFrame:
    """One row per (document, theme) with the grouping columns; documents lacking a value in
    any ``by`` column are dropped; a theme absent from a document counts as 0.

    Returns:
        Columns ``doc_id, theme, value, <by...>``.
    """
    by = list(by)
    missing = [c for c in ["doc_id", *by] if c not in documents.columns]
    if missing:
        raise ValueError(f"documents lack column(s) {missing}")
    docs = documents
    if exclude_duplicates:
        docs = without_duplicates(docs)
    n_all = len(docs)
    docs = docs[["doc_id", *by]].dropna(subset=by)
    for col in by:
        if col == "year":
            docs = docs.assign(year=pd.to_numeric(docs["year"], errors="coerce")).dropna(
                subset=["year"]
            )
            docs = docs.assign(year=docs["year"].astype(int))
        else:
            docs = docs[docs[col].astype(str) != ""]
    docs = docs.assign(doc_id=docs["doc_id"].astype(str))
    if len(docs) < n_all:
        log.info(
            "theme prevalence by %s: %d of %d documents lack a value and are left out",
            "/".join(by), n_all - len(docs), n_all,
        )  # fmt: skip
    themes = sorted(theme_scores["theme"].astype(str).unique())
    full = pd.MultiIndex.from_product([docs["doc_id"], themes], names=["doc_id", "theme"])
    scores = theme_scores.assign(
        doc_id=theme_scores["doc_id"].astype(str), theme=theme_scores["theme"].astype(str)
    )
    values = (
        scores.groupby(["doc_id", "theme"])[value].sum().reindex(full, fill_value=0.0)
    ).rename("value")
    return values.reset_index().merge(docs, on="doc_id", how="left")


def theme_prevalence(
    theme_scores: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    by: Sequence[str] = ("year",),
    measure: str = "per_1k_tokens",
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    min_docs: int = 1,
    min_interval_docs: int = MIN_INTERVAL_DOCS,
) -> pd.DataFrame:
    """Prevalence of every theme per group (e.g. year, or level × year) with an interval.

    Args:
        theme_scores: ``doc_id, theme, hits, per_1k_tokens`` (from ``theme_scores``).
        documents: ``doc_id`` plus the ``by`` columns (``year`` as int/Int64, ``level`` …);
            rows with ``duplicate_of`` set are excluded.
        by: grouping columns, e.g. ``("year",)``, ``("level", "year")`` or ``("level",)``.
        measure: ``"per_1k_tokens"`` (mean, bootstrap CI) or ``"doc_share"`` (share of
            documents with ≥ 1 hit, Wilson CI).
        n_boot: bootstrap resamples (``per_1k_tokens``).
        level: confidence level of the interval.
        seed: bootstrap seed (each group gets a seed derived from it, so results do not
            depend on which other groups exist).
        min_docs: drop groups with fewer documents (logged).
        min_interval_docs: groups with fewer documents get no interval (``lo``/``hi`` NaN): a
            bootstrap over one or two reports is not an interval.

    Returns:
        Columns ``<by...>, theme, n_docs, n_with_theme, prevalence, lo, hi, measure``,
        sorted by ``by`` then theme. Empty (same columns) when no document has the ``by``
        values. ``lo``/``hi`` are NaN for groups of fewer than ``min_interval_docs`` documents.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, not {measure!r}")
    by = list(by)
    value_col = "per_1k_tokens" if measure == "per_1k_tokens" else "hits"
    long = doc_theme_matrix(theme_scores, documents, by=by, value=value_col)
    columns = [*by, *PREVALENCE_COLUMNS]
    if long.empty:
        log.warning("theme prevalence: no document has %s; nothing to show", "/".join(by))
        return pd.DataFrame(columns=columns)
    rows = []
    for key, grp in long.groupby([*by, "theme"], sort=True):
        key = key if isinstance(key, tuple) else (key,)
        vals = grp["value"].to_numpy(dtype=float)
        n = vals.size
        present = int((vals > 0).sum())
        if measure == "per_1k_tokens":
            group_seed = _group_seed(seed, key)
            lo, hi = bootstrap_mean_ci(vals, n_boot=n_boot, level=level, seed=group_seed)
            prev = float(vals.mean())
        else:
            prev = present / n
            lo_a, hi_a = wilson_interval(present, n, level=level)
            lo, hi = float(lo_a), float(hi_a)
        rows.append((*key, n, present, prev, lo, hi, measure))
    out = pd.DataFrame(rows, columns=columns)
    out.loc[out["n_docs"] < min_interval_docs, ["lo", "hi"]] = np.nan
    small = out["n_docs"] < min_docs
    if small.any():
        dropped = out.loc[small, by].drop_duplicates()
        log.info(
            "theme prevalence: dropped %d group(s) with < %d documents", len(dropped), min_docs
        )
        out = out[~small]
    return out.reset_index(drop=True)


def _group_seed(seed: int, key: tuple) -> int:
    """A stable per-group seed (independent of Python's hash randomisation)."""
    import zlib

    return (seed * 1_000_003 + zlib.crc32(repr(key).encode("utf-8"))) % (2**32)


def prevalence_by_year(
    theme_scores: pd.DataFrame, documents: pd.DataFrame, **kwargs
) -> pd.DataFrame:
    """:func:`theme_prevalence` grouped by ``year``.

    Returns:
        Columns ``year, theme, n_docs, n_with_theme, prevalence, lo, hi, measure``.
    """
    return theme_prevalence(theme_scores, documents, by=("year",), **kwargs)


LEVEL_SOURCE_MANIFEST = "manifest"
LEVEL_SOURCE_INFERRED = "inferred from the text (place_level)"
LEVEL_COLUMNS = ["level_source", "n_docs_without_level"]


def _has_values(col: pd.Series) -> pd.Series:
    """True where a metadata value is present (not NA, not blank)."""
    return col.notna() & (col.astype(str).str.strip() != "")


def documents_with_level(documents: pd.DataFrame) -> tuple[pd.DataFrame | None, str, int]:
    """The documents with the ``level`` that by-level comparisons use, and where it comes from.

    A manifest ``level`` wins whenever any document has one. Without it (no column, or the
    column entirely empty) the level inferred from the text (``place_level``, see
    :mod:`analysis.corpus.places`) is used instead. Near-duplicates are not counted.

    Returns:
        ``(documents, source, n_without)``: ``documents`` with a ``level`` column (``None``
        when neither source has a value for any document), ``source`` (
        :data:`LEVEL_SOURCE_MANIFEST`, :data:`LEVEL_SOURCE_INFERRED` or ``""``) and the number
        of (non-duplicate) documents without a level, which the by-level tables leave out.
    """
    docs = without_duplicates(documents)
    for column, source in (
        ("level", LEVEL_SOURCE_MANIFEST),
        ("place_level", LEVEL_SOURCE_INFERRED),
    ):
        if column in docs.columns and _has_values(docs[column]).any():
            n_without = int((~_has_values(docs[column])).sum())
            # blank cells (e.g. " ") are "no level", as n_without counts them: not a group
            level = documents[column].where(_has_values(documents[column]))
            return documents.assign(level=level), source, n_without
    return None, "", len(docs)


def prevalence_by_level(
    theme_scores: pd.DataFrame, documents: pd.DataFrame, *, per_year: bool = True, **kwargs
) -> pd.DataFrame:
    """:func:`theme_prevalence` grouped by ``level`` (and ``year`` when ``per_year``).

    The level is the manifest's ``level`` when any document has one, else the level inferred
    from the text (``place_level``); see :func:`documents_with_level`. Documents without a
    level are left out and counted. Returns an empty frame (logged) when neither exists.

    Returns:
        Columns ``level, [year,] theme, n_docs, n_with_theme, prevalence, lo, hi, measure,
        level_source, n_docs_without_level``: ``level_source`` is ``"manifest"`` or
        ``"inferred from the text (place_level)"``; ``n_docs_without_level`` the
        (non-duplicate) documents left out for lack of a level (the same on every row).
    """
    by = ("level", "year") if per_year else ("level",)
    columns = [*by, *PREVALENCE_COLUMNS, *LEVEL_COLUMNS]
    docs, source, n_without = documents_with_level(documents)
    if docs is None:
        log.warning(
            "theme prevalence by level: documents have no 'level' column (manifest) and no "
            "inferred 'place_level'; skipped"
        )
        return pd.DataFrame(columns=columns)
    if source == LEVEL_SOURCE_INFERRED:
        log.info(
            "theme prevalence by level: no manifest 'level'; using the level inferred from "
            "the text (place_level); %d document(s) without one left out",
            n_without,
        )
    out = theme_prevalence(theme_scores, docs, by=by, **kwargs)
    return out.assign(level_source=source, n_docs_without_level=n_without)[columns]


def prevalence_tables(
    theme_scores: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    seed: int = 0,
    n_boot: int = 1000,
    measure: str = "per_1k_tokens",
) -> dict[str, pd.DataFrame]:
    """Both time-series tables at once, for the figure registry and ``figures/tables``.

    Logs (and returns empty tables) when there are no dated documents or no ``level`` (from
    the manifest or inferred from the text).

    Returns:
        ``{"theme_prevalence_by_year": prevalence_by_year(...),
        "theme_prevalence_by_level": prevalence_by_level(..., per_year=True),
        "theme_prevalence_by_level_overall": prevalence_by_level(..., per_year=False)}``.
    """
    kw = {"seed": seed, "n_boot": n_boot, "measure": measure}
    by_year = prevalence_by_year(theme_scores, documents, **kw)
    if by_year.empty:
        log.info("themes over time: skipped (no document has a year)")
    return {
        "theme_prevalence_by_year": by_year,
        "theme_prevalence_by_level": prevalence_by_level(theme_scores, documents, **kw),
        "theme_prevalence_by_level_overall": prevalence_by_level(
            theme_scores, documents, per_year=False, **kw
        ),
    }


def comparable_groups(
    df: pd.DataFrame, by: Sequence[str], *, min_group_docs: int = MIN_GROUP_DOCS
) -> tuple[pd.DataFrame, str]:
    """Rows of a prevalence table whose group holds at least ``min_group_docs`` reports.

    Returns:
        ``(rows, note)``: the kept rows (same columns) and a plain note on what was left out,
        e.g. ``"left out (< 3 reports): 2019 (n = 1), 2020 (n = 2)"`` (empty when nothing was).
    """
    by = list(by)
    if df.empty:
        return df, ""
    sizes = df.drop_duplicates(by)[[*by, "n_docs"]]
    small = sizes[sizes["n_docs"] < min_group_docs]
    if small.empty:
        return df, ""
    keep = df.merge(small[by], on=by, how="left", indicator=True)["_merge"] == "left_only"
    return df[keep.to_numpy()].reset_index(drop=True), (
        f"left out (< {min_group_docs} reports): " + _group_sizes(small, by)
    )


def _group_sizes(
    sizes: pd.DataFrame, by: Sequence[str], *, limit: int = 4, short: bool = False
) -> str:
    """``"2019 (n = 1), 2020 (n = 2)"`` (``short``: ``"1 in 2019, 2 in 2020"``), or the number
    of groups and the range of n when there are more than ``limit``."""
    names = [" ".join(str(getattr(r, c)) for c in by) for r in sizes.itertuples()]
    ns = sizes["n_docs"].astype(int).tolist()
    if len(names) > limit:
        span = f"{min(ns)}" if min(ns) == max(ns) else f"{min(ns)}–{max(ns)}"
        if short:
            return f"{span} in each of {len(names)} groups: {names[0]} …"
        return f"{len(names)} groups ({names[0]} … {names[-1]}; n = {span} each)"
    if short:
        return ", ".join(f"{n} in {name}" for name, n in zip(names, ns, strict=True))
    return ", ".join(f"{name} (n = {n})" for name, n in zip(names, ns, strict=True))


def not_applicable(df: pd.DataFrame, by: Sequence[str], what: str) -> str:
    """The "not applicable (n = …)" message of a comparison whose groups are too small."""
    sizes = df.drop_duplicates(list(by))[[*by, "n_docs"]]
    return (
        f"not applicable (n = {_group_sizes(sizes, by, short=True)}): comparing {what} needs "
        f"at least two "
        f"groups of ≥ {MIN_GROUP_DOCS} reports"
    )


def documents_with_manifest(documents: pd.DataFrame, manifest: pd.DataFrame) -> pd.DataFrame:
    """Fill ``year``/``level`` of documents from a manifest (``file`` column) when missing.

    The corpus layer joins the manifest already; this helper serves frames built elsewhere
    (e.g. by the Dask path) that carry ``source_file`` only. Existing values win.

    Returns:
        ``documents`` with ``year`` (Int64) and any manifest ``level``/``region`` columns.
    """
    if "source_file" not in documents or "file" not in manifest:
        return documents
    meta = manifest.rename(columns={"file": "source_file"})
    keep = [c for c in ("source_file", "year", "level", "region") if c in meta]
    meta = meta[keep].drop_duplicates("source_file")
    out = documents.merge(meta, on="source_file", how="left", suffixes=("", "_manifest"))
    for col in ("year", "level", "region"):
        extra = f"{col}_manifest"
        if extra in out:
            if col in documents:
                base = out[col]
                if col != "year":
                    base = base.replace("", np.nan)
                out[col] = base.fillna(out[extra])
            else:
                out[col] = out[extra]
            out = out.drop(columns=extra)
    if "year" in out:
        out["year"] = pd.to_numeric(out["year"], errors="coerce").astype("Int64")
    return out
