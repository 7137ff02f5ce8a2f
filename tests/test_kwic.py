"""KWIC: search in Simplified, show the original script, offsets that point at the right
characters of text_original; the CLI prints a table."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_themes import slogan_corpus
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.cli import main
from analysis.measures.concordance import KWIC_COLUMNS, _display_width, format_kwic, kwic


@pytest.fixture(scope="module")
def corpus():
    return slogan_corpus()


def _assert_offsets(lines: pd.DataFrame, paragraphs: pd.DataFrame, window: int) -> None:
    originals = paragraphs.set_index(["doc_id", "para_id"])["text_original"]
    for r in lines.itertuples():
        orig = originals[(r.doc_id, r.para_id)]
        assert orig[r.start : r.end] == r.match
        assert orig[max(0, r.start - window) : r.start] == r.left
        assert orig[r.end : r.end + window] == r.right
        assert len(r.left) <= window and len(r.right) <= window


def test_simplified_query_finds_traditional_text_in_original_script(corpus):
    paragraphs, _ = corpus
    lines = kwic(paragraphs, "战斗堡垒", window=6)
    assert list(lines.columns) == KWIC_COLUMNS
    assert lines[["doc_id", "para_id"]].values.tolist() == [["S1", 0], ["T1", 0]]
    assert lines["match"].tolist() == ["战斗堡垒", "戰鬥堡壘"]
    t1 = lines.iloc[1]
    assert (t1["left"], t1["right"]) == ("中,充分發揮", "作用。")  # paragraph end cuts it
    _assert_offsets(lines, paragraphs, 6)


def test_traditional_query_gives_the_same_lines(corpus):
    paragraphs, _ = corpus
    pd.testing.assert_frame_equal(kwic(paragraphs, "戰鬥堡壘"), kwic(paragraphs, "战斗堡垒"))


def test_offsets_for_every_hit_of_a_frequent_term(corpus):
    paragraphs, _ = corpus
    lines = kwic(paragraphs, "开展", window=3)
    assert len(lines) == 6  # 開展 (T1) and 开展 (S1, S2)
    _assert_offsets(lines, paragraphs, 3)
    assert lines.sort_values(["doc_id", "para_id", "start"]).index.tolist() == list(range(6))


def test_regex_option(corpus):
    paragraphs, _ = corpus
    lines = kwic(paragraphs, r"[三五][个聯联]\w", regex=True, window=2)
    assert set(lines["match"]) == {"五个好", "五個好", "三聯共", "三个月"}
    _assert_offsets(lines, paragraphs, 2)
    with pytest.raises(ValueError, match="invalid regular expression"):
        kwic(paragraphs, "三(", regex=True)
    assert kwic(paragraphs, "三(", window=2).empty  # literal by default


def test_duplicates_dropped_when_documents_given(corpus):
    paragraphs, documents = corpus
    assert "S2" in set(kwic(paragraphs, "升级晋档")["doc_id"])
    assert "S2" not in set(kwic(paragraphs, "升级晋档", documents=documents)["doc_id"])
    kept = kwic(paragraphs, "升级晋档", documents=documents, include_duplicates=True)
    assert "S2" in set(kept["doc_id"])


def test_bad_arguments(corpus):
    paragraphs, _ = corpus
    with pytest.raises(ValueError):
        kwic(paragraphs, "")
    with pytest.raises(ValueError):
        kwic(paragraphs, "党", window=-1)
    assert kwic(paragraphs, "不存在的词").empty


def test_format_aligns_and_marks_the_match(corpus):
    paragraphs, _ = corpus
    text = format_kwic(kwic(paragraphs, "战斗堡垒", window=6), window=6)
    lines = text.splitlines()
    assert len(lines) == 2 and all("【" in ln for ln in lines)
    widths = {_display_width(ln[: ln.index("【")]) for ln in lines}
    assert len(widths) == 1  # the match starts in the same display column


def test_cli_prints_a_table_from_data_raw(capsys):
    assert main(["kwic", "招商引资", "--window", "8", "--limit", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("招商引资:") and "(showing 3)" in out[0]
    assert len(out) == 4 and all("【招商引資】" in ln or "【招商引资】" in ln for ln in out[1:])
    assert main(["kwic", "雙基四落實", "--limit", "0", "--include-duplicates"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "in 2 documents" in head  # 002-1 and its near-duplicate 002-2


# --------------------------------------------------------------------------- property


ALPHABET = "發展經濟統戰黨建设設施招商引资,、。“”（）12 "


@settings(max_examples=60, deadline=None)
@given(
    paras=st.lists(st.text(alphabet=ALPHABET, min_size=0, max_size=40), min_size=1, max_size=4),
    data=st.data(),
)
def test_offsets_always_point_at_the_original(paras, data):
    from analysis.corpus.script import to_simplified

    frame = pd.DataFrame(
        {
            "doc_id": [f"d{i}" for i in range(len(paras))],
            "para_id": 0,
            "text": [to_simplified(p) for p in paras],
            "text_original": paras,
        }
    )
    source = data.draw(st.sampled_from(paras))
    if not source.strip():
        return
    a = data.draw(st.integers(0, len(source) - 1))
    b = data.draw(st.integers(a + 1, len(source)))
    term = source[a:b]
    window = data.draw(st.integers(0, 5))
    lines = kwic(frame, term, window=window)
    assert len(lines) >= 1  # the term was cut from one of the paragraphs
    for r in lines.itertuples():
        row = frame.set_index("doc_id").loc[r.doc_id]
        assert row["text_original"][r.start : r.end] == r.match
        assert row["text"][r.start : r.end] == to_simplified(term)
        assert r.left == row["text_original"][max(0, r.start - window) : r.start]
