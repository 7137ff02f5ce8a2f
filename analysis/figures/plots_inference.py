"""Plots for inference and validation: effect coefficients, co-occurrence network, validation.

Pure functions: data in, :class:`~matplotlib.figure.Figure` out (nothing is saved here).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._axes import empty_panel, figure_and_axes
from .style import FULL_WIDTH, OKABE_ITO, theme_label


def plot_effects(
    effects: pd.DataFrame,
    *,
    labels: Mapping[str, tuple[str, str]] | None = None,
    title: str = "Effects on theme rates (95 % CI)",
    max_outcomes: int = 12,
    ax=None,
):
    """Coefficient plot: one panel row per outcome, estimates with intervals per covariate level.

    Args:
        effects: :func:`analysis.measures.effects.estimate_effects` output.
        labels: ``{outcome: (en, zh)}`` for bilingual outcome names (themes).
        title: figure title.
        max_outcomes: at most this many outcomes (largest absolute standardised estimate first).
        ax: caller's axes.
    """
    ok = effects.dropna(subset=["estimate"]).copy()
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, 0.32 * max(8, min(len(ok), 40)) + 1.2))
    if ok.empty:
        reason = effects["note"].dropna().astype(str)
        empty_panel(ax, reason.iloc[0] if len(reason) else "not applicable (no estimates)")
        ax.set_title(title)
        return fig
    ok["term"] = ok["covariate"] + ": " + ok["level"].astype(str)
    z = (ok["estimate"] / ok["se"].replace(0, np.nan)).abs()
    keep = (
        ok.assign(z=z).groupby("outcome")["z"].max().sort_values(ascending=False).head(max_outcomes)
    )
    ok = ok[ok["outcome"].isin(keep.index)]
    terms = list(dict.fromkeys(ok["term"]))
    colours = {t: OKABE_ITO[i % len(OKABE_ITO)] for i, t in enumerate(terms)}
    outcomes = list(keep.index)
    y = 0.0
    ticks, ticklabels = [], []
    step = 0.8 / max(1, len(terms))
    for outcome in outcomes:
        part = ok[ok["outcome"] == outcome]
        for j, row in enumerate(part.itertuples(index=False)):
            yy = y + (terms.index(row.term) - (len(terms) - 1) / 2) * step
            ax.errorbar(
                row.estimate,
                yy,
                xerr=[[row.estimate - row.ci_low], [row.ci_high - row.estimate]],
                fmt="o",
                ms=3.5,
                color=colours[row.term],
                label=row.term if outcome == outcomes[0] or j < 0 else None,
            )
        ticks.append(y)
        n = int(part["n"].iloc[0])
        ticklabels.append(f"{theme_label(outcome, labels)} (n = {n})")
        y += 1.0
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set_yticks(ticks, ticklabels)
    ax.invert_yaxis()
    ax.set_xlabel("estimate (outcome units per covariate unit / vs reference group)")
    method = ", ".join(sorted(set(ok["method"])))
    refs = {f"{c} vs {r}" for c, r in zip(ok["covariate"], ok["reference"], strict=True) if r}
    sub = f"method: {method}" + (f"; reference: {', '.join(sorted(refs))}" if refs else "")
    ax.set_title(f"{title}\n{sub}", fontsize="medium")
    handles, labs = ax.get_legend_handles_labels()
    seen = dict(zip(labs, handles, strict=True))
    ax.legend(seen.values(), seen.keys(), fontsize="small", loc="best", frameon=False)
    return fig


def plot_cooccurrence_network(
    cooc: pd.DataFrame,
    *,
    n_edges: int = 60,
    min_npmi: float = 0.1,
    seed: int,
    title: str = "Term co-occurrence within paragraphs",
    labels: Mapping[str, tuple[str, str]] | None = None,
    ax=None,
):
    """Network of frequent co-occurrence pairs (edge width ∝ NPMI, node size ∝ frequency).

    Args:
        cooc: ``analysis.measures.cooccurrence`` output (item_a, item_b, count, n_a, n_b, npmi …).
        n_edges: pairs drawn: the most frequent with NPMI ≥ ``min_npmi``.
        min_npmi: association threshold for an edge.
        seed: layout seed (spring layout).
        title: figure title.
        labels: ``{item: (en, zh)}`` (themes) for node labels.
        ax: caller's axes.
    """
    import networkx as nx

    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, FULL_WIDTH * 0.75))
    ax.set_title(title)
    ax.set_axis_off()
    # the most frequent pairs among those clearly above chance: a readable core, not the
    # rare pairs whose NPMI is near 1 because they were seen together three times
    top = (
        cooc[cooc["npmi"] >= min_npmi]
        .sort_values(["count", "npmi", "item_a", "item_b"], ascending=[False, False, True, True])
        .head(n_edges)
    )
    if top.empty:
        empty_panel(ax, "not applicable (no co-occurring pair above chance)")
        return fig
    g = nx.Graph()
    for row in top.itertuples(index=False):
        g.add_node(row.item_a, n=row.n_a)
        g.add_node(row.item_b, n=row.n_b)
        g.add_edge(row.item_a, row.item_b, w=float(row.npmi), c=int(row.count))
    nodes = sorted(g.nodes)
    pos = nx.spring_layout(g.subgraph(nodes), seed=seed, weight="w", k=2.0 / np.sqrt(len(nodes)))
    w = np.array([g.edges[e]["w"] for e in g.edges])
    nx.draw_networkx_edges(g, pos, ax=ax, width=0.5 + 4 * w, edge_color="0.55", alpha=0.7)
    size = np.array([g.nodes[v]["n"] for v in nodes], dtype=float)
    nx.draw_networkx_nodes(
        g,
        pos,
        nodelist=nodes,
        ax=ax,
        node_size=20 + 180 * size / size.max(),
        node_color=OKABE_ITO[4],
        edgecolors="white",
    )
    names = {v: theme_label(v, labels, sep="\n") if labels else v for v in nodes}
    nx.draw_networkx_labels(
        g,
        pos,
        labels=names,
        ax=ax,
        font_size=7,
        font_family=_font(),
        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
    )
    n_units = int(top["n_units"].iloc[0])
    ax.text(
        0.0,
        -0.02,
        f"{len(top)} most frequent pairs with NPMI ≥ {min_npmi} (of {len(cooc)} pairs; "
        f"edge width ∝ NPMI) over {n_units} paragraphs",
        transform=ax.transAxes,
        fontsize="small",
        color="0.35",
    )
    return fig


def _font() -> str:
    import matplotlib

    family = matplotlib.rcParams["font.family"]
    return family[0] if isinstance(family, list) else family


def plot_validation(validation: pd.DataFrame, agreement: pd.DataFrame, *, ax=None):
    """Precision, recall and F1 of the lexicon per theme against coders, with agreement.

    Args:
        validation: ``validate_sheets(...)["validation"]``.
        agreement: ``validate_sheets(...)["agreement"]``.
        ax: caller's axes.
    """
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, 0.35 * max(4, len(validation)) + 1.5))
    a = agreement[agreement["measure"] == "krippendorff_alpha"]
    alpha = float(a["value"].iloc[0]) if len(a) else np.nan
    n_items = int(a["n_items"].iloc[0]) if len(a) else 0
    sub = (
        f"Krippendorff's α = {alpha:.2f} over {n_items} double-coded items"
        if alpha == alpha
        else "agreement: not applicable (one coder)"
    )
    ax.set_title(f"Lexicon vs human coding\n{sub}", fontsize="medium")
    if validation.empty:
        empty_panel(ax, "not applicable (no coded theme items)")
        return fig
    y = np.arange(len(validation))
    for i, (col, colour) in enumerate(zip(("precision", "recall", "f1"), OKABE_ITO, strict=False)):
        ax.barh(y + (i - 1) * 0.27, validation[col].fillna(0), height=0.25, color=colour, label=col)
    ax.set_yticks(
        y,
        [f"{t} (n = {n})" for t, n in zip(validation["theme"], validation["n_coded"], strict=True)],
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.legend(frameon=False, fontsize="small", loc="lower right")
    return fig
