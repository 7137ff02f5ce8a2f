"""Plots for text reuse and slogan diffusion (pure functions of DataFrames → Figure).

* :func:`plot_reuse_network` — documents as nodes, edges weighted by reused characters; above
  ``max_nodes`` documents the nodes become regions (or levels), so 900 reports stay readable.
* :func:`plot_reuse_share` — share of each report's text found in earlier reports, by year and
  by level; groups with fewer than ``min_n`` reports say "not applicable (n = …)".
* :func:`plot_adoption_curves` — cumulative share of regions using each top slogan, by year.
* :func:`plot_first_appearance` — the year each top slogan first appears at each level.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from analysis.measures.timeseries import LEVEL_SOURCE_INFERRED

from ._axes import figure_and_axes
from .style import FULL_WIDTH, NONE_COLOUR, SEQUENTIAL, category_colours, qualitative


def _not_applicable(ax: Axes, why: str) -> None:
    ax.text(0.5, 0.5, f"not applicable\n({why})", ha="center", va="center",
            transform=ax.transAxes, fontsize=8, color="0.35")  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _node_table(documents: pd.DataFrame, doc_ids: list[str]) -> pd.DataFrame:
    meta = documents.drop_duplicates("doc_id").set_index(documents["doc_id"].astype(str))
    out = pd.DataFrame(index=pd.Index(doc_ids, name="doc_id"))
    for col in ("level", "region", "place", "year"):
        out[col] = meta[col].reindex(doc_ids) if col in meta else pd.NA
    return out


def reuse_edges(pairs: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Reused characters between documents (or between the groups ``groups`` maps them to).

    Returns:
        DataFrame[source, target, chars, passages]: one row per unordered pair, self-pairs
        (reuse inside one group) dropped.
    """
    p = pairs[["doc_a", "doc_b", "n_chars"]].astype({"doc_a": str, "doc_b": str})
    if groups is not None:
        p = p.assign(doc_a=p["doc_a"].map(groups), doc_b=p["doc_b"].map(groups)).dropna()
        p = p[(p["doc_a"] != "") & (p["doc_b"] != "")]
    a = np.where(p["doc_a"] < p["doc_b"], p["doc_a"], p["doc_b"])
    b = np.where(p["doc_a"] < p["doc_b"], p["doc_b"], p["doc_a"])
    e = pd.DataFrame({"source": a, "target": b, "chars": p["n_chars"].to_numpy()})
    e = e[e["source"] != e["target"]]
    return (
        e.groupby(["source", "target"], sort=True)
        .agg(chars=("chars", "sum"), passages=("chars", "size"))
        .reset_index()
    )


