"""Named spirits and models (a place or person + 精神/模式/经验) are formulation candidates
with an evidence point of their own; recurrence decides as for any candidate."""

from __future__ import annotations

import pytest
from fixtures_slogans import paragraph_frames

from analysis.measures.slogans import discover_formulations, load_slogan_patterns, slogan_mentions


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


DOCS = {
    "a": ["全乡干部深入学习孔繁森精神，扎根基层。", "推广上海城市精神的经验做法。"],
    "b": ["大力弘扬孔繁森精神和工匠精神。", "传承南泥湾精神，自力更生发展产业。"],
    "c": ["全县上下弘扬工匠精神，打造技能人才队伍。"],
}


def test_named_spirit_is_a_candidate_and_recurrence_decides(patterns):
    paragraphs, documents = paragraph_frames(DOCS)
    table = discover_formulations(paragraphs, documents, patterns).set_index("formulation")
    # a person's name + 精神 in two documents: accepted on the name and the recurrence
    assert table.at["孔繁森精神", "named"]
    assert table.at["孔繁森精神", "accepted"]
    # a place + 精神 in one document: listed with its label, not accepted
    assert table.at["南泥湾精神", "named"]
    assert not table.at["南泥湾精神", "accepted"]
    assert table.at["南泥湾精神", "reason"] == "in too few documents"
    # not a name: 工匠 is a common noun; 海城市 is the tail of 上海
    assert "工匠精神" not in table.index or not table.at["工匠精神", "named"]
    assert "海城市精神" not in table.index
    m = slogan_mentions(paragraphs, patterns, documents=documents)
    found = m[m.slogan == "孔繁森精神"]
    assert set(found.doc_id) == {"a", "b"} and set(found.kind) == {"formulation"}
