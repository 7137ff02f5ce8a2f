"""Slogan diffusion: first appearance by the best date, spread over regions, adoption curves."""

from __future__ import annotations

import pandas as pd

from analysis.measures import diffusion as dif

DOCS = pd.DataFrame(
    {
        "doc_id": ["a", "b", "c", "d", "e", "f"],
        # b is labelled 2015 (the year under review) but was delivered in January 2016
        "year": [2016, 2015, 2017, 2018, 2016, 2018],
        "date": ["2016-03-05", "2016-01-10", "", "2018-01-20", "", "2018-02-01"],
        "level": ["national", "provincial", "provincial", "provincial", "provincial", "provincial"],
        "region": ["国务院", "河北省", "云南省", "浙江省", "河北省", "贵州省"],
        "duplicate_of": ["", "", "", "", "", "a"],
    }
)
MENTIONS = pd.DataFrame(
    [("a", "供给侧结构性改革"), ("b", "供给侧结构性改革"), ("b", "供给侧结构性改革"),
     ("c", "供给侧结构性改革"), ("d", "供给侧结构性改革"), ("e", "供给侧结构性改革"),
     ("f", "供给侧结构性改革"), ("c", "河长制"), ("d", "河长制"), ("e", "只出现一次")],
    columns=["doc_id", "slogan"],
)  # fmt: skip


def test_first_appearance_uses_report_date_over_year_label():
    d = dif.slogan_diffusion(MENTIONS, DOCS).set_index("slogan")
    row = d.loc["供给侧结构性改革"]
    # b's label says 2015 but its date says 2016; in 2016 b (Jan) precedes a (Mar) and e (undated)
    assert (row["first_year"], row["first_doc"], row["first_date"]) == (2016, "b", "2016-01-10")
    assert (row["first_region"], row["first_level"]) == ("河北省", "provincial")
    assert row["n_docs"] == 5  # f is a near-duplicate: left out
    assert row["n_regions"] == 4
    # regions first seen: 国务院 2016, 河北 2016, 云南 2017, 浙江 2018 -> half (2) reached in 2016
    assert row["years_to_half"] == 0
    assert row["docs_per_year"] == "2016:3; 2017:1; 2018:1"
    assert row["regions_per_year"] == "2016:2; 2017:1; 2018:1"
    assert row["date_source"] == "date for 3 of 5 documents, else year label"
    assert "只出现一次" not in d.index  # found in one document only
    assert d.loc["河长制", "date_source"] == "date for 1 of 2 documents, else year label"
    assert d.loc["河长制", "years_to_half"] == 0  # 2 regions: the first is already half


def test_years_to_half_counts_years_until_half_of_the_regions():
    mentions = pd.DataFrame({"doc_id": ["c", "d", "a"], "slogan": ["x", "x", "x"]})
    docs = DOCS.assign(duplicate_of="")
    row = dif.slogan_diffusion(mentions, docs).iloc[0]
    # first seen 2016 (a), then 2017 (c), 2018 (d): half of 3 regions (1.5) reached in 2017
    assert (row["first_year"], row["years_to_half"]) == (2016, 1)


def test_adoption_curves_are_cumulative_shares_of_reporting_regions():
    c = dif.adoption_curves(MENTIONS, DOCS, slogans=["供给侧结构性改革"]).set_index("year")
    assert c["cum_regions"].is_monotonic_increasing
    assert c.loc[2016, "cum_regions"] == 2 and c.loc[2018, "cum_regions"] == 4
    # regions with a dated report by 2016: 国务院, 河北 (b, e) -> 2 of 2; by 2018: 4 (f is a duplicate)
    assert c.loc[2016, "regions_reporting"] == 2 and c.loc[2018, "regions_reporting"] == 4
    assert c.loc[2018, "share_regions"] == 1.0 and c.loc[2017, "share_of_adopters"] == 0.75


def test_first_appearance_by_level():
    f = dif.first_appearance_by_level(MENTIONS, DOCS)
    f = f[f["slogan"] == "供给侧结构性改革"].set_index("level")
    assert f.loc["national", "first_year"] == 2016 and f.loc["provincial", "first_doc"] == "b"


def test_term_mentions_ignore_punctuation_between_characters():
    paras = pd.DataFrame(
        {
            "doc_id": ["a", "b"],
            "para_id": [0, 3],
            "text": ["推动大众创业,万众创新。", "大众创业、万众创新和放管服"],
            "text_original": ["推動大眾創業,萬眾創新。", "大眾創業、萬眾創新和放管服"],
        }
    )
    m = dif.term_mentions(paras, ["大众创业、万众创新", "放管服"])
    assert len(m) == 3
    first = m.iloc[0]
    assert first["surface_original"] == "大眾創業,萬眾創新" and first["start"] == 2
    assert set(m["slogan"]) == {"大众创业、万众创新", "放管服"}


def test_no_dates_gives_missing_years_not_errors():
    docs = DOCS.assign(year=pd.NA, date="")
    d = dif.slogan_diffusion(MENTIONS, docs)
    assert d["first_year"].isna().all() and (d["date_source"] == "").all()
    assert dif.adoption_curves(MENTIONS, docs).empty