def plot_reuse_network(
    pairs: pd.DataFrame,
    documents: pd.DataFrame,
    *,
    max_nodes: int = 120,
    max_edges: int = 150,
    seed: int = 20240601,
    ax: Axes | None = None,
) -> Figure:
    """Reuse network: nodes = documents (or regions/levels above ``max_nodes``), edge width ∝
    reused characters (the ``max_edges`` heaviest edges drawn), colour = level, else year.

    Args:
        pairs: ``reuse_pairs`` (:func:`analysis.measures.reuse.text_reuse`).
        documents: documents table (``level``, ``region``, ``year`` used when present).
        max_nodes: above this many documents, aggregate by region (else level).
        max_edges: draw only the heaviest edges.
        seed: layout seed (spring layout).
        ax: draw into this axes.
    """
    import networkx as nx

    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, FULL_WIDTH * 0.8))
    ax.set_axis_off()
    doc_ids = documents["doc_id"].astype(str).tolist()
    nodes = _node_table(documents, doc_ids)
    if pairs.empty:
        _not_applicable(ax, f"no reuse found between {len(doc_ids)} documents")
        return fig
    unit, groups = "document", None
    if len(doc_ids) > max_nodes:
        for col in ("region", "level", "place"):
            vals = nodes[col].fillna("").astype(str)
            if (vals != "").mean() > 0.5 and vals[vals != ""].nunique() <= max_nodes:
                unit, groups = col, vals
                break
        if groups is None:
            _not_applicable(ax, f"{len(doc_ids)} documents and no region or level to group by")
            return fig
    edges = reuse_edges(pairs, groups)
    limit = max_edges if groups is None else min(max_edges, 2 * len(set(groups) - {""}))
    edges = edges.sort_values("chars", ascending=False).head(limit)
    if groups is not None:
        members = groups[groups != ""]
        names = sorted(members.unique())
        size = members.value_counts()
        level = (
            nodes.assign(g=groups)
            .groupby("g")["level"]
            .agg(lambda s: s.dropna().astype(str).mode().iloc[0] if s.notna().any() else "")
        )
        colour_by = level.reindex(names).fillna("") if unit != "level" else pd.Series(names, names)
    else:
        names = doc_ids
        size = pd.Series(1, index=names)
        colour_by = None
        for col in ("level", "region"):
            vals = nodes[col].fillna("").astype(str)
            if (vals != "").any() and vals.nunique() <= 8:
                colour_by = vals
                break
        if colour_by is None and nodes["year"].notna().any():
            colour_by = pd.to_numeric(nodes["year"], errors="coerce")
    known = set(names)
    edges = edges[edges["source"].isin(known) & edges["target"].isin(known)]
    g = nx.Graph()
    g.add_nodes_from(names)
    w = np.log1p(edges["chars"].to_numpy(dtype=float))
    for (s, t), wt in zip(edges[["source", "target"]].itertuples(index=False), w):
        g.add_edge(s, t, weight=float(wt))
    if groups is not None:  # few nodes, dense edges: a circle ordered by level reads best
        ring = sorted(names, key=lambda n: (str(colour_by.get(n, "")), n))
        angle = np.pi / 2 - 2 * np.pi * np.arange(len(ring)) / len(ring)
        pos = {n: np.array([np.cos(a), np.sin(a)]) for n, a in zip(ring, angle)}
    else:
        pos = nx.spring_layout(g, seed=seed, weight="weight", k=1.5 / np.sqrt(max(len(names), 1)))
    xy = np.array([pos[n] for n in names])
    if len(edges):
        spread = float(np.ptp(w))
        width = 0.3 + 3.0 * (w - w.min()) / spread if spread > 0 else np.full(len(w), 2.0)
        for (s, t), lw in zip(edges[["source", "target"]].itertuples(index=False), width):
            (x0, y0), (x1, y1) = pos[s], pos[t]
            ax.plot([x0, x1], [y0, y1], color="0.55", lw=lw, alpha=0.5, zorder=1)
    sizes = 20 + 180 * np.sqrt(size.reindex(names).fillna(1).to_numpy() / size.max())
    legend = []
    if colour_by is None:
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, color=qualitative(1)[0], zorder=2)
    elif pd.api.types.is_numeric_dtype(colour_by):
        vals = colour_by.reindex(names).to_numpy(dtype=float)
        sc = ax.scatter(xy[:, 0], xy[:, 1], s=sizes, c=vals, cmap=SEQUENTIAL, zorder=2,
                        plotnonfinite=True)  # fmt: skip
        sc.cmap.set_bad(NONE_COLOUR)
        bar = fig.colorbar(sc, ax=ax, shrink=0.6, label="year")
        bar.locator = MaxNLocator(integer=True)
        bar.update_ticks()
    else:
        vals = colour_by.reindex(names).fillna("").astype(str)
        colours = category_colours(sorted(set(vals) - {""}))
        ax.scatter(xy[:, 0], xy[:, 1], s=sizes, zorder=2,
                   color=[colours.get(v, NONE_COLOUR) for v in vals])  # fmt: skip
        legend = [(v, colours[v]) for v in sorted(colours)]
    if groups is not None:
        for n, (x, y) in zip(names, xy):
            ax.annotate(str(n), (x, y), fontsize=6, ha="left" if x > 0.01 else "right" if x < -0.01
                        else "center", va="center", xytext=(8 * x, 8 * y),
                        textcoords="offset points")  # fmt: skip
        ax.set_aspect("equal")
        ax.margins(0.18)
    elif len(names) <= 60:
        for n, (x, y) in zip(names, xy):
            ax.annotate(str(n), (x, y), fontsize=6, ha="center", va="bottom",
                        xytext=(0, 4), textcoords="offset points")  # fmt: skip
    for label, colour in legend:
        ax.scatter([], [], color=colour, label=label)
    if legend:
        ax.legend(fontsize=7, frameon=False, loc="lower left", title="level", title_fontsize=7)
    kinds = pairs["kind"] if "kind" in pairs else pd.Series("passage", index=pairs.index)
    n_pass, n_dup = int((kinds == "passage").sum()), int((kinds == "near_duplicate").sum())
    what = "documents" if groups is None else f"{unit}s (node size = reports)"
    ax.set_title(
        f"Text reuse between {what}: {n_pass:,} shared passages, {n_dup} near-duplicate "
        f"document(s);\nedge width = log reused characters ({len(edges)} heaviest edges)",
        fontsize=8,
    )
    return fig


