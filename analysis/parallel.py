"""Local parallelism: spawn-safe process pools for ingestion and tokenization.

Everything here works the same on Linux, macOS and Windows because worker processes are
started with the ``spawn`` method (a fresh interpreter that imports the package; no forked
copies of the parent's memory, locks or threads). The price is a start-up cost of about a
second per worker, so small inputs run in-process (``workers=1``).

Results always come back in input order, whatever the number of workers, so a parallel run
produces exactly the same DataFrames as a serial one.

    >>> from analysis import parallel
    >>> corpus = parallel.ingest_files(sorted(Path("reports").glob("*.txt")), workers=2)
    >>> tokens = parallel.tokenize_parallel(corpus.paragraphs, workers=2)
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Text-like file suffixes treated as raw reports when a folder is listed.
RAW_SUFFIXES = (".txt", ".md", ".text")


def default_workers() -> int:
    """Number of CPU cores this process may use (affinity-aware), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS / Windows
        return max(1, os.cpu_count() or 1)


def resolve_workers(workers: int | None) -> int:
    """``None`` or ``0`` → all cores; negative → all cores minus ``|workers|`` (at least 1)."""
    n = default_workers()
    if workers is None or workers == 0:
        return n
    if workers < 0:
        return max(1, n + workers)
    return int(workers)


# --------------------------------------------------------------------------------------------
# chunking (pure)
# --------------------------------------------------------------------------------------------


def chunk_evenly(items: Sequence[T], *, n_chunks: int) -> list[list[T]]:
    """Split ``items`` into at most ``n_chunks`` contiguous chunks whose sizes differ by ≤ 1.

    Empty chunks are never returned; concatenating the chunks gives ``items`` back.

    Example:
        >>> chunk_evenly(list(range(5)), n_chunks=2)
        [[0, 1, 2], [3, 4]]
    """
    if n_chunks < 1:
        raise ValueError("n_chunks must be >= 1")
    n = len(items)
    n_chunks = min(n_chunks, n) or 1
    q, r = divmod(n, n_chunks)
    out, start = [], 0
    for i in range(n_chunks):
        stop = start + q + (1 if i < r else 0)
        if stop > start:
            out.append(list(items[start:stop]))
        start = stop
    return out


def chunk_by_weight(
    items: Sequence[T], *, weights: Sequence[float], n_chunks: int
) -> list[list[T]]:
    """Split ``items`` into ≤ ``n_chunks`` contiguous chunks of roughly equal total weight.

    Order is kept (concatenating the chunks gives ``items`` back), so results computed per
    chunk can simply be concatenated. A single heavy item never gets split.

    Args:
        items: what to split.
        weights: one non-negative cost per item (e.g. characters of a file).
        n_chunks: upper bound on the number of chunks.

    Returns:
        List of non-empty lists.
    """
    if len(items) != len(weights):
        raise ValueError("items and weights differ in length")
    if n_chunks < 1:
        raise ValueError("n_chunks must be >= 1")
    if not items:
        return []
    total = float(sum(weights)) or float(len(items))
    w = list(weights) if sum(weights) else [1.0] * len(items)
    target = total / min(n_chunks, len(items))
    out: list[list[T]] = []
    current: list[T] = []
    acc = 0.0
    for item, wt in zip(items, w, strict=True):
        # close the chunk when adding this item overshoots the target by more than half of it
        if current and len(out) < n_chunks - 1 and acc + wt / 2 > target * (len(out) + 1):
            out.append(current)
            current = []
        current.append(item)
        acc += wt
    out.append(current)
    return out


def chunk_paragraphs(paragraphs: pd.DataFrame, *, n_chunks: int) -> list[pd.DataFrame]:
    """Split a paragraphs frame into contiguous chunks on document boundaries.

    Chunks are balanced by characters of ``text``, and a document is never split across
    chunks (so per-document logic in a worker sees whole documents).

    Args:
        paragraphs: frame with at least ``doc_id`` and ``text`` (contract of
            :mod:`analysis.corpus`), in reading order.
        n_chunks: upper bound on the number of chunks.

    Returns:
        List of frames with the input's columns and original index.
    """
    if paragraphs.empty:
        return [paragraphs]
    doc = paragraphs["doc_id"].astype(str)
    # run-length ids of consecutive doc_id blocks (keeps reading order even if ids repeat)
    block = (doc != doc.shift()).cumsum().to_numpy()
    lengths = paragraphs["text"].astype(str).str.len().groupby(block, sort=False).sum()
    blocks = chunk_by_weight(
        list(lengths.index), weights=list(lengths.to_numpy()), n_chunks=n_chunks
    )
    out = []
    for group in blocks:
        lo, hi = group[0], group[-1]
        out.append(paragraphs[(block >= lo) & (block <= hi)])
    return out


