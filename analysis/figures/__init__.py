"""Figures and tables: a registry shared by ``python -m analysis figures`` and the notebooks.

    >>> from analysis import Study
    >>> from analysis.figures import FIGURES, make_figure, build_all
    >>> study = Study("data/raw")                        # stage results computed on demand
    >>> fig = make_figure("theme_profile", study)        # a matplotlib Figure (not saved)
    >>> build_all(study, "figures")                      # every table and figure + manifest

Plot functions take data and an optional ``ax`` and return a ``Figure``; only
:mod:`analysis.figures.save` writes files. See :mod:`analysis.figures.catalog` for the list.
"""

from __future__ import annotations

from . import catalog as _catalog  # noqa: F401  (fills FIGURES and TABLES)
from .context import FigureContext, StageUnavailable
from .pipeline import build_all
from .registry import FIGURES, TABLES, make_figure, register, register_table
from .style import use_style

__all__ = [
    "FIGURES",
    "TABLES",
    "FigureContext",
    "StageUnavailable",
    "build_all",
    "make_figure",
    "register",
    "register_table",
    "use_style",
]
