"""Theme and slogan figures: theme profiles, where themes sit in a report, recurring slogans.

Pure plot functions: DataFrames in, ``Figure`` out; nothing is saved here. Theme names come
bilingual from ``themes.yaml`` (``{theme: (label_en, label_zh)}``, see :func:`theme_labels`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from analysis.corpus.dedup import without_duplicates

from ._axes import (
    MANY_DOCS,
    annotate_heatmap,
    doc_labels,
    empty_panel,
    figure_and_axes,
    sample_evenly,
)
from .style import (
    FULL_WIDTH,
    NONE_COLOUR,
    OKABE_ITO,
    SEQUENTIAL,
    category_colours,
    shorten,
    theme_label,
)

Labels = Mapping[str, tuple[str, str]]
MIN_SHARE_HITS = 5  # a theme with fewer hits gets no "share by fifth" (n is shown instead)
_NONE = {"", "none", "None", "nan", "<NA>"}


def theme_labels(
    themes: pd.DataFrame | Mapping[str, object] | str | Path | None,
) -> dict[str, tuple[str, str]]:
    """``{theme: (label_en, label_zh)}``, the form every theme plot takes, from what you have.

    Accepts the long lexicon table of :func:`analysis.load_themes` (or a lexicon YAML path,
    loaded with it), a mapping ``{theme: (label_en, label_zh)}`` (returned as is), a mapping
    ``{theme: "label"}`` or ``{theme: [terms]}`` (the id or the label is used), or ``None``.
    Themes keep file / mapping order, which is the row order of the plots.

        >>> themes = an.load_themes("my_lexicon.yaml")
        >>> an.plot_theme_profile(scores, an.theme_labels(themes))   # or pass themes directly
    """
    if themes is None:
        return {}
    if isinstance(themes, (str, Path)):
        from analysis.measures.themes import load_themes

        themes = load_themes(themes)
    if isinstance(themes, pd.DataFrame):
        if themes.empty or "theme" not in themes.columns:
            return {}
        first = themes.drop_duplicates("theme")
        return {
            str(r.theme): (
                _text(getattr(r, "label_en", "")),
                _text(getattr(r, "label_zh", "")),
            )
            for r in first.itertuples()
        }
    out: dict[str, tuple[str, str]] = {}
    for theme, value in dict(themes).items():
        if isinstance(value, tuple) and len(value) == 2:
            out[str(theme)] = (_text(value[0]), _text(value[1]))
        elif isinstance(value, str):
            out[str(theme)] = (value, "")
        else:  # e.g. a list of terms: no label, the id is shown
            out[str(theme)] = ("", "")
    return out


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def plot_theme_profile(
    theme_scores: pd.DataFrame,
    labels: Labels | None = None,
    documents: pd.DataFrame | None = None,
    *,
    value: str = "per_1k_tokens",
    ax: Axes | None = None,
) -> Figure:
    """Heatmap theme × document of theme intensity (hits per 1,000 tokens by default).

    Args:
        theme_scores: ``theme_scores`` table (doc_id, theme, hits, per_1k_tokens, share).
        labels: bilingual theme labels, or anything :func:`theme_labels` accepts (e.g. the
            lexicon DataFrame); rows follow their order.
        documents: for column labels.
        value: the column to show (``per_1k_tokens``, ``share`` or ``hits``).
        ax: draw into this axes.
    """
    labels = theme_labels(labels)
    wide = theme_scores.pivot_table(
        index="theme", columns="doc_id", values=value, aggfunc="sum", fill_value=0.0, observed=True
    )
    order = [t for t in labels if t in wide.index] + sorted(set(wide.index) - set(labels))
    wide = wide.loc[order]
    n_t, n_d = wide.shape
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH, max(2.2, 0.32 * n_t + 1.3)))
    if wide.empty:
        empty_panel(ax, "no theme scores")
        return fig
    im = ax.imshow(wide.to_numpy(float), cmap=SEQUENTIAL, aspect="auto")
    ax.set_yticks(range(n_t), [theme_label(t, labels) for t in wide.index])
    ax.spines[:].set_visible(False)
    if n_d <= MANY_DOCS:
        cols = doc_labels(documents, [str(c) for c in wide.columns], n=6)
        ax.set_xticks(range(n_d), cols, rotation=35, ha="right")
        fmt = "{:.0%}" if value == "share" else "{:.0f}" if value == "hits" else "{:.1f}"
        if n_d <= 16:
            annotate_heatmap(ax, wide.to_numpy(float), fmt=fmt, fontsize=6)
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{n_d} documents (order of documents.csv)")
    what = {
        "per_1k_tokens": "Theme hits per 1,000 tokens 每千词主题词频",
        "share": "Share of the document's theme hits 主题占比",
        "hits": "Theme hits 主题词频",
    }.get(value, value)
    fig.colorbar(im, ax=ax, shrink=0.9, pad=0.01).set_label(what)
    ax.set_title("Theme profile per document 各文档主题分布")
    return fig


def plot_theme_position(
    paragraph_themes: pd.DataFrame,
    labels: Labels | None = None,
    paragraphs: pd.DataFrame | None = None,
    documents: pd.DataFrame | None = None,
    *,
    n_bins: int = 5,
    max_colours: int = 7,
    max_strips: int = 30,
) -> Figure:
    """Where themes appear inside a report.

    Left: each report as a strip in reading order, every paragraph coloured by its dominant
    theme (width proportional to its length). Right: for each theme, the share of its hits in
    each fifth of the reports (pooled over documents, rows sum to 1).

    Args:
        paragraph_themes: (doc_id, para_id, dominant_theme, <theme score columns>).
        labels: bilingual theme labels, or anything :func:`theme_labels` accepts (e.g. the
            lexicon DataFrame); they also define the theme columns.
        paragraphs: for paragraph lengths and relative positions (optional).
        documents: for row labels.
        n_bins: position bins of the right panel.
        max_colours: themes with their own (Okabe–Ito) colour in the strips, the most frequent
            dominant themes; the others share one grey ("Other themes").
        max_strips: at most this many reports as strips (evenly spaced); the right panel
            always pools every report.
    """
    labels = theme_labels(labels)
    pt = paragraph_themes.copy()
    pt["doc_id"] = pt["doc_id"].astype(str)
    themes = [t for t in labels if t in pt.columns]
    if not themes:
        themes = [
            c
            for c in pt.columns
            if c not in {"doc_id", "para_id", "dominant_theme"}
            and pd.api.types.is_numeric_dtype(pt[c])
        ]
    pt = _with_positions(pt, paragraphs)
    strip_docs = sample_evenly(list(dict.fromkeys(pt["doc_id"])), max_strips)
    n_strips = len(strip_docs)
    fig = Figure(figsize=(FULL_WIDTH, max(2.6, 0.26 * n_strips + 1.6)), layout="constrained")
    ax_strip, ax_bins = fig.subplots(1, 2, width_ratios=[1.35, 1])
    colours = strip_colours(pt["dominant_theme"].astype(str), themes, n_max=max_colours)
    _strip_panel(ax_strip, pt[pt["doc_id"].isin(strip_docs)], colours, documents)
    if n_strips < pt["doc_id"].nunique():
        ax_strip.set_title(
            f"Dominant theme of each paragraph ({n_strips} of "
            f"{pt['doc_id'].nunique()} reports) 段落主导主题"
        )
    shown = [t for t in themes if colours.get(t, OTHER_COLOUR) != OTHER_COLOUR]
    handles = [Patch(color=colours[t], label=theme_label(t, labels)) for t in shown]
    if any(colours.get(t) == OTHER_COLOUR for t in themes):
        handles.append(Patch(color=OTHER_COLOUR, label="Other themes 其他主题"))
    handles.append(Patch(color=NONE_COLOUR, label="No dominant theme 无"))
    fig.legend(handles=handles, loc="outside lower center", ncols=min(3, len(handles)), fontsize=6)
    _bins_panel(ax_bins, pt, themes, labels, n_bins)
    return fig


OTHER_COLOUR = "#8c8c8c"


def strip_colours(dominant: pd.Series, themes: list[str], *, n_max: int = 7) -> dict[str, str]:
    """Okabe–Ito colours for the ``n_max`` most frequent dominant themes (file order), grey for
    the rest: more than 8 categories cannot all be told apart by colour-blind readers."""
    counts = dominant[~dominant.isin(_NONE)].value_counts()
    top = set(counts.index[:n_max]) if len(counts) > n_max else set(counts.index)
    ordered = [t for t in themes if t in top]
    colours = dict(zip(ordered, OKABE_ITO[: len(ordered)], strict=True))
    return {t: colours.get(t, OTHER_COLOUR) for t in themes}


def _with_positions(pt: pd.DataFrame, paragraphs: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``x0``/``x1`` (share of the report's characters before/after each paragraph) and ``pos``."""
    if paragraphs is not None and {"doc_id", "para_id", "text"} <= set(paragraphs.columns):
        p = paragraphs[["doc_id", "para_id", "text"]].copy()
        p["doc_id"] = p["doc_id"].astype(str)
        p["length"] = p["text"].astype(str).str.len().clip(lower=1)
        pt = pt.merge(p[["doc_id", "para_id", "length"]], on=["doc_id", "para_id"], how="left")
        pt["length"] = pt["length"].fillna(1)
    else:
        pt["length"] = 1
    pt = pt.sort_values(["doc_id", "para_id"]).reset_index(drop=True)
    total = pt.groupby("doc_id")["length"].transform("sum")
    pt["x1"] = pt.groupby("doc_id")["length"].cumsum() / total
    pt["x0"] = pt["x1"] - pt["length"] / total
    pt["pos"] = (pt["x0"] + pt["x1"]) / 2
    return pt


