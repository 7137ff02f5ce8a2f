"""Figures and tables: a registry shared by ``python -m analysis figures`` and the notebooks.

    >>> from analysis import Study
    >>> from analysis.figures import FIGURES, make_figure, build_all
    >>> study = Study("data/raw")                        # stage results computed on demand
    >>> fig = make_figure("theme_profile", study)        # a matplotlib Figure (not saved)
    >>> build_all(study, "figures")                      # every table and figure + manifest

Plot functions take data and an optional ``ax`` and return a ``Figure``; only
:mod:`analysis.figures.save` writes files. See :mod:`analysis.figures.catalog` for the list.

The names below are imported on first use (and the catalog registered with them), so that a
worker process drawing a figure, or a warm ``figures`` run that finds nothing to do
(:mod:`analysis.figures.current`), does not import every stage. Code that reads
:data:`analysis.figures.registry.FIGURES` directly imports :mod:`analysis.figures.catalog`
first (as :func:`build_all` and :func:`make_figure` do).
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "FIGURES": "registry",
    "TABLES": "registry",
    "make_figure": "registry",
    "register": "registry",
    "register_table": "registry",
    "FigureContext": "context",
    "StageUnavailable": "context",
    "build_all": "pipeline",
    "use_style": "style",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    importlib.import_module(f"{__name__}.catalog")  # fills FIGURES and TABLES
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