def _mean_ci(values: pd.Series) -> tuple[float, float]:
    v = values.dropna().to_numpy(dtype=float)
    m = float(v.mean())
    half = 1.96 * float(v.std(ddof=1)) / np.sqrt(len(v)) if len(v) > 1 else np.nan
    return m, half


def plot_reuse_share(docs: pd.DataFrame, *, min_n: int = 3) -> Figure:
    """Share of each report's text also found in earlier reports, by year and by level.

    Args:
        docs: ``reuse_documents`` (:func:`analysis.measures.reuse.reuse_documents`).
        min_n: groups with fewer reports are not drawn; they are listed as "not applicable".
    """
    fig = Figure(figsize=(FULL_WIDTH, 2.8), layout="constrained")
    ax_y, ax_l = fig.subplots(1, 2, width_ratios=[2.2, 1])
    d = docs[docs.get("duplicate_of", pd.Series("", index=docs.index)).fillna("") == ""]
    years = pd.to_numeric(d["year"], errors="coerce")
    dated = d[years.notna()].assign(year=years.dropna().astype(int))
    if dated.empty:
        _not_applicable(ax_y, "no document has a date or year")
    else:
        stats = dated.groupby("year")["share_earlier"].agg(["size", "mean", "std"])
        ok = stats[stats["size"] >= min_n]
        small = stats[stats["size"] < min_n]
        if ok.empty:
            _not_applicable(ax_y, f"no year has ≥ {min_n} reports; n = {int(stats['size'].max())}")
        else:
            half = 1.96 * ok["std"].fillna(0) / np.sqrt(ok["size"])
            ax_y.fill_between(ok.index, ok["mean"] - half, ok["mean"] + half,
                              color=qualitative(1)[0], alpha=0.25, lw=0)  # fmt: skip
            ax_y.plot(ok.index, ok["mean"], marker="o", ms=2.5, color=qualitative(1)[0])
            ax_y.set_ylim(0, max(0.05, float((ok["mean"] + half).max()) * 1.1))
            ax_y.set_xlabel("year (report date, else year label)")
            ax_y.set_ylabel("share of text found in earlier reports")
            if len(small):
                ax_y.text(0.01, 0.98, f"not applicable (n < {min_n}) for {len(small)} years: "
                          + ", ".join(f"{y} (n = {n})" for y, n in small["size"].head(6).items())
                          + (" …" if len(small) > 6 else ""),
                          transform=ax_y.transAxes, fontsize=6, va="top", color="0.35")  # fmt: skip
        ax_y.set_title("By year (mean, 95% interval)", fontsize=8)
    levels = d["level"].fillna("").astype(str) if "level" in d else pd.Series("", index=d.index)
    if (levels == "").all():
        _not_applicable(ax_l, "no level in the manifest\nnor inferred from the text")
    else:
        names = sorted(set(levels) - {""})
        colours = category_colours(names)
        for i, name in enumerate(names):
            vals = d.loc[levels == name, "share_earlier"].dropna()
            if len(vals) < min_n:
                ax_l.text(i, 0.01, f"not applicable\n(n = {len(vals)})", ha="center",
                          va="bottom", fontsize=6, color="0.35", rotation=90)  # fmt: skip
                continue
            m, half = _mean_ci(vals)
            ax_l.bar(i, m, color=colours[name], yerr=half, capsize=2)
            ax_l.text(i, m / 2, f"n = {len(vals)}", ha="center", fontsize=6, rotation=90)
        ax_l.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
        ax_l.set_xlim(-0.6, len(names) - 0.4)  # "not applicable" notes clear of the axis
        ax_l.set_ylim(bottom=0)
        ax_l.set_title(_level_title(d, levels), fontsize=8)
    return fig


