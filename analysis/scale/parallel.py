"""Local parallelism: spawn-safe process pools for ingestion and tokenization.

Everything here works the same on Linux, macOS and Windows because worker processes are
started with the ``spawn`` method (a fresh interpreter that imports the package; no forked
copies of the parent's memory, locks or threads). The price is a start-up cost of 1-2 s of
CPU per worker (imports, lexicons, the tokenizer's dictionary), so small inputs run in-process
(``workers=None`` below :data:`MIN_PARALLEL_SIZE`, or ``workers=1``); share one warm pool
across stages with :func:`process_pool`.

Results always come back in input order, whatever the number of workers, so a parallel run
produces exactly the same DataFrames as a serial one (tests compare them with
``load_corpus`` and ``tokenize``).

    >>> from analysis.scale import parallel
    >>> from analysis.corpus import analysis_paragraphs
    >>> files = parallel.list_raw_files("reports/")
    >>> with parallel.process_pool(2) as pool:
    ...     corpus = parallel.ingest_files(files, manifest=parallel.find_manifest("reports/"),
    ...                                    pool=pool)
    ...     tokens = parallel.tokenize_parallel(analysis_paragraphs(corpus), pool=pool)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from analysis.workers import spawn_pool

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Number of CPU cores this process may use (affinity-aware), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS / Windows
        return max(1, os.cpu_count() or 1)


#: Below this much input (characters of text, or bytes of raw files), ``workers=None`` runs
#: in-process: spawning a worker and loading its dictionaries costs ~1-2 s of CPU, more than
#: it saves on a few reports (measured by ``python -m analysis bench scale``).
MIN_PARALLEL_SIZE = 2_000_000


def auto_workers(workers: int | None, size: int) -> int:
    """Workers to use for ``size`` units of input: explicit ``workers`` win; ``None`` means all
    cores, or 1 when ``size`` < :data:`MIN_PARALLEL_SIZE`."""
    if workers is None and size < MIN_PARALLEL_SIZE:
        return 1
    return resolve_workers(workers)


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


@contextmanager
def process_pool(
    workers: int | None = None,
    *,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[ProcessPoolExecutor | None]:
    """A spawn-based pool to share between several :func:`pool_map` calls (or None for one
    worker), so workers start once and keep their warm caches (dictionaries, lexicons).

    Example:
        >>> with process_pool(2) as pool:
        ...     frames = ingest_files(files, pool=pool)
        ...     tokens = tokenize_parallel(frames.paragraphs, pool=pool)
    """
    n = resolve_workers(workers)
    if n <= 1:
        yield None
        return
    with spawn_pool(n, initializer=initializer, initargs=initargs) as pool:
        yield pool


def pool_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int | None = None,
    pool: ProcessPoolExecutor | None = None,
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
        pool: an open pool from :func:`process_pool` to use instead of a new one.
        initializer: optional per-worker set-up of a new pool (e.g. load a dictionary once).
        initargs: arguments of ``initializer``.

    Returns:
        ``[func(t) for t in tasks]``.
    """
    tasks = list(tasks)
    if pool is not None:
        return list(pool.map(func, tasks, chunksize=1))
    n = min(resolve_workers(workers), max(1, len(tasks)))
    if n <= 1:
        if initializer is not None:
            initializer(*initargs)
        return [func(t) for t in tasks]
    log.debug("pool_map %s: %d tasks on %d spawned workers", func.__name__, len(tasks), n)
    with process_pool(n, initializer=initializer, initargs=initargs) as new_pool:
        return list(new_pool.map(func, tasks, chunksize=1))


def _pool_size(pool: ProcessPoolExecutor | None, workers: int | None) -> int:
    if pool is not None:
        return int(getattr(pool, "_max_workers", resolve_workers(workers)))
    return resolve_workers(workers)


# --------------------------------------------------------------------------------------------
# ingestion
# --------------------------------------------------------------------------------------------


@dataclass
class Frames:
    """The corpus frames (same columns as :class:`analysis.corpus.Corpus`)."""

    documents: pd.DataFrame
    paragraphs: pd.DataFrame
    quality: pd.DataFrame
    duplicates: pd.DataFrame | None = None


