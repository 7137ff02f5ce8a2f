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

from ._axes import MANY_DOCS, annotate_heatmap, doc_labels, empty_panel, figure_and_axes, new_grid
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


def plot_k_selection(
    k_table: pd.DataFrame, *, chosen_k: int | None = None, note: str = ""
) -> Figure:
    """Coherence, perplexity and diversity across K: mean per backend, one dot per seed.

    Error bars are ± one standard error of the mean across seeds (sd / √n), the margin the
    K rule (:func:`analysis.topics.select.choose_k`) uses.

    Args:
        k_table: ``topic_k_selection`` (backend, k, seed, npmi, c_v, u_mass, perplexity, diversity).
        chosen_k: the K used downstream (dashed line).
        note: ``topic_choice.k_note`` — e.g. the best K is at the edge of the searched range;
            printed in red under the panels.
    """
    metrics = [m for m in K_METRICS if m in k_table and k_table[m].notna().any()]
    fig, axes = new_grid(
        max(1, len(metrics)), ncols=min(3, max(1, len(metrics))), panel=(FULL_WIDTH / 3, 1.8)
    )
    if not metrics:
        empty_panel(axes[0], "no metrics")
        return fig
    backends = (
        sorted(k_table["backend"].astype(str).unique()) if "backend" in k_table else ["model"]
    )
    colours = category_colours(backends)
    rng = np.random.default_rng(0)  # fixed jitter: the figure is reproducible
    for ax, metric in zip(axes, metrics, strict=True):
        for i, backend in enumerate(backends):
            d = (
                k_table[k_table["backend"].astype(str) == backend]
                if "backend" in k_table
                else k_table
            )
            d = d.dropna(subset=[metric])
            if d.empty:
                continue
            offset = (i - (len(backends) - 1) / 2) * 0.15
            jitter = offset + rng.uniform(-0.04, 0.04, len(d))
            ax.scatter(
                d["k"] + jitter, d[metric], s=6, color=colours[backend], alpha=0.5, linewidths=0
            )
            mean = d.groupby("k")[metric].agg(["mean", "std", "count"]).reset_index()
            se = (mean["std"] / np.sqrt(mean["count"])).fillna(0)  # the rule's margin
            ax.errorbar(
                mean["k"] + offset,
                mean["mean"],
                yerr=se,
                color=colours[backend],
                marker="o",
                markersize=3,
                capsize=2,
                linewidth=1,
                label=backend,
            )
        if chosen_k is not None:
            ax.axvline(chosen_k, color="#555555", linestyle="--", linewidth=0.8)
        ax.set_title(K_METRICS[metric][0])
        ax.set_xticks(sorted(k_table["k"].unique()))
        ax.grid(axis="y")
    n_seeds = k_table["seed"].nunique() if "seed" in k_table else 1
    xlabel = (
        f"Number of topics K (dots: {n_seeds} seeds; bars: mean ± 1 standard error across seeds; "
        "chosen K: smallest K whose mean NPMI is within 1 SE of the best)"
    )
    if note:
        import textwrap

        at_edge = "edge" in note and "inside" not in note
        xlabel += "\n" + "\n".join(textwrap.wrap(("⚠ " if at_edge else "") + note, 110))
    label = fig.supxlabel(xlabel, fontsize=7)
    if note and "edge" in note and "inside" not in note:
        label.set_color("#B22222")
    handles, labels = axes[0].get_legend_handles_labels()
    if chosen_k is not None:
        from matplotlib.lines import Line2D

        handles.append(Line2D([], [], color="#555555", linestyle="--", linewidth=0.8))
        labels.append(f"chosen K = {chosen_k}")
    fig.legend(handles, labels, loc="outside upper center", ncols=len(labels))
    return fig


