"""Topic-model figures: choosing K, top terms, document × topic, stability, seeded topics.

Pure plot functions: DataFrames / arrays in, ``Figure`` out; nothing is saved here. They read
the backend-independent outputs of :mod:`analysis.topics` (tables of ``topic_k_selection.csv``,
``topics.csv``, ``doc_topics.csv``, ``topic_stability.csv``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._axes import annotate_heatmap, doc_labels, empty_panel, figure_and_axes, new_grid
from .style import FULL_WIDTH, OKABE_ITO, SEQUENTIAL, category_colours, theme_label

#: metric column -> (axis label, higher is better?)
K_METRICS: dict[str, tuple[str, bool]] = {
    "npmi": ("NPMI coherence ↑", True),
    "c_v": ("c_v coherence ↑", True),
    "u_mass": ("u_mass coherence ↑", True),
    "perplexity": ("Held-out perplexity ↓", False),
    "diversity": ("Topic diversity ↑", True),
}


def topic_names(terms: pd.DataFrame, *, n: int = 3, sep: str = "·") -> dict[int, str]:
    """``{topic: "T3 招商·引资·项目"}`` from a top-terms table (topic, rank, term)."""
    t = terms.sort_values(["topic", "rank"]) if "rank" in terms else terms
    return {
        int(k): f"T{int(k)} " + sep.join(g["term"].astype(str).head(n))
        for k, g in t.groupby("topic", sort=True)
    }


def plot_k_selection(k_table: pd.DataFrame, *, chosen_k: int | None = None) -> Figure:
    """Coherence, perplexity and diversity across K: mean per backend, one dot per seed.

    Args:
        k_table: ``topic_k_selection`` (backend, k, seed, npmi, c_v, u_mass, perplexity, diversity).
        chosen_k: the K used downstream (dashed line).
    """
    metrics = [m for m in K_METRICS if m in k_table and k_table[m].notna().any()]
    fig, axes = new_grid(max(1, len(metrics)), ncols=min(3, max(1, len(metrics))), panel=(FULL_WIDTH / 3, 1.8))
    if not metrics:
        empty_panel(axes[0], "no metrics")
        return fig
    backends = sorted(k_table["backend"].astype(str).unique()) if "backend" in k_table else ["model"]
    colours = category_colours(backends)
    rng = np.random.default_rng(0)  # fixed jitter: the figure is reproducible
    for ax, metric in zip(axes, metrics, strict=True):
        for i, backend in enumerate(backends):
            d = k_table[k_table["backend"].astype(str) == backend] if "backend" in k_table else k_table
            d = d.dropna(subset=[metric])
            if d.empty:
                continue
            offset = (i - (len(backends) - 1) / 2) * 0.15
            jitter = offset + rng.uniform(-0.04, 0.04, len(d))
            ax.scatter(d["k"] + jitter, d[metric], s=6, color=colours[backend], alpha=0.5, linewidths=0)
            mean = d.groupby("k")[metric].agg(["mean", "std"]).reset_index()
            ax.errorbar(mean["k"] + offset, mean["mean"], yerr=mean["std"].fillna(0), color=colours[backend],
                        marker="o", markersize=3, capsize=2, linewidth=1, label=backend)
        if chosen_k is not None:
            ax.axvline(chosen_k, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_title(K_METRICS[metric][0])
        ax.set_xticks(sorted(k_table["k"].unique()))
        ax.grid(axis="y")
    n_seeds = k_table["seed"].nunique() if "seed" in k_table else 1
    fig.supxlabel(f"Number of topics K (dots: {n_seeds} seeds; bars: ±1 sd)", fontsize=7)
    handles, labels = axes[0].get_legend_handles_labels()
    if chosen_k is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#555555", linestyle="--", linewidth=0.8))
        labels.append(f"chosen K = {chosen_k}")
    fig.legend(handles, labels, loc="outside upper center", ncols=len(labels))
    return fig


def plot_topic_terms(terms: pd.DataFrame, *, n_terms: int = 10, ncols: int = 4,
                     value: str = "weight", title: str = "") -> Figure:
    """Small multiples: the top ``n_terms`` terms of each topic (P(term | topic) by default).

    Args:
        terms: ``topic_terms`` table (topic, rank, term, weight[, relevance]).
        n_terms: terms per panel.
        ncols: panels per row.
        value: ``weight`` or ``relevance``.
        title: figure title (e.g. model name and K).
    """
    topics = sorted(terms["topic"].unique())
    fig, axes = new_grid(max(1, len(topics)), ncols=ncols, panel=(FULL_WIDTH / ncols, 0.14 * n_terms + 0.5))
    if not topics:
        empty_panel(axes[0], "no topics")
        return fig
    colours = (OKABE_ITO * (len(topics) // len(OKABE_ITO) + 1))[: len(topics)]
    for ax, topic, colour in zip(axes, topics, colours, strict=True):
        t = terms[terms["topic"] == topic].sort_values(value, ascending=False).head(n_terms)
        y = np.arange(len(t))
        ax.barh(y, t[value], color=colour if colour != "#000000" else "#555555", height=0.7)
        ax.set_yticks(y, t["term"].astype(str), fontsize=6.5)
        ax.invert_yaxis()
        ax.set_title(f"Topic {int(topic)}", fontsize=7)
        ax.tick_params(axis="x", labelsize=5.5)
    label = "P(term | topic)" if value == "weight" else "Relevance (λ)"
    fig.supxlabel(label, fontsize=7)
    if title:
        fig.suptitle(title, fontsize=8)
    return fig


def plot_doc_topics(doc_topics: pd.DataFrame, names: Mapping[int, str] | None = None,
                    documents: pd.DataFrame | None = None, *, ax: Axes | None = None) -> Figure:
    """Heatmap document × topic of topic shares (paragraph topic mixtures averaged per document).

    Args:
        doc_topics: long (doc_id, topic, weight) — ``doc_topics.csv`` for one model.
        names: ``{topic: label}`` (e.g. from :func:`topic_names`).
        documents: row labels.
        ax: draw into this axes.
    """
    wide = doc_topics.pivot_table(index="doc_id", columns="topic", values="weight", aggfunc="sum",
                                  fill_value=0.0)
    n_d, n_t = wide.shape
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, max(2.2, 0.28 * n_d + 1.6)))
    if wide.empty:
        empty_panel(ax, "no document-topic weights")
        return fig
    im = ax.imshow(wide.to_numpy(float), cmap=SEQUENTIAL, aspect="auto", vmin=0)
    ax.set_yticks(range(n_d), doc_labels(documents, [str(i) for i in wide.index], n=6))
    labels = [(names or {}).get(int(t), f"T{int(t)}") for t in wide.columns]
    ax.set_xticks(range(n_t), labels, rotation=40, ha="right")
    ax.spines[:].set_visible(False)
    annotate_heatmap(ax, wide.to_numpy(float), fmt="{:.2f}", fontsize=5.5, threshold=None)
    fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01).set_label("Topic share 主题占比")
    ax.set_title("Documents × topics 文档-主题")
    return fig


def plot_topic_stability(stability: pd.DataFrame, names: Mapping[int, str] | None = None,
                         *, ax: Axes | None = None) -> Figure:
    """Per-topic stability across seeds: one dot per re-fit, bar = mean similarity after alignment.

    Args:
        stability: long (topic, seed, similarity) or summary (topic, stability[, std]).
        names: ``{topic: label}``.
        ax: draw into this axes.
    """
    s = stability.copy()
    value = "similarity" if "similarity" in s else "stability"
    summary = s.groupby("topic")[value].agg(["mean", "min", "max", "count"]).reset_index()
    summary = summary.sort_values("mean", ascending=True)
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH * 0.7, max(2.0, 0.24 * len(summary) + 1.0)))
    if summary.empty:
        empty_panel(ax, "no stability scores")
        return fig
    y = np.arange(len(summary))
    ax.barh(y, summary["mean"], color=OKABE_ITO[4], height=0.6, label="mean over re-fits")
    pos = {t: i for i, t in enumerate(summary["topic"])}
    if value == "similarity" and (summary["count"] > 1).any():
        ax.scatter(s[value], s["topic"].map(pos), s=8, color=OKABE_ITO[5], zorder=3,
                   label="one seed", linewidths=0)
    ax.axvline(0.5, color="#888888", linestyle=":", linewidth=0.8)
    ax.set_yticks(y, [(names or {}).get(int(t), f"T{int(t)}") for t in summary["topic"]])
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("Similarity to the reference topic after matching (1 = identical) 稳定性")
    ax.set_title("Topic stability across seeds 主题稳定性")
    ax.legend(loc="lower right")
    return fig


def theme_mass(topic_word: np.ndarray, vocab: Sequence[str], themes: pd.DataFrame) -> pd.DataFrame:
    """Probability mass each topic puts on each theme's lexicon terms.

    Args:
        topic_word: (k, V) rows summing to 1.
        vocab: the V terms.
        themes: long ``load_themes()`` table (theme, term).

    Returns:
        DataFrame (k × themes) of Σ P(term | topic) over the theme's terms in the vocabulary.
    """
    index = {w: i for i, w in enumerate(vocab)}
    out = {}
    for theme, g in themes.groupby("theme", sort=False):
        cols = [index[t] for t in g["term"].astype(str).unique() if t in index]
        out[theme] = topic_word[:, cols].sum(axis=1) if cols else np.zeros(topic_word.shape[0])
    return pd.DataFrame(out, index=pd.RangeIndex(topic_word.shape[0], name="topic"))


def plot_seeded_topics(mass: pd.DataFrame, topic_labels: Sequence[str],
                       labels: Mapping[str, tuple[str, str]] | None = None,
                       *, ax: Axes | None = None) -> Figure:
    """Heatmap topic × theme lexicon: how much of each (seeded or free) topic is each theme.

    Args:
        mass: from :func:`theme_mass` (topics × themes).
        topic_labels: one label per row (e.g. ``"seed: Party building 党建 | 党员·组织"``).
        labels: bilingual theme labels (columns).
        ax: draw into this axes.
    """
    n_t, n_h = mass.shape
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, max(2.4, 0.27 * n_t + 1.8)))
    if mass.empty:
        empty_panel(ax, "no seeded topics")
        return fig
    values = mass.to_numpy(float)
    im = ax.imshow(values, cmap=SEQUENTIAL, aspect="auto", vmin=0)
    ax.set_yticks(range(n_t), list(topic_labels))
    ax.set_xticks(range(n_h), [theme_label(t, labels, sep="\n") for t in mass.columns], rotation=0,
                  fontsize=6)
    ax.spines[:].set_visible(False)
    annotate_heatmap(ax, values, fmt="{:.2f}", fontsize=5.5)
    fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01).set_label("Probability mass on the theme's terms")
    ax.set_title("Seeded topics vs theme lexicons 种子主题与主题词表")
    ax.set_xlabel("Theme lexicon (themes.yaml) 主题词表")
    return fig
