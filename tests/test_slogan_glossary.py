"""Terms a document's own glossary defines (名词解释, 注释) are formulation candidates with an
evidence point of their own; recurrence decides as for any candidate."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_slogans import paragraph_frames

from analysis.measures.slogans import (
    discover_formulations,
    glossary_terms,
    load_slogan_patterns,
    slogan_evidence,
)


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


BODY = {
    "a": ["全面推行农房风貌管控行动，村容村貌明显改善。", "落实菜篮子市长负责制。"],
    "b": ["持续开展农房风貌管控行动和厕所改造。"],
    "c": ["全县完成农房整治。"],
}
NOTES = [
    ("a", "名词解释"),
    ("a", "1．农房风貌管控行动：指对农村住房的外观、高度和色彩进行统一引导。"),
    ("a", "2、菜篮子市长负责制：指城市政府对蔬菜等副食品供应负总责的制度。"),
    ("a", "3．《实施方案》：指本县印发的方案。"),
    ("b", "〔1〕2023年目标：指今年的预期目标。"),
]


def _corpus():
    paragraphs, documents = paragraph_frames(BODY)
    notes = pd.DataFrame(NOTES, columns=["doc_id", "text"])
    return paragraphs, documents, notes


def test_glossary_terms_are_read_from_the_notes(patterns):
    _, _, notes = _corpus()
    # a title and a dated target are not terms
    assert glossary_terms(notes, patterns) == {"农房风貌管控行动", "菜篮子市长负责制"}


def test_a_glossary_term_is_a_candidate_and_recurrence_decides(patterns):
    paragraphs, documents, notes = _corpus()
    table = discover_formulations(paragraphs, documents, patterns, notes=notes)
    table = table.set_index("formulation")
    assert (
        table.at["农房风貌管控行动", "glossary"] and table.at["农房风貌管控行动", "accepted"]
    )  # 2 documents
    assert table.at["菜篮子市长负责制", "glossary"]  # defined and used in one document only
    assert not table.at["菜篮子市长负责制", "accepted"]
    assert table.at["菜篮子市长负责制", "reason"] == "in too few documents"
    ev = slogan_evidence(paragraphs, patterns, documents=documents, notes=notes)
    m = ev["slogan_mentions"]
    assert set(m.loc[m.slogan == "农房风貌管控行动", "doc_id"]) == {"a", "b"}
    # without the glossary the term has no evidence in this corpus
    plain = discover_formulations(paragraphs, documents, patterns)
    assert "农房风貌管控行动" not in set(plain.loc[plain["accepted"], "formulation"])
