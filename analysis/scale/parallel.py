"""One execution abstraction: run a function over tasks in this process, on a local pool of
spawned processes, or on Dask — and the chunking that makes the results identical either way.

:func:`make_executor` returns an :class:`Executor` whose ``map(func, tasks)`` returns
``[func(t) for t in tasks]`` in task order, wherever it runs:

- ``"inline"``: this process (no start-up cost; the default for small inputs);
- ``"processes"``: a spawn-based process pool (Linux, macOS, Windows alike; a fresh interpreter
  per worker, 1–2 s of start-up, so small inputs stay in-process); the pool is started on first
  use and kept warm (dictionaries loaded once) until :meth:`Executor.close`;
- ``"dask"``: a ``distributed`` client — a new ``LocalCluster``, or a running scheduler
  (``scheduler="tcp://host:8786"``).

Ingestion (:func:`analysis.corpus.load_corpus`), tokenization (:func:`analysis.text.tokens.tokenize`)
and the Dask pipeline (:mod:`analysis.scale.distributed`) take an ``executor``; the
:class:`analysis.Study` builds one from ``StudyOptions(executor=, workers=, scheduler=)``.
Results always come back in input order, so a parallel run produces exactly the same DataFrames
as a serial one (tests compare them with ``load_corpus`` and ``tokenize``).

    >>> from analysis.scale.parallel import make_executor
    >>> from analysis.corpus import analysis_paragraphs, load_corpus
    >>> from analysis.text.tokens import tokenize
    >>> with make_executor("processes", workers=2) as ex:     # one warm pool for both stages
    ...     corpus = load_corpus("reports/", executor=ex)
    ...     tokens = tokenize(analysis_paragraphs(corpus), executor=ex)
"""

from __future__ import annotations

import logging
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import pandas as pd

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
# executors
# --------------------------------------------------------------------------------------------