# --------------------------------------------------------------------------------------------
# the pool
# --------------------------------------------------------------------------------------------


def pool_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int | None = None,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> list[R]:
    """Apply ``func`` to each task in a spawn-based process pool; results in task order.

    ``func`` (and ``initializer``) must be importable module-level functions and tasks must
    be picklable. With one worker, or a single task, everything runs in this process (no pool
    start-up cost, easy debugging).

    Args:
        func: module-level function of one argument.
        tasks: the arguments.
        workers: processes (``None``/``0`` = all cores; see :func:`resolve_workers`).
        initializer: optional per-worker set-up (e.g. load a dictionary once).
        initargs: arguments of ``initializer``.

    Returns:
        ``[func(t) for t in tasks]``.
    """
    tasks = list(tasks)
    n = min(resolve_workers(workers), max(1, len(tasks)))
    if n <= 1:
        if initializer is not None:
            initializer(*initargs)
        return [func(t) for t in tasks]
    log.debug("pool_map %s: %d tasks on %d spawned workers", func.__name__, len(tasks), n)
    with ProcessPoolExecutor(
        max_workers=n,
        mp_context=get_context("spawn"),
        initializer=initializer,
        initargs=initargs,
    ) as pool:
        return list(pool.map(func, tasks, chunksize=1))


# --------------------------------------------------------------------------------------------
# ingestion
# --------------------------------------------------------------------------------------------


