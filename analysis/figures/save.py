"""The one place that writes figures and tables to disk.

PNG (quick viewing) and SVG (papers; text converted to paths, so it renders without the font)
with reproducible metadata: the same figure gives the same bytes on every run.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from analysis.atomic import atomic_write

log = logging.getLogger(__name__)

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


def write_table(df: pd.DataFrame, path: str | Path) -> Path:
    """Write a table as UTF-8 CSV (list cells joined with ``|``; floats with 6 significant digits).

    The index is written only when it is named (e.g. the doc_id of ``similarity.csv``).
    """
    p = Path(path)
    out = df.copy()
    for col in out.columns:
        if (
            out[col].dtype == object
            and out[col].map(lambda v: isinstance(v, (list, tuple, np.ndarray))).any()
        ):
            out[col] = out[col].map(
                lambda v: "|".join(map(str, v)) if isinstance(v, (list, tuple, np.ndarray)) else v
            )
    index = any(name is not None for name in out.index.names)  # e.g. similarity (doc_id)
    text = out.to_csv(index=index, float_format="%.6g", lineterminator="\n")
    return atomic_write(p, text)