def list_raw_files(data_dir: str | Path) -> list[Path]:
    """Report files of a raw folder in name order (as :func:`analysis.corpus.io.list_raw_files`)."""
    from analysis.corpus.io import list_raw_files as _list

    return _list(data_dir)


def find_manifest(data_dir: str | Path) -> pd.DataFrame | None:
    """The manifest of a raw folder (as :func:`analysis.corpus.io.read_manifest`), or None."""
    from analysis.corpus.io import read_manifest

    return read_manifest(data_dir)


def ingest_chunk(task: tuple[list[str], dict[str, str], str | None]) -> Frames:
    """Ingest one chunk of raw files with :func:`analysis.corpus.process_file` (pool worker).

    Near-duplicates and the manifest are *not* handled here: both need every document (see
    :func:`finish_frames`).

    Args:
        task: ``(file paths, {path: doc_id base}, chrome-pattern file or None)``; the doc-id
            bases must come from :func:`analysis.corpus.doc_id_bases` over *all* files, so ids
            do not depend on how files are chunked.

    Returns:
        :class:`Frames` of these files (``duplicate_of`` all "").
    """
    from analysis.corpus import build as c
    from analysis.corpus.clean import load_chrome_patterns

    files, bases, chrome = task
    patterns = load_chrome_patterns(chrome)
    results = [c.process_file(Path(f), bases[str(f)], patterns) for f in files]
    docs = [d for r in results for d in r[0]]
    frames = [f for r in results for f in r[1]]
    quality = pd.DataFrame([q for r in results for q in r[2]]).reindex(columns=c.QUALITY_COLUMNS)
    documents = pd.DataFrame(docs).reindex(columns=c.DOCUMENT_COLUMNS)
    documents["year"] = documents["year"].astype("Int64")
    paragraphs = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=c.PARAGRAPH_COLUMNS)
    )
    return Frames(documents, paragraphs, quality)


def concat_frames(parts: Sequence[Frames]) -> Frames:
    """Concatenate per-chunk frames in order, with a fresh ``RangeIndex``."""

    def cat(name: str) -> pd.DataFrame:
        frames = [getattr(p, name) for p in parts]
        frames = [f for f in frames if f is not None and len(f)]
        if not frames:
            return getattr(parts[0], name) if parts else pd.DataFrame()
        return pd.concat(frames, ignore_index=True)

    return Frames(cat("documents"), cat("paragraphs"), cat("quality"))


def finish_frames(
    frames: Frames,
    *,
    manifest: pd.DataFrame | None = None,
    files: Sequence[Path] = (),
    folder: str | Path | None = None,
) -> Frames:
    """Corpus-wide steps after per-file ingestion: near-duplicates, manifest join, quality.

    The same code as :func:`analysis.corpus.load_corpus` (:func:`analysis.corpus.finish_corpus`).

    Returns:
        :class:`Frames` with ``duplicate_of`` filled, manifest columns joined and the quality
        table completed; ``duplicates`` holds the confirmed pairs.
    """
    from analysis.corpus.build import finish_corpus

    corpus = finish_corpus(
        frames.documents, frames.paragraphs, frames.quality,
        manifest=manifest, files=files, folder=folder,
    )  # fmt: skip
    return Frames(corpus.documents, corpus.paragraphs, corpus.quality, corpus.duplicates)