@dataclass
class Frames:
    """The three corpus frames (same columns as :class:`analysis.corpus.Corpus`)."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    quality: pd.DataFrame


def list_raw_files(data_dir: str | Path) -> list[Path]:
    """Report files of a raw folder, sorted by name (the manifest CSV is not included)."""
    return sorted(
        p for p in Path(data_dir).iterdir() if p.is_file() and p.suffix.lower() in RAW_SUFFIXES
    )


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.symlink(src.resolve(), dst)
    except OSError:  # e.g. Windows without symlink rights
        shutil.copyfile(src, dst)


def ingest_chunk(task: tuple[list[str], dict]) -> Frames:
    """Ingest one chunk of raw files (pool worker; module-level so it pickles).

    Uses ``analysis.corpus.process_file`` per file when the corpus layer provides it;
    otherwise runs :func:`analysis.corpus.load_corpus` on a temporary folder holding links to
    the chunk's files (plus the manifest, when given), which gives the same rows for the
    per-file part of ingestion.

    Args:
        task: ``(file paths, options)``; options may hold ``manifest`` (path of a manifest CSV)
            and ``load_kwargs`` (extra keyword arguments for the corpus layer).

    Returns:
        :class:`Frames` for these files (near-duplicates are not marked here: that needs
        all documents; see :func:`ingest_files`).
    """
    files, options = task
    from . import corpus as corpus_mod

    kwargs = dict(options.get("load_kwargs") or {})
    manifest = options.get("manifest")
    with tempfile.TemporaryDirectory(prefix="analysis-ingest-") as tmp:
        tmp_dir = Path(tmp)
        for f in files:
            _link_or_copy(Path(f), tmp_dir / Path(f).name)
        if manifest:
            _link_or_copy(Path(manifest), tmp_dir / Path(manifest).name)
        result = corpus_mod.load_corpus(tmp_dir, **kwargs)
    return Frames(result.documents, result.paragraphs, result.quality)


def find_manifest(data_dir: str | Path) -> Path | None:
    """The manifest CSV of a raw folder (``manifest.csv`` or the only ``*.csv``), if any."""
    d = Path(data_dir)
    if (d / "manifest.csv").is_file():
        return d / "manifest.csv"
    csvs = sorted(d.glob("*.csv"))
    return csvs[0] if len(csvs) == 1 else None


def concat_frames(parts: Sequence[Frames]) -> Frames:
    """Concatenate per-chunk frames in order, with a fresh ``RangeIndex``."""

    def cat(name: str) -> pd.DataFrame:
        frames = [getattr(p, name) for p in parts]
        frames = [f for f in frames if f is not None and len(f.columns)]
        if not frames:
            return pd.DataFrame()
        return pd.concat(frames, ignore_index=True)

    return Frames(cat("documents"), cat("paragraphs"), cat("quality"))


def ingest_files(
    files: Sequence[str | Path],
    *,
    workers: int | None = None,
    manifest: str | Path | None = None,
    n_chunks: int | None = None,
    load_kwargs: dict | None = None,
) -> Frames:
    """Ingest raw files in parallel (spawned processes), in file order.

    Files are split into contiguous chunks balanced by file size (about four per worker so
    a slow chunk does not leave a core idle), each chunk is ingested by
    :func:`ingest_chunk`, and the frames are concatenated in file order.

    Near-duplicate marking needs every document at once; when the corpus layer exposes
    ``mark_duplicates(documents, paragraphs)`` it is applied to the concatenated frames,
    otherwise ``duplicate_of`` is what each chunk found on its own.

    Args:
        files: raw report files.
        workers: processes (``None`` = all cores, 1 = in-process).
        manifest: optional manifest CSV joined by file name.
        n_chunks: override the number of chunks.
        load_kwargs: extra keyword arguments passed to the corpus layer.

    Returns:
        :class:`Frames` with the columns of :class:`analysis.corpus.Corpus`.
    """
    files = [Path(f) for f in files]
    n = resolve_workers(workers)
    n_chunks = n_chunks or (1 if n == 1 else 4 * n)
    sizes = [f.stat().st_size for f in files]
    chunks = chunk_by_weight([str(f) for f in files], weights=sizes, n_chunks=n_chunks)
    options = {"manifest": str(manifest) if manifest else None, "load_kwargs": load_kwargs}
    parts = pool_map(ingest_chunk, [(c, options) for c in chunks], workers=n)
    frames = concat_frames(parts)
    from . import corpus as corpus_mod

    mark = getattr(corpus_mod, "mark_duplicates", None)
    if mark is not None and len(chunks) > 1 and not frames.documents.empty:
        frames.documents = mark(frames.documents, frames.paragraphs)
    return frames


# --------------------------------------------------------------------------------------------
# tokenization
# --------------------------------------------------------------------------------------------


def tokenize_chunk(task: tuple[pd.DataFrame, dict]) -> pd.DataFrame:
    """Tokenize one paragraphs chunk with :func:`analysis.tokenize.tokenize` (pool worker)."""
    paragraphs, kwargs = task
    from .tokenize import tokenize

    return tokenize(paragraphs, **kwargs)


def concat_tokens(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate token frames in order; a categorical ``doc_id`` is re-unified."""
    parts = [p for p in parts if p is not None]
    if not parts:
        return pd.DataFrame(columns=["doc_id", "para_id", "token", "start", "end"])
    if any(isinstance(p["doc_id"].dtype, pd.CategoricalDtype) for p in parts):
        parts = [p.assign(doc_id=p["doc_id"].astype(str)) for p in parts]
        out = pd.concat(parts, ignore_index=True)
        return out.assign(doc_id=out["doc_id"].astype("category"))
    return pd.concat(parts, ignore_index=True)


def tokenize_parallel(
    paragraphs: pd.DataFrame,
    *,
    workers: int | None = None,
    n_chunks: int | None = None,
    **tokenize_kwargs: Any,
) -> pd.DataFrame:
    """:func:`analysis.tokenize.tokenize` on all cores; same rows as the serial call.

    Paragraphs are split on document boundaries into chunks balanced by characters, each
    chunk is tokenized in a spawned worker, and the token frames are concatenated in order.

    Args:
        paragraphs: paragraphs frame (contract of :mod:`analysis.corpus`).
        workers: processes (``None`` = all cores, 1 = in-process).
        n_chunks: override the number of chunks (default 4 per worker).
        **tokenize_kwargs: passed to ``tokenize`` (``backend=``, ``options=``); must pickle.

    Returns:
        Tokens frame: ``doc_id, para_id, token, start, end`` (contract of
        :mod:`analysis.tokenize`).
    """
    n = resolve_workers(workers)
    if n == 1:
        return tokenize_chunk((paragraphs, tokenize_kwargs))
    chunks = chunk_paragraphs(paragraphs, n_chunks=n_chunks or 4 * n)
    parts = pool_map(tokenize_chunk, [(c, tokenize_kwargs) for c in chunks], workers=n)
    return concat_tokens(parts)
