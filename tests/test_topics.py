"""Topic models: shared bag of words, backends, metrics, K selection, stability, determinism."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import TOPIC_WORDS, fixture_units

from analysis.topics import (
    BACKENDS,
    align_topics,
    build_bow,
    choose_k,
    doc_topics,
    fit_topics,
    select_k,
    topic_stability,
    topic_table,
)
from analysis.topics.bow import TokenLists
from analysis.topics.coherence import (
    c_v,
    diversity,
    fold_in,
    heldout_perplexity,
    npmi,
    u_mass,
    window_counts,
)

FAST = {"tomotopy": 300, "gensim": 20, "sklearn": 30, "gensim-streaming": 20}


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return fixture_units()


@pytest.fixture(scope="module")
def bow(units):
    return build_bow(units)


def _topic_of(term: str) -> str:
    return next(t for t, ws in TOPIC_WORDS.items() if term in ws)


# --------------------------------------------------------------------------- bag of words


def test_bow_prunes_by_document_frequency_and_keeps_forced_terms():
    units = pd.Series({"a#0": ["党建", "项目", "项目", "全镇"], "a#1": ["党建", "全镇"],
                       "b#0": ["道路", "全镇"], "b#1": ["全镇", "孤词"]})  # fmt: skip
    bow = build_bow(units, min_df=2, max_df=0.5)
    assert bow.vocab == ["党建"]  # 全镇 in 4/4 units > 50 %; 项目, 道路, 孤词 in one unit
    assert bow.unit_ids == ["a#0", "a#1"] and bow.dropped == ["b#0", "b#1"]
    forced = build_bow(units, min_df=2, max_df=0.5, keep_terms=["道路", "不存在"])
    assert forced.vocab == ["党建", "道路"]
    assert forced.counts.toarray().tolist() == [[1, 0], [1, 0], [0, 1]]
    assert forced.raw_texts[2] == ["道路", "全镇"] and forced.texts[2] == ["道路"]


# --------------------------------------------------------------------------- backends


@pytest.mark.parametrize("backend", BACKENDS)
def test_backends_share_shape_sum_to_one_and_recover_topics(bow, backend):
    res = fit_topics(bow, k=4, backend=backend, seed=3, iterations=FAST[backend])
    assert res.topic_word.shape == (4, len(bow.vocab))
    assert res.doc_topic.shape == (len(bow.unit_ids), 4)
    np.testing.assert_allclose(res.topic_word.sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(res.doc_topic.sum(axis=1), 1.0, atol=1e-9)
    assert res.vocab == bow.vocab and res.unit_ids == bow.unit_ids
    assert res.params["seed"] == 3 and res.params["backend"] == backend
    assert {"npmi", "c_v", "u_mass", "diversity", "perplexity"} <= res.metrics.keys()
    # each topic's top 6 terms come from one fixture topic, and all four topics are found
    found = set()
    for row in res.top_term_ids(6):
        owners = {_topic_of(res.vocab[j]) for j in row}
        assert len(owners) == 1, [res.vocab[j] for j in row]
        found |= owners
    assert found == set(TOPIC_WORDS)


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_tokens_and_seed_give_identical_results(units, backend):
    runs = [
        fit_topics(units, k=4, backend=backend, seed=11, iterations=FAST[backend]) for _ in range(3)
    ]
    tops = [[[r.vocab[j] for j in row] for row in r.top_term_ids(10)] for r in runs]
    assert tops[0] == tops[1] == tops[2]
    for r in runs[1:]:
        np.testing.assert_array_equal(r.topic_word, runs[0].topic_word)
        np.testing.assert_array_equal(r.doc_topic, runs[0].doc_topic)
        pd.testing.assert_frame_equal(topic_table(r), topic_table(runs[0]))
        pd.testing.assert_frame_equal(doc_topics(r), doc_topics(runs[0]))


def test_holdout_units_are_folded_in_and_scored(bow):
    res = fit_topics(bow, k=4, seed=1, holdout=0.2, split_seed=5, iterations=300)
    assert np.isfinite(res.metrics["perplexity"]) and res.metrics["perplexity"] > 1
    np.testing.assert_allclose(res.doc_topic.sum(axis=1), 1.0)
    full = fit_topics(bow, k=4, seed=1, iterations=300)
    assert np.isnan(full.metrics["perplexity"])


def test_sklearn_refuses_word_priors(bow):
    with pytest.raises(ValueError, match="per-word priors"):
        fit_topics(bow, k=2, backend="sklearn", word_prior=np.ones((2, len(bow.vocab))))


# --------------------------------------------------------------------------- metrics


def test_window_counts_by_hand():
    texts = [["a", "x", "b", "a"], ["b"], []]
    occ, co, n = window_counts(texts, ["a", "b"], window=2)
    # windows: [a x] [x b] [b a] | [b] -> a in 2, b in 3, both in 1, 4 windows
    assert n == 4 and occ.tolist() == [2, 3] and co[0, 1] == 1
    occ, co, n = window_counts(texts, ["a", "b"], window=None)
    assert n == 2 and occ.tolist() == [1, 2] and co[0, 1] == 1


@pytest.mark.parametrize("window", [1, 2])
def test_window_counts_when_no_window_holds_a_word(window):
    """Units longer than the window, none holding the word: the plain-list loop collected no
    rows and failed on np.concatenate([]); now zero counts over the windows, as the coded path."""
    texts = [["扶贫", "扶贫", "搬迁"], ["搬迁", "安置"]]
    n_windows = {1: 5, 2: 3}[window]
    for words in (["农机"], ["农机", "补贴"]):
        for given in (texts, TokenLists.from_lists(texts)):
            occ, co, n = window_counts(given, words, window=window)
            assert n == n_windows and occ.dtype == np.float64
            assert occ.tolist() == [0.0] * len(words) and not co.any()
            assert co.shape == (len(words), len(words))


def test_coherence_matches_gensim(bow):
    from gensim.corpora import Dictionary
    from gensim.models import CoherenceModel

    res = fit_topics(bow, k=4, seed=2, iterations=300, measures=())
    topics = [[bow.vocab[j] for j in row] for row in res.top_term_ids(10)]
    d = Dictionary([bow.vocab])

    def gensim(measure, texts):
        cm = CoherenceModel(topics=topics, texts=texts, dictionary=d, coherence=measure,
                            processes=1, topn=10)  # fmt: skip
        return np.array(cm.get_coherence_per_topic())

    np.testing.assert_allclose(u_mass(topics, bow.texts), gensim("u_mass", bow.texts))
    # without repeated terms inside a window gensim's incremental window set is exact
    uniq = [list(dict.fromkeys(t)) for t in bow.raw_texts]
    np.testing.assert_allclose(npmi(topics, uniq), gensim("c_npmi", uniq), atol=1e-9)
    np.testing.assert_allclose(c_v(topics, uniq), gensim("c_v", uniq), atol=1e-9)
    # with repeats gensim undercounts slightly (documented); stay close
    np.testing.assert_allclose(
        npmi(topics, bow.raw_texts), gensim("c_npmi", bow.raw_texts), atol=0.05
    )


def test_diversity_by_hand():
    tw = np.array([[0.5, 0.3, 0.2, 0.0], [0.5, 0.0, 0.2, 0.3]])
    assert diversity(tw, top=2) == 0.75  # tops {0,1} and {0,3}: 3 unique of 4
    assert diversity(tw[[0, 0]], top=2) == 0.5


def test_fold_in_recovers_mixture_and_perplexity_prefers_true_topics(bow):
    phi = np.array([[0.7, 0.3, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]]) + 1e-9
    phi /= phi.sum(axis=1, keepdims=True)
    counts = np.array([[70, 30, 0, 0], [35, 15, 25, 25]])
    theta = fold_in(phi, counts, alpha=0.0, iterations=200)
    np.testing.assert_allclose(theta, [[1, 0], [0.5, 0.5]], atol=1e-3)
    good = fit_topics(bow, k=4, seed=1, iterations=300, measures=()).topic_word
    flat = np.full_like(good, 1.0 / good.shape[1])
    assert heldout_perplexity(good, bow, seed=0) < 0.8 * heldout_perplexity(flat, bow, seed=0)


# --------------------------------------------------------------------------- choosing K


def test_select_k_sweeps_and_picks_the_true_k(units):
    table = select_k(units, ks=[2, 4, 6], seeds=[0, 1], backends=["tomotopy", "sklearn"],
                     iterations=200)  # fmt: skip
    assert list(table.columns[:8]) == ["backend", "k", "seed", "npmi", "c_v", "u_mass",
                                       "perplexity", "diversity"]  # fmt: skip
    assert len(table) == 2 * 3 * 2
    assert table[["npmi", "c_v", "u_mass", "perplexity", "diversity"]].notna().all().all()
    assert table.attrs["chosen_k"] == 4
    assert choose_k(table, backend="sklearn") == 4


def test_choose_k_prefers_smaller_k_on_a_plateau():
    rows = [("m", k, s, v) for k, vals in {3: [0.10, 0.12], 5: [0.20, 0.22], 7: [0.21, 0.23],
            9: [0.05, 0.07]}.items() for s, v in enumerate(vals)]  # fmt: skip
    table = pd.DataFrame(rows, columns=["backend", "k", "seed", "npmi"])
    assert choose_k(table) == 5  # 7 is best (0.22 ± 0.01); 5 (0.21) is within one SE
    table.loc[table["k"] == 5, "npmi"] = [0.15, 0.17]
    assert choose_k(table) == 7


# --------------------------------------------------------------------------- stability


def test_alignment_recovers_a_known_permutation():
    rng = np.random.default_rng(0)
    ref = rng.dirichlet(np.full(50, 0.1), size=8)
    perm = rng.permutation(8)
    other = ref[perm] + rng.uniform(0, 0.002, size=ref.shape)
    other /= other.sum(axis=1, keepdims=True)
    for metric in ("cosine", "jsd", "jaccard"):
        match, sim = align_topics(ref, other, metric=metric)
        np.testing.assert_array_equal(other[match].argmax(axis=1), ref.argmax(axis=1))
        np.testing.assert_array_equal(perm[match], np.arange(8))
        assert (sim > 0.8).all()


def test_topic_stability_on_fixture(units):
    st = topic_stability(units, k=4, seeds=[0, 1, 3], iterations=300)
    assert list(st["topic"]) == [0, 1, 2, 3]
    assert (st["n_runs"] == 3).all()
    assert (st["stability"] > 0.9).all() and (st["mean_jaccard"] > 0.5).all()
    # an over-split model is less stable than the true one
    over = topic_stability(units, k=9, seeds=[0, 1, 3], iterations=300)
    assert over.attrs["mean_stability"] < st.attrs["mean_stability"]


def test_large_corpus_policy_sweeps_a_sample_and_keeps_all_units_in_the_model(units):
    """Above max_sweep_units the K sweep runs on a seeded sample; the final model uses every unit."""
    from analysis.topics.backends import BACKEND_SPECS
    from analysis.topics.pipeline import _run_topic_analysis

    out = _run_topic_analysis(units, ks=(3, 4), n_seeds=1, max_sweep_units=30, seed=7)
    choice = out["topic_choice"].iloc[0]
    assert choice["n_units_sweep"] == 30 < choice["n_units"] == len(out["model"].unit_ids)
    assert out["model"].params["iterations"] == BACKEND_SPECS["tomotopy"].large_iterations == 200
    # large corpus: sampling stops by the backend's convergence rule, recorded in topic_choice
    assert BACKEND_SPECS["tomotopy"].large_convergence is not None
    assert choice["stopping"].startswith("stop when log-likelihood/word changes")
    assert choice["iterations_run"] == out["model"].params["iterations_run"] <= 200
    assert np.isfinite(out["model"].metrics["c_v"])  # computed on the sample
    assert len(out["topic_stability"]) == out["chosen_k"]  # 3 runs by default when large
    # large corpus: alpha kept symmetric and fixed (issue 14); a small corpus re-estimates it
    assert BACKEND_SPECS["tomotopy"].large_learn_alpha is False
    assert out["model"].params["learn_alpha"] is False
    small = _run_topic_analysis(units, ks=(3,), n_seeds=1, iterations=50, seed=7)
    assert small["model"].params["learn_alpha"] is True
    again = _run_topic_analysis(units, ks=(3, 4), n_seeds=1, max_sweep_units=30, seed=7)
    assert again["topics"].equals(out["topics"])
