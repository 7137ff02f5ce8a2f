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
        reuse_layout: compute the constrained layout once (first format) and keep it for the
            others — about a third faster; the figure's layout engine is switched off
            afterwards, so use it only for figures that are discarded after saving.
    """
    out = Path(out_dir)
    written = []
    for i, fmt in enumerate(formats):
        if reuse_layout and i == 1:
            fig.set_layout_engine("none")
        path = out / f"{name}.{fmt}"
        buffer = io.BytesIO()  # rendered in memory, then written atomically: never half a file
        fig.savefig(buffer, format=fmt, metadata=_METADATA.get(fmt))
        atomic_write(path, buffer.getvalue())
        written.append(path)
    log.debug("saved %s", ", ".join(p.name for p in written))
    return written
