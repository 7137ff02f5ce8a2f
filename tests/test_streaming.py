"""Streaming topic model over Parquet chunks: same units as in memory, bounded reads, a valid
and seed-deterministic TopicResult."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pandas as pd
import pytest
from fixtures_scale import simple_tokens, synthetic_paragraphs

from analysis.scale import streaming


def _write_partitions(tokens: pd.DataFrame, folder, *, n_parts: int = 3):
    docs = tokens["doc_id"].drop_duplicates().tolist()
    step = -(-len(docs) // n_parts)
    for i in range(n_parts):
        part = tokens[tokens["doc_id"].isin(docs[i * step : (i + 1) * step])]
        streaming.write_tokens_parquet(part, folder / f"part-{i:05d}.parquet", row_group_size=50)
    return folder


@pytest.fixture(scope="module")
def token_dir(tmp_path_factory):
    tokens = simple_tokens(synthetic_paragraphs(n_docs=30, seed=3))
    return tokens, _write_partitions(tokens, tmp_path_factory.mktemp("tokens"))


@pytest.mark.parametrize("unit", ["document", "paragraph"])
def test_iter_units_matches_in_memory_grouping(token_dir, unit):
    tokens, folder = token_dir
    key = (
        tokens["doc_id"]
        if unit == "document"
        else tokens["doc_id"] + "#" + tokens["para_id"].astype(str)
    )
    expected = tokens.groupby(key, sort=False)["token"].apply(list)
    # a batch size that does not divide anything: units straddle batches and files
    got = list(streaming.iter_units(folder, unit=unit, batch_size=37))
    assert [u for u, _ in got] == expected.index.tolist()
    assert [t for _, t in got] == expected.tolist()


def test_roundtrip_and_types(token_dir, tmp_path):
    tokens, folder = token_dir
    back = streaming.read_tokens_parquet(folder)
    assert back["token"].tolist() == tokens["token"].tolist()
    assert str(back["para_id"].dtype) == "int32"
    with pytest.raises(ValueError):
        next(streaming.iter_units(folder, unit="sentence"))


def test_reader_never_holds_more_than_a_batch(token_dir, monkeypatch):
    _, folder = token_dir
    sizes = []
    real = streaming.iter_token_batches

    def spy(*args, **kwargs):
        for df in real(*args, **kwargs):
            sizes.append(len(df))
            yield df

    monkeypatch.setattr(streaming, "iter_token_batches", spy)
    n_units = sum(1 for _ in streaming.iter_units(folder, batch_size=64))
    assert n_units == 30
    assert sizes and max(sizes) <= 64


def test_streaming_memory_does_not_grow_with_corpus(tmp_path):
    small = simple_tokens(synthetic_paragraphs(n_docs=20, seed=1))
    big = simple_tokens(synthetic_paragraphs(n_docs=160, seed=1))
    peaks = []
    for name, tokens in (("small", small), ("big", big)):
        folder = _write_partitions(tokens, tmp_path / name, n_parts=4)
        tracemalloc.start()
        n = sum(len(t) for _, t in streaming.iter_units(folder, batch_size=200))
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert n == len(tokens)
    assert len(big) > 6 * len(small)
    assert peaks[1] < 2 * peaks[0], peaks


def test_streaming_lda_is_valid_and_deterministic(token_dir):
    _, folder = token_dir
    kw = dict(k=4, seed=7, unit="paragraph", passes=2, chunksize=25, batch_size=101, no_below=2)
    a = streaming.fit_streaming_lda(folder, **kw)
    b = streaming.fit_streaming_lda(folder, **kw)
    assert a.topic_word.shape == (4, len(a.vocab))
    assert a.doc_topic.shape == (len(a.unit_ids), 4)
    np.testing.assert_allclose(a.topic_word.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(a.doc_topic.sum(axis=1), 1.0, atol=1e-6)
    assert (a.doc_topic >= 0).all() and (a.topic_word >= 0).all()
    np.testing.assert_array_equal(a.topic_word, b.topic_word)
    np.testing.assert_array_equal(a.doc_topic, b.doc_topic)
    assert a.unit_ids[0].count("#") == 1
    assert a.params["seed"] == 7 and a.k == 4
    assert len(a.doc_lengths) == len(a.unit_ids) and len(a.term_freq) == len(a.vocab)
    assert a.doc_lengths.sum() == a.term_freq.sum()
    terms = streaming.topic_terms_frame(a, n=3)
    assert len(terms) == 12 and terms["rank"].max() == 3
    c = streaming.fit_streaming_lda(folder, **{**kw, "seed": 8})
    assert not np.array_equal(a.topic_word, c.topic_word)


def test_streaming_lda_finds_planted_themes(tmp_path):
    # two disjoint vocabularies -> with k=2 each topic should own one of them
    rows = []
    for d in range(40):
        words = ["党建", "组织", "党员", "支部"] if d % 2 else ["招商", "项目", "资金", "企业"]
        for p in range(3):
            for i, w in enumerate(words * 5):
                rows.append((f"{d:03d}", p, w, i, i + 2))
    tokens = pd.DataFrame(rows, columns=streaming.TOKEN_COLUMNS)
    path = streaming.write_tokens_parquet(tokens, tmp_path / "t.parquet")
    res = streaming.fit_streaming_lda(
        path, k=2, seed=1, passes=5, chunksize=10, no_below=1, no_above=1.0
    )
    top = {frozenset(np.array(res.vocab)[np.argsort(-row)[:4]]) for row in res.topic_word}
    assert top == {
        frozenset(["党建", "组织", "党员", "支部"]),
        frozenset(["招商", "项目", "资金", "企业"]),
    }


def test_vectorised_dictionary_matches_gensim(token_dir):
    from gensim.corpora import Dictionary

    tokens, folder = token_dir
    units = tokens.groupby(tokens["doc_id"] + "#" + tokens["para_id"].astype(str), sort=False)
    ref = Dictionary(list(units["token"].apply(list)))
    n_units = ref.num_docs
    ref.filter_extremes(no_below=2, no_above=0.5, keep_n=None)
    got = streaming.build_dictionary(
        folder, unit="paragraph", no_below=2, no_above=0.5, keep_n=None, batch_size=53
    )
    assert got.num_docs == n_units
    assert set(got.token2id) == set(ref.token2id)
    for term, i in got.token2id.items():
        assert got.dfs[i] == ref.dfs[ref.token2id[term]]
        assert got.cfs[i] == ref.cfs[ref.token2id[term]]
    # ids by decreasing document frequency
    assert [got.dfs[i] for i in range(len(got))] == sorted(got.dfs.values(), reverse=True)


def test_encoded_bow_equals_doc2bow_and_keeps_empty_units(tmp_path):
    rows = [("a", 0, "党建", 0, 2), ("a", 0, "党建", 2, 4), ("a", 1, "孤词", 0, 2)]
    rows += [("b", 0, "招商", 0, 2), ("b", 0, "党建", 2, 4), ("c", 0, "罕见", 0, 2)]
    rows += [(d, 0, "招商", 0, 2) for d in "defgh"]  # ≥ 8 units: no_below is not relaxed
    path = streaming.write_tokens_parquet(
        pd.DataFrame(rows, columns=streaming.TOKEN_COLUMNS), tmp_path / "t.parquet"
    )
    dictionary = streaming.build_dictionary(path, unit="paragraph", no_below=2, no_above=1.0)
    assert set(dictionary.token2id) == {"党建", "招商"}
    with streaming.ParquetBowCorpus(path, dictionary, unit="paragraph", batch_size=2) as corpus:
        got = list(corpus.iter_with_ids())
        bow_path = corpus.path
        assert bow_path.exists()
    assert not bow_path.exists()
    expected = {
        uid: sorted(dictionary.doc2bow(toks))
        for uid, toks in streaming.iter_units(path, unit="paragraph")
    }
    assert [u for u, _ in got] == ["a#0", "a#1", "b#0", "c#0", *(f"{d}#0" for d in "defgh")]
    assert {u: sorted(b) for u, b in got} == expected
    assert dict(got)["a#1"] == [] and dict(got)["c#0"] == []


def test_unit_frames_never_split_units(token_dir):
    _, folder = token_dir
    seen = []
    for frame in streaming.iter_unit_frames(folder, unit="paragraph", batch_size=29):
        seen.extend(frame["unit"].unique().tolist())
    assert len(seen) == len(set(seen))


def test_streaming_lda_is_a_topic_backend_with_the_same_option_names(token_dir):
    from analysis.topics import fit_topics

    _, folder = token_dir
    kw = {"k": 3, "seed": 5, "alpha": 0.1, "eta": 0.01}
    via_backend = fit_topics(folder, backend="gensim-streaming", iterations=2, min_df=2, **kw)
    direct = streaming.fit_streaming_lda(folder, passes=2, no_below=2, no_above=0.5, **kw)
    assert via_backend.backend == "gensim-streaming"
    np.testing.assert_allclose(via_backend.topic_word, direct.topic_word)
    with pytest.raises(ValueError, match="in memory"):
        fit_topics(folder, backend="tomotopy", k=3)
