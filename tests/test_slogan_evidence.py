"""Slogans accepted on evidence: short quoted keys, quoted names used as programmes, known
slogans of the lexicon (single documents marked), and the candidate tables that show why."""

from __future__ import annotations

import pytest
from fixtures_slogans import paragraph_frames

from analysis.measures.slogans import (
    discover_formulations,
    extract_slogans,
    load_slogan_patterns,
    quoted_candidates,
    slogan_mentions,
)


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


SHORT = {
    "a": [
        "全区推进“电商+”行动，农产品网销额增长三成。",
        "我们实施“雪亮”工程，视频监控覆盖全部行政村。",
    ],
    "b": [
        "补齐公共服务“短腿”，破解资金“瓶颈”。",
        "打造“橙乡”创建模式，带动果农增收。",
    ],
}


def test_short_quoted_keys_need_a_formula_mark_or_a_head(patterns):
    paragraphs, documents = paragraph_frames(SHORT)
    keys = set(slogan_mentions(paragraphs, patterns, documents=documents)["slogan"])
    # 电商+ (formula mark), 雪亮 + 工程, 橙乡 + 创建 + 模式; the scare quotes are not slogans
    assert {"电商+", "雪亮", "橙乡"} <= keys
    assert not {"短腿", "瓶颈"} & keys
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    assert table.at["雪亮", "evidence"] == "short, followed by 工程"
    assert table.at["橙乡", "evidence"] == "short, followed by 创建模式"
    assert not table.at["短腿", "accepted"]
    assert table.at["短腿", "reason"].startswith("short (2 characters)")


NAMES = {
    "a": [
        "各村推广“村社联营合作社”，吸纳农户入股。",
        "镇里总结推广村社联营合作社模式。",
    ],
    "b": ["“青山茶叶专业合作社”今年分红120万元。"],
}


def test_a_quoted_name_is_a_slogan_only_when_used_as_a_programme(patterns):
    paragraphs, documents = paragraph_frames(NAMES)
    slogans = extract_slogans(paragraphs, documents, patterns).set_index("slogan")
    assert "村社联营合作社" in slogans.index
    assert "青山茶叶专业合作社" not in slogans.index
    assert slogans.at["村社联营合作社", "evidence"] == (
        "quoted; name ending 社 used as a programme: followed by 模式"
    )
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    assert table.at["青山茶叶专业合作社", "reason"] == (
        "a name (ends with 社), never followed by a programme head"
    )


KNOWN = {
    "a": ["今年全县深入推进扫黑除恶专项斗争，破获案件12起。", "全县粮食生产再获丰收。"],
    "b": ["我们围绕碳达峰目标，淘汰落后产能。"],
    "c": ["全市推动碳达峰行动落地，新能源装机增长一倍。"],
    "d": ["全镇完成道路硬化18公里。"],
}


def test_known_slogans_need_no_corpus_evidence_and_a_single_document_is_marked(patterns):
    paragraphs, documents = paragraph_frames(KNOWN)
    table = discover_formulations(paragraphs, documents, patterns).set_index("formulation")
    assert table.at["扫黑除恶", "accepted"] and table.at["扫黑除恶", "known"]
    assert table.at["扫黑除恶", "basis"] == "lexicon, single document"
    assert table.at["碳达峰", "accepted"] and table.at["碳达峰", "sample_docs"] == 2
    slogans = extract_slogans(paragraphs, documents, patterns).set_index("slogan")
    assert slogans.at["扫黑除恶", "kind"] == "formulation"
    assert not slogans.at["扫黑除恶", "recurring"]
    assert "lexicon, single document" in slogans.at["扫黑除恶", "evidence"]
    assert slogans.at["碳达峰", "n_docs"] == 2


def test_an_unknown_phrase_in_one_document_is_no_formulation(patterns):
    docs = {**KNOWN, "d": ["全镇推进山海同心行动，新建茶园八百亩。"]}
    paragraphs, documents = paragraph_frames(docs)
    keys = set(slogan_mentions(paragraphs, patterns, documents=documents)["slogan"])
    assert "山海同心" not in keys and "山海同心行动" not in keys


def test_a_known_slogan_outside_the_discovery_sample_is_still_counted(patterns):
    """On a corpus read for discovery on a sample of documents, a known slogan found only in
    documents outside the sample is counted all the same (it needs no corpus evidence)."""
    from dataclasses import replace

    docs = {
        "a": ["全县粮食总产量稳定在十二万吨以上，农民收入持续增长。"],
        "b": ["我们全面推行河长制，主要河流水质保持优良。"],
        "c": ["全县新建改建农村公路一百二十公里，实现村村通客车。"],
        "d": ["全年城镇新增就业四千二百人，城乡居民收入稳步提高。"],
    }
    paragraphs, documents = paragraph_frames(docs)
    small = replace(patterns, formulations=replace(patterns.formulations, sample_chars=60))
    table = discover_formulations(paragraphs, documents, small)
    assert "河长制" not in set(table["formulation"])  # b is outside the sample
    slogans = extract_slogans(paragraphs, documents, small).set_index("slogan")
    assert slogans.at["河长制", "kind"] == "formulation"
    assert "not in the discovery sample" in slogans.at["河长制", "evidence"]


COLLOQUIAL = {
    "a": [
        "干部要敢啃“硬骨头”，搬掉发展路上的“拦路虎”。",
        "分配上打破“大锅饭”，产业发展不搞“一窝蜂”。",
    ],
    "b": [
        "全面落实“菜篮子”工程，新建蔬菜基地两处。",
        "推行村“两委”主要负责人“一肩挑”，开展“三治融合”试点。",
    ],
}


def test_an_ordinary_quoted_word_is_a_slogan_only_with_a_programme_head(patterns):
    paragraphs, documents = paragraph_frames(COLLOQUIAL)
    keys = set(slogan_mentions(paragraphs, patterns, documents=documents)["slogan"])
    # jieba's ordinary words quoted for emphasis (一窝蜂 also no numbered formula) are not
    # slogans; an ordinary word with a programme head, an abbreviation (tag j) and words outside
    # jieba's dictionary still are
    assert not {"硬骨头", "拦路虎", "大锅饭", "一窝蜂"} & keys
    assert {"菜篮子", "两委", "一肩挑", "三治融合"} <= keys
    table = quoted_candidates(paragraphs, documents, patterns).set_index("candidate")
    assert table.at["拦路虎", "reason"].startswith("an ordinary word (jieba frequency")
    assert table.at["拦路虎", "reason"].endswith("without a programme head after it: scare quotes")
    assert table.at["菜篮子", "evidence"].endswith("followed by 工程")


def test_the_formulation_log_does_not_count_known_slogans_as_accepted_candidates(patterns, caplog):
    # known slogans outside the candidate table are searched everywhere; the log once counted
    # them as "accepted of N candidates" (72 of 41 on data/raw)
    import logging
    import re

    from analysis.measures.slogans import slogan_evidence

    paragraphs, documents = paragraph_frames(SHORT)
    with caplog.at_level(logging.INFO, logger="analysis.measures.slogans"):
        out = slogan_evidence(paragraphs, patterns, documents=documents)
    line = next(
        r.getMessage() for r in caplog.records if r.getMessage().startswith("formulations:")
    )
    accepted, candidates, known = map(int, re.findall(r"(\d+) (?:of|candidates|known)", line)[:3])
    table = out["formulation_candidates"]
    assert (accepted, candidates) == (int(table["accepted"].sum()), len(table))
    assert known == len(set(patterns.known) - set(table["formulation"]))
