"""Topic models that stream tokens from Parquet, so memory does not grow with the corpus.

Tokens (contract of :mod:`analysis.text.tokens`: ``doc_id, para_id, token, start, end``) live in
one Parquet file or a folder of partition files (as written by :mod:`analysis.scale.distributed`).
They are read back in record batches and regrouped into units (documents or paragraphs); at
no point is the whole token table in memory.

The model is gensim's online LDA (Hoffman et al. 2010): a first streaming pass builds the
:class:`gensim.corpora.Dictionary` (vectorised counts per batch), a second writes each unit's
bag of words to a compact temporary Parquet file, then ``LdaModel`` reads chunks of
``chunksize`` units from it and updates the topics after each chunk. Memory is bounded by the
vocabulary (k × V topic matrix), one batch/chunk of units, and the (n_units × k)
document–topic matrix and unit ids of the result.

    >>> from analysis.scale.streaming import fit_streaming_lda
    >>> result = fit_streaming_lda("tokens/", k=20, seed=1, unit="document")
    >>> result.topic_word.shape, result.doc_topic.shape
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
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

    from analysis.atomic import atomic_path

    path = Path(path)
    with atomic_path(path) as tmp:  # a killed run leaves the old part or none, never half
        pq.write_table(tokens_table(tokens), tmp, row_group_size=row_group_size)
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

    Unit ids follow :func:`analysis.text.tokens.unit_tokens`: ``doc_id`` for documents,
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


def _arrow_batches(source: str | Path, *, columns: list[str], batch_size: int):
    import pyarrow as pa
    import pyarrow.parquet as pq

    for path in parquet_files(source):
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_size, columns=columns):
            yield pa.Table.from_batches([batch])


def _dict_encode(column) -> tuple[np.ndarray, list[str]]:
    """Arrow string column → (int codes, unique strings) via dictionary encoding."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        enc = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        enc = enc.cast(pa.dictionary(pa.int32(), pa.string()))
    else:
        enc = pc.dictionary_encode(column.cast(pa.string()))
        enc = enc.combine_chunks() if isinstance(enc, pa.ChunkedArray) else enc
    return enc.indices.to_numpy(zero_copy_only=False), enc.dictionary.to_pylist()


def _unit_codes(table, unit: str) -> tuple[np.ndarray, list[str]]:
    """Unit codes in order of first appearance and the unit ids they stand for."""
    doc_codes, doc_names = _dict_encode(table.column("doc_id"))
    if unit == "document":
        codes, uniques = pd.factorize(doc_codes, sort=False)
        return codes, [doc_names[i] for i in uniques.tolist()]
    para = table.column("para_id").to_numpy().astype(np.int64)
    key = doc_codes.astype(np.int64) * 2**32 + para
    codes, uniques = pd.factorize(key, sort=False)
    names = [f"{doc_names[k >> 32]}#{k & 0xFFFFFFFF}" for k in uniques.tolist()]
    return codes, names


def _frame(table, codes: np.ndarray, names: list[str]) -> pd.DataFrame:
    tok_codes, tok_names = _dict_encode(table.column("token"))
    return pd.DataFrame(
        {
            "unit": pd.Categorical.from_codes(codes, categories=pd.Index(names, dtype=object)),
            "token": pd.Categorical.from_codes(
                tok_codes, categories=pd.Index(tok_names, dtype=object)
            ),
        }
    )