def ingest_files(
    files: Sequence[str | Path],
    *,
    workers: int | None = None,
    manifest: pd.DataFrame | str | Path | None = None,
    chrome: str | Path | None = None,
    n_chunks: int | None = None,
    pool: ProcessPoolExecutor | None = None,
    listed_only: bool = True,
) -> Frames:
    """Ingest raw files in parallel (spawned processes); same frames as ``load_corpus``.

    Files are split into contiguous chunks balanced by file size (about four per worker so a
    slow chunk does not leave a core idle), each chunk is ingested by :func:`ingest_chunk`, the
    frames are concatenated in file order, and :func:`finish_frames` does the corpus-wide steps.

    Args:
        files: raw report files (e.g. a sample of a folder).
        workers: processes (``None`` = all cores, or in-process for small inputs; 1 =
            in-process).
        manifest: manifest frame, or the path of a folder/CSV holding ``manifest.csv``.
        chrome: alternative chrome-pattern YAML.
        n_chunks: override the number of chunks.
        pool: an open pool from :func:`process_pool` (then ``workers`` is ignored).
        listed_only: ignore manifest rows of files not in ``files`` (a sample); False
            records them as missing in ``quality``, as ``load_corpus`` does for a folder.

    Returns:
        :class:`Frames` with the columns of :class:`analysis.corpus.Corpus`.
    """
    from analysis.corpus.build import doc_id_bases

    files = [Path(f) for f in files]
    if isinstance(manifest, str | Path):
        m = Path(manifest)
        manifest = find_manifest(m.parent if m.is_file() else m)
    sizes = [f.stat().st_size for f in files]
    n = _pool_size(pool, workers) if pool is not None else auto_workers(workers, sum(sizes))
    n_chunks = n_chunks or (1 if n == 1 else 4 * n)
    bases = {str(f): b for f, b in doc_id_bases(files).items()}
    chunks = chunk_by_weight([str(f) for f in files], weights=sizes, n_chunks=n_chunks)
    chrome_s = str(chrome) if chrome else None
    tasks = [(chunk, {f: bases[f] for f in chunk}, chrome_s) for chunk in chunks]
    parts = pool_map(ingest_chunk, tasks, workers=n, pool=pool)
    if manifest is not None and listed_only:
        # a file list is a deliberate selection: other manifest rows are not "missing"
        manifest = manifest[manifest["file"].isin({f.name for f in files})]
    return finish_frames(concat_frames(parts), manifest=manifest, files=files)


# --------------------------------------------------------------------------------------------
# tokenization
# --------------------------------------------------------------------------------------------


def tokenize_chunk(task: tuple[pd.DataFrame, dict]) -> pd.DataFrame:
    """Tokenize one paragraphs chunk with :func:`analysis.text.tokens.tokenize` (pool worker)."""
    paragraphs, kwargs = task
    from analysis.text.tokens import tokenize

    kwargs = {"cache": False, **kwargs}  # per-chunk cache entries would never be reused
    return tokenize(paragraphs, **kwargs)


def concat_tokens(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate token frames in order; categorical ``doc_id`` columns are unified on their
    codes (sorted categories, as a single ``tokenize`` call gives), without decoding strings."""
    from pandas.api.types import union_categoricals

    parts = [p for p in parts if p is not None]
    if not parts:
        return pd.DataFrame(columns=["doc_id", "para_id", "token", "start", "end"])
    if all(isinstance(p["doc_id"].dtype, pd.CategoricalDtype) for p in parts):
        doc = union_categoricals([p["doc_id"] for p in parts], sort_categories=True)
        out = pd.concat([p.drop(columns="doc_id") for p in parts], ignore_index=True)
        out.insert(0, "doc_id", doc)
        return out[list(parts[0].columns)]
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
    pool: ProcessPoolExecutor | None = None,
    **tokenize_kwargs: Any,
) -> pd.DataFrame:
    """:func:`analysis.text.tokens.tokenize` on all cores; same rows as the serial call.

    Paragraphs are split on document boundaries into chunks balanced by characters, each
    chunk is tokenized in a spawned worker, and the token frames are concatenated in order.

    Args:
        paragraphs: paragraphs frame (contract of :mod:`analysis.corpus`).
        workers: processes (``None`` = all cores, or in-process for small inputs; 1 =
            in-process).
        n_chunks: override the number of chunks (default 4 per worker).
        pool: an open pool from :func:`process_pool` (then ``workers`` is ignored).
        **tokenize_kwargs: passed to ``tokenize`` (``backend=``, ``options=``); must pickle.

    Returns:
        Tokens frame: ``doc_id, para_id, token, start, end`` (contract of
        :mod:`analysis.text.tokens`).
    """
    if pool is not None:
        n = _pool_size(pool, workers)
    else:
        n = auto_workers(workers, int(paragraphs["text"].str.len().sum()))
    needed = [c for c in ("doc_id", "para_id", "text") if c in paragraphs.columns]
    if n == 1:
        return tokenize_chunk((paragraphs[needed], tokenize_kwargs))
    chunks = chunk_paragraphs(paragraphs[needed], n_chunks=n_chunks or 4 * n)
    parts = pool_map(tokenize_chunk, [(c, tokenize_kwargs) for c in chunks], workers=n, pool=pool)
    return concat_tokens(parts)
