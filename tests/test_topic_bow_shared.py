"""Issue 14: the topic stage builds its bag of words once (the applicability check and the fits
share it), with outputs identical to building it inside ``run_topic_analysis``."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_topics import fixture_paragraphs, fixture_units

from analysis.study import NotApplicable, Study, result
from analysis.topics import bow as bow_module
from analysis.topics import build_bow, pipeline

FAST = {"ks": (3, 4), "n_seeds": 1, "iterations": 60}


@pytest.fixture(scope="module")
def units() -> pd.Series:
    # not the fixture's default draw: 5 documents of 10 paragraphs, another seed
    return fixture_units(n_docs=5, paras_per_doc=10, seed=11)


def _count_builds(monkeypatch) -> list[int]:
    """Every bag of words built (build_bow and bow_from_tokens both end in _bow_from_tokens)."""
    calls: list[int] = []
    real = bow_module._bow_from_tokens

    def counting(index, *args):
        calls.append(len(index))
        return real(index, *args)

    monkeypatch.setattr(bow_module, "_bow_from_tokens", counting)
    return calls


class _UnitsStudy(Study):
    """A study whose topic units are given (no corpus, no tokenizer)."""

    given: pd.Series = pd.Series(dtype=object)

    @result
    def topic_units(self) -> pd.Series:
        return self.given

    @result
    def paragraphs(self) -> pd.DataFrame:
        return fixture_paragraphs(self.given)


def test_study_builds_the_topic_bag_of_words_once(units, monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    calls = _count_builds(monkeypatch)
    study = _UnitsStudy(tmp_path, topics=FAST)
    study.given = units
    out = study.topic_analysis
    # one for the applicability check and every plain fit, one for the seeded model's own
    # vocabulary (its seed terms kept whatever their document frequency); was three
    assert len(calls) == 2, calls
    assert study.topic_bow.unit_ids == out["model"].unit_ids
    # a warm study (cache hit) builds it for the check only
    calls.clear()
    again = _UnitsStudy(tmp_path, topics=FAST)
    again.given = units
    pd.testing.assert_frame_equal(again.topic_analysis["topics"], out["topics"])
    assert len(calls) == 1


def test_study_topic_bag_not_applicable_names_the_reason(monkeypatch, tmp_path):
    monkeypatch.setenv("ANALYSIS_NO_CACHE", "1")
    study = _UnitsStudy(tmp_path, topics=FAST)
    study.given = pd.Series({"a#0": ["农业", "增收"], "a#1": ["道路", "硬化"]}, dtype=object)
    with pytest.raises(NotApplicable, match=r"topic models: .*left no tokens .*2 paragraph"):
        study.get("topic_bow")
    with pytest.raises(NotApplicable, match="topic models"):
        study.get("topic_analysis")


def test_a_prebuilt_bow_gives_identical_tables(units):
    built = build_bow(units, min_df=2, max_df=0.5)
    a = pipeline._run_topic_analysis(units, seed=4, **FAST)
    b = pipeline._run_topic_analysis(units, seed=4, bow=built, **FAST)
    for name in ("topic_k_selection", "topic_choice", "topics", "doc_topics", "topic_stability"):
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
    assert (a["model"].doc_topic == b["model"].doc_topic).all()


def test_a_bow_of_other_units_or_pruning_is_refused(units):
    with pytest.raises(ValueError, match="pruned with min_df=3"):
        pipeline._run_topic_analysis(units, bow=build_bow(units, min_df=3), **FAST)
    fewer = units.iloc[:-1]
    with pytest.raises(ValueError, match="not the bag of words of these units"):
        pipeline._run_topic_analysis(units, bow=build_bow(fewer), **FAST)
    shorter = units.copy()
    shorter.iloc[0] = shorter.iloc[0][:-1]  # same units, one token fewer
    with pytest.raises(ValueError, match="not the bag of words of these units"):
        pipeline._run_topic_analysis(units, bow=build_bow(shorter), **FAST)


def test_applicability_of_a_bow_equals_that_of_its_units(units):
    for u in (units, units.iloc[:12]):
        for ks in (None, (3, 4), (3, 12)):
            built = build_bow(u, min_df=2, max_df=0.5)
            assert pipeline.topic_applicability(built, ks=ks) == pipeline.topic_applicability(
                u, ks=ks
            )
    assert pipeline.topic_applicability(units.iloc[:12]) != ""
    with pytest.raises(ValueError, match="pruned with"):
        pipeline.topic_applicability(build_bow(units, max_df=0.9))


def test_a_bow_with_a_capped_or_forced_vocabulary_is_refused(units):
    # same units, pruning, unit ids and token count: only the vocabulary differs, and the
    # cache key (units + options) would file its tables as those of the full vocabulary
    capped = build_bow(units, min_df=2, max_df=0.5, max_terms=5)
    with pytest.raises(ValueError, match="max_terms=5"):
        pipeline._run_topic_analysis(units, bow=capped, **FAST)
    rare = units.iloc[0][0]
    forced = build_bow(units, min_df=2, max_df=0.5, keep_terms=iter([rare]))
    assert forced.keep_terms == (rare,)  # an iterator is read once, and recorded
    with pytest.raises(ValueError, match="keep_terms"):
        pipeline.topic_applicability(forced)
    assert build_bow(units).subset([0, 1]).max_terms is None
