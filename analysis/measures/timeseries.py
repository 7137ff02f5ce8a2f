"""Themes over time: prevalence of each theme by year (and by administrative level), with
uncertainty.

Two measures, both computed per (theme, year[, level]) from per-document theme scores
(:func:`analysis.measures.themes.theme_scores`: ``doc_id, theme, hits, per_1k_tokens, share``) joined
to document metadata (``doc_id, year`` and optionally ``level`` from the manifest):

- ``"per_1k_tokens"`` (default): mean hits per 1,000 tokens across the documents of the year,
  with a seeded percentile bootstrap over documents (documents are the sampling unit, so the
  interval reflects how much reports of one year differ from each other);
- ``"doc_share"``: share of the year's documents that mention the theme at least once, with a
  Wilson score interval (binomial; well-behaved at 0, 1 and for small n).

Pure functions return DataFrames; plot functions ``(df, *, ax=None) -> Figure`` never save.
Few or no dated documents degrade gracefully: groups with fewer than ``min_docs`` documents
are dropped (logged), and the plots draw what remains, or a labelled empty panel.

    >>> docs = corpus.documents          # doc_id, year, level (manifest)
    >>> prev = theme_prevalence(scores, docs, by=("year",), seed=1)
    >>> fig = plot_prevalence_by_year(prev)
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

MEASURES = ("per_1k_tokens", "doc_share")
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
    if exclude_duplicates and "duplicate_of" in docs:
        docs = docs[docs["duplicate_of"].fillna("").astype(str) == ""]
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

    Returns:
        Columns ``<by...>, theme, n_docs, n_with_theme, prevalence, lo, hi, measure``,
        sorted by ``by`` then theme. Empty (same columns) when no document has the ``by``
        values.
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


def prevalence_by_level(
    theme_scores: pd.DataFrame, documents: pd.DataFrame, *, per_year: bool = True, **kwargs
) -> pd.DataFrame:
    """:func:`theme_prevalence` grouped by ``level`` (and ``year`` when ``per_year``).

    Returns an empty frame (logged) when ``documents`` has no ``level`` column.

    Returns:
        Columns ``level, [year,] theme, n_docs, n_with_theme, prevalence, lo, hi, measure``.
    """
    by = ("level", "year") if per_year else ("level",)
    if "level" not in documents.columns:
        log.warning("theme prevalence by level: documents have no 'level' column; skipped")
        return pd.DataFrame(columns=[*by, *PREVALENCE_COLUMNS])
    return theme_prevalence(theme_scores, documents, by=by, **kwargs)


def prevalence_tables(
    theme_scores: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    seed: int = 0,
    n_boot: int = 1000,
    measure: str = "per_1k_tokens",
) -> dict[str, pd.DataFrame]:
    """Both time-series tables at once, for the figure registry and ``figures/tables``.

    Logs (and returns empty tables) when there are no dated documents or no ``level``.

    Returns:
        ``{"theme_prevalence_by_year": prevalence_by_year(...),
        "theme_prevalence_by_level": prevalence_by_level(..., per_year=True)}``.
    """
    kw = {"seed": seed, "n_boot": n_boot, "measure": measure}
    by_year = prevalence_by_year(theme_scores, documents, **kw)
    if by_year.empty:
        log.info("themes over time: skipped (no document has a year)")
    return {
        "theme_prevalence_by_year": by_year,
        "theme_prevalence_by_level": prevalence_by_level(theme_scores, documents, **kw),
    }


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


# --------------------------------------------------------------------------------------------
# plots (never save)
# --------------------------------------------------------------------------------------------


def _new_ax(ax: Axes | None, *, figsize=(8, 4.5)) -> tuple[Figure, Axes]:
    import matplotlib.pyplot as plt

    if ax is not None:
        return ax.figure, ax
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def _facets(n: int, *, ncols: int = 3, panel=(3.6, 2.4)) -> tuple[Figure, list[Axes]]:
    import matplotlib.pyplot as plt

    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=(panel[0] * ncols, panel[1] * nrows + 0.6),
        sharex=True,
        squeeze=False,
        layout="constrained",
    )
    flat = list(axes.ravel())
    for ax in flat[n:]:
        ax.set_visible(False)
    return fig, flat[:n]


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def _ylabel(df: pd.DataFrame, *, short: bool = False) -> str:
    measure = df["measure"].iloc[0] if len(df) else "per_1k_tokens"
    if measure == "doc_share":
        return "share of reports" if short else "share of reports mentioning the theme"
    return "hits / 1k tokens" if short else "theme hits per 1,000 tokens (mean over reports)"


def _runs(x: np.ndarray, max_gap: int) -> list[slice]:
    """Slices of consecutive points whose year gaps are ≤ ``max_gap`` (lines never bridge
    longer gaps, e.g. years without reports)."""
    if len(x) == 0:
        return []
    cuts = np.flatnonzero(np.diff(x) > max_gap) + 1
    bounds = [0, *cuts.tolist(), len(x)]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _draw_series(ax: Axes, sub: pd.DataFrame, *, label: str, color=None, max_gap: int = 2):
    sub = sub.sort_values("year")
    x = sub["year"].to_numpy(dtype=float)
    y = sub["prevalence"].to_numpy(dtype=float)
    lo = sub["lo"].to_numpy(dtype=float)
    hi = sub["hi"].to_numpy(dtype=float)
    if len(x) < 4:  # few points: error bars read better than a band; say how many reports
        yerr = np.vstack([np.clip(y - lo, 0, None), np.clip(hi - y, 0, None)])
        ax.errorbar(x, y, yerr=yerr, fmt="o", capsize=3, label=label, color=color)
        for xi, yi, n in zip(x, y, sub["n_docs"].to_numpy(), strict=True):
            ax.annotate(
                f"n={int(n)}", (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7
            )
        return
    for i, run in enumerate(_runs(x, max_gap)):
        (line,) = ax.plot(
            x[run], y[run], marker="o", ms=2.5, lw=1.3, color=color, label=label if i == 0 else None
        )
        color = line.get_color()
        ax.fill_between(x[run], lo[run], hi[run], alpha=0.2, color=color, lw=0)


def _pad_limits(ax: Axes, sub: pd.DataFrame, all_years: pd.Series) -> None:
    """y from 0 to 15% above the highest estimate or interval end; x (shared by the panels)
    padded around ``all_years`` so end points and their labels are not clipped."""
    top = np.nanmax(sub[["prevalence", "hi"]].to_numpy(dtype=float)) if len(sub) else np.nan
    ax.set_ylim(0, top * 1.15 if np.isfinite(top) and top > 0 else 1)
    years = all_years.dropna().to_numpy(dtype=float)
    if len(years):
        pad = max(0.6, 0.04 * (years.max() - years.min()))
        ax.set_xlim(years.min() - pad, years.max() + pad)


def _docs_per_year(df: pd.DataFrame) -> int:
    keys = [c for c in ("level", "year") if c in df]
    return int(df.drop_duplicates(keys)["n_docs"].sum())


def plot_prevalence_by_year(
    df: pd.DataFrame,
    *,
    themes: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
    max_gap: int = 2,
    ax: Axes | None = None,
) -> Figure:
    """Theme prevalence by year with its 95% interval.

    Without ``ax``: one small panel per theme (shared year axis, own y scale, so every trend
    is visible); with ``ax``: every theme as a line on that axes. Lines do not bridge gaps of
    more than ``max_gap`` years; with fewer than four years a theme is drawn as points with
    error bars; with no dated documents the panel says so.

    Args:
        df: output of :func:`prevalence_by_year` (``year, theme, n_docs, prevalence, lo, hi``).
        themes: subset/order of themes (default: all, sorted).
        labels: display names per theme id (e.g. English labels from ``load_themes``).
        max_gap: longest gap in years that a line still joins.
        ax: draw into this axes (else a new figure).

    Returns:
        The figure (not saved).
    """
    if df.empty or "year" not in df:
        fig, ax = _new_ax(ax)
        _empty(ax, "no dated documents: theme prevalence by year not available")
        return fig
    names = labels or {}
    themes = list(themes) if themes is not None else sorted(df["theme"].unique())
    n_docs = _docs_per_year(df[df["theme"] == themes[0]]) if themes else 0
    title = f"Theme prevalence by year ({n_docs} dated reports; 95% interval)"
    if (df["n_docs"] <= 1).all():
        title = f"Theme prevalence by year ({n_docs} dated reports, one per year: no interval)"
    if ax is not None or len(themes) == 1:
        fig, ax = _new_ax(ax)
        for theme in themes:
            sub = df[df["theme"] == theme]
            if not sub.empty:
                _draw_series(ax, sub, label=names.get(theme, theme), max_gap=max_gap)
        ax.set_xlabel("year")
        ax.set_ylabel(_ylabel(df))
        ax.set_title(title)
        ax.legend(fontsize=8, ncols=2 if len(themes) > 5 else 1, frameon=False)
        ax.xaxis.get_major_locator().set_params(integer=True)
        return fig
    fig, axes = _facets(len(themes))
    for a, theme in zip(axes, themes, strict=True):
        _draw_series(a, df[df["theme"] == theme], label=theme, color="C0", max_gap=max_gap)
        a.set_title(names.get(theme, theme), fontsize=9)
        a.tick_params(labelsize=7)
        _pad_limits(a, df[df["theme"] == theme], df["year"])
        a.xaxis.get_major_locator().set_params(integer=True)
    fig.supylabel(_ylabel(df, short=True), fontsize=9)
    fig.suptitle(title, fontsize=11)
    return fig


def plot_prevalence_by_level(
    df: pd.DataFrame,
    *,
    theme: str | None = None,
    themes: Sequence[str] | None = None,
    labels: dict[str, str] | None = None,
    max_gap: int = 2,
    ax: Axes | None = None,
) -> Figure:
    """Theme prevalence by administrative level.

    For a frame with ``year`` (from ``prevalence_by_level(per_year=True)``): one line per
    level over the years — one panel per theme without ``ax`` (or just ``theme``), the single
    ``theme`` (default: the most prevalent) with ``ax``. For a frame without ``year``: grouped
    bars of every theme by level, with error bars.

    Args:
        df: output of :func:`prevalence_by_level`.
        theme: draw only this theme.
        themes: subset/order of themes for the panels.
        labels: display names per theme id.
        max_gap: longest gap in years that a line still joins.
        ax: draw into this axes (else a new figure).

    Returns:
        The figure (not saved).
    """
    if df.empty or "level" not in df:
        fig, ax = _new_ax(ax)
        _empty(ax, "no level metadata: theme prevalence by level not available")
        return fig
    names = labels or {}
    levels = sorted(df["level"].astype(str).unique())
    colours = {lvl: f"C{i % 10}" for i, lvl in enumerate(levels)}
    if "year" not in df:
        return _level_bars(df, levels=levels, names=names, ax=ax)
    if ax is not None or theme is not None:
        if theme is None:
            theme = df.groupby("theme")["prevalence"].mean().idxmax()
        fig, ax = _new_ax(ax)
        _level_lines(ax, df[df["theme"] == theme], colours, max_gap=max_gap, legend=True)
        ax.set_xlabel("year")
        ax.set_ylabel(_ylabel(df))
        ax.set_title(f"{names.get(theme, theme)} by level (95% interval)")
        return fig
    themes = list(themes) if themes is not None else sorted(df["theme"].unique())
    fig, axes = _facets(len(themes))
    for i, (a, th) in enumerate(zip(axes, themes, strict=True)):
        _level_lines(a, df[df["theme"] == th], colours, max_gap=max_gap, legend=False)
        a.set_title(names.get(th, th), fontsize=9)
        a.tick_params(labelsize=7)
        _pad_limits(a, df[df["theme"] == th], df["year"])
        if i == 0:
            fig.legend(
                *a.get_legend_handles_labels(), loc="outside lower center", ncols=len(levels),
                fontsize=8, frameon=False,
            )  # fmt: skip
    fig.supylabel(_ylabel(df, short=True), fontsize=9)
    fig.suptitle("Theme prevalence by year and level (95% interval)", fontsize=11)
    return fig


def _level_lines(ax: Axes, sub: pd.DataFrame, colours: dict, *, max_gap: int, legend: bool):
    for lvl, grp in sub.groupby(sub["level"].astype(str), sort=True):
        _draw_series(ax, grp, label=lvl, color=colours[lvl], max_gap=max_gap)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if legend:
        ax.legend(fontsize=8, frameon=False)


def _level_bars(df: pd.DataFrame, *, levels: list[str], names: dict, ax: Axes | None) -> Figure:
    fig, ax = _new_ax(ax)
    themes = sorted(df["theme"].unique())
    width = 0.8 / max(1, len(levels))
    x = np.arange(len(themes))
    for i, lvl in enumerate(levels):
        sub = df[df["level"].astype(str) == lvl].set_index("theme").reindex(themes)
        y = sub["prevalence"].to_numpy(dtype=float)
        yerr = np.vstack(
            [
                np.clip(y - sub["lo"].to_numpy(dtype=float), 0, None),
                np.clip(sub["hi"].to_numpy(dtype=float) - y, 0, None),
            ]
        )
        ax.bar(x + (i - (len(levels) - 1) / 2) * width, y, width, yerr=yerr, capsize=2, label=lvl)
    ax.set_xticks(x, [names.get(t, t) for t in themes], rotation=30, ha="right")
    ax.set_ylabel(_ylabel(df))
    ax.set_title("Theme prevalence by level (95% interval)")
    ax.legend(fontsize=8, frameon=False)
    return fig
