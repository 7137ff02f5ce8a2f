"""Small helpers shared by the plot modules (figure creation, heatmaps, document labels)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .style import shorten

#: Above this many documents, per-document labels and cell annotations are dropped and
#: per-document panels are sampled: the figures stay readable for a corpus of hundreds.
MANY_DOCS = 40


def sample_evenly(items: Sequence, n: int) -> list:
    """At most ``n`` items spread evenly over ``items`` (first and last kept; deterministic)."""
    items = list(items)
    if len(items) <= n:
        return items
    idx = np.unique(np.linspace(0, len(items) - 1, n).round().astype(int))
    return [items[i] for i in idx]


def figure_and_axes(ax: Axes | None, *, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """Return ``(fig, ax)``: the caller's axes, or a new constrained-layout figure (no pyplot)."""
    if ax is not None:
        return ax.get_figure(root=True), ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def new_grid(n: int, *, ncols: int, panel: tuple[float, float], max_width: float = 7.0):
    """A figure with ``n`` panels on a grid of ``ncols`` columns; unused axes are hidden."""
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    width = min(max_width, panel[0] * ncols)
    fig = Figure(figsize=(width, panel[1] * nrows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for extra in axes[n:]:
        extra.set_visible(False)
    return fig, list(axes[:n])


def doc_labels(documents: pd.DataFrame | None, doc_ids: Sequence[str], *, n: int = 10) -> list[str]:
    """Readable document labels: ``"002-1 天长镇"`` (place, else shortened title, else id)."""
    if documents is None or documents.empty or "doc_id" not in documents:
        return [str(d) for d in doc_ids]
    meta = documents.drop_duplicates("doc_id").set_index("doc_id")
    out = []
    for doc_id in doc_ids:
        label = str(doc_id)
        if doc_id in meta.index:
            row = meta.loc[doc_id]
            place = str(row.get("place", "") or "")
            title = str(row.get("title", "") or "")
            extra = place if place and place != "nan" else shorten(title, n) if title else ""
            if extra and extra != "nan":
                label = f"{doc_id} {extra}"
        out.append(label)
    return out


def annotate_heatmap(
    ax: Axes,
    values: np.ndarray,
    *,
    fmt: str = "{:.2f}",
    threshold: float | None = None,
    skip_zero: bool = True,
    fontsize: float = 6.0,
) -> None:
    """Write each cell's value, dark on light cells and light on dark ones (cividis/viridis)."""
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return
    lo, hi = float(finite.min()), float(finite.max())
    cut = threshold if threshold is not None else lo + 0.55 * (hi - lo)
    for (i, j), v in np.ndenumerate(values):
        if not np.isfinite(v) or (skip_zero and v == 0):
            continue
        ax.text(
            j,
            i,
            fmt.format(v),
            ha="center",
            va="center",
            fontsize=fontsize,
            color="black" if v >= cut else "white",
        )


def empty_panel(ax: Axes, message: str) -> None:
    """Say on the panel that there is nothing to show (instead of an empty frame)."""
    ax.text(
        0.5,
        0.5,
        message,
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=8,
        color="#555555",
    )
    ax.set_xticks([])
    ax.set_yticks([])
