"""Corpus figures: what is in the corpus and what cleaning removed.

Pure plot functions: DataFrames in, ``Figure`` out; nothing is saved here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from ._axes import MANY_DOCS, doc_labels, empty_panel
from .style import FULL_WIDTH, OKABE_ITO, SCRIPT_LABELS, SEQUENTIAL, category_colours

#: quality columns that describe a file rather than count a removal.
_NOT_REMOVALS = {
    "n_chars",
    "n_paragraphs",
    "n_documents",
    "n_docs",
    "n_bytes",
    "bytes",
    "size",
    "n_chars_raw",
    "n_chars_clean",
    "n_lines",
    "para_id",
    "year",
}


def removal_columns(quality: pd.DataFrame) -> list[str]:
    """Numeric columns of the quality table that count something cleaning removed or flagged."""
    return [
        col
        for col in quality.columns
        if col not in _NOT_REMOVALS
        and pd.api.types.is_numeric_dtype(quality[col])
        and not pd.api.types.is_bool_dtype(quality[col])
    ]


def removal_table(quality: pd.DataFrame) -> pd.DataFrame:
    """Removal counts per document (rows: doc_id), one column per kind that occurred.

    Uses the document-level rows of the quality table (non-empty ``doc_id``); adds
    ``chars_removed`` = ``n_chars_raw - n_chars_clean`` when both columns exist.
    """
    q = quality
    if "doc_id" in q.columns:
        q = q[q["doc_id"].fillna("").astype(str) != ""]
    if q.empty:
        return pd.DataFrame()
    out = q.set_index(q["doc_id"].astype(str))[removal_columns(q)].astype(float)
    if {"n_chars_raw", "n_chars_clean"} <= set(q.columns):
        out.insert(0, "chars_removed", (q["n_chars_raw"] - q["n_chars_clean"]).to_numpy(float))
    out = out.groupby(level=0, sort=False).sum()
    return out.loc[:, out.sum() > 0]


def plot_corpus_overview(
    documents: pd.DataFrame, quality: pd.DataFrame | None = None, *, ax: Axes | None = None
) -> Figure:
    """Document lengths coloured by script, duplicates hatched; right panel: cleaning removals.

    Args:
        documents: ``documents`` table (doc_id, n_chars, script, duplicate_of, place, title).
        quality: ``quality`` table; numeric columns are read as counts of removals.
        ax: only the length panel is drawn into a given axes.
    """
    many = len(documents) > MANY_DOCS
    if ax is not None:
        fig = ax.get_figure(root=True)
        ax_len, ax_rm = ax, None
    else:
        height = 3.0 if many else max(2.4, 0.22 * len(documents) + 1.2)
        fig = Figure(figsize=(FULL_WIDTH, height), layout="constrained")
        ax_len, ax_rm = fig.subplots(1, 2, width_ratios=[1, 1])
    if many:
        _length_histogram(ax_len, documents)
    else:
        _length_panel(ax_len, documents)
    if ax_rm is not None:
        if many:
            _removal_totals_panel(ax_rm, quality)
        else:
            _removal_panel(ax_rm, quality, documents["doc_id"].astype(str).tolist())
    return fig


def _scripts(documents: pd.DataFrame) -> tuple[pd.Series, list[str], dict[str, str]]:
    scripts = documents.get(
        "script", pd.Series(["unknown"] * len(documents), index=documents.index)
    )
    scripts = scripts.fillna("unknown").astype(str)
    order = [s for s in ("simplified", "traditional", "mixed") if s in set(scripts)]
    order += sorted(set(scripts) - set(order))
    return scripts, order, category_colours(order)


def _length_histogram(ax: Axes, documents: pd.DataFrame) -> None:
    """Many documents: histogram of lengths (log bins), stacked by script."""
    scripts, order, colours = _scripts(documents)
    n_chars = documents["n_chars"].astype(float).clip(lower=1)
    bins = np.logspace(np.log10(n_chars.min()), np.log10(n_chars.max() * 1.001), 25)
    ax.hist(
        [n_chars[scripts == s] for s in order],
        bins=bins,
        stacked=True,
        color=[colours[s] for s in order],
        label=[SCRIPT_LABELS.get(s, s) for s in order],
        edgecolor="white",
        linewidth=0.3,
    )
    ax.set_xscale("log")
    n_dup = int((documents.get("duplicate_of", pd.Series(dtype=str)).fillna("") != "").sum())
    ax.set_xlabel("Characters after cleaning (log scale) 清洗后字数")
    ax.set_ylabel("Documents 文档数")
    ax.set_title(f"{len(documents)} documents 文档 ({n_dup} near-duplicates 近似重复)")
    ax.legend(title="Script 字体", loc="upper left")


def _removal_totals_panel(ax: Axes, quality: pd.DataFrame | None) -> None:
    """Many documents: total of each kind of removal, and how many documents it touched."""
    ax.set_title("What cleaning removed or flagged 清洗删除/标记")
    table = removal_table(quality) if quality is not None and not quality.empty else pd.DataFrame()
    if table.empty:
        empty_panel(ax, "nothing removed")
        return
    totals, touched = table.sum(), (table > 0).sum()
    y = np.arange(len(totals))
    ax.barh(y, totals.to_numpy(float), color=OKABE_ITO[0])
    for yi, (t, d) in enumerate(zip(totals, touched, strict=True)):
        ax.text(t, yi, f" {t:,.0f} in {d} docs", va="center", fontsize=6)
    ax.set_yticks(y, [_removal_label(c) for c in totals.index])
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.margins(x=0.35)
    ax.set_xlabel("Total over the corpus (log scale)")
    skipped = _skipped_files(quality)
    if skipped:
        ax.text(
            0.0,
            -0.3,
            f"Skipped files ({len(skipped)}): "
            + "; ".join(skipped[:3])
            + (" …" if len(skipped) > 3 else ""),
            transform=ax.transAxes,
            fontsize=6,
            color="#555555",
            va="top",
        )


def _length_panel(ax: Axes, documents: pd.DataFrame) -> None:
    docs = documents.reset_index(drop=True)
    if docs.empty:
        empty_panel(ax, "no documents")
        return
    scripts, order, colours = _scripts(docs)
    dup = docs.get("duplicate_of", pd.Series([""] * len(docs))).fillna("").astype(str)
    y = np.arange(len(docs))
    bars = ax.barh(
        y,
        docs["n_chars"].astype(float),
        color=[colours[s] for s in scripts],
        edgecolor="black",
        linewidth=0.3,
    )
    for bar, d in zip(bars, dup, strict=True):
        if d:
            bar.set_hatch("////")
            bar.set_alpha(0.55)
            ax.text(
                bar.get_width(),
                bar.get_y() + bar.get_height() / 2,
                f" ≈ {d}",
                va="center",
                fontsize=6,
            )
    ax.set_yticks(y, doc_labels(docs, docs["doc_id"].tolist()))
    ax.invert_yaxis()
    ax.set_xlabel("Characters after cleaning 清洗后字数")
    ax.set_title("Documents 文档")
    handles = [Patch(facecolor=colours[s], label=SCRIPT_LABELS.get(s, s)) for s in order]
    if (dup != "").any():
        handles.append(
            Patch(
                facecolor="white", edgecolor="black", hatch="////", label="Near-duplicate 近似重复"
            )
        )
    ax.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.16),
        ncols=2,
        title="Script 字体",
        alignment="left",
    )
    ax.margins(x=0.15)


def _removal_panel(ax: Axes, quality: pd.DataFrame | None, doc_ids: list[str]) -> None:
    ax.set_title("What cleaning removed or flagged 清洗删除/标记")
    if quality is None or quality.empty:
        empty_panel(ax, "no quality table")
        return
    table = removal_table(quality).reindex(doc_ids).fillna(0.0)
    if table.empty or table.shape[1] == 0:
        empty_panel(ax, "nothing removed")
        return
    values = table.to_numpy(float)
    import matplotlib as mpl
    from matplotlib.colors import LogNorm

    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="white")
    ax.imshow(
        np.ma.masked_equal(values, 0),
        cmap=cmap,
        aspect="auto",
        norm=LogNorm(vmin=1, vmax=max(2.0, values.max())),
    )
    ax.set_xticks(
        range(table.shape[1]),
        [_removal_label(c) for c in table.columns],
        rotation=40,
        ha="right",
        fontsize=6,
    )
    ax.set_yticks(range(len(doc_ids)), [])
    ax.set_xticks(np.arange(-0.5, table.shape[1]), minor=True)
    ax.set_yticks(np.arange(-0.5, len(doc_ids)), minor=True)
    ax.grid(which="minor", color="#dddddd", linewidth=0.4)
    ax.tick_params(which="minor", length=0)
    ax.spines[:].set_visible(False)
    cut = np.sqrt(max(2.0, values.max()))  # middle of the log scale
    for (i, j), v in np.ndenumerate(values):
        if v > 0:
            ax.text(
                j,
                i,
                f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=5.5,
                color="black" if v >= cut else "white",
            )
    ax.set_xlabel("count per document (colour: log scale)")
    skipped = _skipped_files(quality)
    if skipped:
        ax.text(
            0.0,
            -0.45,
            "Skipped files: " + "; ".join(skipped),
            transform=ax.transAxes,
            fontsize=6,
            color="#555555",
            va="top",
        )


def _skipped_files(quality: pd.DataFrame) -> list[str]:
    if "status" not in quality.columns:
        return []
    rows = quality[quality["status"].astype(str) == "skipped"]
    name = "source_file" if "source_file" in rows.columns else rows.columns[0]
    return [f"{r[name]} ({r.get('reason', '')})" for _, r in rows.iterrows()]


def _removal_label(column: str) -> str:
    label = column.removeprefix("n_").removeprefix("removed_").replace("_", " ")
    return label[:1].upper() + label[1:]
