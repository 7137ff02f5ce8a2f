"""Content-keyed Parquet cache shared by all stages (tokens, topics, figure inputs).

A cache entry is found by the SHA-256 of its *key parts* (a JSON-able dict that must describe
everything the result depends on: input text digests, lexicon file bytes, options, library
versions, a stage version), never by "the file exists". Entries are Parquet files written
atomically (temporary file + ``os.replace``), so an interrupted run leaves no half-written entry;
an unreadable entry is recomputed. Set ``ANALYSIS_CACHE`` to move the cache, or
``ANALYSIS_NO_CACHE=1`` to bypass it.

    >>> from analysis.cache import cached_frame
    >>> df = cached_frame({"stage": "demo", "n": 3}, lambda: pd.DataFrame({"x": [1, 2, 3]}), "demo")
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from . import paths

log = logging.getLogger(__name__)

CACHE_FORMAT = "1"


def _default(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cache key part of type {type(value).__name__} is not JSON-able: {value!r}")


def cache_key(key_parts: Mapping[str, object]) -> str:
    """SHA-256 hex digest of the canonical JSON of ``key_parts`` (sorted keys)."""
    blob = json.dumps(
        {"_format": CACHE_FORMAT, **key_parts},
        sort_keys=True,
        ensure_ascii=False,
        default=_default,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def cache_path(key_parts: Mapping[str, object], name: str, *, root: Path | None = None) -> Path:
    """Where the entry for ``key_parts`` lives: ``<cache_dir>/<name>/<digest>.parquet``."""
    if not name or any(ch in name for ch in "/\\") or name.startswith("."):
        raise ValueError(f"invalid cache name {name!r}")
    return (root or paths.cache_dir()) / name / f"{cache_key(key_parts)}.parquet"


def _write_atomic(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:16]}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        frame.to_parquet(tmp, index=None)  # a RangeIndex is stored as metadata only
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def cached_frame(
    key_parts: Mapping[str, object],
    compute: Callable[[], pd.DataFrame],
    name: str,
    *,
    force: bool = False,
    root: Path | None = None,
) -> pd.DataFrame:
    """Return the cached DataFrame for ``key_parts`` or compute, store and return it.

    Args:
        key_parts: JSON-able description of *everything* the result depends on.
        compute: zero-argument function producing the DataFrame on a miss.
        name: cache sub-folder (one per stage, e.g. ``"tokens"``).
        force: recompute and overwrite even if an entry exists.
        root: cache directory (default :func:`analysis.paths.cache_dir`).

    Returns:
        The DataFrame (dtypes, including categories, survive the Parquet round trip).
    """
    if os.environ.get("ANALYSIS_NO_CACHE"):
        return compute()
    path = cache_path(key_parts, name, root=root)
    if path.exists() and not force:
        try:
            frame = pd.read_parquet(path)
            log.debug("cache hit %s", path)
            return frame
        except Exception as exc:  # noqa: BLE001 - a broken entry is recomputed, never trusted
            log.warning("unreadable cache entry %s (%s); recomputing", path, exc)
    frame = compute()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"compute() for cache {name!r} returned {type(frame).__name__}")
    try:
        _write_atomic(frame, path)
        log.debug("cache store %s", path)
    except OSError as exc:  # a read-only cache must not break the analysis
        log.warning("could not write cache entry %s: %s", path, exc)
    return frame
