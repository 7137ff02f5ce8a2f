"""Raw folder → topics for corpora larger than memory, on one machine or on Dask.

No stage holds the corpus as Python objects:

1. **ingest + tokenize** (:func:`analysis.scale.distributed.ingest_and_tokenize`): one task per
   partition (a batch of raw files of about ``target_mb`` MB) on any executor — a local process
   pool or Dask workers; each task writes ``paragraphs/part-*.parquet`` and
   ``tokens/part-*.parquet`` (tokens of *substance* paragraphs only, as
   :func:`analysis.corpus.analysis_paragraphs` selects them) and returns a one-line summary.
2. **finish** (:func:`analysis.scale.distributed.finish_run`): near-duplicates and the manifest
   join need every document, so the client does them from what each partition task staged
   (genre labels, near-duplicate sketches and set sizes), reading texts back from the
   paragraph partitions only for candidate pairs.
3. **topics** (:func:`analysis.scale.streaming.fit_streaming_lda`): online LDA that reads the
   token partitions batch by batch, near-duplicates skipped.

Memory is bounded by one partition per worker, the documents table with one sketch per document
(1 KB) and the texts of near-duplicate candidates in the finish step, and the k × V topic
matrix — not by the number of tokens or characters.

    >>> from analysis.scale.large import raw_to_topics
    >>> from analysis.scale.parallel import make_executor
    >>> with make_executor("processes", workers=2) as ex:
    ...     run = raw_to_topics("reports/", "run/", executor=ex, k=20, seed=1)
    >>> run.result.topic_word.shape, run.n_kept
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

#: Settings of the LDA of :func:`raw_to_topics` (those of ``python -m analysis bench scale``).
LDA_DEFAULTS = {"unit": "document", "passes": 2, "chunksize": 256}


def substance_tokenizer(paragraphs: pd.DataFrame, **kwargs: Any) -> pd.DataFrame:
    """:func:`analysis.scale.distributed.default_tokenizer` on the substance paragraphs only
    (``role == "substance"`` when the column is present), the paragraphs topics are fitted on.

    Returns:
        Tokens: ``doc_id, para_id, token, start, end``.
    """
    from analysis.corpus.genre import SUBSTANCE
    from analysis.scale.distributed import default_tokenizer

    if "role" in paragraphs:
        paragraphs = paragraphs[paragraphs["role"] == SUBSTANCE]
    return default_tokenizer(paragraphs, **kwargs)


@dataclass
class LargeRun:
    """What :func:`raw_to_topics` produced.

    Attributes:
        partitions: one row per partition (``part, n_files, n_documents, n_paragraphs,
            n_tokens, n_chars, seconds``).
        documents: the finished documents table (``doc_id``, ``duplicate_of``, manifest columns …).
        duplicates: doc_ids left out of the topic model as near-duplicates.
        result: the :class:`analysis.topics.TopicResult` of the streaming LDA.
        out: the output folder.
    """

    partitions: pd.DataFrame
    documents: pd.DataFrame
    duplicates: list[str]
    result: Any
    out: Path

    @property
    def n_kept(self) -> int:
        """Documents analysed (not near-duplicates)."""
        return len(self.documents) - len(self.duplicates)


def raw_to_topics(
    source: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    executor: Any,
    manifest: pd.DataFrame | None = None,
    k: int = 20,
    seed: int = 1,
    target_mb: float = 8.0,
    lda: dict | None = None,
    timer: Callable[[str], contextlib.AbstractContextManager] | None = None,
    close_executor: bool = False,
) -> LargeRun:
    """Raw folder (or list of files) → partitioned Parquet → near-duplicates → streaming LDA.

    Args:
        source: raw folder, or a list of raw files (then give ``manifest`` yourself).
        out: output folder (partitions, ``documents.parquet`` …; see
            :mod:`analysis.scale.distributed`).
        executor: where the partition tasks run (:func:`analysis.scale.parallel.make_executor`:
            ``"processes"`` on this machine, ``"dask"`` on a cluster or LocalCluster).
        manifest: manifest frame (default: the ``manifest.csv`` of a ``source`` folder).
        k, seed: topics and seed of the LDA.
        target_mb: raw megabytes per partition (memory per worker grows with it).
        lda: other options of :func:`analysis.scale.streaming.fit_streaming_lda` (default
            :data:`LDA_DEFAULTS`).
        timer: ``timer(stage_name)`` context manager wrapped around each stage
            (``ingest_tokenize``, ``finish``, ``lda``), e.g. for a benchmark.
        close_executor: close the executor (free its workers) once the partitions are written.

    Returns:
        :class:`LargeRun`.
    """
    from analysis.corpus.dedup import duplicate_mask
    from analysis.corpus.io import read_manifest
    from analysis.scale import distributed, streaming

    timer = timer or (lambda name: contextlib.nullcontext())
    out = Path(out)
    if isinstance(source, str | Path):
        if manifest is None:
            manifest = read_manifest(source)
        from analysis.corpus.io import list_raw_files

        files = list_raw_files(source)
    else:
        files = [Path(f) for f in source]
    with timer("ingest_tokenize"):
        partitions = distributed.ingest_and_tokenize(
            files,
            out,
            executor=executor,
            manifest=manifest,
            target_mb=target_mb,
            tokenizer=substance_tokenizer,
            finish=False,
        )
        if close_executor:
            executor.close()
    with timer("finish"):
        frames = distributed.finish_run(out, manifest=manifest, files=files)
        documents = frames.documents
        del frames
    duplicates = documents.loc[duplicate_mask(documents), "doc_id"].astype(str).tolist()
    with timer("lda"):
        result = streaming.fit_streaming_lda(
            out / "tokens", k=k, seed=seed, skip_docs=duplicates, **{**LDA_DEFAULTS, **(lda or {})}
        )
    return LargeRun(partitions, documents, duplicates, result, out)
