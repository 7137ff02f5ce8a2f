"""Past one machine: ingestion + tokenization as Dask tasks writing partitioned Parquet.

The embarrassingly parallel part of the pipeline (raw file → cleaned paragraphs → tokens) runs
as one ``dask.distributed`` task per *partition* (a batch of raw files balanced by size). Each
task writes its own Parquet files, so the bulk of the data never flows through the client:

    <out>/paragraphs/part-00000.parquet  paragraphs (contract of analysis.corpus)
    <out>/tokens/part-00000.parquet      tokens (contract of analysis.text.tokens)
    <out>/documents.parquet              documents, with duplicate_of and manifest columns
    <out>/quality.parquet                quality rows
    <out>/duplicates.parquet             near-duplicate pairs

Partition order = file order, and within a partition rows keep reading order, so reading the
folders back in path order gives the same rows as the in-process path
(:func:`analysis.corpus.load_corpus` + :func:`analysis.text.tokens.tokenize` on all paragraphs;
drop near-duplicates afterwards with ``documents.duplicate_of`` as usual). Each document lies
in exactly one partition, so streaming readers (:mod:`analysis.scale.streaming`) see whole units.

By default a :class:`distributed.LocalCluster` is started on this machine; give ``address``
(``tcp://scheduler:8786``) to use a real cluster. On a cluster the raw folder and ``out`` must be
visible to every worker (shared filesystem, or an fsspec URL such as ``s3://bucket/run`` for
``out`` when the matching fsspec package is installed).

Near-duplicate marking and the manifest join need every document, so they are not done per
partition: once the tasks finish, :func:`finish_run` does them on the client from the small
per-partition tables staged in ``_documents/``, ``_quality/`` and ``_labels/`` (genre labels and
near-duplicate sketches, :func:`partition_labels`), reading paragraph texts back only for
candidate pairs.

Dask is imported lazily (inside functions): importing this module is cheap.

    >>> from analysis.scale.distributed import local_client, ingest_and_tokenize
    >>> with local_client(n_workers=2) as client:
    ...     summary = ingest_and_tokenize("reports/", "run/", client=client)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from analysis.corpus.build import Corpus, doc_id_bases, finish_corpus, ingest_chunk
from analysis.corpus.io import list_raw_files
from analysis.corpus.io import read_manifest as find_manifest

from .parallel import DaskExecutor, chunk_by_weight

log = logging.getLogger(__name__)

TABLES = ("_documents", "_quality", "_labels", "paragraphs", "tokens")  # partitioned folders


# --------------------------------------------------------------------------------------------
# cluster
# --------------------------------------------------------------------------------------------


@contextmanager
def local_client(
    address: str | None = None,
    *,
    n_workers: int | None = None,
    **cluster_kwargs: Any,
) -> Iterator[Any]:
    """A ``distributed.Client``: connected to ``address`` if given, else to a new LocalCluster
    (the client of a :class:`~analysis.scale.parallel.DaskExecutor`).

    Args:
        address: scheduler address of an existing cluster (``None`` = start a local one).
        n_workers: local workers (default: one per core).
        **cluster_kwargs: passed to ``LocalCluster`` (``threads_per_worker=1``,
            ``processes=True``, ``memory_limit="auto"``, ``dashboard_address=":0"`` by default).

    Yields:
        The client; the local cluster (if any) is closed on exit.
    """
    with DaskExecutor(n_workers, scheduler=address, **cluster_kwargs) as ex:
        yield ex.client


# --------------------------------------------------------------------------------------------
# file system helpers (local paths or fsspec URLs)
# --------------------------------------------------------------------------------------------


def _fs_and_path(target: str | Path):
    """``(filesystem or None, path)``; None means the local filesystem via ``pathlib``."""
    target = str(target)
    if "://" not in target:
        return None, target
    import fsspec

    return fsspec.core.url_to_fs(target)


def _write_parquet(df: pd.DataFrame | Any, target: str, table: str, part: int) -> str:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .streaming import tokens_table

    fs, root = _fs_and_path(target)
    path = f"{root.rstrip('/')}/{table}/part-{part:05d}.parquet"
    if isinstance(df, pa.Table):
        arrow = df
    elif table == "tokens":
        arrow = tokens_table(df)
    else:
        arrow = pa.Table.from_pandas(_arrow_safe(df).reset_index(drop=True), preserve_index=False)
    if fs is None:  # local: written atomically (a killed worker leaves no truncated part)
        from analysis.atomic import atomic_path

        with atomic_path(path) as tmp:
            pq.write_table(arrow, tmp)
    else:
        fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
        with fs.open(path, "wb") as fh:
            pq.write_table(arrow, fh)
    return path


def _arrow_safe(df: pd.DataFrame) -> pd.DataFrame:
    """Object columns holding mixed types (e.g. a manifest column) become strings."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object:
            kinds = {type(v) for v in out[col].dropna()}
            if len(kinds) > 1:
                out[col] = out[col].map(lambda v: v if v is None or v != v else str(v))
    return out


