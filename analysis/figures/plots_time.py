"""Themes over time: prevalence by year and by administrative level, with 95 % intervals.

Plots of the tables of :mod:`analysis.measures.timeseries` (``prevalence_by_year``,
``prevalence_by_level``); ``(df, *, ax=None) -> Figure``, never saved, no pyplot.

    >>> from analysis.measures.timeseries import prevalence_by_year
    >>> fig = plot_prevalence_by_year(prevalence_by_year(scores, docs, seed=1))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from analysis.measures.timeseries import (
    LEVEL_SOURCE_INFERRED,
    comparable_groups,
    not_applicable,
)

from ._axes import figure_and_axes


def _new_ax(ax: Axes | None, *, figsize=(8, 4.5)) -> tuple[Figure, Axes]:
    return figure_and_axes(ax, figsize=figsize)


def _facets(n: int, *, ncols: int = 3, panel=(3.6, 2.4)) -> tuple[Figure, list[Axes]]:
    """Panels for compared groups: shared x AND y axes (a 1 → 0 change must not look like
    1 → 88 because each panel scaled itself)."""
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    fig = Figure(figsize=(panel[0] * ncols, panel[1] * nrows + 0.6), layout="constrained")
    axes = fig.subplots(
        nrows,
        ncols,
        sharex=True,
        sharey=True,
        squeeze=False,
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
    """y from 0 to 15% above the highest estimate or interval end of ``sub`` (pass every
    panel's rows: the panels share y); x padded around ``all_years`` so end points and their
    labels are not clipped."""
    top = np.nanmax(sub[["prevalence", "hi"]].to_numpy(dtype=float)) if len(sub) else np.nan
    ax.set_ylim(0, top * 1.15 if np.isfinite(top) and top > 0 else 1)
    years = all_years.dropna().to_numpy(dtype=float)
    if len(years):
        pad = max(0.6, 0.04 * (years.max() - years.min()))
        ax.set_xlim(years.min() - pad, years.max() + pad)


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


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

    Without ``ax``: one small panel per theme (shared year AND y axes, so panels compare);
    with ``ax``: every theme as a line on that axes. Lines do not bridge gaps of more than
    ``max_gap`` years; with fewer than four years a theme is drawn as points with error bars
    and the number of reports. Small-N honesty: years with fewer than
    :data:`MIN_GROUP_DOCS` reports are left out (named in the title); with fewer than two
    years left the figure says "not applicable (n = …)"; groups under
    :data:`MIN_INTERVAL_DOCS` reports have no interval.

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
    kept, left_out = comparable_groups(df, ["year"])
    if kept["year"].nunique() < 2:
        fig, ax = _new_ax(ax)
        first = df[df["theme"] == df["theme"].iloc[0]]
        _empty(ax, _wrap(not_applicable(first, ["year"], "years")))
        return fig
    df = kept
    n_docs = _docs_per_year(df[df["theme"] == themes[0]]) if themes else 0
    title = f"Theme prevalence by year ({n_docs} dated reports; 95% interval)"
    if left_out:
        title += "\n" + _wrap(left_out, 110)
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
        _pad_limits(a, df[df["theme"].isin(themes)], df["year"])
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
    overall: pd.DataFrame | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Theme prevalence by administrative level.

    Small-N honesty: (level, year) groups of fewer than :data:`MIN_GROUP_DOCS` reports are
    left out; when fewer than two levels remain, the years are pooled (``overall``, from
    ``prevalence_by_level(per_year=False)``) and drawn as bars, and when even that compares
    fewer than two levels of ≥ :data:`MIN_GROUP_DOCS` reports the figure says
    "not applicable (n = …)". Panels share their y axis; legends give the reports per level.
    The title (or the not-applicable message) says where the level comes from (the manifest,
    or inferred from the text: ``level_source``) and how many reports had none
    (``n_docs_without_level``). Without dated reports the pooled ``overall`` table is drawn.

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
        overall: the by-level table without years (fallback when years are too thin).
        ax: draw into this axes (else a new figure).

    Returns:
        The figure (not saved).
    """
    if (df.empty or "level" not in df) and overall is not None and not overall.empty:
        return plot_prevalence_by_level(overall, labels=labels, ax=ax)  # no dated reports
    if df.empty or "level" not in df:
        fig, ax = _new_ax(ax)
        _empty(ax, "no level metadata: theme prevalence by level not available")
        return fig
    names = labels or {}
    source = level_source_note(df)
    left_out = ""
    if "year" in df:
        kept, left_out = comparable_groups(df, ["level", "year"])
        if kept["level"].nunique() < 2:  # too few reports per level and year: pool the years
            if overall is not None and not overall.empty:
                pooled, left = comparable_groups(overall, ["level"])
                if pooled["level"].nunique() >= 2:
                    why = "years pooled: per level and year " + left_out.replace("left out ", "")
                    note = "; ".join(x for x in (source, why, left) if x)
                    return _level_bars(pooled, names=names, ax=ax, note=note)
                return plot_prevalence_by_level(overall, labels=labels, ax=ax)
            fig, ax = _new_ax(ax)
            first = df[df["theme"] == df["theme"].iloc[0]]
            _empty(ax, _na_message(first, ["level", "year"], source))
            return fig
        df = kept
    levels = sorted(df["level"].astype(str).unique())
    colours = {lvl: f"C{i % 10}" for i, lvl in enumerate(levels)}
    if "year" not in df:
        kept, left_out = comparable_groups(df, ["level"])
        if kept["level"].nunique() < 2:
            fig, ax = _new_ax(ax)
            first = df[df["theme"] == df["theme"].iloc[0]]
            _empty(ax, _na_message(first, ["level"], source))
            return fig
        note = "; ".join(x for x in (source, left_out) if x)
        return _level_bars(kept, names=names, ax=ax, note=note)
    if ax is not None or theme is not None:
        if theme is None:
            theme = df.groupby("theme")["prevalence"].mean().idxmax()
        fig, ax = _new_ax(ax)
        _level_lines(ax, df[df["theme"] == theme], colours, max_gap=max_gap, legend=True)
        ax.set_xlabel("year")
        ax.set_ylabel(_ylabel(df))
        title = f"{names.get(theme, theme)} by level (95% interval)"
        ax.set_title(title + ("\n" + _wrap(source, 90) if source else ""))
        return fig
    themes = list(themes) if themes is not None else sorted(df["theme"].unique())
    fig, axes = _facets(len(themes))
    for i, (a, th) in enumerate(zip(axes, themes, strict=True)):
        _level_lines(a, df[df["theme"] == th], colours, max_gap=max_gap, legend=False)
        a.set_title(names.get(th, th), fontsize=9)
        a.tick_params(labelsize=7)
        _pad_limits(a, df[df["theme"].isin(themes)], df["year"])
        if i == 0:
            fig.legend(
                *a.get_legend_handles_labels(), loc="outside lower center", ncols=len(levels),
                fontsize=8, frameon=False,
            )  # fmt: skip
    fig.supylabel(_ylabel(df, short=True), fontsize=9)
    title = "Theme prevalence by year and level (95% interval)"
    note = "; ".join(x for x in (source, left_out) if x)
    fig.suptitle(title + ("\n" + _wrap(note, 110) if note else ""), fontsize=11)
    return fig


def level_source_note(df: pd.DataFrame) -> str:
    """Where the levels of a by-level table come from and how many reports had none, e.g.
    ``"level inferred from the text (place_level); 3 reports with no inferred level left
    out"`` or ``"level from the manifest"`` (empty for a table without ``level_source``)."""
    if df.empty or "level_source" not in df:
        return ""
    source = str(df["level_source"].iloc[0])
    n = int(df["n_docs_without_level"].iloc[0]) if "n_docs_without_level" in df else 0
    reports = f"{n} report{'' if n == 1 else 's'}"
    if source == LEVEL_SOURCE_INFERRED:
        inferred = "level inferred from the text (place_level)"
        return inferred + (f"; {reports} with no inferred level left out" if n else "")
    note = f"level from the {source}"
    return note + (f"; {reports} without a level left out" if n else "")


def _na_message(first: pd.DataFrame, by: list[str], source: str) -> str:
    message = _wrap(not_applicable(first, by, "levels"))
    return message + ("\n" + _wrap(source) if source else "")


def _level_lines(ax: Axes, sub: pd.DataFrame, colours: dict, *, max_gap: int, legend: bool):
    for lvl, grp in sub.groupby(sub["level"].astype(str), sort=True):
        n = int(grp.drop_duplicates("year")["n_docs"].sum())
        _draw_series(ax, grp, label=f"{lvl} (n = {n})", color=colours[lvl], max_gap=max_gap)
    ax.xaxis.get_major_locator().set_params(integer=True)
    if legend:
        ax.legend(fontsize=8, frameon=False)


def _level_bars(df: pd.DataFrame, *, names: dict, ax: Axes | None, note: str = "") -> Figure:
    fig, ax = _new_ax(ax)
    levels = sorted(df["level"].astype(str).unique())
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
        n = int(sub["n_docs"].max())
        label = f"{lvl} (n = {n})"
        ax.bar(x + (i - (len(levels) - 1) / 2) * width, y, width, yerr=yerr, capsize=2, label=label)
    ax.set_xticks(x, [names.get(t, t) for t in themes], rotation=30, ha="right")
    ax.set_ylabel(_ylabel(df))
    title = "Theme prevalence by level, all years pooled (95% interval)"
    ax.set_title(title + ("\n" + _wrap(note, 90) if note else ""), fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    return fig
