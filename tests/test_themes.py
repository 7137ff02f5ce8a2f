"""Themes: lexicon loading and its errors, hand-computed scores on fixtures, dominant themes,
validation samples, and a run over data/raw/."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_themes import THEMES_YAML, theme_corpus, write
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.errors import InputFileError
from analysis.measures.themes import (
    SCORE_COLUMNS,
    THEMES_FILE,
    load_themes,
    paragraph_themes,
    theme_hits,
    theme_sample,
    theme_scores,
)


@pytest.fixture()
def themes(tmp_path):
    return load_themes(write(tmp_path, "themes.yaml", THEMES_YAML))


# --------------------------------------------------------------------------- lexicon


def test_default_lexicon_has_the_required_themes():
    t = load_themes()
    ids = list(dict.fromkeys(t["theme"]))
    for required in ("party_building", "investment_attraction", "infrastructure"):
        assert required in ids
    assert len(ids) >= 8
    assert list(t.columns[:4]) == ["theme", "label_zh", "label_en", "term"]
    assert (t.groupby("theme")[["label_zh", "label_en", "description"]].nunique() == 1).all().all()
    assert t["term"].is_unique
    assert (t.loc[t["theme"] == "investment_attraction", "term"] == "招商引资").any()


def test_fixture_lexicon_long_format(themes):
    assert len(themes) == 7
    assert list(dict.fromkeys(themes["theme"])) == ["infra", "invest", "party"]


def _bad(tmp_path, old, new):
    assert old in THEMES_YAML
    text = THEMES_YAML.replace(old, new, 1)
    line = THEMES_YAML[: THEMES_YAML.index(old)].count("\n") + 1
    return write(tmp_path, "themes.yaml", text), line


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("[招商引资, 招商]", "[招商引资, 道路]", "'道路' is already listed under theme 'infra'"),
        ("[党建, 党组织]", "[党建, 黨組織]", "is not Simplified"),
        ("[党建, 党组织]", "[党建, 党 组织]", "contains whitespace"),
        ("[党建, 党组织]", "[党建, road]", "no Chinese character"),
        ("[党建, 党组织]", "[党建, 3]", "not a non-empty string"),
        ("id: invest", "id: Invest-1", "must be snake_case"),
        ("id: party", "id: infra", "duplicate id"),
        ("label_en: Party building", "label_en: ''", "'label_en'"),
    ],
)
def test_malformed_lexicon_names_file_line_and_theme(tmp_path, old, new, message):
    path, line = _bad(tmp_path, old, new)
    with pytest.raises(InputFileError) as err:
        load_themes(path)
    msg = str(err.value)
    assert f"themes.yaml:{line}:" in msg
    assert message in msg


def test_yaml_syntax_error_names_line(tmp_path):
    path = write(tmp_path, "themes.yaml", THEMES_YAML.replace("[党建, 党组织]", "[党建, 党组织"))
    with pytest.raises(InputFileError, match=r"themes\.yaml:\d+: invalid YAML"):
        load_themes(path)


def test_missing_themes_list(tmp_path):
    with pytest.raises(InputFileError, match="'themes:' list"):
        load_themes(write(tmp_path, "themes.yaml", "topics: []\n"))


# --------------------------------------------------------------------------- scores


def test_longest_match_never_double_counts(themes):
    hits = theme_hits(theme_corpus(), themes)
    terms = hits.groupby(["doc_id", "para_id"])["term"].apply(list).to_dict()
    assert terms[("D1", 0)] == ["基础设施建设", "招商引资", "党建"]  # not also 基础设施 / 招商
    assert terms[("D1", 1)] == ["招商", "道路", "党组织", "党建"]
    assert terms[("D2", 0)] == ["基础设施"]


def test_document_scores_hand_computed(themes):
    n_tokens = pd.Series({"D1": 20, "D2": 4})
    s = theme_scores(theme_corpus(), n_tokens, themes)
    assert list(s.columns) == SCORE_COLUMNS
    got = s.set_index(["doc_id", "theme"])
    # D1: infra 2, invest 2, party 3 (7 hits, 20 tokens); D2: infra 1 (4 tokens)
    expected = {
        ("D1", "infra"): (2, 100.0, 2 / 7),
        ("D1", "invest"): (2, 100.0, 2 / 7),
        ("D1", "party"): (3, 150.0, 3 / 7),
        ("D2", "infra"): (1, 250.0, 1.0),
        ("D2", "invest"): (0, 0.0, 0.0),
        ("D2", "party"): (0, 0.0, 0.0),
    }
    assert len(got) == len(expected)
    for key, (hits, per_1k, share) in expected.items():
        row = got.loc[key]
        assert row["hits"] == hits, key
        assert row["per_1k_tokens"] == pytest.approx(per_1k), key
        assert row["share"] == pytest.approx(share), key


def test_tokens_dataframe_gives_the_same_rates(themes):
    paras = theme_corpus()
    tokens = pd.DataFrame(
        {
            "doc_id": ["D1"] * 20 + ["D2"] * 4,
            "para_id": [0] * 12 + [1] * 8 + [0] * 4,
            "token": ["x"] * 24,
        }
    )
    from_frame = theme_scores(paras, tokens, themes)
    from_series = theme_scores(paras, pd.Series({"D1": 20, "D2": 4}), themes)
    pd.testing.assert_frame_equal(from_frame, from_series)
    by_para = theme_scores(paras, tokens, themes, unit="paragraph").set_index(
        ["doc_id", "para_id", "theme"]
    )
    assert by_para.loc[("D1", 1, "party"), "per_1k_tokens"] == pytest.approx(250.0)
    assert by_para.loc[("D1", 0, "party"), "share"] == pytest.approx(1 / 3)


def test_without_tokens_rates_are_nan(themes):
    s = theme_scores(theme_corpus(), None, themes)
    assert s["per_1k_tokens"].isna().all()
    assert s["hits"].sum() == 8


def test_documents_argument_drops_duplicates(themes):
    docs = pd.DataFrame({"doc_id": ["D1", "D2"], "duplicate_of": ["", "D1"]})
    s = theme_scores(theme_corpus(), None, themes, documents=docs)
    assert set(s["doc_id"]) == {"D1"}


def test_paragraph_dominant_theme_threshold_and_ties(themes):
    pt = paragraph_themes(theme_corpus(), themes)
    assert list(pt.columns) == ["doc_id", "para_id", "dominant_theme", "infra", "invest", "party"]
    assert pt["dominant_theme"].tolist() == ["none", "party", "none"]
    assert pt[["infra", "invest", "party"]].to_numpy().tolist() == [[1, 1, 1], [1, 1, 2], [1, 0, 0]]
    # min_hits=1: the three-way tie in D1#0 goes to the theme listed first in the file
    loose = paragraph_themes(theme_corpus(), themes, min_hits=1)
    assert loose["dominant_theme"].tolist() == ["infra", "party", "infra"]


def test_paragraph_without_hits(themes):
    paras = pd.DataFrame(
        {
            "doc_id": ["Z"],
            "para_id": [0],
            "text": ["今天天气很好。"],
            "text_original": ["今天天氣很好。"],
        }
    )
    pt = paragraph_themes(paras, themes)
    assert (
        pt.loc[0, "dominant_theme"] == "none" and pt[["infra", "invest", "party"]].sum().sum() == 0
    )
    s = theme_scores(paras, pd.Series({"Z": 5}), themes)
    assert (s["hits"] == 0).all() and (s["share"] == 0).all() and (s["per_1k_tokens"] == 0).all()


# --------------------------------------------------------------------------- validation sample


def test_theme_sample_is_seeded_and_traceable(themes):
    paras = theme_corpus()
    a = theme_sample(paras, themes, "party", n=2, seed=7)
    b = theme_sample(paras, themes, "party", n=2, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.columns) == [
        "theme", "term", "doc_id", "para_id", "start", "end", "left", "match", "right", "judgement",
    ]  # fmt: skip
    assert len(a) == 2 and (a["judgement"] == "").all() and (a["theme"] == "party").all()
    originals = paras.set_index(["doc_id", "para_id"])["text_original"]
    for r in a.itertuples():
        assert originals[(r.doc_id, r.para_id)][r.start : r.end] == r.match
    assert set(a["match"]) <= {"黨建", "黨組織"}  # original (Traditional) script
    seen = {tuple(theme_sample(paras, themes, "party", n=1, seed=s)["start"]) for s in range(20)}
    assert len(seen) > 1  # the seed matters


def test_theme_sample_all_hits_when_few_and_unknown_theme(themes):
    paras = theme_corpus()
    every = theme_sample(paras, themes, "infra", n=50, seed=1)
    assert len(every) == 3
    with pytest.raises(ValueError, match="unknown theme"):
        theme_sample(paras, themes, "nope", seed=1)


# --------------------------------------------------------------------------- data/raw


def test_raw_corpus_theme_profile(raw_corpus):
    from analysis.corpus import analysis_paragraphs

    paras = analysis_paragraphs(raw_corpus)
    n_tokens = pd.Series(np.full(paras["doc_id"].nunique(), 1000), index=paras["doc_id"].unique())
    s = theme_scores(paras, n_tokens)
    top = s.loc[s.groupby("doc_id")["hits"].idxmax()].set_index("doc_id")["theme"]
    assert top["002-1"] == "united_front"  # the united-front report
    assert top["003"] == "party_building"  # 升级晋档 party building report
    assert "002-2" not in set(s["doc_id"])
    assert np.allclose(s.groupby("doc_id")["share"].sum(), 1.0)
    pt = paragraph_themes(paras)
    assert len(pt) == len(paras) and set(pt["dominant_theme"]) - {"none"} <= set(s["theme"])
    sample = theme_sample(paras, None, "investment_attraction", n=5, seed=20240601)
    assert len(sample) == 5 and sample["match"].str.len().gt(0).all()
    assert THEMES_FILE.name == "themes.yaml"


# --------------------------------------------------------------------------- property


@settings(max_examples=80, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="基础设施建党招商", min_size=1, max_size=5), min_size=1, max_size=8
    ),
    text=st.text(alphabet="基础设施建党招商,", max_size=60),
)
def test_trie_matches_a_flat_longest_first_alternation(words, text):
    """The trie regex finds exactly what leftmost, longest-first matching finds."""
    import re

    from analysis.measures.themes import trie_pattern

    flat = re.compile(
        "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    )
    trie = re.compile(trie_pattern(words))
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
