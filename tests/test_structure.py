"""Articles, wrapped lines, headings, points, titles, dates and places."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.meta import extract_place, parse_date, signature_date, title_block
from analysis.corpus.structure import (
    join_wrapped_lines,
    paragraph_points,
    split_articles,
    split_long,
    structure_paragraphs,
)

LONG = "按月公示进度、半年测评通报、年终考核排队,抓班子成员的引领示范作用,树好旗,立好杆,公示承"


def test_split_articles_at_markers():
    lines = ["第一篇:加强统战工作", "正文一。", "第二篇:镇域经济发展", "正文二。"]
    assert split_articles(lines) == [("加强统战工作", ["正文一。"]), ("镇域经济发展", ["正文二。"])]
    assert split_articles(["只有一篇。"]) == [("", ["只有一篇。"])]


def test_join_wrapped_lines_rejoins_mid_sentence_breaks():
    joined, n = join_wrapped_lines([LONG, "诺目标。", "二、下一段。"])
    assert joined == [LONG + "诺目标。", "二、下一段。"]
    assert n == 1


def test_out_of_sequence_numeral_is_not_a_heading():
    # "躋身前八、強鎮強村" was wrapped before "八、": not heading 八 after nothing.
    first = "国土部门根据市委市政府提出的沿江开发战略,按照“融入沿江、错位发展、三区联动、三年倍增、跻身前"
    joined, n = join_wrapped_lines([first, "八、强镇强村”的总体工作要求。"])
    assert joined == [first + "八、强镇强村”的总体工作要求。"] and n == 1


def test_structure_sections_and_kinds():
    lines = [
        "乡镇党建经验材料",
        "今年以来,全镇上下抓党建促发展。",
        "一、取得的工作成绩",
        "(一)狠抓招商引资工作,打造“项目工程”",
        "今年以来,全镇上下把招商引资工作作为重中之重来抓。",
        "二、存在的问题",
        "二、固本强基,建强班子聚人心。基层班子是党在农村全部战斗力的基础,必须抓紧抓好。",
    ]
    df = structure_paragraphs(lines, n_title_lines=1)
    assert df["kind"].tolist() == [
        "title",
        "body",
        "heading",
        "subheading",
        "body",
        "heading",
        "body",
    ]
    assert df["section_no"].tolist() == [0, 0, 1, 1, 1, 2, 2]
    assert df.loc[4, "section"] == "一、取得的工作成绩"
    assert df.loc[4, "subsection"] == "(一)狠抓招商引资工作,打造“项目工程”"


def test_unnumbered_short_lines_are_headings_without_numbered_sections():
    lines = [
        "抓经济检验党建工作成效",
        "镇党委在综合分析农村经济社会发展现状的基础上制定了实施意见。",
    ]
    df = structure_paragraphs(lines)
    assert df["kind"].tolist() == ["heading", "body"]
    assert df.loc[1, "section"] == "抓经济检验党建工作成效"


def test_traditional_sections_are_reported_in_simplified():
    df = structure_paragraphs(
        ["一、構建和諧天長,發展鎮域經濟是關鍵", "構建和諧社會,最根本的是經濟發展的和諧。"]
    )
    assert df.loc[1, "section"] == "一、构建和谐天长,发展镇域经济是关键"


def test_paragraph_points():
    text = "加强班子建设。一是抓学习,提素质;二是抓制度,强管理;三是抓作风。"
    paras = pd.DataFrame({"doc_id": ["d"], "para_id": [0], "text": [text]})
    points = paragraph_points(paras)
    assert points["point_no"].tolist() == [1, 2, 3]
    assert [text[s:e] for s, e in zip(points["start"], points["end"])] == points["text"].tolist()
    assert points.loc[0, "text"] == "一是抓学习,提素质;"


def test_split_long_keeps_every_character():
    text = "句子。" * 5000
    pieces = split_long(text, limit=1000)
    assert "".join(pieces) == text and max(map(len, pieces)) <= 1003


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("发布时间:2011-09-14 09:09", "2011-09-14"),
        ("中共汤河镇委汤河镇人民政府二00九年九月七日", "2009-09-07"),
        ("二〇一二年十二月三十一日", "2012-12-31"),
        ("2007年2月2日", "2007-02-02"),
        ("2010-2011年继续获县绩效文明先进单位", ""),
        ("2013年13月40日", ""),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_signature_date_reads_only_the_end():
    lines = ["2007年2月2日召开会议。", "正文。", "中共汤河镇委二00九年九月七日"]
    assert signature_date(lines) == ("2009-09-07", 2)
    assert signature_date(lines[:2]) == ("", -1)


def test_title_block_drops_copies_and_fragments():
    title, kept, n = title_block(
        [
            "加强县级统战工作 服务县域经",
            "展",
            "加强县级统战工作 服务县域经济发展2007-02-02 23:03:",
            "正文很长。",
        ],
        "加强县级统战工作 服务县域经济发展",
    )
    assert title == "加强县级统战工作 服务县域经济发展"
    assert kept == [title, "正文很长。"] and n == 1


@pytest.mark.parametrize(
    ("title", "body", "place"),
    [
        ("神河镇“升级晋档”推动党建经济双丰收", "神河镇在开展活动中", "神河镇"),
        ("务实创新抓党建", "**镇紧邻新邵县城,**镇下辖47个村,**镇党委", ""),  # anonymised
        ("加强县级统战工作服务县域经济发展", "灵宝市委统战部……灵宝市在全市范围内", "灵宝市"),
        ("经验材料", "是考验镇各级党组织的一个现实课题", ""),  # one generic mention
        ("汇报", "规范市场秩序,规范市场行为", ""),  # 市场 is not a city
    ],
)
def test_extract_place(title, body, place):
    assert extract_place(title, body) == place
