"""Dask path: a two-worker LocalCluster ingests and tokenizes into partitioned Parquet, giving
exactly the rows of the in-process path (load_corpus + tokenize), and the streaming topic
model reads the result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_scale import simple_tokens, write_reports

pytest.importorskip("distributed")

from analysis.scale import distributed as dist  # noqa: E402
from analysis.scale import streaming  # noqa: E402


@pytest.fixture(scope="module")
def raw_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("raw")
    files = write_reports(folder, n=7, seed=11)
    # a cross-partition near-duplicate: only the corpus-wide step can see it
    (folder / "0008.txt").write_text(files[1].read_text(encoding="utf-8"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def client():
    # two small workers in this process: fast to start, no pickling of fixtures needed
    with dist.local_client(n_workers=2, threads_per_worker=1, processes=False) as c:
        yield c


@pytest.fixture(scope="module")
def serial(raw_dir):
    from analysis.corpus import load_corpus
    from analysis.text.tokens import tokenize

    corpus = load_corpus(raw_dir)
    return corpus, tokenize(corpus.paragraphs, cache=False)


def _norm(df: pd.DataFrame) -> pd.DataFrame:
    out = df.reset_index(drop=True).copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype) or out[col].dtype == object:
            out[col] = out[col].astype(str)
    return out


def test_dask_run_equals_in_process_path(raw_dir, client, serial, tmp_path):
    corpus, tokens = serial
    summary = dist.ingest_and_tokenize(raw_dir, tmp_path / "run", client=client, n_partitions=3)
    assert len(summary) == 3 and summary["n_files"].sum() == 8
    assert len(list((tmp_path / "run" / "tokens").glob("part-*.parquet"))) == 3
    run = dist.read_run(tmp_path / "run")
    pd.testing.assert_frame_equal(_norm(run["tokens"]), _norm(tokens), check_dtype=False)
    assert summary["n_tokens"].sum() == len(tokens)
    pd.testing.assert_frame_equal(
        _norm(run["paragraphs"]), _norm(corpus.paragraphs), check_dtype=False
    )
    docs = run["documents"]
    pd.testing.assert_frame_equal(_norm(docs), _norm(corpus.documents), check_dtype=False)
    assert docs.loc[docs["doc_id"] == "0008", "duplicate_of"].item() == "0002"
    assert {"year", "level"} <= set(docs.columns)
    assert len(run["quality"]) == len(corpus.quality)


def test_rerun_replaces_partitions_and_custom_tokenizer(raw_dir, client, tmp_path):
    out = tmp_path / "run"
    dist.ingest_and_tokenize(raw_dir, out, client=client, n_partitions=4, tokenizer=simple_tokens)
    dist.ingest_and_tokenize(raw_dir, out, client=client, n_partitions=2, tokenizer=simple_tokens)
    assert len(list((out / "tokens").glob("part-*.parquet"))) == 2
    run = dist.read_run(out)
    expected = simple_tokens(run["paragraphs"])
    assert run["tokens"]["token"].tolist() == expected["token"].tolist()


def test_streaming_lda_reads_dask_output(raw_dir, client, tmp_path):
    out = tmp_path / "run"
    dist.ingest_and_tokenize(raw_dir, out, client=client, n_partitions=3)
    docs = dist.read_run(out, tokens=False)["documents"]
    dups = docs.loc[docs["duplicate_of"] != "", "doc_id"].tolist()
    res = streaming.fit_streaming_lda(
        out / "tokens", k=3, seed=2, unit="paragraph", chunksize=20, skip_docs=dups
    )
    assert not any(u.split("#")[0] in dups for u in res.unit_ids)
    np.testing.assert_allclose(res.doc_topic.sum(axis=1), 1.0, atol=1e-6)


def test_partition_files_balances_by_size(raw_dir):
    files = dist.list_raw_files(raw_dir)
    batches = dist.partition_files(files, n_partitions=3)
    assert [f for b in batches for f in b] == [str(f) for f in files]
    assert len(batches) == 3


def test_the_dask_executor_is_the_same_abstraction(client, raw_dir, serial):
    from analysis.corpus import load_corpus
    from analysis.scale.parallel import DaskExecutor

    ex = DaskExecutor(client=client)
    assert ex.kind == "dask" and ex.workers == 2
    assert ex.map(len, ["a", "bb", "ccc"]) == [1, 2, 3]
    corpus = load_corpus(raw_dir, executor=ex)
    pd.testing.assert_frame_equal(corpus.documents, serial[0].documents)
