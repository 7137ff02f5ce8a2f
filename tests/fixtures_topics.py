"""Tiny, real-looking token fixtures for the keyword and topic tests (no I/O, deterministic).

Four clear topics of local-government reports -- party building, investment attraction,
infrastructure, agriculture -- each with its own vocabulary, plus a few words every report
uses. Units are paragraphs ``"{doc_id}#{para_id}"`` of four documents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

TOPIC_WORDS: dict[str, list[str]] = {
    "party_building": [
        "党建",
        "党员",
        "党组织",
        "支部",
        "先锋模范",
        "战斗堡垒",
        "创先争优",
        "组织生活",
        "党课",
        "村级党组织",
        "两委",
        "发展党员",
    ],
    "investment_attraction": [
        "招商引资",
        "项目",
        "企业",
        "客商",
        "投资",
        "园区",
        "签约",
        "落户",
        "亿元",
        "引进",
        "产业链",
        "营商环境",
    ],
    "infrastructure": [
        "道路",
        "公路",
        "硬化",
        "水利",
        "桥梁",
        "管网",
        "改造",
        "工程",
        "交通",
        "基础设施",
        "供水",
        "路灯",
    ],
    "agriculture": [
        "农业",
        "农民",
        "增收",
        "种植",
        "养殖",
        "合作社",
        "粮食",
        "蔬菜",
        "大棚",
        "耕地",
        "农产品",
        "示范基地",
    ],
}
COMMON = ["全镇", "推进", "加快", "今年"]


def fixture_units(
    *, n_docs: int = 4, paras_per_doc: int = 12, length: int = 14, seed: int = 7
) -> pd.Series:
    """Paragraph units, each drawn mostly (85 %) from one topic's words, 15 % common words.

    Paragraph p of every document is about topic ``p % 4``, so each document covers all topics.

    Returns:
        ``pd.Series`` of ``list[str]`` indexed by ``"{doc_id}#{para_id}"``.
    """
    rng = np.random.default_rng(seed)
    topics = list(TOPIC_WORDS)
    out = {}
    for d in range(n_docs):
        for p in range(paras_per_doc):
            words = TOPIC_WORDS[topics[p % len(topics)]]
            toks = [
                str(rng.choice(COMMON)) if rng.random() < 0.15 else str(rng.choice(words))
                for _ in range(length)
            ]
            out[f"00{d}#{p}"] = toks
    return pd.Series(out, dtype=object)


def fixture_paragraphs(units: pd.Series) -> pd.DataFrame:
    """A paragraphs table matching ``units`` (corpus contract columns used by topics).

    ``text_original`` is the tokens joined in Traditional-looking form: the first character is
    marked with ``「`` so tests can tell it from the Simplified ``text``.
    """
    rows = []
    for uid, toks in units.items():
        doc, para = uid.split("#")
        text = "".join(toks)
        rows.append(
            {
                "doc_id": doc,
                "para_id": int(para),
                "kind": "body",
                "text": text,
                "text_original": "「" + text[1:],
            }
        )
    return pd.DataFrame(rows)