class Executor:
    """Runs ``func`` over tasks in this process; the base of the other executors.

    Attributes:
        kind: ``"inline"``, ``"processes"`` or ``"dask"``.
        workers: how many tasks can run at once (1 for inline).
    """

    kind = "inline"

    def __init__(self) -> None:
        self.workers = 1

    def map(self, func: Callable[[T], R], tasks: Iterable[T]) -> list[R]:
        """``[func(t) for t in tasks]``, in task order."""
        return list(self.imap(func, tasks))

    def imap(self, func: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        """The results one by one, in task order, as they become available (for progress)."""
        for task in tasks:
            yield func(task)

    def close(self) -> None:
        """Release workers (a no-op in-process)."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(workers={self.workers})"


class ProcessExecutor(Executor):
    """A spawn-based process pool, started on first use and kept warm until :meth:`close`.

    ``func`` (and ``initializer``) must be importable module-level functions and tasks must be
    picklable. A single task runs in this process (no start-up cost, easy debugging).
    """

    kind = "processes"

    def __init__(
        self,
        workers: int | None = None,
        *,
        initializer: Callable[..., Any] | None = None,
        initargs: tuple = (),
    ) -> None:
        self.workers = resolve_workers(workers)
        self._initializer, self._initargs = initializer, initargs
        self._pool = None
        self._finalizer: weakref.finalize | None = None

    def _get_pool(self):
        if self._pool is None:
            from analysis.workers import spawn_pool

            # workers die with this process and leave Ctrl-C to it (analysis.workers)
            self._pool = spawn_pool(
                self.workers, initializer=self._initializer, initargs=self._initargs
            )
            self._finalizer = weakref.finalize(self, self._pool.shutdown, cancel_futures=True)
        return self._pool

    def imap(self, func: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        tasks = list(tasks)
        if self.workers <= 1 or (len(tasks) <= 1 and self._pool is None):
            if self._initializer is not None:
                self._initializer(*self._initargs)
            yield from (func(t) for t in tasks)
            return
        log.debug("%s: %d tasks on %d spawned workers", func.__name__, len(tasks), self.workers)
        yield from self._get_pool().map(func, tasks, chunksize=1)

    def close(self) -> None:
        if self._finalizer is not None:
            self._finalizer()
        self._pool = self._finalizer = None


class DaskExecutor(Executor):
    """Tasks on Dask: a given ``client``, a running ``scheduler`` address, or a new
    ``LocalCluster`` of ``workers`` single-threaded processes (closed by :meth:`close`).

    Workers must import this package and see the paths the tasks name (shared file system).
    """

    kind = "dask"

    def __init__(
        self,
        workers: int | None = None,
        *,
        scheduler: str | None = None,
        client: Any = None,
        **cluster_kwargs: Any,
    ) -> None:
        self._own: list[Any] = []
        if client is None:
            from distributed import Client, LocalCluster

            if scheduler:
                client = Client(scheduler)
                self._own = [client]
            else:
                kwargs = {"threads_per_worker": 1, "processes": True, "memory_limit": "auto",
                          "dashboard_address": ":0", **cluster_kwargs}  # fmt: skip
                cluster = LocalCluster(n_workers=resolve_workers(workers), **kwargs)
                client = Client(cluster)
                self._own = [client, cluster]
        self.client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def imap(self, func: Callable[[T], R], tasks: Iterable[T]) -> Iterator[R]:
        tasks = list(tasks)
        if not tasks:
            return
        for future in self.client.map(func, tasks, pure=False):
            yield future.result()

    def close(self) -> None:
        for obj in self._own:
            obj.close()
        self._own = []


def make_executor(
    kind: str = "auto", *, workers: int | None = 1, scheduler: str | None = None
) -> Executor:
    """The executor for ``kind`` (``"auto"``: Dask when ``scheduler`` is given, processes when
    ``workers`` is not 1, else in-process). ``workers``: ``None``/``0`` = all cores."""
    if kind == "auto":
        kind = "dask" if scheduler else ("inline" if workers == 1 else "processes")
    if kind == "inline":
        return Executor()
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers, scheduler=scheduler)
    raise ValueError(f"unknown executor {kind!r}; choose auto, inline, processes or dask")


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
# pools shared between stages (the process executor under its older names)
# --------------------------------------------------------------------------------------------


@contextmanager
def process_pool(
    workers: int | None = None,
    *,
    initializer: Callable[..., Any] | None = None,
    initargs: tuple = (),
) -> Iterator[Executor]:
    """A warm :class:`ProcessExecutor` to share between several stages (in-process for one
    worker), closed on exit.

    Example:
        >>> with process_pool(2) as pool:
        ...     corpus = ingest_files(files, pool=pool)
        ...     tokens = tokenize_parallel(corpus.paragraphs, pool=pool)
    """
    n = resolve_workers(workers)
    ex = ProcessExecutor(n, initializer=initializer, initargs=initargs) if n > 1 else Executor()
    with ex:
        yield ex


def pool_map(
    func: Callable[[T], R],
    tasks: Iterable[T],
    *,
    workers: int | None = None,
    pool: Executor | None = None,
) -> list[R]:
    """``[func(t) for t in tasks]`` on ``pool`` (any :class:`Executor`), or on a new process
    pool of ``workers`` (in-process for one worker or one task)."""
    tasks = list(tasks)
    if pool is not None:
        return pool.map(func, tasks)
    n = min(resolve_workers(workers), max(1, len(tasks)))
    with process_pool(n) as ex:
        return ex.map(func, tasks)


# --------------------------------------------------------------------------------------------
# ingestion and tokenization on an executor
# --------------------------------------------------------------------------------------------


def ingest_files(
    files: Sequence,
    *,
    workers: int | None = None,
    manifest=None,
    chrome=None,
    n_chunks: int | None = None,
    pool: Executor | None = None,
    listed_only: bool = True,
):
    """Ingest raw files on an executor; the same :class:`~analysis.corpus.Corpus` as
    ``load_corpus`` (it *is* :func:`analysis.corpus.build.ingest_files`).

    Args:
        files: raw report files (e.g. a sample of a folder).
        workers: processes when no ``pool`` is given (``None`` = all cores, or in-process for
            small inputs).
        manifest: manifest frame, or the path of a folder/CSV holding ``manifest.csv``.
        chrome: alternative chrome-pattern YAML.
        n_chunks: override the number of chunks (default four per worker).
        pool: an :class:`Executor` (e.g. from :func:`process_pool`).
        listed_only: ignore manifest rows of files not in ``files`` (a sample).
    """
    from pathlib import Path

    from analysis.corpus.build import ingest_files as _ingest
    from analysis.corpus.io import read_manifest

    files = [Path(f) for f in files]
    if isinstance(manifest, str | Path):
        m = Path(manifest)
        manifest = read_manifest(m.parent if m.is_file() else m)
    if manifest is not None and listed_only:
        # a file list is a deliberate selection: other manifest rows are not "missing"
        manifest = manifest[manifest["file"].isin({f.name for f in files})]
    if pool is None:
        n = auto_workers(workers, sum(f.stat().st_size for f in files))
        with process_pool(n) as ex:
            return _ingest(files, manifest=manifest, chrome=chrome, executor=ex, n_chunks=n_chunks)
    return _ingest(files, manifest=manifest, chrome=chrome, executor=pool, n_chunks=n_chunks)


def tokenize_parallel(
    paragraphs: pd.DataFrame,
    *,
    workers: int | None = None,
    n_chunks: int | None = None,
    pool: Executor | None = None,
    **tokenize_kwargs: Any,
) -> pd.DataFrame:
    """:func:`analysis.text.tokens.tokenize` on an executor (``pool``) or a new pool of
    ``workers``; same rows as the serial call. No cache (pass ``cache=True`` to use it)."""
    from analysis.text.tokens import tokenize

    kwargs = {"cache": False, **tokenize_kwargs}
    if pool is None:
        n = auto_workers(workers, int(paragraphs["text"].str.len().sum()))
        with process_pool(n) as ex:
            return tokenize(paragraphs, executor=ex, n_chunks=n_chunks, **kwargs)
    return tokenize(paragraphs, executor=pool, n_chunks=n_chunks, **kwargs)