def _strip_panel(ax: Axes, pt: pd.DataFrame, colours: dict[str, str], documents) -> None:
    doc_ids = list(dict.fromkeys(pt["doc_id"]))
    for row, doc_id in enumerate(doc_ids):
        d = pt[pt["doc_id"] == doc_id]
        dom = d["dominant_theme"].astype(str)
        cols = [NONE_COLOUR if t in _NONE else colours.get(t, NONE_COLOUR) for t in dom]
        ax.barh(
            np.full(len(d), row),
            d["x1"] - d["x0"],
            left=d["x0"],
            color=cols,
            height=0.8,
            linewidth=0,
        )
    ax.set_yticks(range(len(doc_ids)), doc_labels(documents, doc_ids, n=6))
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("Position in the report (share of text) 报告中的位置")
    ax.set_title("Dominant theme of each paragraph 段落主导主题")
    ax.spines[["left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _bins_panel(ax: Axes, pt: pd.DataFrame, themes: list[str], labels, n_bins: int) -> None:
    if not themes:
        empty_panel(ax, "no theme columns")
        return
    bins = np.minimum((pt["pos"] * n_bins).astype(int), n_bins - 1)
    hits = pt[themes].astype(float).groupby(bins).sum().reindex(range(n_bins), fill_value=0.0)
    totals = hits.sum()
    share = (hits / totals.replace(0, np.nan)).T.fillna(0.0)
    # shares show their counts; a theme with too few hits gets no shares (not applicable)
    few = (totals < MIN_SHARE_HITS).to_numpy()
    share.loc[few] = np.nan
    im = ax.imshow(share.to_numpy(), cmap=SEQUENTIAL, aspect="auto", vmin=0, vmax=1)
    ax.set_yticks(
        range(len(themes)), [f"{theme_label(t, labels)} ({int(totals[t])})" for t in themes]
    )
    edges = [f"{i * 100 // n_bins}–{(i + 1) * 100 // n_bins}%" for i in range(n_bins)]
    ax.set_xticks(range(n_bins), edges, rotation=30, ha="right")
    ax.set_xlabel("Fifth of the report 报告分段")
    ax.set_title(
        f"Where each theme's hits fall 主题词位置\n(hits in brackets; blank: < {MIN_SHARE_HITS})"
    )
    ax.spines[:].set_visible(False)
    annotate_heatmap(ax, share.to_numpy(), fmt="{:.0%}", fontsize=5.5, skip_zero=False)
    ax.get_figure(root=True).colorbar(im, ax=ax, shrink=0.8, pad=0.01).set_label(
        "Share of theme hits"
    )


def slogan_document_counts(
    slogans: pd.DataFrame, paragraphs: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Long table (slogan, doc_id, mentions) of every slogan in every document it occurs in.

    Counts each variant's occurrences in the document text when ``paragraphs`` are given, else 1
    per listed document (the ``doc_ids`` column: list or ``;``/``,``/space separated string).
    """
    rows = []
    text_by_doc: dict[str, str] = {}
    if paragraphs is not None and not paragraphs.empty:
        text_by_doc = (
            paragraphs.assign(doc_id=paragraphs["doc_id"].astype(str))
            .groupby("doc_id")["text"]
            .apply(lambda s: "\n".join(s.astype(str)))
            .to_dict()
        )
    for r in slogans.itertuples():
        docs = _as_list(r.doc_ids)
        variants = _as_list(getattr(r, "variants", None)) or [str(r.slogan)]
        for doc_id in docs:
            text = text_by_doc.get(doc_id, "")
            n = sum(text.count(v) for v in set(variants) if v) if text else 0
            rows.append({"slogan": r.slogan, "doc_id": doc_id, "mentions": max(1, n)})
    return pd.DataFrame(rows, columns=["slogan", "doc_id", "mentions"])


def _as_list(value) -> list[str]:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return []
    if isinstance(value, (list, tuple, np.ndarray, pd.Series)):
        return [str(v) for v in value]
    text = str(value).strip()
    if text.startswith("["):
        import json

        try:
            return [str(v) for v in json.loads(text)]
        except ValueError:
            text = text.strip("[]").replace("'", "").replace('"', "")
    for sep in ("|", ";", ","):
        if sep in text:
            return [t.strip() for t in text.split(sep) if t.strip()]
    return [t for t in text.split() if t]


def plot_slogan_matrix(
    slogans: pd.DataFrame,
    counts: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    min_docs: int = 2,
    max_rows: int = 30,
    ax: Axes | None = None,
) -> Figure:
    """Recurring slogans (in ≥ ``min_docs`` documents) × documents; cell = mentions.

    Args:
        slogans: ``slogans`` table (slogan, kind, n_docs, n_mentions, doc_ids, …).
        counts: long (slogan, doc_id, mentions) from :func:`slogan_document_counts`.
        documents: columns (all analysed documents, in order) and labels.
        min_docs: a slogan is recurring when it appears in at least this many documents.
        max_rows: at most this many slogans (most widespread first).
        ax: draw into this axes.
    """
    rec = (
        slogans[slogans["n_docs"] >= min_docs]
        .sort_values(["n_docs", "n_mentions", "slogan"], ascending=[False, False, True])
        .head(max_rows)
    )
    if documents is not None and "doc_id" in documents:
        doc_ids = without_duplicates(documents)["doc_id"].astype(str).tolist()
    else:
        doc_ids = sorted(counts["doc_id"].astype(str).unique())
    fig, ax = figure_and_axes(ax, figsize=(FULL_WIDTH * 0.8, max(2.0, 0.2 * len(rec) + 1.3)))
    if rec.empty:
        empty_panel(ax, f"no slogan in ≥ {min_docs} documents")
        return fig
    c = counts[counts["slogan"].isin(rec["slogan"])]
    wide = (
        c.pivot_table(index="slogan", columns="doc_id", values="mentions", aggfunc="sum")
        .reindex(index=rec["slogan"], columns=doc_ids)
        .fillna(0)
    )
    values = wide.to_numpy(float)
    masked = np.ma.masked_equal(values, 0)
    import matplotlib as mpl

    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="white")
    im = ax.imshow(masked, cmap=cmap, aspect="auto", vmin=0.5, vmax=max(1.0, values.max()))
    if len(doc_ids) <= MANY_DOCS:
        ax.set_xticks(
            range(len(doc_ids)), doc_labels(documents, doc_ids, n=5), rotation=35, ha="right"
        )
    else:
        ax.set_xticks([])
        ax.set_xlabel(f"{len(doc_ids)} documents (order of documents.csv)")
    kinds = rec["kind"].astype(str).tolist() if "kind" in rec else [""] * len(rec)
    kind_colours = category_colours(sorted(set(kinds)))
    ax.set_yticks(range(len(rec)), [f"{shorten(s, 16)}" for s in rec["slogan"]])
    for tick, kind in zip(ax.get_yticklabels(), kinds, strict=True):
        tick.set_color(kind_colours[kind] if kind_colours[kind] != "#F0E442" else "#8a7f00")
    if len(doc_ids) <= MANY_DOCS:
        ax.set_xticks(np.arange(-0.5, len(doc_ids)), minor=True)
        ax.set_yticks(np.arange(-0.5, len(rec)), minor=True)
        ax.grid(which="minor", color="#dddddd", linewidth=0.4)
        ax.tick_params(which="minor", length=0)
        annotate_heatmap(ax, values, fmt="{:.0f}", fontsize=5.5)
    ax.spines[:].set_visible(False)
    from matplotlib.ticker import MaxNLocator

    cbar = fig.colorbar(im, ax=ax, shrink=0.7, pad=0.01)
    cbar.set_label("Mentions 提及次数")
    cbar.locator = MaxNLocator(integer=True)
    cbar.update_ticks()
    handles = [Patch(color=kind_colours[k], label=_KIND_LABELS.get(k, k)) for k in kind_colours]
    fig.legend(
        handles=handles,
        title="Kind of slogan (label colour)",
        loc="outside lower center",
        ncols=len(handles),
        fontsize=6,
    )
    ax.set_title(f"Recurring slogans 提法 (in ≥ {min_docs} documents)")
    return fig


_KIND_LABELS = {
    "quoted": "Quoted 引号",
    "numbered": "Numbered 数字提法",
    "phrase": "Fixed phrase 固定词组",
    "formulation": "Formulation 表述 (unquoted, recurring)",
}
