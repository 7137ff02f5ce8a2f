"""N× corpus generator (analysis.scale.multiply), raw → topics for large corpora
(analysis.scale.large) and the report of ``bench scale --multiply``."""

from __future__ import annotations

import random
import shutil

import numpy as np
import pandas as pd
import pytest

from analysis import paths
from analysis.bench import scale as bench
from analysis.corpus import analysis_paragraphs, load_corpus
from analysis.corpus.dedup import near_duplicate_pairs
from analysis.corpus.io import list_raw_files
from analysis.scale import multiply
from analysis.scale.distributed import read_table as _read_table
from analysis.scale.large import raw_to_topics
from analysis.scale.parallel import Executor
from analysis.scale.streaming import read_tokens_parquet
from analysis.text.tokens import tokenize


@pytest.fixture(scope="module")
def tripled(tmp_path_factory):
    """data/raw (five real reports, one holding two near-identical articles) copied 3×."""
    out = tmp_path_factory.mktemp("x3")
    manifest = multiply.multiply_corpus(paths.RAW, out, factor=3, seed=7)
    return out, manifest


def test_perturbation_is_seeded_and_keeps_head_and_short_lines():
    text = list_raw_files(paths.RAW)[0].read_text(encoding="utf-8")
    a = multiply.perturb_text(text, random.Random(3))
    assert a == multiply.perturb_text(text, random.Random(3))
    assert a != multiply.perturb_text(text, random.Random(4)) and a != text
    head = [ln for ln in text.split("\n") if ln.strip()][:3]
    assert [ln for ln in a.split("\n") if ln.strip()][:3] == head
    short = [ln for ln in text.split("\n") if ln.strip() and len(ln.strip()) < 30]
    kept = set(a.split("\n"))
    assert all(ln in kept for ln in short)


def test_numbered_heading_stays_first_and_segments_are_only_reordered():
    line = (
        "（一）着力扩大投资。扭转增速下滑趋势，必须扩大国内需求，增强内需拉动作用。一是扩大投资规模"
    )
    out = multiply._shuffle_segments(line, random.Random(1))
    assert out.startswith("（一）着力扩大投资。") and out != line
    assert sorted(out.replace("，", "")) == sorted(line.replace("，", ""))


def test_copies_are_not_near_duplicates_but_unperturbed_copies_are(tripled):
    out, manifest = tripled
    texts = pd.Series({f: (out / f).read_text(encoding="utf-8") for f in manifest["file"]})
    pairs = near_duplicate_pairs(texts)
    source = dict(zip(manifest["file"], manifest["copy_of"], strict=True))
    assert not (pairs["doc_a"].map(source) == pairs["doc_b"].map(source)).any()
    # the check can fail: the same copies without perturbation are all flagged
    plain = pd.Series({f: (paths.RAW / source[f]).read_text(encoding="utf-8") for f in texts.index})
    plain_pairs = near_duplicate_pairs(plain)
    assert len(plain_pairs) >= 2 * len(list_raw_files(paths.RAW))


def test_manifest_rows_and_source_untouched(tripled, tmp_path):
    out, manifest = tripled
    originals = list_raw_files(paths.RAW)
    assert len(manifest) == 3 * len(originals)
    assert sorted(p.name for p in list_raw_files(out)) == sorted(manifest["file"])
    assert set(manifest["copy"]) == {0, 1, 2}
    first = manifest[manifest["copy"] == 0]
    assert (first["file"] == first["copy_of"]).all() and (first["perturb_seed"] == "").all()
    for f in originals:  # copy 0 is the file itself
        assert (out / f.name).read_text(encoding="utf-8") == f.read_text(encoding="utf-8")
    assert pd.read_csv(out / "manifest.csv")["file"].tolist() == manifest["file"].tolist()
    with pytest.raises(ValueError, match="source folder"):
        multiply.multiply_corpus(paths.RAW, paths.RAW / "copies", factor=2)


def test_dedup_keeps_every_copy_after_ingestion(tripled):
    out, _ = tripled
    docs = load_corpus(out).documents
    original = load_corpus(paths.RAW).documents
    n_dups = int((original["duplicate_of"] != "").sum())
    assert n_dups >= 1  # 002-2 repeats 002-1 inside one file

    # copy 0 is the corpus itself, with its duplicates; the perturbed copies perturb the two
    # articles of a file independently, so they are distinct documents too: every copy kept
    def pairs(d):  # (file, title) of each duplicate and of the document it repeats
        key = dict(zip(d["doc_id"], zip(d["source_file"], d["title"], strict=True), strict=True))
        dup = d[d["duplicate_of"] != ""]
        return sorted(zip(dup["doc_id"].map(key), dup["duplicate_of"].map(key), strict=True))

    assert pairs(docs) == pairs(original) and len(docs) == 3 * len(original)
    assert not bench.copies_flagged(docs).any()
    broken = docs.copy()  # a copy flagged as a duplicate of another copy is counted
    i = broken.index[broken["doc_id"].str.contains("-x01")][0]
    first = broken.loc[broken["source_file"] == broken.loc[i, "copy_of"], "doc_id"].iloc[0]
    broken.loc[i, "duplicate_of"] = first
    assert bench.copies_flagged(broken).sum() == 1