def iter_unit_frames(
    source: str | Path,
    *,
    unit: str = "document",
    batch_size: int = 65_536,
    skip_docs: Collection[str] = (),
) -> Iterator[pd.DataFrame]:
    """Stream a tokens Parquet source as frames of *whole* units (vectorised reader).

    Like :func:`iter_units`, but yields DataFrames of about ``batch_size`` rows whose ``unit``
    and ``token`` columns are categoricals (codes + the frame's unique strings), so counting
    is vectorised. The rows of a unit that straddles a batch or file boundary are held back
    (as Arrow, zero-copy) and emitted with the next frame, so no unit is ever split.

    Yields:
        Frames with ``unit`` (categorical of unit ids, in order of appearance) and ``token``
        (categorical), in storage order.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if unit not in ("document", "paragraph"):
        raise ValueError(f"unit must be 'document' or 'paragraph', not {unit!r}")
    cols = ["doc_id", "token"] + (["para_id"] if unit == "paragraph" else [])
    skip = pa.array(sorted(map(str, skip_docs)), pa.string())
    tail = None
    for table in _arrow_batches(source, columns=cols, batch_size=batch_size):
        if len(skip):
            keep = pc.invert(pc.is_in(table.column("doc_id").cast(pa.string()), value_set=skip))
            table = table.filter(keep)
        if table.num_rows == 0:
            continue
        if tail is not None:
            table = pa.concat_tables([tail, table], promote_options="default")
        codes, names = _unit_codes(table, unit)
        last = codes[-1]
        # units are contiguous, so the last unit is the trailing block: hold it back
        others = np.flatnonzero(codes != last)
        cut = int(others[-1] + 1) if len(others) else 0
        tail = table.slice(cut)
        if cut:
            yield _frame(table.slice(0, cut), codes[:cut], names[:last])
    if tail is not None and tail.num_rows:
        codes, names = _unit_codes(tail, unit)
        yield _frame(tail, codes, names)


def _counts(cat: pd.Categorical, codes: np.ndarray | None = None) -> dict[str, int]:
    """Nonzero counts of a categorical's categories (optionally of a subset of its codes)."""
    c = np.bincount(cat.codes if codes is None else codes, minlength=len(cat.categories))
    nz = np.flatnonzero(c)
    return dict(zip(cat.categories[nz].tolist(), c[nz].tolist(), strict=True))


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
    """First streaming pass: a gensim ``Dictionary`` of the units, then pruning.

    Counts are accumulated per batch with vectorised operations on codes (memory ∝
    vocabulary). Pruning follows ``Dictionary.filter_extremes``: keep terms in at least
    ``no_below`` units and at most ``no_above`` of them, then the ``keep_n`` with the highest
    document frequency. Term ids are assigned by decreasing document frequency, ties by term
    (deterministic).

    Args:
        source: tokens Parquet file or folder.
        unit: ``"document"`` or ``"paragraph"``.
        no_below: keep terms in at least this many units (lowered to 1 on tiny corpora).
        no_above: drop terms in more than this share of units (1.0 on tiny corpora).
        keep_n: keep at most this many terms (``None`` = all).
        batch_size: rows read at a time.
        skip_docs: doc_ids to leave out.

    Returns:
        The dictionary (``num_docs`` = number of units, ``dfs``/``cfs`` filled).
    """
    from collections import Counter

    from gensim.corpora import Dictionary

    dfs: Counter[str] = Counter()
    cfs: Counter[str] = Counter()
    n_units = n_pos = 0
    for frame in iter_unit_frames(source, unit=unit, batch_size=batch_size, skip_docs=skip_docs):
        units, tokens = frame["unit"].array, frame["token"].array
        n_units += len(units.categories)
        n_pos += len(frame)
        cfs.update(_counts(tokens))
        pair = np.unique(units.codes.astype(np.int64) * len(tokens.categories) + tokens.codes)
        dfs.update(_counts(tokens, (pair % len(tokens.categories)).astype(np.int64)))
    nb = no_below if n_units >= 4 * no_below else 1
    na = no_above if n_units >= 10 else 1.0
    kept = [(t, d) for t, d in dfs.items() if nb <= d <= na * n_units]
    kept.sort(key=lambda td: (-td[1], td[0]))
    if keep_n is not None:
        kept = kept[:keep_n]
    dictionary = Dictionary()
    dictionary.token2id = {t: i for i, (t, _) in enumerate(kept)}
    dictionary.dfs = {i: int(d) for i, (_, d) in enumerate(kept)}
    dictionary.cfs = {i: int(cfs[t]) for i, (t, _) in enumerate(kept)}
    dictionary.num_docs = int(n_units)
    dictionary.num_pos = int(n_pos)
    dictionary.num_nnz = int(sum(d for _, d in kept))
    log.info("streaming dictionary: %d units, %d terms kept", n_units, len(dictionary))
    return dictionary


