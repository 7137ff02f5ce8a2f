"""Keyword figures: distinctive TF-IDF terms per document, document similarity.

Pure plot functions: DataFrames in, ``Figure`` out; nothing is saved here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ._axes import (
    MANY_DOCS,
    annotate_heatmap,
    doc_labels,
    empty_panel,
    figure_and_axes,
    new_grid,
    sample_evenly,
)
from .style import FULL_WIDTH, OKABE_ITO, SEQUENTIAL


def plot_tfidf_terms(
    keywords: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    n_terms: int = 8,
    ncols: int = 4,
    max_panels: int = 16,
) -> Figure:
    """Small multiples: the ``n_terms`` highest TF-IDF terms of each document.

    With more than ``max_panels`` documents, an evenly spaced sample of them is shown (the
    table ``tfidf_keywords.csv`` has them all).

    Args:
        keywords: ``tfidf_keywords`` table (doc_id, rank, term, score).
        documents: for panel titles (place/title); optional.
        n_terms: terms per panel.
        ncols: panels per row.
        max_panels: at most this many documents.
    """
    kw = keywords.sort_values(["doc_id", "rank"]) if "rank" in keywords else keywords
    all_ids = list(dict.fromkeys(kw["doc_id"].astype(str)))
    doc_ids = sample_evenly(all_ids, max_panels)
    if not doc_ids:
        fig, ax = figure_and_axes(None, figsize=(FULL_WIDTH, 2))
        empty_panel(ax, "no keywords")
        return fig
    fig, axes = new_grid(
        len(doc_ids), ncols=ncols, panel=(FULL_WIDTH / ncols, 0.16 * n_terms + 0.55)
    )
    titles = doc_labels(documents, doc_ids, n=8)
    xmax = float(kw["score"].max()) or 1.0
    for ax, doc_id, title in zip(axes, doc_ids, titles, strict=True):
        top = kw[kw["doc_id"].astype(str) == doc_id].nlargest(n_terms, "score")
        y = np.arange(len(top))
        ax.barh(y, top["score"], color=OKABE_ITO[0], height=0.7)
        ax.set_yticks(y, top["term"].astype(str), fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, xmax * 1.05)
        ax.set_title(title, fontsize=7)
        ax.tick_params(axis="x", labelsize=6)
    fig.supxlabel("TF-IDF score (terms ranked within each document) 词频-逆文档频率", fontsize=7)
    if len(doc_ids) < len(all_ids):
        fig.suptitle(
            f"{len(doc_ids)} of {len(all_ids)} documents (evenly spaced; all in "
            "tfidf_keywords.csv)",
            fontsize=7,
        )
    return fig


def plot_similarity(
    similarity: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    *,
    ax: Axes | None = None,
    duplicate_pairs: list[tuple[str, str]] | None = None,
) -> Figure:
    """Cosine similarity of every pair of documents; near-duplicate pairs boxed in orange.

    Args:
        similarity: square DataFrame, index and columns doc_id (``similarity.csv``).
        documents: ``documents`` table; its ``duplicate_of`` column marks near-duplicates.
        ax: draw into this axes.
        duplicate_pairs: explicit ``(doc_id, duplicate_of)`` pairs (default: from ``documents``).
    """
    sim = similarity.copy()
    sim.index = sim.index.astype(str)
    sim.columns = sim.columns.astype(str)
    n = len(sim)
    fig, ax = figure_and_axes(
        ax, figsize=(min(FULL_WIDTH, 1.8 + 0.45 * n), min(6.5, 1.2 + 0.42 * n))
    )
    if n == 0:
        empty_panel(ax, "no documents")
        return fig
    values = sim.to_numpy(float)
    import matplotlib as mpl

    off_diagonal = np.where(np.eye(n, dtype=bool), np.nan, values)
    cmap = mpl.colormaps[SEQUENTIAL].with_extremes(bad="#f2f2f2")
    im = ax.imshow(np.ma.masked_invalid(off_diagonal), cmap=cmap, vmin=0, vmax=1)
    if n <= MANY_DOCS:
        labels = doc_labels(documents, list(sim.index), n=6)
        ax.set_xticks(range(n), [lab.split(" ")[0] for lab in labels], rotation=90)
        ax.set_yticks(range(n), labels)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_xlabel(f"{n} documents (order of documents.csv)")
    ax.spines[:].set_visible(False)
    if n <= 16:
        annotate_heatmap(ax, off_diagonal, fmt="{:.2f}", threshold=0.6, fontsize=5.5)
    if duplicate_pairs is None:
        duplicate_pairs = _duplicate_pairs(documents)
    pos = {d: i for i, d in enumerate(sim.index)}
    marked = False
    for a, b in duplicate_pairs:
        if a in pos and b in pos:
            for i, j in ((pos[a], pos[b]), (pos[b], pos[a])):
                ax.add_patch(
                    Rectangle(
                        (j - 0.5, i - 0.5),
                        1,
                        1,
                        fill=False,
                        edgecolor="#D55E00",
                        linewidth=1.8 if n <= MANY_DOCS else 0.8,
                    )
                )
            marked = True
    cbar = fig.colorbar(im, ax=ax, shrink=0.8)
    cbar.set_label("Cosine similarity (TF-IDF) 余弦相似度")
    note = "orange box: near-duplicate 近似重复" if marked else "no near-duplicates among these"
    ax.set_title(f"Document similarity 文档相似度\n({note})", fontsize=7.5)
    return fig


def _duplicate_pairs(documents: pd.DataFrame | None) -> list[tuple[str, str]]:
    if documents is None or "duplicate_of" not in documents:
        return []
    d = documents[documents["duplicate_of"].fillna("").astype(str) != ""]
    return [(str(r.doc_id), str(r.duplicate_of)) for r in d.itertuples()]