def plot_topic_terms(
    terms: pd.DataFrame,
    *,
    n_terms: int = 10,
    ncols: int = 5,
    value: str = "weight",
    order: str = "rank",
    title: str = "",
) -> Figure:
    """Small multiples: the top ``n_terms`` terms of each topic (P(term | topic) by default).

    Args:
        terms: ``topic_terms`` table (topic, rank, term, weight[, relevance][, label]); a
            ``label`` column (``topics.csv``) names each panel.
        n_terms: terms per panel.
        ncols: panels per row.
        value: bar length, ``weight`` (P(term | topic)) or ``relevance``.
        order: ``rank`` keeps the table's ranking (e.g. LDAvis relevance); else sort by value.
        title: figure title (e.g. model name and K).
    """
    topics = sorted(terms["topic"].unique())
    n = max(1, len(topics))
    ncols = min(ncols, int(np.ceil(n / np.ceil(n / ncols)))) if n > ncols else n
    fig, axes = new_grid(n, ncols=ncols, panel=(FULL_WIDTH / ncols, 0.14 * n_terms + 0.5))
    if not topics:
        empty_panel(axes[0], "no topics")
        return fig
    colours = (OKABE_ITO * (len(topics) // len(OKABE_ITO) + 1))[: len(topics)]
    for ax, topic, colour in zip(axes, topics, colours, strict=True):
        t = terms[terms["topic"] == topic]
        t = (
            t.sort_values("rank")
            if order == "rank" and "rank" in t
            else t.sort_values(value, ascending=False)
        ).head(n_terms)
        y = np.arange(len(t))
        ax.barh(y, t[value], color=colour if colour != "#000000" else "#555555", height=0.7)
        ax.set_yticks(y, t["term"].astype(str), fontsize=6.5)
        ax.invert_yaxis()
        label = str(t["label"].iloc[0]) if "label" in t and len(t) else ""
        name = f"Topic {int(topic)}" + (f" {label}" if label and label != str(topic) else "")
        ax.set_title(name, fontsize=7)
        ax.tick_params(axis="x", labelsize=5.5)
    label = "P(term | topic)" if value == "weight" else "Relevance (λ)"
    if order == "rank" and value == "weight" and "relevance" in terms:
        label += " — terms ranked by relevance (λ = 0.6, Sievert & Shirley 2014)"
    fig.supxlabel(label, fontsize=7)
    if title:
        fig.suptitle(title, fontsize=8)
    return fig


def plot_doc_topics(
    doc_topics: pd.DataFrame,
    names: Mapping[int, str] | None = None,
    documents: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
) -> Figure:
    """Heatmap document × topic of topic shares (paragraph topic mixtures averaged per document).

    Args:
        doc_topics: long (doc_id, topic, weight) — ``doc_topics.csv`` for one model.
        names: ``{topic: label}`` (e.g. from :func:`topic_names`).
        documents: row labels.
        ax: draw into this axes.
    """
    wide = doc_topics.pivot_table(
        index="doc_id", columns="topic", values="weight", aggfunc="sum", fill_value=0.0
    )
    n_d, n_t = wide.shape
    many = n_d > MANY_DOCS
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, 5.0 if many else max(2.2, 0.28 * n_d + 1.6)))
    if wide.empty:
        empty_panel(ax, "no document-topic weights")
        return fig
    im = ax.imshow(
        wide.to_numpy(float), cmap=SEQUENTIAL, aspect="auto", vmin=0, interpolation="nearest"
    )
    if many:
        ax.set_yticks([])
        ax.set_ylabel(f"{n_d} documents (order of documents.csv)")
    else:
        ids = [str(i) for i in wide.index]
        row_labels = doc_labels(documents, ids, n=6)
        if documents is not None and "n_paragraphs" in documents:  # shares show their counts
            n_par = documents.assign(doc_id=documents["doc_id"].astype(str)).set_index("doc_id")
            n_par = n_par["n_paragraphs"].reindex(ids)
            row_labels = [
                f"{lab} (n = {int(n)} ¶)" if pd.notna(n) else lab
                for lab, n in zip(row_labels, n_par, strict=True)
            ]
        ax.set_yticks(range(n_d), row_labels)
    labels = [(names or {}).get(int(t), f"T{int(t)}") for t in wide.columns]
    ax.set_xticks(range(n_t), labels, rotation=40, ha="right")
    ax.spines[:].set_visible(False)
    if n_d <= 16:
        annotate_heatmap(ax, wide.to_numpy(float), fmt="{:.2f}", fontsize=5.5)
    fig.colorbar(im, ax=ax, shrink=0.8, pad=0.01).set_label("Topic share 主题占比")
    ax.set_title("Documents × topics 文档-主题")
    return fig


def plot_topic_stability(
    stability: pd.DataFrame, names: Mapping[int, str] | None = None, *, ax: Axes | None = None
) -> Figure:
    """Per-topic stability across seeds (``topic_stability.csv``).

    Each topic of the reported model is matched (Hungarian) to the topics of re-fits with other
    seeds. Bar: mean cosine similarity of the matched topic–term distributions; black tick: the
    worst re-fit (``min_cosine``); open circle: mean overlap of the top-10 terms (Jaccard).

    Args:
        stability: (topic, stability[, min_cosine, mean_jaccard, n_runs]).
        names: ``{topic: label}``.
        ax: draw into this axes.
    """
    s = stability.sort_values("stability", ascending=True).reset_index(drop=True)
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH * 0.75, max(2.0, 0.24 * len(s) + 1.1)))
    if s.empty:
        empty_panel(ax, "no stability scores")
        return fig
    y = np.arange(len(s))
    ax.barh(y, s["stability"], color=OKABE_ITO[4], height=0.6, label="mean cosine over runs")
    if "min_cosine" in s:
        ax.scatter(
            s["min_cosine"],
            y,
            marker="|",
            s=60,
            color="black",
            zorder=3,
            label="worst run (min cosine)",
        )
    if "mean_jaccard" in s:
        ax.scatter(
            s["mean_jaccard"],
            y,
            marker="o",
            s=14,
            facecolors="white",
            edgecolors=OKABE_ITO[5],
            zorder=4,
            label="top-10 terms overlap (Jaccard)",
        )
    ax.set_yticks(y, [(names or {}).get(int(t), f"T{int(t)}") for t in s["topic"]])
    ax.set_xlim(0, 1.02)
    runs = int(s["n_runs"].iloc[0]) if "n_runs" in s else None
    what = f"{runs - 1} re-fits with other seeds" if runs else "re-fits with other seeds"
    title = "Topic stability across seeds 主题稳定性"
    if "stability_runs" in s and "K-sweep fit" in str(s["stability_runs"].iloc[0]):
        what = f"{runs - 1} K-sweep fits" if runs else "the K-sweep fits"
        title = "Topic stability across seeds and 90 % subsamples 主题稳定性"
    ax.set_xlabel(f"Similarity to the reported topic after matching ({what}) 稳定性")
    ax.set_title(title)
    # centred under the axes: anchored at its left edge it ran off the figure when the topic
    # labels are long
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=3, fontsize=6)
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


