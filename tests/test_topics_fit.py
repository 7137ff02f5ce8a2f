"""One topic fit, made cheap: integer-coded bag of words, vectorised coherence windows, and the
convergence-based stopping rule of Gibbs sampling (issue 14)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import fixture_units
from scipy import sparse

from analysis.text.tokens import unit_tokens
from analysis.topics import DEFAULT_CONVERGENCE, Convergence, build_bow, fit_topics
from analysis.topics.bow import TokenLists
from analysis.topics.coherence import window_counts
from analysis.topics.engines import as_convergence, normalize


def _reference_bow(units: pd.Series, *, min_df, max_df, max_terms=None, keep_terms=()):
    """The straightforward dict-and-list algorithm build_bow must reproduce exactly."""
    s = units.map(lambda toks: [str(t) for t in toks])
    n = len(s)
    df, cf = {}, {}
    for toks in s:
        for t in toks:
            cf[t] = cf.get(t, 0) + 1
        for t in set(toks):
            df[t] = df.get(t, 0) + 1

    def thr(v):
        return v * n if isinstance(v, float) and v <= 1.0 else float(v)

    lo, hi, forced = thr(min_df), thr(max_df), set(keep_terms)
    keep = sorted((t for t, d in df.items() if lo <= d <= hi and t not in forced),
                  key=lambda t: (-cf[t], t))  # fmt: skip
    if max_terms is not None:
        keep = keep[:max_terms]
    keep = sorted(set(keep) | (forced & df.keys()), key=lambda t: (-cf[t], t))
    tid = {t: i for i, t in enumerate(keep)}
    ids, texts, raw, dropped, rows, cols = [], [], [], [], [], []
    for uid, toks in s.items():
        kept = [t for t in toks if t in tid]
        if not kept:
            dropped.append(str(uid))
            continue
        rows += [len(ids)] * len(kept)
        cols += [tid[t] for t in kept]
        ids.append(str(uid))
        texts.append(kept)
        raw.append(list(toks))
    counts = sparse.csr_matrix(
        (np.ones(len(rows), np.int64), (rows, cols)), shape=(len(ids), len(keep))
    )
    counts.sum_duplicates()
    return ids, keep, counts, texts, raw, dropped


def _random_units(seed: int, n: int = 60) -> pd.Series:
    rng = np.random.default_rng(seed)
    words = [f"词{i}" for i in range(40)] + ["党建", "项目", "道路"]
    p = 1 / np.arange(1, len(words) + 1)
    lists = [list(rng.choice(words, size=rng.integers(0, 25), p=p / p.sum())) for _ in range(n)]
    lists[3] = [7, "党建", 7]  # a non-string token is coerced with str()
    return pd.Series(lists, index=[f"d{i % 7}#{i}" for i in range(n)], dtype=object)


@pytest.mark.parametrize(
    "kw",
    [
        {"min_df": 2, "max_df": 0.5},
        {"min_df": 1, "max_df": 1.0},
        {"min_df": 0.05, "max_df": 30, "max_terms": 10, "keep_terms": ["道路", "不存在"]},
    ],
)
@pytest.mark.parametrize("seed", [0, 1])
def test_build_bow_reproduces_the_reference_algorithm(kw, seed):
    units = _random_units(seed)
    bow = build_bow(units, **kw)
    ids, vocab, counts, texts, raw, dropped = _reference_bow(units, **kw)
    assert bow.unit_ids == ids and bow.vocab == vocab and bow.dropped == dropped
    assert bow.counts.dtype == counts.dtype and bow.counts.shape == counts.shape
    for part in ("indptr", "indices", "data"):
        np.testing.assert_array_equal(getattr(bow.counts, part), getattr(counts, part))
    assert list(bow.texts) == texts and list(bow.raw_texts) == raw
    assert bow.texts[-1] == texts[-1] and bow.raw_texts[1] == raw[1]
    rows = [4, 0, 2]
    sub = bow.subset(rows)
    assert list(sub.texts) == [texts[i] for i in rows]
    assert list(sub.raw_texts) == [raw[i] for i in rows]
    assert sub.unit_ids == [ids[i] for i in rows]


def test_token_lists_behave_like_lists_of_strings():
    lists = [["a", "b", "a"], [], ["c"]]
    tl = TokenLists.from_lists(lists)
    assert len(tl) == 3 and list(tl) == lists and tl == lists and tl[-1] == ["c"]
    assert tl[0:2] == lists[0:2] and tl.take([2, 0]) == [["c"], ["a", "b", "a"]]
    with pytest.raises(IndexError):
        tl[3]
    np.testing.assert_array_equal(tl.codes_for(["a", "c"]), [0, -1, 0, 1])


def _long_repetitive_units(seed: int) -> pd.Series:
    """Units of 0-300 tokens drawn from five words: a word recurs many times per window."""
    rng = np.random.default_rng(seed)
    words = ["甲", "乙", "丙", "丁", "戊"]
    lists = [list(rng.choice(words, size=rng.integers(0, 300))) for _ in range(30)]
    return pd.Series(lists, index=[f"u{i}" for i in range(30)], dtype=object)


@pytest.mark.parametrize("window", [None, 1, 3, 10, 110])
@pytest.mark.parametrize("which", ["random", "repetitive"])
def test_coded_window_counts_equal_the_per_unit_loop(window, which):
    """The coded counts (per-word window ranges clipped at the previous range's end, one CSC
    matrix) against the per-unit loop that sums duplicates: same windows, same counts."""
    units = _random_units(2, n=80) if which == "random" else _long_repetitive_units(5)
    bow = build_bow(units, min_df=1, max_df=1.0)
    words = [*bow.vocab[:12][::-1], "不存在"]
    for texts in (bow.raw_texts, bow.texts):
        coded = window_counts(texts, words, window=window)
        plain = window_counts(list(texts), words, window=window)
        assert coded[2] == plain[2]
        assert coded[0].dtype == plain[0].dtype and coded[1].dtype == plain[1].dtype
        np.testing.assert_array_equal(coded[0], plain[0])
        np.testing.assert_array_equal(coded[1], plain[1])


def test_unit_tokens_sorts_tokens_that_are_out_of_reading_order():
    tokens = pd.DataFrame(
        {
            "doc_id": pd.Categorical(["b", "a", "a", "b", "a"], categories=["b", "a"]),
            "para_id": np.array([0, 1, 0, 0, 0], np.int32),
            "token": ["乙", "丙", "甲", "丁", "戊"],
            "start": np.array([0, 0, 4, 2, 0], np.int32),
            "end": np.array([1, 1, 5, 3, 1], np.int32),
        }
    )
    out = unit_tokens(tokens, "paragraph")
    assert out.index.tolist() == ["a#0", "a#1", "b#0"]
    assert out.tolist() == [["戊", "甲"], ["丙"], ["乙", "丁"]]
    ordered = tokens.iloc[[4, 2, 1, 0, 3]].reset_index(drop=True)
    assert unit_tokens(ordered, "paragraph").equals(out)
    assert unit_tokens(tokens, "document").tolist() == [["戊", "甲", "丙"], ["乙", "丁"]]


@pytest.fixture(scope="module")
def bow():
    return build_bow(fixture_units())


def test_convergence_stops_early_and_equals_the_fixed_fit_of_that_length(bow):
    rule = Convergence(tol=1e-2, every=5, min_iterations=10)
    stopped = fit_topics(bow, k=4, seed=3, iterations=300, convergence=rule, measures=())
    run = stopped.params["iterations_run"]
    assert 10 <= run < 300 and run % 5 == 0
    assert stopped.params["iterations"] == 300
    assert "0.01" in stopped.params["stopping"] and "max 300" in stopped.params["stopping"]
    fixed = fit_topics(bow, k=4, seed=3, iterations=run, measures=())
    np.testing.assert_array_equal(stopped.topic_word, fixed.topic_word)
    np.testing.assert_array_equal(stopped.doc_topic, fixed.doc_topic)
    assert fixed.params["stopping"] == f"fixed {run}" and fixed.params["iterations_run"] == run
    assert stopped.metrics["ll_per_word"] == fixed.metrics["ll_per_word"] < 0
    again = fit_topics(bow, k=4, seed=3, iterations=300, convergence=rule, measures=())
    np.testing.assert_array_equal(again.topic_word, stopped.topic_word)


def test_convergence_bounds_min_and_max(bow):
    never = Convergence(tol=1e-12, every=7, min_iterations=0)
    assert fit_topics(bow, k=4, seed=0, iterations=30, convergence=never,
                      measures=()).params["iterations_run"] == 30  # fmt: skip
    at_once = Convergence(tol=1.0, every=5, min_iterations=15)
    assert fit_topics(bow, k=4, seed=0, iterations=300, convergence=at_once,
                      measures=()).params["iterations_run"] == 15  # fmt: skip


def test_backends_without_a_stopping_rule_ignore_it(bow):
    r = fit_topics(bow, k=3, backend="sklearn", seed=0, iterations=5, convergence=True, measures=())
    assert r.params["stopping"] == "fixed 5" and np.isnan(r.metrics["ll_per_word"])


def test_as_convergence():
    assert as_convergence(None) is None and as_convergence(False) is None
    assert as_convergence(True) is DEFAULT_CONVERGENCE
    assert as_convergence({"tol": 0.01}) == Convergence(tol=0.01)
    with pytest.raises(ValueError):
        Convergence(tol=0)
    with pytest.raises(TypeError):
        as_convergence(0.01)


def test_topic_cache_key_takes_a_convergence_rule():
    from analysis.cache import cache_path
    from analysis.topics.pipeline import topic_cache_key

    units = fixture_units()
    a = topic_cache_key(units, None, convergence=Convergence(tol=0.01))
    b = topic_cache_key(units, None, convergence=Convergence(tol=0.02))
    c = topic_cache_key(units, None, convergence={"tol": 0.01})
    assert cache_path(a, "topics") != cache_path(b, "topics") != cache_path(c, "topics")


def _bare_tomotopy(bow, *, k, seed, iterations, optim_interval):
    """tomotopy used directly (no project code): the reference for ``learn_alpha``."""
    import tomotopy as tp  # the process's build is already fixed by the fits it is compared to

    model = tp.LDAModel(k=k, alpha=0.1, eta=0.01, seed=seed, min_cf=0, min_df=0, rm_top=0)
    if optim_interval is not None:
        model.optim_interval = optim_interval
    for text in bow.texts:
        model.add_doc(text)
    model.train(0, workers=1)
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)
    pos = {w: i for i, w in enumerate(model.used_vocabs)}
    raw = np.stack([model.get_topic_word_dist(t) for t in range(k)])
    return raw[:, [pos[w] for w in bow.vocab]], model.ll_per_word


def test_learn_alpha_switches_tomotopys_alpha_re_estimation(bow):
    """learn_alpha=True is tomotopy's default sampler (alpha re-estimated every 10 sweeps),
    False keeps the symmetric alpha fixed (optim_interval 0); both equal bare tomotopy."""
    learnt = fit_topics(bow, k=4, seed=5, iterations=40, measures=())
    fixed = fit_topics(bow, k=4, seed=5, iterations=40, learn_alpha=False, measures=())
    assert learnt.params["learn_alpha"] is True and fixed.params["learn_alpha"] is False
    for result, interval in ((learnt, None), (fixed, 0)):
        ref, ll = _bare_tomotopy(bow, k=4, seed=5, iterations=40, optim_interval=interval)
        np.testing.assert_array_equal(result.topic_word, normalize(ref))
        assert result.metrics["ll_per_word"] == ll
    assert not np.array_equal(learnt.topic_word, fixed.topic_word)
    # the first 10 sweeps precede the first re-estimation: identical chains up to there
    a = fit_topics(bow, k=4, seed=5, iterations=10, measures=())
    b = fit_topics(bow, k=4, seed=5, iterations=10, learn_alpha=False, measures=())
    np.testing.assert_array_equal(a.topic_word, b.topic_word)


def test_backends_without_alpha_learning_record_it_as_off(bow):
    r = fit_topics(bow, k=3, backend="sklearn", seed=0, iterations=5, learn_alpha=True, measures=())
    assert r.params["learn_alpha"] is False


def _cpu_has_avx2() -> bool:
    try:
        return " avx2" in open("/proc/cpuinfo", encoding="utf-8").read()
    except OSError:
        return False


@pytest.mark.parametrize(
    ("environment", "expected"), [(None, "avx2"), ("sse2", "sse2")], ids=["default", "user-set"]
)
def test_import_tomotopy_fixes_the_instruction_set_build(environment, expected):
    """A fresh process gets tomotopy's AVX2 build (not the widest the CPU has: the builds sample
    differently), unless TOMOTOPY_ISA is set by the user."""
    import os
    import subprocess
    import sys

    if expected == "avx2" and not _cpu_has_avx2():
        pytest.skip("this CPU has no AVX2: import_tomotopy falls back to SSE2 there")
    env = {k: v for k, v in os.environ.items() if k != "TOMOTOPY_ISA"}
    if environment:
        env["TOMOTOPY_ISA"] = environment
    code = "from analysis.topics.engines import import_tomotopy; print(import_tomotopy().isa)"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected


def _assert_same_bow(got, want):
    assert got.unit_ids == want.unit_ids and got.vocab == want.vocab
    assert got.dropped == want.dropped and got.counts.shape == want.counts.shape
    for part in ("indptr", "indices", "data"):
        a, b = getattr(got.counts, part), getattr(want.counts, part)
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    for a, b in ((got.texts, want.texts), (got.raw_texts, want.raw_texts)):
        for part in ("ids", "offsets", "terms"):
            assert getattr(a, part).dtype == getattr(b, part).dtype
            np.testing.assert_array_equal(getattr(a, part), getattr(b, part))


def _token_table(seed: int, *, shuffled: bool, arrow: bool) -> pd.DataFrame:
    """A token table made from random units: docs out of name order in the categories, several
    paragraphs per document, rows shuffled or in reading order, tokens Arrow-backed or objects."""
    units = _random_units(seed).map(lambda toks: [str(t) for t in toks])
    rows = []
    for i, toks in enumerate(units):
        for j, t in enumerate(toks):
            rows.append((f"d{(i * 5) % 9}", i // 3, t, 3 * j, 3 * j + len(t)))
    doc, para, token, start, end = zip(*rows, strict=True)
    table = pd.DataFrame(
        {
            "doc_id": pd.Categorical(
                doc, categories=[f"d{i}" for i in (3, 1, 0, 8, 2, 7, 4, 6, 5)]
            ),
            "para_id": np.array(para, np.int32),
            "token": pd.array(token, dtype="str" if arrow else object),
            "start": np.array(start, np.int32),
            "end": np.array(end, np.int32),
        }
    )
    if shuffled:
        return table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    key = [table["doc_id"].astype(str), table["para_id"], table["start"]]
    return table.iloc[np.lexsort(key[::-1])].reset_index(drop=True)


@pytest.mark.parametrize(
    "kw",
    [
        {"min_df": 2, "max_df": 0.5},
        {"min_df": 1, "max_df": 1.0},
        {"min_df": 0.05, "max_df": 30, "max_terms": 10, "keep_terms": ["道路", "不存在"]},
    ],
)
@pytest.mark.parametrize("unit", ["paragraph", "document"])
@pytest.mark.parametrize("shuffled", [False, True])
@pytest.mark.parametrize("arrow", [False, True])
def test_bow_from_tokens_equals_build_bow_of_unit_tokens(kw, unit, shuffled, arrow):
    """The token-table shortcut (Arrow encoding in reading order, CSR from offsets) against
    the plain route through per-unit lists, field by field and dtype by dtype."""
    from analysis.topics.bow import bow_from_tokens

    tokens = _token_table(3, shuffled=shuffled, arrow=arrow)
    got = bow_from_tokens(tokens, unit, **kw)
    _assert_same_bow(got, build_bow(unit_tokens(tokens, unit), **kw))
    ids, vocab, counts, texts, raw, dropped = _reference_bow(unit_tokens(tokens, unit), **kw)
    assert got.unit_ids == ids and got.vocab == vocab and list(got.texts) == texts


def test_bow_from_tokens_coerces_non_strings_and_refuses_nothing_to_model():
    from analysis.topics.bow import bow_from_tokens

    tokens = _token_table(4, shuffled=False, arrow=False)
    tokens["token"] = tokens["token"].astype(object)
    tokens.loc[[2, 5], "token"] = 7
    _assert_same_bow(bow_from_tokens(tokens), build_bow(unit_tokens(tokens)))
    with pytest.raises(ValueError, match="no units"):
        bow_from_tokens(tokens.iloc[:0])
