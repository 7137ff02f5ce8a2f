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


def _random_units(seed: int) -> tuple[pd.Series, pd.Series]:
    """Units with Zipf-like terms (many tied totals), a tiny group (absent terms can be
    over-used there: log ratio > 0 with a = 0), empty units and unlabelled units."""
    rng = np.random.default_rng(seed)
    vocab = [f"词{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, len(vocab) + 1)
    weights /= weights.sum()
    units, groups = {}, {}
    for d in range(12):
        for p in range(int(rng.integers(1, 6))):
            size = 0 if rng.random() < 0.1 else int(rng.integers(1, 120))
            units[f"{d:03d}#{p}"] = list(rng.choice(vocab, size=size, p=weights))
            groups[f"{d:03d}#{p}"] = None if rng.random() < 0.2 else f"g{rng.integers(0, 4)}"
    units["tiny#0"] = ["词0"]  # a one-token group: almost every absent term is "over-used"
    groups["tiny#0"] = "tiny"
    return pd.Series(units), pd.Series(groups)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(("n", "min_freq"), [(5, 1), (20, 2), (400, 3)])
def test_keyness_by_group_top_n_equals_plain_keyness(seed, n, min_freq):
    """The batched top-n computation (per distinct total for absent terms, weighted BH, one χ²
    call) gives exactly the first n over-used rows of keyness() group by group."""
    units, groups = _random_units(seed)
    fast = keyness_by_group(units, groups, n=n, min_freq=min_freq)
    labels = sorted(groups.dropna().unique())
    assert sorted(fast["group"].unique()) == labels
    for label in labels:
        slow = keyness(units, groups == label, min_freq=min_freq)
        slow = slow[slow["log_ratio"] > 0].head(n).reset_index(drop=True)
        got = fast[fast["group"] == label].drop(columns="group").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, slow, check_exact=True)


def test_keyness_by_group_tiny_group_lists_absent_terms():
    units, groups = _random_units(0)
    out = keyness_by_group(units, groups, n=50, min_freq=1)
    tiny = out[out["group"] == "tiny"]
    assert len(tiny) == 50 and (tiny["freq_target"] == 0).sum() >= 49


def _dispersion_by_hand(k: pd.DataFrame, units: pd.Series, groups: pd.Series) -> pd.DataFrame:
    doc = {u: u.split("#", 1)[0] for u in units.index}
    rows = []
    for grp, term in zip(k["group"], k["term"], strict=True):
        per_doc: dict[str, int] = {}
        for u, toks in units.items():
            if groups.get(u) == grp and toks.count(term):
                per_doc[doc[u]] = per_doc.get(doc[u], 0) + toks.count(term)
        all_docs = {doc[u] for u, toks in units.items() if term in toks}
        total = sum(per_doc.values())
        share = max(per_doc.values()) / total if total else np.nan
        rows.append((len(per_doc), len(all_docs) - len(per_doc), share,
                     len(per_doc) >= 2 and share <= 0.8))  # fmt: skip
    return pd.DataFrame(rows, columns=["docs_target", "docs_ref", "max_doc_share", "dispersed"])


@pytest.mark.parametrize("seed", range(4))
def test_keyness_dispersion_on_shared_counts_equals_counting_by_hand(seed):
    from analysis.measures.groups import keyness_dispersion
    from analysis.measures.keywords import unit_term_counts

    units, groups = _random_units(seed)
    k = keyness_by_group(units, groups, n=15, min_freq=1)
    k = pd.concat([k, pd.DataFrame({"group": ["g0"], "term": ["不在语料"]})], ignore_index=True)
    index = units.index
    shared = keyness_dispersion(k, units, groups, counts=unit_term_counts(units))
    alone = keyness_dispersion(k, units, groups)
    assert units.index is index  # the caller's Series is not modified
    pd.testing.assert_frame_equal(shared, alone, check_exact=True)
    by_hand = _dispersion_by_hand(k, units, groups)
    got = shared[by_hand.columns].astype({"dispersed": bool})
    pd.testing.assert_frame_equal(got, by_hand, check_dtype=False, check_exact=True)


def test_keyness_table_is_the_keyness_of_keyword_tables():
    from analysis.measures.keywords import keyness_table

    units = fixture_units()
    pt = pd.DataFrame({
        "doc_id": [u.split("#")[0] for u in units.index],
        "para_id": [int(u.split("#")[1]) for u in units.index],
        "dominant_theme": ["agri" if int(u.split("#")[1]) % 3 else "none" for u in units.index],
    })  # fmt: skip
    whole = keyword_tables(units, n=5, paragraph_themes=pt)["keyness"]
    pd.testing.assert_frame_equal(keyness_table(units, n=5, paragraph_themes=pt), whole)


def test_members_of_equals_isin():
    """The group-term membership used by keyness_by_group's top-n path (binary search in the
    group's own term indices) equals np.isin, also for empty and unsorted inputs."""
    from analysis.measures.keywords import _members_of

    rng = np.random.default_rng(4)
    for size in (0, 1, 5, 300):
        present = rng.choice(1000, size=size, replace=False)  # unsorted, as CSR rows may be
        for values in (np.empty(0, dtype=np.int64), rng.integers(0, 1000, 400), present[:3]):
            assert _members_of(values, present).tolist() == np.isin(values, present).tolist()


def test_bench_keyness_stage_times_the_keyness_table_groups():
    """bench slogans' keyness stage is keyness_table's two comparisons (the same groups, via
    document_groups / theme_groups) without the dispersion columns; a paragraph whose dominant
    theme is missing is in no theme group, as in keyness_table."""
    from analysis.bench.slogans import keyness_stage
    from analysis.measures.keywords import keyness_table

    units = fixture_units()
    themes = ["agri" if int(u.split("#")[1]) % 3 else "none" for u in units.index]
    themes[1] = None
    pt = pd.DataFrame({
        "doc_id": [u.split("#")[0] for u in units.index],
        "para_id": [int(u.split("#")[1]) for u in units.index],
        "dominant_theme": themes,
    })  # fmt: skip
    by_doc, by_theme = keyness_stage(units, pt)
    table = keyness_table(units, n=20, paragraph_themes=pt)
    for comparison, got in (("document", by_doc), ("theme", by_theme)):
        want = table[table["comparison"] == comparison][list(got.columns)]
        pd.testing.assert_frame_equal(got, want.reset_index(drop=True), check_exact=True)
    assert set(by_theme["group"]) == {"agri"}