def _part_paths(out: str | Path, table: str) -> tuple[Any, list[str]]:
    """``(filesystem or None, part file paths in order)`` of one partitioned table."""
    fs, root = _fs_and_path(out)
    folder = f"{root.rstrip('/')}/{table}"
    if fs is None:
        return None, sorted(str(p) for p in Path(folder).glob("part-*.parquet"))
    return fs, sorted(fs.glob(f"{folder}/part-*.parquet"))


def read_table(out: str | Path, table: str, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read one partitioned table (``documents``/``paragraphs``/``quality``/``tokens``) of a
    Dask run back into one frame, partitions in order.

    Returns:
        The concatenated frame (columns as written; see the module docstring).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    fs, paths = _part_paths(out, table)
    tables = [pq.read_table(p, filesystem=fs, columns=columns) for p in paths]
    if not tables:
        return pd.DataFrame()
    return pa.concat_tables(tables, promote_options="default").to_pandas()


# --------------------------------------------------------------------------------------------
# the task
# --------------------------------------------------------------------------------------------

_TOKENIZE_LOCK = threading.Lock()


def default_tokenizer(paragraphs: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """The project tokenizer, :func:`analysis.text.tokens.tokenize`, without its cache.

    Calls are serialised per process: the tokenizer's memo of per-token decisions is not safe
    for concurrent threads (threaded Dask workers), and the GIL serialises them anyway.
    """
    from analysis.text.tokens import tokenize

    with _TOKENIZE_LOCK:
        return tokenize(paragraphs, **{"cache": False, **kwargs})


def process_partition(
    files: Sequence[str],
    *,
    bases: dict[str, str],
    part: int,
    out: str,
    chrome: str | None = None,
    tokenizer: Callable[..., pd.DataFrame] = default_tokenizer,
    tokenize_kwargs: dict | None = None,
) -> dict:
    """One Dask task: ingest a batch of raw files, tokenize its paragraphs, write Parquet.

    Args:
        files: raw files of the partition (paths visible to the worker).
        bases: doc-id stem per file path (:func:`analysis.corpus.doc_id_bases` over all files).
        part: partition number (file names ``part-{part:05d}.parquet``).
        out: output folder or fsspec URL.
        chrome: alternative chrome-pattern YAML.
        tokenizer: ``(paragraphs, **tokenize_kwargs) -> tokens``; must be importable by the
            workers (a module-level function).
        tokenize_kwargs: options of the tokenizer (``backend=``, ``options=``).

    Returns:
        Summary dict: ``part, n_files, n_documents, n_paragraphs, n_tokens, n_chars, seconds``.
    """
    from analysis.corpus.build import paragraph_columns
    from analysis.corpus.genre import load_genre_profiles, paragraph_roles

    t0 = time.perf_counter()
    frames: Corpus = ingest_chunk(([str(f) for f in files], bases, chrome))
    # paragraph roles need only the paragraph's own document (never split across partitions),
    # so they are labelled here, as finish_corpus labels them on the in-process path
    # the columns roles, genres and sketches read, converted to lists once (as finish_corpus)
    lists = paragraph_columns(frames.paragraphs)
    if len(frames.paragraphs):
        frames.paragraphs["role"] = paragraph_roles(
            frames.paragraphs, profiles=load_genre_profiles(None), lists=lists
        ).to_numpy()
    labels = partition_labels(frames.documents, frames.paragraphs, lists=lists)
    tokens = tokenizer(frames.paragraphs, **(tokenize_kwargs or {}))
    for name, df in (
        ("_documents", frames.documents),
        ("_quality", frames.quality),
        ("_labels", labels),
        ("paragraphs", frames.paragraphs),
        ("tokens", tokens),
    ):
        _write_parquet(df, out, name, part)
    n_chars = int(frames.paragraphs["text"].str.len().sum()) if len(frames.paragraphs) else 0
    return {
        "part": part,
        "n_files": len(files),
        "n_documents": len(frames.documents),
        "n_paragraphs": len(frames.paragraphs),
        "n_tokens": len(tokens),
        "n_chars": n_chars,
        "seconds": time.perf_counter() - t0,
    }


def partition_files(
    files: Sequence[str | Path], *, n_partitions: int | None = None, target_mb: float = 8.0
) -> list[list[str]]:
    """Contiguous batches of files balanced by size (default: about ``target_mb`` each).

    Returns:
        List of lists of paths (as strings), in file order.
    """
    files = [Path(f) for f in files]
    sizes = [f.stat().st_size for f in files]
    if n_partitions is None:
        n_partitions = max(1, round(sum(sizes) / (target_mb * 2**20)))
    return chunk_by_weight([str(f) for f in files], weights=sizes, n_chunks=n_partitions)


def partition_labels(
    documents: pd.DataFrame, paragraphs: pd.DataFrame, *, lists: dict[str, list] | None = None
) -> Any:
    """What the corpus-wide finish step needs of the documents of one partition, so that it
    never holds their texts: :func:`analysis.corpus.build.document_labels` (genre, evidence,
    non-substance paragraphs; ``paragraphs`` need ``role``) plus ``n_shingles`` and ``sketch``
    (:func:`analysis.corpus.dedup.document_sketch` of the document's body text).

    ``lists``: ``doc_id``/``kind``/``text`` of ``paragraphs`` as plain lists
    (:func:`analysis.corpus.build.paragraph_columns`, the same rows); converted here once
    when not given.

    Returns:
        A ``pyarrow.Table``, one row per document (``sketch``: list of uint64).
    """
    import numpy as np
    import pyarrow as pa

    from analysis.corpus.build import (
        LABEL_COLUMNS,
        body_texts,
        document_labels,
        paragraph_columns,
    )
    from analysis.corpus.dedup import document_sketch
    from analysis.corpus.genre import load_genre_profiles

    ids = documents["doc_id"].astype(str).tolist()
    if paragraphs.empty:
        paragraphs = pd.DataFrame(columns=["doc_id", "kind", "text", "role"])
    if lists is None:
        lists = paragraph_columns(paragraphs)
    profiles = load_genre_profiles(None)
    labels = document_labels(documents, paragraphs, profiles=profiles, lists=lists)
    sized = [document_sketch(t) for t in body_texts(paragraphs, ids, lists=lists)]
    lengths = np.array([len(s) for _, s in sized], dtype=np.int32)
    offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int32)
    values = np.concatenate([s for _, s in sized]) if sized else np.empty(0, np.uint64)
    return pa.table(
        {
            "doc_id": pa.array(ids, pa.string()),
            "genre": pa.array(labels["genre"].tolist(), pa.string()),
            "genre_evidence": pa.array(labels["genre_evidence"].tolist(), pa.string()),
            "non_substance_paragraphs": pa.array(
                pd.to_numeric(labels["non_substance_paragraphs"]).astype("float64"), pa.float64()
            ),
            "n_shingles": pa.array([n for n, _ in sized], pa.int64()),
            "sketch": pa.ListArray.from_arrays(
                pa.array(offsets), pa.array(values.astype(np.uint64), pa.uint64())
            ),
        }
    ).select([*LABEL_COLUMNS, "n_shingles", "sketch"])


class _PartitionTexts:
    """Body texts of the documents of near-duplicate candidate pairs, read back from the
    paragraph partitions for :func:`analysis.corpus.dedup.pairs_from_sketches`: its
    ``prefetch`` names every candidate document first, and each partition holding one is read
    once (only those documents' texts are kept, all of them at once: memory is bounded by the
    candidates' texts, which is the whole corpus's only when nearly every document is a
    near-duplicate candidate, as in a corpus of templated pages).
    Reading them on demand instead, with a partition or two cached, read a partition again
    for each candidate whose partner sat in another partition."""

    def __init__(self, out: str | Path, ids: list[str], part_of: list[int]):
        self._fs, self._paths = _part_paths(out, "paragraphs")
        self._ids, self._part_of = ids, part_of
        self._texts: dict[int, str] = {}

    def prefetch(self, positions: Sequence[int]) -> None:
        """Read the body texts of the documents at ``positions``, each partition once."""
        import pyarrow.parquet as pq

        from analysis.corpus.build import body_texts

        by_part: dict[int, list[int]] = {}
        for i in positions:
            if i not in self._texts:
                by_part.setdefault(self._part_of[i], []).append(i)
        for part, members in sorted(by_part.items()):
            paras = pq.read_table(
                self._paths[part], filesystem=self._fs, columns=["doc_id", "kind", "text"]
            ).to_pandas()
            texts = body_texts(paras, [self._ids[i] for i in members])
            self._texts.update(zip(members, texts.tolist(), strict=True))

    def __call__(self, i: int) -> str:
        if i not in self._texts:  # not named by prefetch: read on its own
            self.prefetch([i])
        return self._texts[i]


def _read_labels(out: str | Path) -> tuple[pd.DataFrame, list[int], list]:
    """The staged ``_labels`` of every partition (computed from the partition files for a run
    written before they were staged): ``(labels frame, partition number per row, sketches)``."""
    import numpy as np
    import pyarrow.parquet as pq

    fs, paths = _part_paths(out, "_labels")
    if not paths:  # an older run: one partition at a time, never the whole corpus
        _, doc_paths = _part_paths(out, "_documents")
        _, para_paths = _part_paths(out, "paragraphs")
        tables = []
        for dp, pp in zip(doc_paths, para_paths, strict=True):
            docs = pq.read_table(dp, filesystem=fs).to_pandas()
            paras = pq.read_table(pp, filesystem=fs).to_pandas()
            if "role" not in paras:
                from analysis.corpus.genre import load_genre_profiles, paragraph_roles

                roles = paragraph_roles(paras, profiles=load_genre_profiles(None))
                paras["role"] = roles.to_numpy()
            tables.append(partition_labels(docs, paras))
    else:
        _, para_paths = _part_paths(out, "paragraphs")
        names = [Path(p).name for p in paths]
        if names != [Path(p).name for p in para_paths]:  # part_of indexes both folders
            raise ValueError(
                f"{out}: the part files of _labels ({len(names)}) and paragraphs "
                f"({len(para_paths)}) differ; run the partitions again"
            )
        tables = [pq.read_table(p, filesystem=fs) for p in paths]
    part_of = [i for i, t in enumerate(tables) for _ in range(t.num_rows)]
    sketches: list = []
    for t in tables:
        col = t.column("sketch").combine_chunks()
        values = col.values.to_numpy(zero_copy_only=False).astype(np.uint64)
        offsets = col.offsets.to_numpy()
        sketches += [values[a:b].copy() for a, b in zip(offsets[:-1], offsets[1:], strict=True)]
    frames = [t.drop_columns(["sketch"]).to_pandas() for t in tables]
    labels = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return labels, part_of, sketches


def finish_run(
    out: str | Path,
    *,
    manifest: pd.DataFrame | None = None,
    files: Sequence[Path] = (),
) -> Corpus:
    """Corpus-wide step on the client once every partition is written.

    Reads the staged per-partition documents, quality rows and ``_labels`` (genre labels and
    near-duplicate sketches, computed by the partition tasks: :func:`partition_labels`), finds
    near-duplicate candidates from the sketches and reads the texts of candidate documents
    back from the paragraph partitions (each partition holding one read once) to confirm
    them, joins
    the manifest, and writes ``documents.parquet``, ``quality.parquet`` and
    ``duplicates.parquet`` at the top of ``out``. The client never holds the corpus's texts:
    the same tables as :func:`analysis.corpus.build.finish_corpus` on all paragraph texts.

    Returns:
        :class:`~analysis.corpus.Corpus` with the finished documents, quality and duplicate
        pairs (paragraphs: an empty frame; they stay in ``out/paragraphs``).
    """
    from analysis.corpus.dedup import pairs_from_sketches

    docs = read_table(out, "_documents")
    quality = read_table(out, "_quality")
    labels, part_of, sketches = _read_labels(out)
    ids = labels["doc_id"].astype(str).tolist() if len(labels) else []
    if ids != docs.get("doc_id", pd.Series(dtype=str)).astype(str).tolist():
        raise ValueError(f"the staged _labels of {out} do not match its _documents")
    texts = _PartitionTexts(out, ids, part_of)
    pairs = pairs_from_sketches(
        ids,
        labels["n_shingles"].tolist() if ids else [],
        sketches,
        texts,
        prefetch=texts.prefetch,
    )
    paras = pd.DataFrame(columns=["doc_id", "kind", "text"])
    frames = finish_corpus(
        docs, paras, quality, manifest=manifest, files=files, labels=labels, pairs=pairs
    )
    for name, df in (
        ("documents", frames.documents),
        ("quality", frames.quality),
        ("duplicates", frames.duplicates),
    ):
        _write_single(df, out, name)
    return frames


def _write_single(df: pd.DataFrame, target: str | Path, name: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    fs, root = _fs_and_path(target)
    path = f"{root.rstrip('/')}/{name}.parquet"
    arrow = pa.Table.from_pandas(_arrow_safe(df).reset_index(drop=True), preserve_index=False)
    if fs is None:
        from analysis.atomic import atomic_path

        with atomic_path(path) as tmp:
            pq.write_table(arrow, tmp)
    else:
        with fs.open(path, "wb") as fh:
            pq.write_table(arrow, fh)


def read_run(out: str | Path, *, tokens: bool = True) -> dict[str, pd.DataFrame]:
    """Everything a finished run wrote, as frames.

    Returns:
        ``{"documents", "paragraphs", "quality", "duplicates"[, "tokens"]}`` (contracts of
        :mod:`analysis.corpus` and :mod:`analysis.text.tokens`).
    """
    import pyarrow.parquet as pq

    fs, root = _fs_and_path(out)
    result = {}
    for name in ("documents", "quality", "duplicates"):
        path = f"{root.rstrip('/')}/{name}.parquet"
        result[name] = pq.read_table(path, filesystem=fs).to_pandas()
    result["paragraphs"] = read_table(out, "paragraphs")
    if tokens:
        result["tokens"] = read_table(out, "tokens")
    return result


def ingest_and_tokenize(
    source: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    client: Any = None,
    address: str | None = None,
    executor: Any = None,
    n_partitions: int | None = None,
    target_mb: float = 8.0,
    manifest: pd.DataFrame | None = None,
    chrome: str | Path | None = None,
    tokenizer: Callable[..., pd.DataFrame] = default_tokenizer,
    tokenize_kwargs: dict | None = None,
    finish: bool = True,
) -> pd.DataFrame:
    """Raw folder → partitioned Parquet (paragraphs, tokens) + documents/quality, with Dask.

    Args:
        source: raw folder, or a list of raw files.
        out: output folder (or fsspec URL); earlier ``part-*`` files there are replaced.
        client: a ``distributed.Client``; if None, one is made from ``address`` (or a
            LocalCluster with one single-threaded worker process per core) for this call.
        address: scheduler address used when ``client`` is None.
        executor: run the partition tasks on this :class:`~analysis.scale.parallel.Executor`
            instead (e.g. a local process pool: the same partitioned output on one machine,
            memory bounded by a partition per worker); ``client`` and ``address`` are ignored.
        n_partitions: number of partitions (default: ~``target_mb`` MB of raw text each, and
            at least two per worker so every worker is busy).
        target_mb: partition size when ``n_partitions`` is not given.
        manifest: manifest frame (default: the ``manifest.csv`` of a ``source`` folder).
        chrome: alternative chrome-pattern YAML (path visible to the workers).
        tokenizer, tokenize_kwargs: see :func:`process_partition`.
        finish: run :func:`finish_run` (near-duplicates, manifest) at the end; ``False`` leaves
            it to the caller (e.g. to time it as a stage of its own).

    Returns:
        One row per partition: ``part, n_files, n_documents, n_paragraphs, n_tokens,
        n_chars, seconds`` (the data is on disk: :func:`read_run`, :func:`read_table`, or
        stream tokens with :mod:`analysis.scale.streaming`).
    """
    if isinstance(source, str | Path):
        files = list_raw_files(source)
        if manifest is None:
            manifest = find_manifest(source)
    else:
        files = [Path(f) for f in source]
    if not files:
        raise FileNotFoundError(f"no raw report files in {source}")
    if client is None and executor is None:
        with local_client(address) as own:
            return ingest_and_tokenize(
                files,
                out,
                client=own,
                n_partitions=n_partitions,
                target_mb=target_mb,
                manifest=manifest,
                chrome=chrome,
                tokenizer=tokenizer,
                tokenize_kwargs=tokenize_kwargs,
                finish=finish,
            )
    _clear(out)
    executor = executor if executor is not None else DaskExecutor(client=client)
    n_workers = max(1, executor.workers)
    if n_partitions is None:
        by_size = max(1, round(sum(f.stat().st_size for f in files) / (target_mb * 2**20)))
        n_partitions = min(len(files), max(by_size, 2 * n_workers))
    bases = {str(f): b for f, b in doc_id_bases(files).items()}
    batches = partition_files(files, n_partitions=n_partitions)
    log.info(
        "%s: %d files in %d partitions on %d workers",
        executor.kind,
        len(files),
        len(batches),
        n_workers,
    )
    tasks = [
        (batch, {f: bases[f] for f in batch}, i, str(out), str(chrome) if chrome else None,
         tokenizer, tokenize_kwargs)
        for i, batch in enumerate(batches)
    ]  # fmt: skip
    summaries = executor.map(_partition_task, tasks)
    if finish:
        finish_run(out, manifest=manifest, files=files)
    return pd.DataFrame(summaries).sort_values("part").reset_index(drop=True)


def _partition_task(task: tuple) -> dict:
    """:func:`process_partition` with its arguments as one tuple (an executor task)."""
    files, bases, part, out, chrome, tokenizer, tokenize_kwargs = task
    return process_partition(
        files, bases=bases, part=part, out=out, chrome=chrome, tokenizer=tokenizer,
        tokenize_kwargs=tokenize_kwargs,
    )  # fmt: skip


def _clear(out: str | Path) -> None:
    """Remove the ``part-*.parquet`` files of a previous run in ``out`` (nothing else)."""
    fs, root = _fs_and_path(out)
    for table in TABLES:
        folder = f"{root.rstrip('/')}/{table}"
        if fs is None:
            for p in Path(folder).glob("part-*.parquet"):
                p.unlink()
        else:
            for p in fs.glob(f"{folder}/part-*.parquet"):
                fs.rm(p)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m analysis.scale.distributed --data DIR --out DIR [--scheduler ADDRESS]``.

    Ingests and tokenizes a raw folder with Dask into partitioned Parquet and prints one line
    per partition plus totals.
    """
    import argparse

    from analysis import paths

    parser = argparse.ArgumentParser(
        prog="python -m analysis.scale.distributed",
        description="Raw folder -> partitioned Parquet (paragraphs, tokens) with Dask.",
    )
    parser.add_argument("--data", default=str(paths.RAW), help="folder of raw report files")
    parser.add_argument("--out", required=True, help="output folder (or fsspec URL)")
    parser.add_argument("--scheduler", default=None, help="address of a running scheduler")
    parser.add_argument("--workers", type=int, default=None, help="local workers (default: cores)")
    parser.add_argument("--partitions", type=int, default=None, help="number of partitions")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("distributed").setLevel(logging.WARNING)
    t0 = time.perf_counter()
    with local_client(args.scheduler, n_workers=args.workers) as client:
        summary = ingest_and_tokenize(
            args.data, args.out, client=client, n_partitions=args.partitions
        )
    print(summary.to_string(index=False))
    print(
        f"{summary['n_documents'].sum()} documents, {summary['n_paragraphs'].sum()} paragraphs, "
        f"{summary['n_tokens'].sum()} tokens in {len(summary)} partitions -> {args.out} "
        f"({time.perf_counter() - t0:.1f} s)"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    import sys

    # run the importable module's main, so tasks pickle by reference, not from ``__main__``
    from analysis.scale.distributed import main as _main

    sys.exit(_main())