def test_raw_to_topics_matches_the_in_process_path(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(paths.RAW, raw)
    run = raw_to_topics(raw, tmp_path / "run", executor=Executor(), k=3, seed=1, target_mb=0.05)
    assert len(run.partitions) > 1
    corpus = load_corpus(raw)
    pd.testing.assert_series_equal(
        run.documents["duplicate_of"].reset_index(drop=True),
        corpus.documents["duplicate_of"].reset_index(drop=True),
    )
    assert run.duplicates == corpus.documents.query("duplicate_of != ''")["doc_id"].tolist()
    expected = tokenize(analysis_paragraphs(corpus, include_duplicates=True), cache=False)
    got = read_tokens_parquet(tmp_path / "run" / "tokens")
    assert got["token"].tolist() == expected["token"].astype(str).tolist()
    assert got["doc_id"].tolist() == expected["doc_id"].astype(str).tolist()
    result = run.result
    assert set(result.unit_ids) == set(corpus.documents["doc_id"]) - set(run.duplicates)
    assert run.n_kept == len(result.unit_ids)
    assert np.allclose(result.doc_topic.sum(axis=1), 1.0) and result.topic_word.shape[0] == 3


def _run(factor, mode, seconds, cpu, peak_gb):
    stages = {
        n: {"seconds": seconds / 3, "cpu_seconds": cpu / 3, "peak_rss": peak_gb * 2**30}
        for n in bench.LARGE_STAGES
    }
    return {
        "factor": factor, "mode": mode, "stages": stages, "peak_rss": peak_gb * 2**30,
        "n_files": 874 * factor, "n_chars": 16e6 * factor, "n_documents": 874 * factor,
        "n_kept": 874 * factor - 1, "n_tokens": 9e6 * factor, "n_duplicates": 1,
        "n_duplicates_same_source": 0,
    }  # fmt: skip


def test_large_report_targets_growth_and_extrapolation():
    runs = [_run(2, "local", 100, 80, 1.0), _run(4, "local", 200, 160, 1.5)]
    runs += [_run(2, "dask", 100, 80, 3.0), _run(4, "dask", 400, 320, 4.5)]
    text = bench.format_large_report(runs)
    local = [ln for ln in text.splitlines() if ln.startswith("  4 local")][0]
    dask = [ln for ln in text.splitlines() if ln.startswith("  4 dask")][0]
    assert local.endswith("MET") and not local.endswith("NOT MET") and dask.endswith("NOT MET")
    assert "local 2x→4x: chars ×2.00; wall ×2.00 (b=1.00); CPU ×2.00 (b=1.00)" in text
    # linear growth: 10x = 2.5 × the 4x figures; dask doubles per doubling (b = 2)
    assert (
        "extrapolated to 10x (local, from the last two factors): wall ≈ 500 s, CPU ≈ 400 s" in text
    )
    assert "extrapolated to 10x (dask, from the last two factors): wall ≈ 2500 s" in text


def _finish_in_memory(out, manifest, files):
    """The finish step as it was: every paragraph text of the run in one frame on the client."""
    from analysis.corpus.build import finish_corpus
    from analysis.scale.distributed import read_table

    docs = read_table(out, "_documents")
    quality = read_table(out, "_quality")
    paras = read_table(out, "paragraphs", columns=["doc_id", "kind", "text"])
    return finish_corpus(docs, paras, quality, manifest=manifest, files=files)


def test_streaming_finish_equals_the_in_memory_finish(tripled, tmp_path):
    """Sketches and labels per partition, texts read back for candidates only: the same
    documents, quality rows and duplicate pairs as the finish step on all paragraph texts."""
    from analysis.corpus.io import read_manifest
    from analysis.scale import distributed

    src, _ = tripled
    raw = tmp_path / "raw"
    shutil.copytree(src, raw)
    # a cross-partition near-duplicate (the corpus's own is inside one file): the last file
    # again under another name, so the pair's texts live in different partitions
    last = list_raw_files(raw)[-1]
    shutil.copy(last, raw / "zzz-copy.txt")
    files = list_raw_files(raw)
    manifest = read_manifest(raw)
    out = tmp_path / "run"
    distributed.ingest_and_tokenize(
        files, out, executor=Executor(), manifest=manifest, target_mb=0.05, finish=False
    )
    assert len(list((out / "_labels").glob("part-*.parquet"))) > 2
    want = _finish_in_memory(out, manifest, files)
    got = distributed.finish_run(out, manifest=manifest, files=files)
    assert len(want.duplicates) >= 2 and "zzz-copy" in " ".join(want.duplicates["doc_b"])
    pd.testing.assert_frame_equal(got.documents, want.documents, check_exact=True)
    pd.testing.assert_frame_equal(got.quality, want.quality, check_exact=True)
    pd.testing.assert_frame_equal(got.duplicates, want.duplicates, check_exact=True)
    assert (got.documents["genre"] != "none").any()  # the labels are not all defaults
    run = distributed.read_run(out, tokens=False)
    pd.testing.assert_frame_equal(run["documents"], distributed.read_run(out)["documents"])
    # texts are looked up by partition position in both folders: a missing part file is an
    # error, not texts read from the wrong partition
    part = sorted((out / "paragraphs").glob("part-*.parquet"))[1]
    part.rename(tmp_path / part.name)
    with pytest.raises(ValueError, match="part files of _labels"):
        distributed.finish_run(out, manifest=manifest, files=files)
    (tmp_path / part.name).rename(part)
    # a run staged without _labels (older runs) is finished one partition at a time, the same
    shutil.rmtree(out / "_labels")
    old = distributed.finish_run(out, manifest=manifest, files=files)
    pd.testing.assert_frame_equal(old.documents, want.documents, check_exact=True)
    pd.testing.assert_frame_equal(old.duplicates, want.duplicates, check_exact=True)


def test_streaming_finish_reads_texts_only_for_candidates(tmp_path, monkeypatch):
    """The client reads paragraph texts back only for the documents of candidate pairs (on
    data/raw: the one near-duplicate pair), never the whole paragraphs table."""
    from analysis.scale import distributed

    out = tmp_path / "run"
    files = list_raw_files(paths.RAW)
    distributed.ingest_and_tokenize(files, out, executor=Executor(), target_mb=0.05, finish=False)
    loads = []
    real = distributed._PartitionTexts.__call__
    monkeypatch.setattr(
        distributed._PartitionTexts, "__call__", lambda self, i: loads.append(i) or real(self, i)
    )
    monkeypatch.setattr(
        distributed, "read_table",
        lambda out, table, **kw: pytest.fail("paragraphs read whole")
        if table == "paragraphs" else _read_table(out, table, **kw),
    )  # fmt: skip
    frames = distributed.finish_run(out, files=files)
    ids = frames.documents["doc_id"].tolist()
    pair_docs = set(frames.duplicates["doc_a"]) | set(frames.duplicates["doc_b"])
    assert len(frames.duplicates) == 1 and {ids[i] for i in loads} == pair_docs


def test_candidate_product_in_blocks_equals_one_block(tripled, monkeypatch):
    """The sketch-sharing counts computed a few rows at a time give the same candidates, in
    the same order, as one product over all documents."""
    from analysis.corpus import dedup

    out, manifest = tripled
    texts = [(out / f).read_text(encoding="utf-8") for f in manifest["file"]]
    texts += [texts[0], texts[1][: len(texts[1]) // 2], texts[4]]  # copies and a contained half
    sketches = [dedup.document_sketch(t)[1] for t in texts]
    whole = dedup._candidate_pairs(sketches)
    assert len(whole) >= 4
    real, counts = dedup.product_blocks, []
    for budget in (1, 2_000, 1 << 20):  # a row a block, a few rows, all rows
        blocks = []

        def recorded(work, budget=budget, blocks=blocks):
            blocks.append(real(work, budget))
            return blocks[-1]

        monkeypatch.setattr(dedup, "product_blocks", recorded)
        assert dedup._candidate_pairs(sketches) == whole
        assert blocks[0][-1][1] == len(texts)
        counts.append(len(blocks[0]))
    assert counts[0] >= len(texts) // 2 and counts[0] > counts[1] > counts[2]


def test_product_blocks_at_a_million_documents():
    """The row blocks of the candidate count product follow what a block materialises (the
    products of its rows), not documents × documents cells: at 1 M documents a block still
    holds thousands of rows (the dense-cell rule gave 1 row, i.e. 1 M sparse products), a row
    heavier than the budget is a block of its own, and the blocks cover every row in order."""
    from analysis.corpus import dedup

    n = 1_000_000
    rng = np.random.default_rng(3)
    work = rng.integers(0, 400, n)  # ~200 products a row: few shared sketch hashes, as in reports
    blocks = dedup.product_blocks(work)
    assert blocks[0][0] == 0 and blocks[-1][1] == n
    assert all(a[1] == b[0] for a, b in zip(blocks, blocks[1:]))
    sums = np.add.reduceat(work, [a for a, _ in blocks])
    assert (sums <= dedup.PRODUCT_WORK).all()
    assert min(b - a for a, b in blocks[:-1]) > 4_000 and len(blocks) < 250
    assert max(1, (1 << 20) // n) == 1  # the former rule: one row a block at this size
    heavy = np.zeros(n, dtype=np.int64)
    heavy[10] = 3 * dedup.PRODUCT_WORK  # e.g. a document with many copies
    assert dedup.product_blocks(heavy) == [(0, 10), (10, 11), (11, n)]
    assert dedup.product_blocks(np.zeros(0, dtype=np.int64)) == []


def test_partition_task_converts_the_text_column_once(tmp_path, monkeypatch):
    """process_partition converts doc_id/kind/text to lists once (paragraph_columns) for roles,
    genre labels and sketches, as finish_corpus does; the labels equal those computed without
    the shared lists."""
    from analysis.corpus.build import doc_id_bases, ingest_chunk
    from analysis.scale import distributed

    files = [str(f) for f in list_raw_files(paths.RAW)]
    bases = {str(k): v for k, v in doc_id_bases([paths.RAW / f for f in files]).items()}
    frames = ingest_chunk((files, bases, None))
    monkeypatch.setattr(distributed, "ingest_chunk", lambda task: frames)
    calls = []
    real = pd.Series.tolist
    monkeypatch.setattr(
        pd.Series, "tolist", lambda self: calls.append(self.name) or real(self), raising=True
    )
    distributed.process_partition(
        files, bases=bases, part=0, out=str(tmp_path), tokenizer=_no_tokens
    )
    monkeypatch.undo()
    assert calls.count("text") == 1, calls
    staged = distributed.read_table(tmp_path, "_labels")
    plain = distributed.partition_labels(frames.documents, frames.paragraphs).to_pandas()
    pd.testing.assert_frame_equal(staged, plain, check_exact=True)


def _no_tokens(paragraphs, **kwargs):
    return pd.DataFrame({"doc_id": [], "para_id": [], "token": [], "start": [], "end": []})


def test_streaming_finish_reads_each_paragraph_partition_once(tmp_path, monkeypatch):
    """Candidates whose partners sit in other partitions, in an order that alternates between
    more partitions than were ever cached: all candidate documents are named first, so each
    paragraph partition holding one is read once (reading them on demand with two partitions
    cached read the copies' partitions again and again); the frames equal the in-memory
    finish."""
    import pyarrow.parquet as pq

    from analysis.scale import distributed

    rng = np.random.default_rng(8)
    alphabet = np.array([chr(c) for c in range(0x4E00, 0x4E00 + 3000)])

    def report() -> str:
        lines = ["".join(rng.choice(alphabet, 60)) + "。" for _ in range(12)]
        return "\n".join(["关于全县工作的报告", *lines]) + "\n"

    raw = tmp_path / "raw"
    raw.mkdir()
    texts = [report() for _ in range(12)]
    for i, t in enumerate(texts):  # originals in partitions 0-2, copies shuffled over 3-5
        (raw / f"a{i:02d}.txt").write_text(t, encoding="utf-8")
    for k, i in enumerate(rng.permutation(12).tolist()):
        (raw / f"b{k:02d}.txt").write_text(texts[i], encoding="utf-8")
    files = list_raw_files(raw)
    out = tmp_path / "run"
    distributed.ingest_and_tokenize(
        files, out, executor=Executor(), n_partitions=6, finish=False, tokenizer=_no_tokens
    )
    want = _finish_in_memory(out, None, files)
    reads = []
    real = pq.read_table
    monkeypatch.setattr(
        pq, "read_table", lambda p, *a, **kw: reads.append(str(p)) or real(p, *a, **kw)
    )
    got = distributed.finish_run(out, files=files)
    monkeypatch.undo()
    paragraph_reads = [p for p in reads if "/paragraphs/" in p]
    assert len(want.duplicates) == 12
    assert len(set(paragraph_reads)) == 6 and len(paragraph_reads) == 6, paragraph_reads
    for name in ("documents", "quality", "duplicates"):
        pd.testing.assert_frame_equal(getattr(got, name), getattr(want, name), check_exact=True)