def encode_bow(
    source: str | Path,
    dictionary: Dictionary,
    out: str | Path,
    *,
    unit: str = "document",
    batch_size: int = 65_536,
    skip_docs: Collection[str] = (),
) -> list[str]:
    """Second streaming pass: write the bag of words of every unit to a compact Parquet file.

    Each row is ``(unit_no, term_id, count)`` (int32), sorted by unit then term; each row group
    holds whole units, so later passes read it group by group without re-tokenizing text.
    Units whose tokens all fall outside the dictionary keep no rows but keep their number.

    Returns:
        Unit ids in order (``unit_no`` indexes this list).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    vocab = pd.Index(list(dictionary.token2id), dtype=object)
    term_ids = np.fromiter(dictionary.token2id.values(), dtype=np.int64, count=len(vocab))
    schema = pa.schema([("unit_no", pa.int32()), ("term", pa.int32()), ("count", pa.int32())])
    unit_ids: list[str] = []
    with pq.ParquetWriter(str(out), schema) as writer:
        for frame in iter_unit_frames(
            source, unit=unit, batch_size=batch_size, skip_docs=skip_docs
        ):
            units, tokens = frame["unit"].array, frame["token"].array
            offset = len(unit_ids)
            unit_ids.extend(str(u) for u in units.categories)
            cat_pos = vocab.get_indexer(tokens.categories)  # term position per category
            pos = cat_pos[tokens.codes]
            ok = pos >= 0
            if not ok.any():
                continue
            n_terms = max(1, len(vocab))
            key = (units.codes[ok].astype(np.int64) + offset) * n_terms + term_ids[pos[ok]]
            key, counts = np.unique(key, return_counts=True)  # sorted by unit, then term
            table = pa.table(
                {
                    "unit_no": (key // n_terms).astype(np.int32),
                    "term": (key % n_terms).astype(np.int32),
                    "count": counts.astype(np.int32),
                },
                schema=schema,
            )
            writer.write_table(table, row_group_size=max(1, len(table)))
    return unit_ids


class ParquetBowCorpus:
    """Re-iterable bag-of-words corpus over a tokens Parquet (what gensim's models consume).

    On creation the tokens are encoded once into a compact ``(unit_no, term, count)`` Parquet
    file in a temporary folder (:func:`encode_bow`); each iteration then reads that file one
    row group at a time. Memory: one row group plus the list of unit ids. ``len()`` is the
    number of units. Use as a context manager (or call :meth:`close`) to remove the file.
    """

    def __init__(
        self,
        source: str | Path,
        dictionary: Dictionary,
        *,
        unit: str = "document",
        batch_size: int = 65_536,
        skip_docs: Collection[str] = (),
        workdir: str | Path | None = None,
    ) -> None:
        import tempfile

        self.source = Path(source)
        self.dictionary = dictionary
        self.unit = unit
        self._tmp = Path(tempfile.mkdtemp(prefix="analysis-bow-", dir=workdir))
        self.path = self._tmp / "bow.parquet"
        self.unit_ids = encode_bow(
            source, dictionary, self.path, unit=unit, batch_size=batch_size, skip_docs=skip_docs
        )

    def iter_chunks(self) -> Iterator[tuple[list[int], list[list[tuple[int, int]]]]]:
        """Yield ``(unit numbers, bows)`` per row group, including units with empty bows."""
        import pyarrow.parquet as pq

        pf = pq.ParquetFile(self.path)
        next_unit = 0
        for g in range(pf.num_row_groups):
            t = pf.read_row_group(g)
            u = t.column("unit_no").to_numpy()
            terms = t.column("term").to_numpy().tolist()
            counts = t.column("count").to_numpy().tolist()
            cuts = np.flatnonzero(u[1:] != u[:-1]) + 1
            starts = [0, *cuts.tolist()]
            stops = [*cuts.tolist(), len(u)]
            nos, bows = [], []
            for a, b in zip(starts, stops, strict=True):
                no = int(u[a])
                while next_unit < no:  # units with no in-vocabulary token
                    nos.append(next_unit)
                    bows.append([])
                    next_unit += 1
                nos.append(no)
                bows.append(list(zip(terms[a:b], counts[a:b], strict=True)))
                next_unit = no + 1
            yield nos, bows
        if next_unit < len(self.unit_ids):
            rest = list(range(next_unit, len(self.unit_ids)))
            yield rest, [[] for _ in rest]

    def __iter__(self) -> Iterator[list[tuple[int, int]]]:
        for _, bows in self.iter_chunks():
            yield from bows

    def iter_with_ids(self) -> Iterator[tuple[str, list[tuple[int, int]]]]:
        """Yield ``(unit_id, bow)`` pairs."""
        for nos, bows in self.iter_chunks():
            for no, bow in zip(nos, bows, strict=True):
                yield self.unit_ids[no], bow

    def __len__(self) -> int:
        return len(self.unit_ids)

    def close(self) -> None:
        """Remove the encoded file."""
        import shutil

        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> ParquetBowCorpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# result + model
# --------------------------------------------------------------------------------------------


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

    The tokens are read twice, batch by batch: the dictionary pass (skipped when
    ``dictionary`` is given) and the pass encoding every unit's bag of words into a compact
    temporary Parquet file (:class:`ParquetBowCorpus`). That file is then read ``passes``
    times for the online updates and once more to infer each unit's topic proportions.
    Deterministic for a given source, parameters and ``seed`` (single process).

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
        A :class:`analysis.topics.TopicResult` with ``backend="gensim-streaming"``,
        ``topic_word`` (k, V) and ``doc_topic`` (n_units, k), rows summing to 1, plus
        ``term_freq`` (V,) and ``doc_lengths`` (n_units,) in-vocabulary counts.
    """
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
    with ParquetBowCorpus(
        source, dictionary, unit=unit, batch_size=batch_size, skip_docs=skip_docs
    ) as corpus:
        params = {
            "seed": seed,
            "unit": unit,
            "passes": passes,
            "iterations": iterations,
            "chunksize": chunksize,
            "no_below": no_below,
            "no_above": no_above,
            "keep_n": keep_n,
            "source": str(source),
            "n_skipped_docs": len(skip_docs),
        }
        return _fit(
            corpus,
            dictionary,
            k=k,
            seed=seed,
            passes=passes,
            iterations=iterations,
            chunksize=chunksize,
            alpha=alpha,
            eta=eta,
            params=params,
        )


def _fit(corpus, dictionary, *, k, seed, passes, iterations, chunksize, alpha, eta, params):
    from gensim.models import LdaModel

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
        **params,
        "alpha": alpha if isinstance(alpha, str | float | int) else "array",
        "eta": eta if eta is None or isinstance(eta, str | float | int) else "array",
    }
    metrics = {"n_units": len(unit_ids), "n_terms": len(dictionary)}
    from analysis.topics import TopicResult

    return TopicResult(
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
