"""Themes over time: intervals behave, a planted trend is recovered, levels split, and sparse
dates degrade to a figure with the points available."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from fixtures_scale import synthetic_theme_scores  # noqa: E402

from analysis.figures import plots_time as pt  # noqa: E402
from analysis.measures import timeseries as ts  # noqa: E402


def test_wilson_interval_edges_and_coverage():
    lo, hi = ts.wilson_interval(np.array([0, 10, 5]), np.array([10, 10, 10]))
    assert lo[0] == pytest.approx(0) and 0 < hi[0] < 0.4
    assert hi[1] == pytest.approx(1) and 0.6 < lo[1] < 1
    assert lo[2] < 0.5 < hi[2]
    lo, hi = ts.wilson_interval(0, 0)
    assert np.isnan(lo) and np.isnan(hi)


def test_bootstrap_is_seeded_and_covers_mean():
    v = np.random.default_rng(0).normal(10, 2, size=50)
    a = ts.bootstrap_mean_ci(v, seed=3)
    assert a == ts.bootstrap_mean_ci(v, seed=3)
    assert a != ts.bootstrap_mean_ci(v, seed=4)
    assert a[0] < v.mean() < a[1]
    assert ts.bootstrap_mean_ci(np.array([2.0])) == (2.0, 2.0)
    assert all(np.isnan(ts.bootstrap_mean_ci(np.array([]))))


def test_prevalence_by_year_recovers_rising_trend():
    docs, scores = synthetic_theme_scores(n_docs=160, seed=1)
    prev = ts.prevalence_by_year(scores, docs, seed=5, n_boot=400)
    assert list(prev.columns) == ["year", *ts.PREVALENCE_COLUMNS]
    rising = prev[prev["theme"] == "rising"].set_index("year")
    assert rising["prevalence"].is_monotonic_increasing
    # intervals separate first and last year, and contain the estimate
    assert rising["hi"].iloc[0] < rising["lo"].iloc[-1]
    assert ((prev["lo"] <= prev["prevalence"]) & (prev["prevalence"] <= prev["hi"])).all()
    assert (prev.groupby("year")["n_docs"].first() == 40).all()
    again = ts.prevalence_by_year(scores, docs, seed=5, n_boot=400)
    pd.testing.assert_frame_equal(prev, again)


def test_doc_share_and_levels():
    docs, scores = synthetic_theme_scores(n_docs=80, seed=2)
    by_level = ts.prevalence_by_level(scores, docs, per_year=False, measure="doc_share")
    rare = by_level[by_level["theme"] == "rare"].set_index("level")
    assert rare.loc["township", "prevalence"] == 0
    assert rare.loc["county", "prevalence"] > 0.8
    assert (by_level["n_docs"] == 40).all()
    per_year = ts.prevalence_by_level(scores, docs, per_year=True)
    assert set(per_year["level"]) == {"county", "township"}
    assert {"level", "year"} <= set(per_year.columns)
    with pytest.raises(ValueError):
        ts.theme_prevalence(scores, docs, measure="median")


def test_missing_years_duplicates_and_absent_themes():
    docs, scores = synthetic_theme_scores(n_docs=12, seed=0)
    docs = docs.assign(duplicate_of="")
    docs.loc[0, "year"] = pd.NA
    docs.loc[1, "duplicate_of"] = "d0000"
    # a document with no row at all for a theme counts as 0 for that theme
    scores = scores[~((scores["doc_id"] == "d0002") & (scores["theme"] == "flat"))]
    prev = ts.prevalence_by_year(scores, docs, min_docs=1)
    assert prev.drop_duplicates("year")["n_docs"].sum() == 10
    flat = prev[(prev["theme"] == "flat") & (prev["year"] == 2003)]
    assert flat["n_docs"].iloc[0] == 3


def test_no_dated_documents_gives_empty_frame_and_labelled_figure(caplog):
    docs, scores = synthetic_theme_scores(n_docs=6)
    docs = docs.assign(year=pd.array([pd.NA] * len(docs), dtype="Int64"))
    prev = ts.prevalence_by_year(scores, docs)
    assert prev.empty and "prevalence" in prev.columns
    assert "nothing to show" in caplog.text
    fig = pt.plot_prevalence_by_year(prev)
    assert "no dated documents" in fig.axes[0].texts[0].get_text()
    plt.close(fig)
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, docs.drop(columns="level")))
    assert "no level" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


def test_plots_draw_points_and_bands_without_saving(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    docs, scores = synthetic_theme_scores(n_docs=40, years=(2001, 2002))
    few = ts.prevalence_by_year(scores, docs, n_boot=100)
    fig, ax = plt.subplots()
    assert pt.plot_prevalence_by_year(few, ax=ax) is fig
    assert ax.containers  # error bars for 2 years
    plt.close(fig)
    docs, scores = synthetic_theme_scores(n_docs=60, years=(2001, 2002, 2003, 2004, 2005))
    many = ts.prevalence_by_year(scores, docs, n_boot=100)
    fig = pt.plot_prevalence_by_year(many, themes=["rising"], labels={"rising": "Rising"})
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["Rising"]
    assert fig.axes[0].collections  # interval band
    plt.close(fig)
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, docs, n_boot=100))
    assert len(fig.axes[0].get_lines()) >= 2
    plt.close(fig)
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, docs, per_year=False))
    assert len(fig.axes[0].patches) == 6
    plt.close(fig)
    assert not list(tmp_path.iterdir())


def test_documents_with_manifest_fills_year_and_level():
    docs = pd.DataFrame(
        {"doc_id": ["a", "b"], "source_file": ["1.txt", "2.txt"], "year": [2005, None]}
    )
    manifest = pd.DataFrame({"file": ["1.txt", "2.txt"], "year": [1999, 2007], "level": ["x", "y"]})
    out = ts.documents_with_manifest(docs.astype({"year": "Int64"}), manifest)
    assert out["year"].tolist() == [2005, 2007]
    assert out["level"].tolist() == ["x", "y"]


def test_lines_do_not_bridge_gaps_and_facets_per_theme():
    assert [(r.start, r.stop) for r in pt._runs(np.array([1, 2, 3, 10, 11, 20]), 2)] == [
        (0, 3),
        (3, 5),
        (5, 6),
    ]
    docs, scores = synthetic_theme_scores(n_docs=80, years=(1990, 1991, 1992, 1993, 2005, 2006))
    prev = ts.prevalence_by_year(scores, docs, n_boot=50)
    fig = pt.plot_prevalence_by_year(prev)
    visible = [a for a in fig.axes if a.get_visible()]
    assert len(visible) == 3  # one panel per theme
    assert len(visible[0].get_lines()) == 2  # 1990-93 and 2005-06 are separate lines
    plt.close(fig)
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, docs, n_boot=50))
    assert len([a for a in fig.axes if a.get_visible()]) == 3
    plt.close(fig)


def test_prevalence_tables_bundle():
    docs, scores = synthetic_theme_scores(n_docs=24)
    tables = ts.prevalence_tables(scores, docs, seed=1, n_boot=50)
    assert set(tables) == {
        "theme_prevalence_by_year", "theme_prevalence_by_level",
        "theme_prevalence_by_level_overall",
    }  # fmt: skip
    assert {"year", "level"} <= set(tables["theme_prevalence_by_level"].columns)
    empty = ts.prevalence_tables(scores, docs.assign(year=pd.NA).drop(columns="level"))
    assert all(t.empty for t in empty.values())


def test_default_corpus_with_few_dates_degrades_gracefully(caplog):
    """data/raw has only two dated reports and no level: the by-year figure says not
    applicable with the number of reports per year (no trend drawn from single reports)."""
    import logging

    from analysis.corpus import analysis_paragraphs, load_corpus
    from analysis.measures.themes import theme_scores

    corpus = load_corpus()
    docs = corpus.documents
    scores = theme_scores(analysis_paragraphs(corpus), None, documents=docs)
    with caplog.at_level(logging.INFO, logger="analysis.measures.timeseries"):
        tables = ts.prevalence_tables(scores, docs, measure="doc_share", seed=1)
    by_year = tables["theme_prevalence_by_year"]
    dated = docs[(docs["duplicate_of"] == "") & docs["year"].notna()]
    assert 0 < by_year.drop_duplicates("year")["n_docs"].sum() == len(dated) < len(docs)
    assert "lack a value" in caplog.text
    # no manifest level: the level inferred from the text; 3 of 8 analysed reports have none
    by_level = tables["theme_prevalence_by_level_overall"]
    assert "using the level inferred from the text" in caplog.text
    assert set(by_level["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
    assert set(by_level["n_docs_without_level"]) == {3}
    sizes = by_level.drop_duplicates("level").set_index("level")["n_docs"].to_dict()
    assert sizes == {"county": 2, "township": 3}
    fig = pt.plot_prevalence_by_year(by_year)
    assert fig.axes[0].texts[0].get_text().startswith("not applicable (n = ")
    assert not any(a.containers or a.lines for a in fig.axes)
    plt.close(fig)


def test_small_groups_get_no_interval_and_no_comparison():
    """Two or three reports over two years: no interval for single reports, and the by-year
    comparison says not applicable with the group sizes instead of drawing 1 → 0 trends."""
    docs, scores = synthetic_theme_scores(n_docs=3, years=(2010, 2011))
    prev = ts.prevalence_by_year(scores, docs, n_boot=50)
    small = prev["n_docs"] < ts.MIN_INTERVAL_DOCS
    assert small.all() and prev["lo"].isna().all() and prev["hi"].isna().all()
    fig = pt.plot_prevalence_by_year(prev)
    text = fig.axes[0].texts[0].get_text().replace("\n", " ")
    assert text.startswith("not applicable (n = 2 in 2010, 1 in 2011)")
    plt.close(fig)


def test_compared_panels_share_y_and_thin_years_are_named():
    docs, scores = synthetic_theme_scores(n_docs=40, years=(2001, 2002, 2003, 2004))
    docs = docs[~((docs["year"] == 2004) & (docs.index != 3))]  # 2004 keeps 1 report
    prev = ts.prevalence_by_year(scores, docs, n_boot=50)
    fig = pt.plot_prevalence_by_year(prev)
    panels = [a for a in fig.axes if a.get_visible()]
    assert len({a.get_ylim() for a in panels}) == 1
    assert "2004 (n = 1)" in fig._suptitle.get_text().replace("\n", " ")
    plt.close(fig)
    kept, note = ts.comparable_groups(prev, ["year"])
    assert 2004 not in set(kept["year"]) and "2004 (n = 1)" in note


def test_levels_pool_years_when_thin_and_label_counts():
    docs, scores = synthetic_theme_scores(n_docs=24, years=(2001, 2002, 2003))
    docs = docs.assign(level=["township" if i < 4 else "county" for i in range(len(docs))])
    per_year = ts.prevalence_by_level(scores, docs, n_boot=50)
    overall = ts.prevalence_by_level(scores, docs, per_year=False, n_boot=50)
    fig = pt.plot_prevalence_by_level(per_year, overall=overall)
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["county (n = 20)", "township (n = 4)"]
    assert "pooled" in fig.axes[0].get_title()
    plt.close(fig)
    one = docs.assign(level=["township" if i < 1 else "county" for i in range(len(docs))])
    over1 = ts.prevalence_by_level(scores, one, per_year=False, n_boot=50)
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, one), overall=over1)
    assert fig.axes[0].texts[0].get_text().startswith("not applicable (n = ")
    plt.close(fig)


def _inferred_docs(n_docs: int = 24):
    """Synthetic documents without a manifest level: the level inferred from the text
    (``place_level``) instead, empty for a few documents and for one near-duplicate."""
    docs, scores = synthetic_theme_scores(n_docs=n_docs, years=(2001, 2002))
    place_level = docs["level"].astype(object).copy()
    place_level.iloc[[0, 1, 2]] = ["", None, ""]  # three reports with no inferred level
    docs = docs.drop(columns="level").assign(place_level=place_level, duplicate_of="")
    docs.loc[1, "duplicate_of"] = "d0000"  # a near-duplicate is neither analysed nor counted
    return docs, scores


def test_levels_fall_back_to_place_level_when_no_manifest_level():
    docs, scores = _inferred_docs()
    plain = docs[(docs["duplicate_of"] == "") & (docs["place_level"].fillna("") != "")]
    for per_year in (True, False):
        got = ts.prevalence_by_level(scores, docs, per_year=per_year, n_boot=50)
        by = ["level", "year"] if per_year else ["level"]
        assert list(got.columns) == [*by, *ts.PREVALENCE_COLUMNS, *ts.LEVEL_COLUMNS]
        assert set(got["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
        assert set(got["n_docs_without_level"]) == {2}  # d0000 and d0002 (d0001: duplicate)
        # the same numbers as grouping by place_level by hand, those without one left out
        want = ts.theme_prevalence(
            scores, plain.assign(level=plain["place_level"]), by=by, n_boot=50
        )
        pd.testing.assert_frame_equal(got[want.columns], want)
        assert got.drop_duplicates(by)["n_docs"].sum() == len(plain)
    # a level column that is entirely empty counts as no manifest level
    empty = docs.assign(level=pd.Series([""] * len(docs), dtype=object))
    got = ts.prevalence_by_level(scores, empty, per_year=False, n_boot=50)
    assert set(got["level_source"]) == {ts.LEVEL_SOURCE_INFERRED} and set(got["level"]) == {
        "county",
        "township",
    }
    tables = ts.prevalence_tables(scores, docs, n_boot=50)
    assert not tables["theme_prevalence_by_level"].empty
    assert not tables["theme_prevalence_by_level_overall"].empty


def test_manifest_level_wins_over_place_level():
    docs, scores = _inferred_docs()
    manifest = pd.Series([None] * len(docs), dtype=object)
    manifest.iloc[:12] = ["provincial" if i % 3 else "national" for i in range(12)]
    docs = docs.assign(level=manifest)
    got = ts.prevalence_by_level(scores, docs, per_year=False, n_boot=50)
    assert set(got["level"]) == {"national", "provincial"}
    assert set(got["level_source"]) == {ts.LEVEL_SOURCE_MANIFEST}
    assert set(got["n_docs_without_level"]) == {12}  # 12 without a manifest level, 1 duplicate
    assert got.drop_duplicates("level")["n_docs"].sum() == 11
    fig = pt.plot_prevalence_by_level(got)
    assert "level from the manifest; 12 reports without a level" in fig.axes[0].get_title()
    plt.close(fig)


def test_no_level_anywhere_is_empty_with_the_level_columns(caplog):
    docs, scores = _inferred_docs()
    for neither in (docs.drop(columns="place_level"), docs.assign(place_level="")):
        got = ts.prevalence_by_level(scores, neither, per_year=False)
        assert got.empty
        assert list(got.columns) == ["level", *ts.PREVALENCE_COLUMNS, *ts.LEVEL_COLUMNS]
    assert "no 'level' column" in caplog.text
    fig = pt.plot_prevalence_by_level(got)
    assert "no level" in fig.axes[0].texts[0].get_text()
    plt.close(fig)


def test_level_figure_says_the_levels_are_inferred_and_how_many_had_none():
    docs, scores = _inferred_docs(n_docs=40)
    per_year = ts.prevalence_by_level(scores, docs, n_boot=50)
    overall = ts.prevalence_by_level(scores, docs, per_year=False, n_boot=50)
    note = "level inferred from the text (place_level); 2 reports with no inferred level left out"
    fig = pt.plot_prevalence_by_level(per_year, overall=overall)  # lines per level and year
    assert note in fig._suptitle.get_text().replace("\n", " ")
    plt.close(fig)
    fig = pt.plot_prevalence_by_level(overall)  # bars, years pooled
    assert note in fig.axes[0].get_title().replace("\n", " ")
    plt.close(fig)
    # no dated report: the years pooled table is drawn
    undated = docs.assign(year=pd.array([pd.NA] * len(docs), dtype="Int64"))
    empty = ts.prevalence_by_level(scores, undated, n_boot=50)
    assert empty.empty
    fig = pt.plot_prevalence_by_level(empty, overall=overall)
    assert "pooled" in fig.axes[0].get_title() and fig.axes[0].patches
    plt.close(fig)
    # too few reports per level: not applicable, still saying where the levels came from
    few = docs.iloc[:6]
    fig = pt.plot_prevalence_by_level(ts.prevalence_by_level(scores, few, per_year=False))
    text = fig.axes[0].texts[0].get_text().replace("\n", " ")
    assert text.startswith("not applicable (n = ") and "inferred from the text" in text
    plt.close(fig)


def test_level_source_note_names_left_out_reports_only_when_there_are_some():
    from analysis.figures.plots_time import level_source_note
    from analysis.measures.timeseries import LEVEL_SOURCE_INFERRED

    def table(source, n):
        return pd.DataFrame(
            {"level": ["county"], "level_source": [source], "n_docs_without_level": [n]}
        )

    assert (
        level_source_note(table(LEVEL_SOURCE_INFERRED, 0))
        == "level inferred from the text (place_level)"
    )
    assert level_source_note(table(LEVEL_SOURCE_INFERRED, 1)).endswith(
        "; 1 report with no inferred level left out"
    )
    assert level_source_note(table("manifest", 0)) == "level from the manifest"
