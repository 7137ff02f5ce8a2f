"""Spawn-safe pool helpers: chunking is lossless and balanced, results keep input order,
parallel ingestion/tokenization give exactly the serial rows."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from fixtures_scale import simple_tokens, square, synthetic_paragraphs, worker_pid, write_reports

from analysis.corpus import load_corpus
from analysis.scale import parallel
from analysis.text.tokens import concat_tokens, tokenize


@pytest.mark.parametrize("n,k", [(0, 3), (1, 3), (5, 2), (7, 7), (10, 3), (3, 10)])
def test_chunk_evenly_is_lossless_and_balanced(n, k):
    items = list(range(n))
    chunks = parallel.chunk_evenly(items, n_chunks=k)
    assert [x for c in chunks for x in c] == items
    assert all(chunks) or n == 0
    sizes = [len(c) for c in chunks]
    assert len(chunks) <= k
    if sizes:
        assert max(sizes) - min(sizes) <= 1


def test_chunk_by_weight_balances_and_keeps_order():
    items = list("abcdefghij")
    weights = [1, 1, 1, 1, 1, 1, 1, 1, 10, 1]
    chunks = parallel.chunk_by_weight(items, weights=weights, n_chunks=3)
    assert [x for c in chunks for x in c] == items
    assert 1 < len(chunks) <= 3
    totals = [sum(weights[items.index(x)] for x in c) for c in chunks]
    # the heavy item is alone-ish: no chunk carries more than heavy item + 2
    assert max(totals) <= 12
    with pytest.raises(ValueError):
        parallel.chunk_by_weight(items, weights=[1], n_chunks=2)


def test_chunk_paragraphs_never_splits_a_document():
    paras = synthetic_paragraphs(n_docs=9)
    chunks = parallel.chunk_paragraphs(paras, n_chunks=4)
    assert 1 < len(chunks) <= 4
    pd.testing.assert_frame_equal(pd.concat(chunks), paras)
    seen = [set(c["doc_id"]) for c in chunks]
    for i, a in enumerate(seen):
        for b in seen[i + 1 :]:
            assert not a & b


def test_resolve_workers():
    n = parallel.default_workers()
    assert parallel.resolve_workers(None) == n
    assert parallel.resolve_workers(1) == 1
    assert parallel.resolve_workers(-100) == 1


def test_pool_map_spawn_keeps_order_and_uses_processes():
    tasks = list(range(12))
    with parallel.process_pool(2) as pool:
        assert parallel.pool_map(square, tasks, pool=pool) == [t * t for t in tasks]
        pids = set(parallel.pool_map(worker_pid, range(4), pool=pool))
    assert os.getpid() not in pids and len(pids) <= 2
    # one worker runs in-process
    assert parallel.pool_map(worker_pid, range(3), workers=1) == [os.getpid()] * 3


def test_concat_tokens_unifies_categories():
    paras = synthetic_paragraphs(n_docs=4)
    parts = [simple_tokens(c) for c in parallel.chunk_paragraphs(paras, n_chunks=2)]
    parts = [p.assign(doc_id=p["doc_id"].astype("category")) for p in parts]
    out = concat_tokens(parts)
    assert isinstance(out["doc_id"].dtype, pd.CategoricalDtype)
    expected = simple_tokens(paras)
    assert out["token"].tolist() == expected["token"].tolist()
    assert out["doc_id"].astype(str).tolist() == expected["doc_id"].tolist()


def test_parallel_ingestion_and_tokenization_equal_serial(tmp_path):
    files = write_reports(tmp_path, n=6)
    # a near-duplicate across chunks: must be found by the corpus-wide step
    (tmp_path / "0007.txt").write_text(files[0].read_text(encoding="utf-8"), encoding="utf-8")
    files = sorted(tmp_path.glob("*.txt"))
    serial = load_corpus(tmp_path)
    serial_tokens = tokenize(serial.paragraphs, cache=False)
    with parallel.process_pool(2) as pool:  # one warm pool shared by the two stages
        frames = parallel.ingest_files(files, manifest=tmp_path, n_chunks=3, pool=pool)
        tokens = parallel.tokenize_parallel(frames.paragraphs, pool=pool, n_chunks=4)
    pd.testing.assert_frame_equal(frames.paragraphs, serial.paragraphs)
    pd.testing.assert_frame_equal(frames.documents, serial.documents)
    pd.testing.assert_frame_equal(frames.quality, serial.quality)
    assert (frames.documents["duplicate_of"] != "").sum() == 1
    assert {"year", "level"} <= set(frames.documents.columns)
    cols = ["doc_id", "para_id", "token", "start", "end"]
    assert list(tokens["doc_id"].cat.categories) == list(serial_tokens["doc_id"].cat.categories)
    pd.testing.assert_frame_equal(
        tokens[cols].astype({"doc_id": str}),
        serial_tokens[cols].astype({"doc_id": str}),
        check_dtype=False,
    )


def test_auto_workers_keeps_small_inputs_in_process():
    assert parallel.auto_workers(None, 10) == 1
    assert parallel.auto_workers(None, parallel.MIN_PARALLEL_SIZE) == parallel.default_workers()
    assert parallel.auto_workers(2, 10) == 2  # explicit wins


def test_bench_helpers_sample_and_report():
    from analysis.bench import scale

    files = [f"{i:04d}.txt" for i in range(40)]
    q, h, a = (scale.sample_files(files, f) for f in (0.25, 0.5, 1.0))
    assert len(q) == 10 and len(h) == 20 and a == sorted(files)
    assert set(q) <= set(h) <= set(a)  # nested
    assert q == scale.sample_files(files, 0.25)  # seeded
    assert scale.growth_exponent(1.0, 2.0, 10, 20) == pytest.approx(1.0)

    def fake(frac, t):
        stages = {
            n: {"seconds": t, "cpu_seconds": t, "peak_rss": 2**30}
            for n in ("ingest", "tokenize", "units", "tfidf", "parquet", "lda")
        }
        return {"fraction": frac, "n_files": 1, "n_chars": frac * 1e6, "n_tokens": 1e5,
                "stages": stages, "peak_rss": 2**30}  # fmt: skip

    sizes = [fake(0.25, 1.0), fake(0.5, 2.0), fake(1.0, 4.0)]
    one = {"stages": {n: {"seconds": 8.0, "cpu_seconds": 8.0} for n in ("ingest", "tokenize")}}
    speed = {"one": scale.best_of([one, one]), "many": scale.best_of([sizes[-1], one])}
    text = scale.format_report(sizes, speed, workers=2)
    assert (
        "b=1.00" in text and "speed-up ×2.00" in text and "samples [8.0, 8.0] / [4.0, 8.0]" in text
    )
    assert "24.0 s -> MET" in text and "1.00 GB -> MET" in text


def test_make_executor_picks_the_kind_and_keeps_order():
    inline = parallel.make_executor("auto", workers=1)
    assert inline.kind == "inline" and inline.map(worker_pid, range(3)) == [os.getpid()] * 3
    assert parallel.make_executor("auto", workers=2).kind == "processes"
    with parallel.make_executor("processes", workers=2) as ex:
        assert ex.map(square, range(10)) == [i * i for i in range(10)]
        assert os.getpid() not in set(ex.map(worker_pid, range(4)))
    with pytest.raises(ValueError, match="unknown executor"):
        parallel.make_executor("threads")


def test_load_corpus_on_a_process_pool_equals_in_process(tmp_path):
    write_reports(tmp_path, n=4)
    serial = load_corpus(tmp_path)
    with parallel.make_executor("processes", workers=2) as ex:
        pooled = load_corpus(tmp_path, executor=ex)
        tokens = tokenize(pooled.paragraphs, executor=ex, cache=False)
    for name in ("documents", "paragraphs", "quality"):
        pd.testing.assert_frame_equal(getattr(pooled, name), getattr(serial, name))
    pd.testing.assert_frame_equal(tokens, tokenize(serial.paragraphs, cache=False))