def plot_seeded_topics(
    report: pd.DataFrame,
    free_mass: pd.DataFrame | None = None,
    labels: Mapping[str, tuple[str, str]] | None = None,
    *,
    n_new: int = 5,
) -> Figure:
    """Seeded topics against their theme lexicons, and whether unseeded LDA finds the themes.

    Left: for each theme, the probability mass its seeded topic puts on the lexicon's terms
    (filled) and the largest mass any topic of the unseeded model puts on them (open, labelled
    with that topic). Right: the seeded topic's top terms that are *not* in the lexicon —
    candidates to read, and perhaps to add to ``themes.yaml``.

    Args:
        report: ``seeded_topic_report`` (topic, theme, seed_mass, share_top_seed, prevalence,
            new_terms …); rows with an empty theme (free topics) are ignored.
        free_mass: topics × themes mass of the unseeded model (:func:`theme_mass`); optional.
        labels: bilingual theme labels.
        n_new: new terms listed per theme.
    """
    from .plots_themes import theme_labels

    labels = theme_labels(labels)
    r = report[report["theme"].astype(str) != ""].reset_index(drop=True)
    fig = Figure(figsize=(FULL_WIDTH, max(2.4, 0.3 * len(r) + 1.3)), layout="constrained")
    ax, ax_txt = fig.subplots(1, 2, width_ratios=[1.25, 1], sharey=True)
    if r.empty:
        empty_panel(ax, "no seeded topics")
        return fig
    y = np.arange(len(r))
    ax.hlines(y, 0, 1, color="#eeeeee", linewidth=0.6, zorder=0)
    ax.scatter(r["seed_mass"], y, s=26, color=OKABE_ITO[0], zorder=3, label="seeded topic 种子主题")
    if free_mass is not None and not free_mass.empty:
        best = free_mass.reindex(columns=r["theme"]).fillna(0.0)
        values, which = best.max(axis=0).to_numpy(), best.idxmax(axis=0).to_numpy()
        ax.scatter(
            values,
            y,
            s=26,
            facecolors="white",
            edgecolors=OKABE_ITO[5],
            linewidths=1.2,
            zorder=4,
            label="best topic of the unseeded model 无种子模型",
        )
        for yi, v, t in zip(y, values, which, strict=True):
            ax.annotate(
                f"T{int(t)}",
                (v, yi),
                xytext=(4, 3),
                textcoords="offset points",
                fontsize=5.5,
                color=OKABE_ITO[5],
            )
        for yi, a, b in zip(y, r["seed_mass"], values, strict=True):
            ax.plot([a, b], [yi, yi], color="#999999", linewidth=0.7, zorder=2)
    ax.set_yticks(y, [theme_label(t, labels) for t in r["theme"]])
    ax.invert_yaxis()
    ax.set_xlim(
        0,
        min(
            1.0,
            max(
                0.1,
                float(np.nanmax(r["seed_mass"])) * 1.25,
                float(np.nanmax(values)) * 1.25
                if free_mass is not None and not free_mass.empty
                else 0,
            ),
        ),
    )
    ax.set_xlabel("P(lexicon terms | topic) 主题词表概率")
    fig.suptitle("Seeded topics vs theme lexicons 种子主题与主题词表")
    ax.set_title("Lexicon's share of the topic\n词表在主题中的概率", loc="left")
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14), ncols=1, fontsize=6)
    ax_txt.set_axis_off()
    ax_txt.set_title("Top terms outside the lexicon\n词表外高频词", loc="left")
    for yi, terms in zip(y, r.get("new_terms", pd.Series([""] * len(r))), strict=True):
        words = str(terms or "").split()[:n_new]
        ax_txt.text(
            0.0,
            yi,
            " ".join(words),
            va="center",
            ha="left",
            fontsize=6.5,
            transform=ax_txt.get_yaxis_transform(),
        )
    return fig