def _level_title(d: pd.DataFrame, levels: pd.Series) -> str:
    """The by-level panel's title: where the level comes from and the reports without one."""
    source = str(d["level_source"].iloc[0]) if "level_source" in d and len(d) else ""
    title = {LEVEL_SOURCE_INFERRED: "By level (inferred from the text)"}.get(
        source, f"By level (from the {source})" if source else "By level"
    )
    n = int((levels == "").sum())
    if n:
        title += f"\n{n} report{'' if n == 1 else 's'} without a level left out"
    return title


def plot_adoption_curves(
    curves: pd.DataFrame, diffusion: pd.DataFrame, *, top: int = 8, ax: Axes | None = None
) -> Figure:
    """Cumulative share of regions that have used each of the ``top`` most widespread slogans.

    Args:
        curves: ``adoption_curves`` (:func:`analysis.measures.diffusion.adoption_curves`).
        diffusion: ``slogan_diffusion`` (its order picks the top slogans).
        top: how many slogans to draw.
        ax: draw into this axes.
    """
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, 3.4))
    chosen = [s for s in diffusion["slogan"] if s in set(curves["slogan"])][:top]
    if not chosen:
        _not_applicable(ax, "no recurring slogan in dated documents with a region")
        return fig
    colours = qualitative(len(chosen))
    for s, colour in zip(chosen, colours):
        c = curves[curves["slogan"] == s]
        row = diffusion[diffusion["slogan"] == s].iloc[0]
        ax.step(c["year"], c["share_regions"], where="post", color=colour, lw=1.4,
                label=f"{s} ({row['n_regions']} regions, first {row['first_year']})")  # fmt: skip
    n_regions = int(curves["regions_reporting"].max())
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("year (report date, else year label)")
    ax.set_ylabel(f"share of regions that used it\n(of {n_regions} with reports so far)")
    ax.legend(fontsize=6.5, frameon=False, loc="lower right")
    ax.set_title("Adoption curves of the most widespread slogans", fontsize=8)
    return fig


def plot_first_appearance(
    first: pd.DataFrame, diffusion: pd.DataFrame, *, top: int = 20, ax: Axes | None = None
) -> Figure:
    """Year each of the ``top`` slogans first appears at each administrative level.

    Args:
        first: ``first_appearance_by_level`` (:func:`analysis.measures.diffusion`).
        diffusion: ``slogan_diffusion`` (its order picks the slogans).
        top: how many slogans (rows).
        ax: draw into this axes.
    """
    chosen = [s for s in diffusion["slogan"] if s in set(first["slogan"])][:top]
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, 0.6 + 0.22 * max(len(chosen), 4)))
    if not chosen:
        _not_applicable(ax, "no recurring slogan in dated documents")
        return fig
    f = first[first["slogan"].isin(chosen)]
    levels = sorted(f["level"].astype(str).unique())
    colours = category_colours([lv or "unknown" for lv in levels])
    markers = ["o", "s", "D", "^", "v", "P"]
    order = {s: i for i, s in enumerate(chosen)}
    step = 0.6 / max(len(levels), 1)  # levels side by side within a row, so none hides another
    for k, lv in enumerate(levels):
        g = f[f["level"] == lv]
        dodge = (k - (len(levels) - 1) / 2) * step
        ax.scatter(g["first_year"].astype(float), g["slogan"].map(order) + dodge, s=22,
                   marker=markers[k % len(markers)], color=colours[lv or "unknown"],
                   label=lv or "unknown", zorder=2, alpha=0.85)  # fmt: skip
    for s, i in order.items():
        ys = f.loc[f["slogan"] == s, "first_year"].astype(float)
        ax.plot([ys.min(), ys.max()], [i, i], color="0.8", lw=0.8, zorder=1)
    ax.set_yticks(range(len(chosen)), chosen, fontsize=7)
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("first year (report date, else year label)")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0),
              title="level", title_fontsize=7)  # fmt: skip
    title = "When slogans first appear, by administrative level"
    if "level_source" in first and len(first):
        source = str(first["level_source"].iloc[0])
        if source == LEVEL_SOURCE_INFERRED:
            unknown = "; unknown: reports without one" if "" in levels else ""
            title += f"\n(level inferred from the text, place_level{unknown})"
        elif source:
            title += f" (level from the {source})"
    ax.set_title(title, fontsize=8)
    return fig
