"""Keywords: TF-IDF, document similarity and keyness on hand-checkable inputs."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import fixture_units

from analysis.measures.keywords import (
    doc_similarity,
    document_units,
    keyness,
    keyness_by_group,
    keyword_tables,
    tfidf_keywords,
)


def test_keyness_by_hand():
    # target: 100 tokens, 党建 x10; reference: 200 tokens, 党建 x5
    units = pd.Series({
        "t#0": ["党建"] * 10 + ["其他"] * 90,
        "r#0": ["党建"] * 5 + ["其他"] * 195,
    })  # fmt: skip
    k = keyness(units, ["t"], min_freq=1, chi2=True).set_index("term")
    row = k.loc["党建"]
    assert (row.freq_target, row.freq_ref) == (10, 5)
    # E1 = 100*15/300 = 5, E2 = 10; G2 = 2(10 ln 2 + 5 ln 0.5) = 10 ln 2
    assert row.g2 == pytest.approx(10 * math.log(2))
    assert row.log_ratio == pytest.approx(2.0)  # log2(0.10 / 0.025)
    assert row.p == pytest.approx(0.008468, abs=1e-5)
    # chi2 = sum (O-E)^2/E over the 2x2 table: 25/5 + 25/10 + 25/95 + 25/190
    assert row.chi2 == pytest.approx(5 + 2.5 + 25 / 95 + 25 / 190)
    assert k.index[0] == "党建" and k.index[-1] == "其他"  # over-used first, under-used last
    assert k.loc["其他", "log_ratio"] < 0


def test_keyness_zero_frequency_stays_finite_and_selectors_agree():
    units = pd.Series({"a#0": ["招商引资"] * 4 + ["项目"] * 4, "b#0": ["项目"] * 8,
                       "b#1": ["道路"] * 8})  # fmt: skip
    k = keyness(units, ["a"], min_freq=1).set_index("term")
    assert np.isfinite(k.loc["招商引资", "log_ratio"])
    # log2((4/8) / (0.5/16)) = 4
    assert k.loc["招商引资", "log_ratio"] == pytest.approx(4.0)
    by_pred = keyness(units, lambda u: u.startswith("a"), min_freq=1)
    by_mask = keyness(units, pd.Series({"a#0": True, "b#0": False, "b#1": False}), min_freq=1)
    pd.testing.assert_frame_equal(by_pred, k.reset_index())
    pd.testing.assert_frame_equal(by_mask, k.reset_index())
    only_b0 = keyness(units, ["a"], reference=["b#0"], min_freq=1).set_index("term")
    assert "道路" not in only_b0.index
    with pytest.raises(ValueError, match="target"):
        keyness(units, ["zzz"])


def test_keyness_q_values_are_monotone_adjustments():
    k = keyness(fixture_units(), ["000"], min_freq=1)
    assert (k["q"] >= k["p"] - 1e-15).all() and (k["q"] <= 1).all()
    order = np.argsort(k["p"].to_numpy(), kind="stable")
    assert np.all(np.diff(k["q"].to_numpy()[order]) >= -1e-12)


def test_tfidf_keywords_by_hand():
    units = pd.Series({"d1#0": ["党建", "党建", "项目"], "d1#1": ["党建"],
                       "d2#0": ["项目", "道路"]})  # fmt: skip
    kw = tfidf_keywords(units, n=2, sublinear_tf=False)
    assert list(kw.columns) == ["doc_id", "rank", "term", "score", "count"]
    d1 = kw[kw.doc_id == "d1"]
    assert d1["term"].tolist() == ["党建", "项目"] and d1["count"].tolist() == [3, 1]
    idf_unique = math.log(3 / 2) + 1  # term in one of two documents
    w = np.array([3 * idf_unique, 1.0])  # 项目 occurs in both documents: idf = 1
    assert d1["score"].tolist() == pytest.approx((w / np.linalg.norm(w)).tolist())
    assert kw[kw.doc_id == "d2"]["term"].iloc[0] == "道路"


def test_doc_similarity_is_a_symmetric_cosine_matrix():
    units = fixture_units()
    sim = doc_similarity(units)
    docs = sorted(document_units(units).index)
    assert sorted(sim.index) == docs and list(sim.columns) == list(sim.index)
    np.testing.assert_allclose(np.diag(sim), 1.0)
    np.testing.assert_allclose(sim.to_numpy(), sim.to_numpy().T)
    assert ((sim.to_numpy() >= 0) & (sim.to_numpy() <= 1 + 1e-12)).all()
    disjoint = doc_similarity(pd.Series({"a": ["党建"], "b": ["道路"], "c": ["党建", "道路"]}))
    assert disjoint.loc["a", "b"] == 0 and 0 < disjoint.loc["a", "c"] < 1


def test_keyness_by_group_picks_each_groups_own_terms():
    units = fixture_units()
    topic_of_para = {u: int(u.split("#")[1]) % 4 for u in units.index}
    out = keyness_by_group(units, topic_of_para, n=3)
    assert set(out["group"]) == {"0", "1", "2", "3"}
    assert (out["log_ratio"] > 0).all() and (out.groupby("group").size() == 3).all()
    assert set(out.loc[out.group == "0", "term"]) <= {
        "党建", "党员", "党组织", "支部", "先锋模范", "战斗堡垒", "创先争优", "组织生活",
        "党课", "村级党组织", "两委", "发展党员"}  # fmt: skip


def test_keyword_tables_bundle_documents_and_themes():
    units = fixture_units()
    pt = pd.DataFrame({
        "doc_id": [u.split("#")[0] for u in units.index],
        "para_id": [int(u.split("#")[1]) for u in units.index],
        "dominant_theme": ["agri" if int(u.split("#")[1]) % 4 == 3 else "none" for u in units.index],
    })  # fmt: skip
    out = keyword_tables(units, n=5, paragraph_themes=pt)
    assert set(out) == {"tfidf_keywords", "similarity", "keyness"}
    k = out["keyness"]
    assert list(k.columns[:3]) == ["comparison", "group", "term"]
    assert set(k.loc[k.comparison == "document", "group"]) == {"000", "001", "002", "003"}
    agri = k[k.comparison == "theme"]
    assert set(agri["group"]) == {"agri"} and len(agri) == 5
    assert set(agri["term"]) <= {"农业", "农民", "增收", "种植", "养殖", "合作社", "粮食", "蔬菜",
                                 "大棚", "耕地", "农产品", "示范基地"}  # fmt: skip


def test_keyness_by_group_equals_one_keyness_per_group():
    """The one-pass group computation gives exactly what keyness() gives group by group."""
    from analysis.measures.keywords import keyness

    units = fixture_units()
    groups = pd.Series({u: u.split("#")[0] for u in units.index})
    groups.iloc[::7] = None  # some units are reference-only
    fast = keyness_by_group(units, groups, n=None, min_freq=2)
    for label in groups.dropna().unique():
        slow = keyness(units, groups == label, min_freq=2)
        got = fast[fast["group"] == label].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, slow, check_dtype=False)
