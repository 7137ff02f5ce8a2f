"""The one place that writes figures and tables to disk.

PNG (quick viewing) and SVG (papers; text converted to paths, so it renders without the font)
with reproducible metadata: no date or software version in the files, SVG ids from a fixed salt
(``svg.hashsalt`` in ``style.mplstyle``), so the same figure gives the same bytes on every run.
Tables are written by :func:`analysis.tables.write_table` (re-exported here).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

from matplotlib.figure import Figure

from analysis.atomic import atomic_write

log = logging.getLogger(__name__)


def __getattr__(name: str):
    # the one table writer, re-exported; imported on use so that a process that only saves
    # figures (a render worker) does not import pandas
    if name == "write_table":
        from analysis.tables import write_table

        return write_table
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FORMATS: tuple[str, ...] = ("png", "svg")

#: Per-format metadata that would otherwise change on every run (dates).
_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


#: Formats :func:`_print_once` draws directly (module and canvas class of the backend).
_CANVASES = {
    "png": ("matplotlib.backends.backend_agg", "FigureCanvasAgg"),
    "svg": ("matplotlib.backends.backend_svg", "FigureCanvasSVG"),
}


#: Extra keyword arguments of the writer per format. PNG: zlib level 3 instead of PIL's
#: default 6 — the same pixels (lossless), and on the 17 seed figures 0.79 instead of 1.01 CPU s
#: and 2,111 instead of 2,160 KB (these flat-colour images compress better at 3 than at 6).
_WRITER_KWARGS: dict[str, dict] = {"png": {"pil_kwargs": {"compress_level": 3}}}


def _print_once(fig: Figure, fmt: str, buffer: io.BytesIO) -> None:
    """Write ``fig`` as ``fmt`` with a single draw: what ``savefig`` writes, minus its pre-draw.

    With a layout engine, ``savefig`` first draws the whole figure on a muted renderer (to run
    the layout), then draws it again for real with the layout engine off; every text is laid
    out twice (a third of the cost of a figure full of CJK tick labels). Printing on the
    backend canvas directly draws once: ``Figure.draw`` runs the layout engine itself, on the
    same renderer at the same dpi, before drawing. The savefig settings our style uses are
    applied as ``savefig`` would (``savefig.dpi``, ``savefig.facecolor`` / ``edgecolor``);
    other settings fall back to ``savefig`` (:func:`_plain_savefig`). ``tests/test_figures_save.py`` checks the bytes
    against ``savefig``.
    """
    import importlib

    import matplotlib as mpl

    module, name = _CANVASES[fmt]
    canvas = getattr(importlib.import_module(module), name)(fig)
    for prop in ("facecolor", "edgecolor"):
        colour = mpl.rcParams[f"savefig.{prop}"]
        if not (isinstance(colour, str) and colour == "auto"):
            getattr(fig, f"set_{prop}")(colour)
    dpi = mpl.rcParams["savefig.dpi"]
    original = fig.dpi
    fig.dpi = original if dpi == "figure" else dpi
    try:
        getattr(canvas, f"print_{fmt}")(
            buffer, metadata=_METADATA.get(fmt), **_WRITER_KWARGS.get(fmt, {})
        )
    finally:
        fig.dpi = original


def _plain_savefig() -> bool:
    """The savefig settings are ones :func:`_print_once` reproduces (standard bounding box,
    opaque background); otherwise ``savefig`` itself is used."""
    import matplotlib as mpl

    return (
        mpl.rcParams["savefig.bbox"] in (None, "standard")
        and not mpl.rcParams["savefig.transparent"]
    )


def save_figure(
    fig: Figure,
    out_dir: str | Path,
    name: str,
    *,
    formats: Sequence[str] = FORMATS,
    reuse_layout: bool = False,
) -> list[Path]:
    """Save ``fig`` as ``<out_dir>/<name>.<fmt>`` for each format; returns the written paths.

    Args:
        fig: the figure.
        out_dir: folder (created if needed).
        name: file stem.
        formats: e.g. ``("png", "svg")``.
        reuse_layout: draw each format once, computing the constrained layout in the first
            draw and keeping it for the others (:func:`_print_once`; same bytes as
            ``savefig``, about 40 % less CPU); the figure's canvas, dpi and layout engine are
            changed, so use it only for figures that are discarded after saving.
    """
    out = Path(out_dir)
    written = []
    for i, fmt in enumerate(formats):
        if reuse_layout and i == 1:
            fig.set_layout_engine("none")
        path = out / f"{name}.{fmt}"
        buffer = io.BytesIO()  # rendered in memory, then written atomically: never half a file
        if reuse_layout and fmt in _CANVASES and _plain_savefig():
            _print_once(fig, fmt, buffer)
        else:
            fig.savefig(
                buffer, format=fmt, metadata=_METADATA.get(fmt), **_WRITER_KWARGS.get(fmt, {})
            )
        atomic_write(path, buffer.getvalue())
        written.append(path)
    log.debug("saved %s", ", ".join(p.name for p in written))
    return written
