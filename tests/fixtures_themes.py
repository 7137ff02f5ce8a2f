"""Tiny, real-looking corpus fixtures (both scripts) for the themes, slogans and KWIC tests.

Sentences are adapted from data/raw/ so the patterns meet the wording they were written for.
Each builder returns DataFrames following docs/CONTRACTS.md (``text`` is the Simplified
conversion of ``text_original`` and has the same length).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.corpus.script import to_simplified

# (doc_id, original-script paragraphs)
SLOGAN_DOCS: dict[str, list[str]] = {
    # Traditional, like 003
    "T1": [
        "神河鎮在開展村級黨組織“升級晉檔,科學發展”活動中,充分發揮戰鬥堡壘作用。",
        "堅持“創先爭優,為民服務”,按照“五個好”標準,採取典型示範帶動、三聯共建等措施。",
        "通過開展“三聯共建”、“結對幫扶”等活動,開展以“五橋帶五區建設”為重點的“三抓三突破”活動。",
    ],
    # Simplified, like 001/000
    "S1": [
        "全镇开展“升级晋档、科学发展”活动,发挥战斗堡垒作用,该镇荣获省“五个好”乡镇党委。",
        "截至目前,全镇提前一个半月完成任务;持续三个月的培堤工程;按照“312”工作思路推进。",
        "下发了《关于加强基层统战组织建设的意见》,保留“工商业联合会”牌子,发展“根”经济。",
        "“谈工作必谈发展、谈发展必谈经济、谈经济必谈项目”;“城镇登记失业率控制在4.5%以内”。",
        "中共汤河镇委二00九年九月七日,坚持一心一意谋发展。",
    ],
    # near-duplicate of S1 (marked below), with a formula found nowhere else
    "S2": [
        "全镇开展“升级晋档、科学发展”活动,广泛开展了“双基四落实”活动。",
    ],
}

# Theme fixture: hits are computed by hand in tests/test_themes.py.
THEME_DOCS: dict[str, list[str]] = {
    "D1": [
        "加快基礎設施建設,推進招商引資,抓好黨建。",  # infra 1, invest 1, party 1
        "招商工作和道路建設,黨組織和黨建。",  # invest 1, infra 1, party 2
    ],
    "D2": ["基础设施不足。"],  # infra 1
}

THEMES_YAML = """\
themes:
  - id: infra
    label_zh: 基础设施
    label_en: Infrastructure
    description: roads and facilities
    terms: [基础设施, 基础设施建设, 道路]
  - id: invest
    label_zh: 招商引资
    label_en: Investment attraction
    description: investment promotion
    terms: [招商引资, 招商]
  - id: party
    label_zh: 党建
    label_en: Party building
    description: party organisations
    terms: [党建, 党组织]
"""


def paragraphs_from(docs: dict[str, list[str]]) -> pd.DataFrame:
    """Paragraph table per the corpus contract from ``{doc_id: [original paragraphs]}``."""
    rows = []
    for doc_id, paras in docs.items():
        for i, original in enumerate(paras):
            text = to_simplified(original)
            assert len(text) == len(original)
            rows.append(
                {
                    "doc_id": doc_id,
                    "para_id": i,
                    "kind": "body",
                    "section": "",
                    "text": text,
                    "text_original": original,
                }
            )
    return pd.DataFrame(rows)


def documents_from(docs: dict[str, list[str]], duplicates: dict[str, str] | None = None):
    """Documents table with ``doc_id`` and ``duplicate_of`` (``{dup: original}``)."""
    duplicates = duplicates or {}
    return pd.DataFrame(
        {"doc_id": list(docs), "duplicate_of": [duplicates.get(d, "") for d in docs]}
    )


def slogan_corpus() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(paragraphs, documents) of the slogan fixture; S2 is a near-duplicate of S1."""
    return paragraphs_from(SLOGAN_DOCS), documents_from(SLOGAN_DOCS, {"S2": "S1"})


def theme_corpus() -> pd.DataFrame:
    """Paragraphs of the theme fixture."""
    return paragraphs_from(THEME_DOCS)


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a UTF-8 file into ``tmp_path`` and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
