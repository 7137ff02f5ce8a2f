"""One place that knows where things live. Every default path derives from this file."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
ROOT = PACKAGE_DIR.parent
DATA = ROOT / "data"
RAW = DATA / "raw"
LEXICONS = DATA / "lexicons"
FIGURES = ROOT / "figures"
TABLES = FIGURES / "tables"
NOTEBOOKS = ROOT / "notebooks"


def cache_dir() -> Path:
    """Directory of the content-keyed cache (``ANALYSIS_CACHE`` overrides ``<root>/.cache``)."""
    return Path(os.environ.get("ANALYSIS_CACHE", ROOT / ".cache"))


def tables_dir(out: str | Path | None = None) -> Path:
    """Where tables go for a given ``--out`` folder (``<out>/tables``)."""
    return (Path(out) if out is not None else FIGURES) / "tables"
