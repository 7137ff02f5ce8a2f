"""Content-keyed Parquet cache shared by all stages (tokens, topics, figure inputs).

A cache entry is found by the SHA-256 of its *key parts* (a JSON-able dict that must describe
everything the result depends on: input text digests, lexicon file bytes, options, library
versions, a stage version), never by "the file exists". Entries are Parquet files written
atomically (:mod:`analysis.atomic`: temporary file + ``os.replace``), so an interrupted run
leaves no half-written entry. Each entry carries its own key (the canonical JSON and its digest,
in the Parquet metadata) and is verified on read: an entry whose recorded key differs from the
one asked for (a swapped or renamed file) or that cannot be read is recomputed, never served. Set ``ANALYSIS_CACHE`` to move the cache, or
``ANALYSIS_NO_CACHE=1`` to bypass it.

    >>> from analysis.cache import cached_frame
    >>> df = cached_frame({"stage": "demo", "n": 3}, lambda: pd.DataFrame({"x": [1, 2, 3]}), "demo")
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from . import paths
from .atomic import atomic_write
from .errors import OutputFileError

log = logging.getLogger(__name__)

CACHE_FORMAT = "1"
KEY_FIELD = b"analysis.cache_key"  # Parquet metadata: canonical JSON of the key parts
DIGEST_FIELD = b"analysis.cache_digest"  # … and its SHA-256 (the entry's file name)


def _default(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"cache key part of type {type(value).__name__} is not JSON-able: {value!r}")


def _canonical(key_parts: Mapping[str, object]) -> str:
    return json.dumps(
        {"_format": CACHE_FORMAT, **key_parts},
        sort_keys=True,
        ensure_ascii=False,
        default=_default,
    )


def cache_key(key_parts: Mapping[str, object]) -> str:
    """SHA-256 hex digest of the canonical JSON of ``key_parts`` (sorted keys)."""
    return hashlib.sha256(_canonical(key_parts).encode("utf-8")).hexdigest()


def cache_path(key_parts: Mapping[str, object], name: str, *, root: Path | None = None) -> Path:
    """Where the entry for ``key_parts`` lives: ``<cache_dir>/<name>/<digest>.parquet``."""
    if not name or any(ch in name for ch in "/\\") or name.startswith("."):
        raise ValueError(f"invalid cache name {name!r}")
    return (root or paths.cache_dir()) / name / f"{cache_key(key_parts)}.parquet"


def write_entry(frame: pd.DataFrame, key_parts: Mapping[str, object], path: Path) -> None:
    """Store ``frame`` at ``path`` atomically, with its key in the Parquet metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    blob = _canonical(key_parts).encode("utf-8")
    table = pa.Table.from_pandas(frame, preserve_index=None)  # RangeIndex: metadata only
    meta = dict(table.schema.metadata or {})
    meta.update({KEY_FIELD: blob, DIGEST_FIELD: hashlib.sha256(blob).hexdigest().encode()})
    buffer = io.BytesIO()
    pq.write_table(table.replace_schema_metadata(meta), buffer)
    atomic_write(path, buffer.getvalue())


def read_entry(key_parts: Mapping[str, object], path: Path) -> pd.DataFrame:
    """Read the entry at ``path``, verifying that it was stored for ``key_parts``.

    Raises:
        ValueError: the entry records another key (or none): it must not be served.
        OSError / pyarrow errors: the file is missing or unreadable.
    """
    import pyarrow.parquet as pq

    expected = cache_key(key_parts)
    meta = pq.read_schema(path).metadata or {}
    blob = meta.get(KEY_FIELD)
    recorded = meta.get(DIGEST_FIELD, b"").decode()
    if blob is None or recorded != expected or hashlib.sha256(blob).hexdigest() != expected:
        raise ValueError(f"entry records key {recorded[:12] or 'none'}…, expected {expected[:12]}…")
    return pd.read_parquet(path)


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
            frame = read_entry(key_parts, path)
            log.debug("cache hit %s", path)
            return frame
        except Exception as exc:  # noqa: BLE001 - a broken/foreign entry is recomputed
            log.warning("unusable cache entry %s (%s); recomputing", path, exc)
    frame = compute()
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"compute() for cache {name!r} returned {type(frame).__name__}")
    try:
        write_entry(frame, key_parts, path)
        log.debug("cache store %s", path)
    except OutputFileError as exc:  # a read-only or full cache must not break the analysis
        log.warning("could not write cache entry %s: %s", path, exc)
    return frame
