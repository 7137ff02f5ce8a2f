"""Topic models that stream tokens from Parquet, so memory does not grow with the corpus.

Tokens (contract of :mod:`analysis.tokenize`: ``doc_id, para_id, token, start, end``) live in
one Parquet file or a folder of partition files (as written by :mod:`analysis.distributed`).
They are read back in record batches and regrouped into units (documents or paragraphs); at
no point is the whole token table in memory.

The model is gensim's online LDA (Hoffman et al. 2010): a first streaming pass builds the
:class:`gensim.corpora.Dictionary`, then ``LdaModel`` reads bag-of-words chunks of
``chunksize`` units from a re-iterable corpus and updates the topics after each chunk. Memory
is bounded by the vocabulary (k × V topic matrix), one chunk of units, and the (n_units × k)
document–topic matrix of the result.

    >>> from analysis.streaming import fit_streaming_lda
    >>> result = fit_streaming_lda("tokens/", k=20, seed=1, unit="document")
    >>> result.topic_word.shape, result.doc_topic.shape
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from gensim.corpora import Dictionary

log = logging.getLogger(__name__)

TOKEN_COLUMNS = ["doc_id", "para_id", "token", "start", "end"]


# --------------------------------------------------------------------------------------------
# Parquet I/O for tokens
# --------------------------------------------------------------------------------------------


def tokens_table(tokens: pd.DataFrame):
    """Tokens frame → ``pyarrow.Table`` with the contract's columns and stable types.

    ``doc_id`` and ``token`` become strings (a categorical ``doc_id`` is decoded),
    ``para_id``/``start``/``end`` int32. Extra columns are kept.
    """
    import pyarrow as pa

    df = tokens.copy()
    for col in ("doc_id", "token"):
        df[col] = df[col].astype(str)
    for col in ("para_id", "start", "end"):
        if col in df:
            df[col] = df[col].astype("int32")
    return pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)


def write_tokens_parquet(
    tokens: pd.DataFrame, path: str | Path, *, row_group_size: int = 262_144
) -> Path:
    """Write one tokens frame to ``path`` (a ``.parquet`` file; parent folders are created).

    Returns:
        The path written.
    """
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(tokens_table(tokens), path, row_group_size=row_group_size)
    return path


def parquet_files(source: str | Path) -> list[Path]:
    """The Parquet files of a source: the file itself, or a folder's ``*.parquet`` (recursive,
    sorted by path so partition order = reading order)."""
    source = Path(source)
    if source.is_file():
        return [source]
    if not source.is_dir():
        raise FileNotFoundError(f"no Parquet file or folder at {source}")
    return sorted(p for p in source.rglob("*.parquet") if p.is_file())


def read_tokens_parquet(source: str | Path, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a whole tokens Parquet (file or partition folder) into one frame, in order.

    Returns:
        Columns ``doc_id, para_id, token, start, end`` (+ any extra written columns).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = [pq.read_table(p, columns=columns) for p in parquet_files(source)]
    if not tables:
        return pd.DataFrame(columns=columns or TOKEN_COLUMNS)
    return pa.concat_tables(tables, promote_options="default").to_pandas()


def iter_token_batches(
    source: str | Path, *, columns: list[str], batch_size: int = 65_536
) -> Iterator[pd.DataFrame]:
    """Yield the tokens of a Parquet source as frames of at most ``batch_size`` rows, in order."""
    import pyarrow.parquet as pq

    for path in parquet_files(source):
        pf = pq.ParquetFile(path)
        for batch in pf.iter_batches(batch_size=batch_size, columns=columns):
            yield batch.to_pandas()


def iter_units(
    source: str | Path,
    *,
    unit: str = "document",
    batch_size: int = 65_536,
    skip_docs: Collection[str] = (),
) -> Iterator[tuple[str, list[str]]]:
    """Stream ``(unit_id, tokens)`` pairs from a tokens Parquet source.

    Unit ids follow :func:`analysis.tokenize.unit_tokens`: ``doc_id`` for documents,
    ``"{doc_id}#{para_id}"`` for paragraphs. The source must keep each unit's tokens
    contiguous (as the tokenizer and the partition writers do); a unit that straddles a batch
    or file boundary is joined correctly.

    Args:
        source: Parquet file or partition folder.
        unit: ``"document"`` or ``"paragraph"``.
        batch_size: rows read at a time (memory bound of this reader).
        skip_docs: doc_ids to leave out (e.g. near-duplicates: ``documents.duplicate_of != ""``).

    Yields:
        ``(unit_id, list of tokens)`` in storage order.
    """
    if unit not in ("document", "paragraph"):
        raise ValueError(f"unit must be 'document' or 'paragraph', not {unit!r}")
    cols = ["doc_id", "token"] + (["para_id"] if unit == "paragraph" else [])
    skip = set(map(str, skip_docs))
    carry_id: str | None = None
    carry: list[str] = []
    for df in iter_token_batches(source, columns=cols, batch_size=batch_size):
        if skip:
            df = df[~df["doc_id"].astype(str).isin(skip)]
        if df.empty:
            continue
        if unit == "document":
            keys = df["doc_id"].astype(str).to_numpy()
        else:
            keys = (df["doc_id"].astype(str) + "#" + df["para_id"].astype(str)).to_numpy()
        tokens = df["token"].astype(str).tolist()
        cuts = np.flatnonzero(keys[1:] != keys[:-1]) + 1
        starts = np.concatenate([[0], cuts])
        stops = np.concatenate([cuts, [len(keys)]])
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            key = str(keys[a])
            if key == carry_id:
                carry.extend(tokens[a:b])
                continue
            if carry_id is not None:
                yield carry_id, carry
            carry_id, carry = key, tokens[a:b]
    if carry_id is not None:
        yield carry_id, carry


# --------------------------------------------------------------------------------------------
# streamed corpus for gensim
# --------------------------------------------------------------------------------------------


def build_dictionary(
    source: str | Path,
    *,
    unit: str = "document",
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    batch_size: int = 65_536,
    skip_docs: Collection[str] = (),
) -> Dictionary:
    """First streaming pass: a gensim ``Dictionary`` of the units, then ``filter_extremes``.

    Args:
        source: tokens Parquet file or folder.
        unit: ``"document"`` or ``"paragraph"``.
        no_below: keep terms in at least this many units (lowered to 1 on tiny corpora).
        no_above: drop terms in more than this share of units.
        keep_n: keep at most this many most frequent terms (``None`` = all).
        batch_size: rows read at a time.
        skip_docs: doc_ids to leave out.

    Returns:
        The filtered dictionary (``num_docs`` = number of units).
    """
    from gensim.corpora import Dictionary

    dictionary = Dictionary()
    dictionary.add_documents(
        (
            toks
            for _, toks in iter_units(source, unit=unit, batch_size=batch_size, skip_docs=skip_docs)
        ),
        prune_at=2_000_000,
    )
    n_units = dictionary.num_docs
    nb = no_below if n_units >= 4 * no_below else 1
    na = no_above if n_units >= 10 else 1.0
    dictionary.filter_extremes(no_below=nb, no_above=na, keep_n=keep_n)
    log.info("streaming dictionary: %d units, %d terms kept", n_units, len(dictionary))
    return dictionary


class ParquetBowCorpus:
    """Re-iterable bag-of-words corpus over a tokens Parquet (what gensim's models consume).

    Each iteration re-reads the Parquet source batch by batch; nothing is cached. ``len()``
    is the number of units (known from the dictionary pass) so gensim does not need an extra
    counting pass.
    """

    def __init__(
        self,
        source: str | Path,
        dictionary: Dictionary,
        *,
        unit: str = "document",
        batch_size: int = 65_536,
        skip_docs: Collection[str] = (),
    ) -> None:
        self.source = Path(source)
        self.dictionary = dictionary
        self.unit = unit
        self.batch_size = batch_size
        self.skip_docs = frozenset(map(str, skip_docs))

    def _units(self) -> Iterator[tuple[str, list[str]]]:
        return iter_units(
            self.source, unit=self.unit, batch_size=self.batch_size, skip_docs=self.skip_docs
        )

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        for _, toks in self._units():
            yield self.dictionary.doc2bow(toks)

    def iter_with_ids(self) -> Iterator[tuple[str, list[tuple[int, int]]]]:
        """Yield ``(unit_id, bow)`` pairs."""
        for uid, toks in self._units():
            yield uid, self.dictionary.doc2bow(toks)

    def __len__(self) -> int:
        return int(self.dictionary.num_docs)


# --------------------------------------------------------------------------------------------
# result + model
# --------------------------------------------------------------------------------------------


@dataclass
class StreamingTopicResult:
    """Same fields as :class:`analysis.topics.TopicResult` (used if that module is absent)."""

    backend: str
    k: int
    seed: int
    vocab: list[str]
    unit_ids: list[str]
    topic_word: np.ndarray
    doc_topic: np.ndarray
    params: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    term_freq: np.ndarray | None = None
    doc_lengths: np.ndarray | None = None


def _make_result(**fields: Any):
    try:
        from .topics import TopicResult
    except ImportError:
        return StreamingTopicResult(**fields)
    try:
        return TopicResult(**fields)
    except TypeError:  # the topics layer changed its constructor; keep the contract fields
        log.warning("TopicResult signature differs from CONTRACTS.md; using StreamingTopicResult")
        return StreamingTopicResult(**fields)


def topic_terms_frame(result: Any, *, n: int = 10) -> pd.DataFrame:
    """Top terms per topic of a streaming result (no corpus pass needed).

    Returns:
        Columns ``topic, rank, term, weight`` (rank from 1).
    """
    rows = []
    order = np.argsort(-result.topic_word, axis=1, kind="stable")[:, :n]
    for t, idx in enumerate(order):
        for r, j in enumerate(idx, start=1):
            rows.append((t, r, result.vocab[j], float(result.topic_word[t, j])))
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def _chunks(iterable, size: int):
    batch = []
    for item in iterable:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def infer_doc_topic(
    model, corpus: ParquetBowCorpus, *, chunksize: int = 2_000
) -> tuple[list[str], np.ndarray]:
    """Document–topic proportions of every unit, inferred chunk by chunk.

    Returns:
        ``(unit_ids, doc_topic)`` with ``doc_topic`` of shape (n_units, k), rows summing to 1.
    """
    ids, _, doc_topic = _infer(model, corpus, chunksize=chunksize)
    return ids, doc_topic


def _infer(model, corpus: ParquetBowCorpus, *, chunksize: int):
    ids: list[str] = []
    lengths: list[int] = []
    rows: list[np.ndarray] = []
    for chunk in _chunks(corpus.iter_with_ids(), chunksize):
        bows = [bow for _, bow in chunk]
        gamma, _ = model.inference(bows)
        rows.append(gamma / gamma.sum(axis=1, keepdims=True))
        ids.extend(uid for uid, _ in chunk)
        lengths.extend(sum(c for _, c in bow) for bow in bows)
    k = model.num_topics
    doc_topic = np.vstack(rows) if rows else np.zeros((0, k))
    return ids, np.asarray(lengths, dtype=np.int64), doc_topic


def fit_streaming_lda(
    source: str | Path,
    *,
    k: int = 20,
    seed: int = 0,
    unit: str = "document",
    passes: int = 2,
    iterations: int = 50,
    chunksize: int = 2_000,
    alpha: str | float = "symmetric",
    eta: str | float | None = None,
    dictionary: Dictionary | None = None,
    no_below: int = 2,
    no_above: float = 0.5,
    keep_n: int | None = 100_000,
    batch_size: int = 65_536,
    skip_docs: Collection[str] = (),
) -> Any:
    """Online LDA over a tokens Parquet source, reading ``chunksize`` units at a time.

    Two (plus ``passes``) streaming reads: the dictionary pass (skipped when ``dictionary``
    is given), ``passes`` online-update passes, and a last pass inferring each unit's topic
    proportions. Deterministic for a given source, parameters and ``seed`` (single process).

    Args:
        source: tokens Parquet file or partition folder.
        k: number of topics.
        seed: random seed (gensim ``random_state``).
        unit: ``"document"`` or ``"paragraph"``.
        passes: passes over the corpus.
        iterations: E-step iterations per unit.
        chunksize: units per online update (memory bound of the model).
        alpha, eta: gensim priors.
        dictionary: reuse a dictionary (e.g. from :func:`build_dictionary`).
        no_below, no_above, keep_n: dictionary filtering (see :func:`build_dictionary`).
        batch_size: Parquet rows read at a time.
        skip_docs: doc_ids to leave out (near-duplicates).

    Returns:
        A ``TopicResult`` (contract of :mod:`analysis.topics`; :class:`StreamingTopicResult`
        when the topics layer is absent) with ``backend="gensim-streaming"``,
        ``topic_word`` (k, V) and ``doc_topic`` (n_units, k), rows summing to 1, plus
        ``term_freq`` (V,) and ``doc_lengths`` (n_units,) in-vocabulary counts.
    """
    from gensim.models import LdaModel

    if dictionary is None:
        dictionary = build_dictionary(
            source,
            unit=unit,
            no_below=no_below,
            no_above=no_above,
            keep_n=keep_n,
            batch_size=batch_size,
            skip_docs=skip_docs,
        )
    if len(dictionary) == 0:
        raise ValueError(f"no vocabulary left in {source} after filtering")
    corpus = ParquetBowCorpus(
        source, dictionary, unit=unit, batch_size=batch_size, skip_docs=skip_docs
    )
    model = LdaModel(
        corpus=corpus,
        id2word=dictionary,
        num_topics=k,
        random_state=seed,
        chunksize=chunksize,
        passes=passes,
        iterations=iterations,
        alpha=alpha,
        eta=eta,
        update_every=1,
        eval_every=None,
    )
    unit_ids, doc_lengths, doc_topic = _infer(model, corpus, chunksize=chunksize)
    topic_word = model.get_topics().astype(np.float64)
    topic_word /= topic_word.sum(axis=1, keepdims=True)
    params = {
        "seed": seed,
        "unit": unit,
        "passes": passes,
        "iterations": iterations,
        "chunksize": chunksize,
        "alpha": alpha if isinstance(alpha, str | float | int) else "array",
        "eta": eta if eta is None or isinstance(eta, str | float | int) else "array",
        "no_below": no_below,
        "no_above": no_above,
        "keep_n": keep_n,
        "source": str(source),
        "n_skipped_docs": len(skip_docs),
    }
    metrics = {"n_units": len(unit_ids), "n_terms": len(dictionary)}
    return _make_result(
        backend="gensim-streaming",
        k=k,
        seed=seed,
        vocab=[dictionary[i] for i in range(len(dictionary))],
        unit_ids=unit_ids,
        topic_word=topic_word,
        doc_topic=doc_topic,
        params=params,
        metrics=metrics,
        term_freq=np.array([dictionary.cfs.get(i, 0) for i in range(len(dictionary))]),
        doc_lengths=doc_lengths,
    )
