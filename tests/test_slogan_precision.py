"""Precision of the evidence rules for quoted keys: a short key quoted for emphasis in many
places, a name rescued only by an unquoted pilot (X试点), a numeral + 个 + a count noun."""

from __future__ import annotations

import pytest
from fixtures_slogans import paragraph_frames

from analysis.measures.slogans import (
    _numbered_stopped,
    load_slogan_patterns,
    quoted_candidates,
    slogan_mentions,
)


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


# “输血” is quoted for emphasis in six places and once happens to precede a head (机制);
# “护河” is the name of a campaign: its head follows most quoted uses.
EMPHASIS = {
    "a": [
        "既要“输血”，更要“造富”。",
        "扶贫不能只靠“输血”。",
        "从“输血”转向自我发展。",
        "财政“输血”规模逐年下降。",
    ],
    "b": [
        "改变单纯“输血”的做法。",
        "完善“输血”机制，规范资金拨付。",
        "深入开展“护河”行动，清理河道垃圾。",
    ],
    "c": ["“护河”行动覆盖全部河段。", "全县“护河”志愿者达三千人。"],
}


def test_short_key_needs_a_head_after_a_share_of_its_quoted_uses(patterns):
    paragraphs, documents = paragraph_frames(EMPHASIS)
    keys = set(slogan_mentions(paragraphs, patterns, documents=documents)["slogan"])
    assert "护河" in keys  # 行动 after 2 of 3 quoted uses
    assert "输血" not in keys  # a head after 1 of 6 quoted uses
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    assert table.at["护河", "evidence"] == "short, followed by 行动 (2 of 3 quoted uses)"
    assert table.at["输血", "reason"].startswith("short, a head after 1 of 6 quoted uses only")


PILOTS = {
    "a": [
        "建成“共享工厂”，吸纳就业八百人。",
        "省里启动共享工厂试点，带动小微企业转型。",
    ],
    "b": ["开展“数字粮站”试点，粮食损耗下降。"],
}


def test_a_pilot_names_a_programme_only_after_a_quoted_use(patterns):
    paragraphs, documents = paragraph_frames(PILOTS)
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    # 共享工厂试点 unquoted: a pilot of a facility, not a programme's name
    assert not table.at["共享工厂", "accepted"]
    assert table.at["数字粮站", "accepted"]
    assert table.at["数字粮站", "evidence"].endswith("followed by 试点")


def test_numeral_ge_count_noun_is_a_count(patterns):
    # nouns of data/lexicons/count_nouns.txt that the earlier inline list lacked
    for key in ("三个街道", "两个片区", "五个园区", "四个港口"):
        assert _numbered_stopped(key, patterns), key
    # formulas with 个 and abbreviations without it stay
    for key in ("四个中心", "两个维护", "三名", "两区"):
        assert not _numbered_stopped(key, patterns), key
    paragraphs, documents = paragraph_frames({"a": ["全镇辖九个村、三个街道，推进“两个确保”。"]})
    keys = set(slogan_mentions(paragraphs, patterns, documents=documents)["slogan"])
    assert "三个街道" not in keys
    assert "两个确保" in keys


def test_a_place_after_the_formula_mark_is_a_destination(patterns):
    paragraphs, documents = paragraph_frames(
        {
            "a": ["开行“+中亚”班列十二列，发展“+文创”新业态。"],
            "b": ["推进“+文创”融合，培育“会展+”经济。"],
        }
    )
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    assert not table.at["+中亚", "accepted"]
    assert table.at["+中亚", "reason"].startswith("a place after the formula mark (中亚)")
    assert table.at["+文创", "accepted"] and table.at["会展+", "accepted"]
