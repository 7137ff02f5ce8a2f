"""Articles, wrapped lines, headings, points, titles, dates and places."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.meta import (
    detect_title,
    extract_place,
    parse_date,
    signature_date,
    title_block,
)
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


def test_split_compilations_at_labelled_pieces():
    """材料一：标题 / 【案例二】标题 label the pieces of a 简报 or 汇编: split there, when the labels
    run from 一 in order and carry a title; a reference in the text or a skipped number does not."""
    lines = ["组织工作简报", "【案例一】城南街道：网格连心解民忧", "正文一。",
             "【案例二】河口镇：产业党建促增收", "正文二。"]  # fmt: skip
    assert split_articles(lines) == [
        ("城南街道：网格连心解民忧", ["组织工作简报", "正文一。"]),
        ("河口镇：产业党建促增收", ["正文二。"]),
    ]
    out_of_order = ["材料二：河口镇产业党建", "正文。", "材料三：城南街道网格", "正文。"]
    assert len(split_articles(out_of_order)) == 1
    mentions = ["材料一：见附件。", "正文。", "材料二：略。", "正文。"]
    assert len(split_articles(mentions)) == 1


def test_labelled_cases_inside_a_report_do_not_split_it():
    """经验一：/案例二： after the report's own sentences are its sections, not pieces of a
    compilation; a compilation named before them (简报 第3期, 编者按) still splits."""
    report = ["关于乡村旅游发展情况的调研报告", "近年来，我县乡村旅游快速发展。",
              "经验一：坚持规划引领全域布局", "坚持规划先行。",
              "经验二：坚持农旅融合共同发展", "推动农旅融合。"]  # fmt: skip
    assert len(split_articles(report)) == 1
    # a body sentence naming a 第3期 course or a 汇编 is not a compilation's header
    report[1] = "今年举办第3期乡村旅游培训班，编印《乡村旅游政策汇编》。"
    assert len(split_articles(report)) == 1
    note = ["编者按：现将两个典型案例印发，供学习借鉴。", "案例一：河口镇产业党建促增收", "正文。",
            "案例二：城南街道网格治理见实效", "正文。"]  # fmt: skip
    assert len(split_articles(note)) == 2


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
        (
            "加强县级统战工作服务县域经济发展",
            "灵宝市委统战部……灵宝市在全市范围内……灵宝市",
            "灵宝市",
        ),
        (
            "统战工作汇报",
            "统战工作很重要。\n灵宝市统战部……灵宝市在全市范围内",
            "",
        ),  # two mentions, not official, not in the opening paragraph: too weak
        ("经验材料", "是考验镇各级党组织的一个现实课题", ""),  # one generic mention
        ("汇报", "规范市场秩序,规范市场行为", ""),  # 市场 is not a city
    ],
)
def test_extract_place(title, body, place):
    assert extract_place(title, body) == place


def _hard_wrap(paragraphs: list[str], width: int) -> list[str]:
    return [p[i : i + width] for p in paragraphs for i in range(0, len(p), width)]


@pytest.mark.parametrize("width", [25, 33, 40, 61])
def test_wrap_width_is_inferred_and_paragraphs_recovered(raw_corpus, width):
    from analysis.corpus.structure import infer_wrap_width, join_wrapped

    paras = raw_corpus.paragraphs
    body = paras[(paras["doc_id"] == "003") & (paras["kind"] == "body")]["text_original"]
    body = [p for p in body if p[-1] in "。！？"]  # paragraphs that end a sentence
    assert len(body) >= 5
    lines = _hard_wrap(body, width)
    inferred = infer_wrap_width(lines)
    assert inferred is not None and abs(inferred[0] - width) <= 1
    joined, starts = join_wrapped(lines)
    # a paragraph whose sentence ends exactly at the wrap is (conservatively) split there
    assert "".join(joined) == "".join(body)
    assert len(body) <= len(joined) <= len(body) + 2
    assert starts[0] == 0 and starts == sorted(starts)


def test_unwrapped_text_has_no_wrap_width(raw_corpus):
    from analysis.corpus.structure import infer_wrap_width

    paras = raw_corpus.paragraphs
    body = paras[(paras["doc_id"] == "003") & (paras["kind"] == "body")]["text_original"]
    assert infer_wrap_width(list(body)) is None


def test_markdown_headings_set_sections():
    lines = ["总体要求", "坚持稳中求进工作总基调。", "重点任务", "做好六稳工作。"]
    frame = structure_paragraphs(lines, headings={0: "top", 2: "top"})
    assert frame["kind"].tolist() == ["heading", "body", "heading", "body"]
    assert frame["section"].tolist() == ["总体要求", "总体要求", "重点任务", "重点任务"]


@pytest.mark.parametrize(
    "lines",
    [
        [
            "——2011年1月17日在广西壮族自治区第十一届人民代表大会第四次会议上",
            "各位代表：",
            "现在……。",
        ],
        ["各位代表:", "现在，我代表自治区人民政府，向大会作政府工作报告。"],
        ["<!-- 自治区人民政府主席包钢作政府工作报告。 本报记者 韩卿立 摄 -->", "各位代表："],
        ["本篇文章256字,读完约1分钟", "一、过去一年的工作"],
        ["（2004年2月12日 徐荣凯）", "各位代表："],
        ["2019年1月27日在云南省第十三届人民代表大会第二次会议上", "省人民政府省长 阮成发"],
        ["http://www.gov.cn/zwgk/2011-01/17/content.htm", "各位代表："],
        ["首页 > 政务公开 > 工作报告", "各位代表："],
        ["发布时间：2019-01-02 来源：省政府网站", "各位代表："],
        ["省 长 李成玉", "各位代表："],
        ["2011-09-14 09:09", "正文很长的一句话。"],
    ],
)
def test_title_detector_stays_empty_on_non_titles(lines):
    assert detect_title(lines) == ("", -1)


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        (["1954年政府工作报告", "——1954年5月23日在第一届全国人民代表大会第一次会议上"], "1954年政府工作报告"),
        (["政府工作报告——1996年2月25日在山东省第八届人民代表大会第四次会议上", "各位代表："], "政府工作报告"),
        (["政府工作报告  2004年2月24日在海南省第二届人民代表大会第2次会议上"], "政府工作报告"),
        (["原标题：政府工作报告——", "2025年1月14日在北京市第十六届人民代表大会第三次会议上"], "政府工作报告"),
        (["<!-- 新华社北京3月15日电 -->", "《政府工作报告》", "——2025年3月5日在…会议上"], "政府工作报告"),
        (["本篇文章256字,读完约1分钟", "务实创新抓党建凝心聚力谋发展", "——****镇党委先进事迹"],
         "务实创新抓党建凝心聚力谋发展"),
        (["团结奋进 务实创新 为实现我省国民经济和社会发展", "第十个五年计划而奋斗",
          "——2001年2月7日在福建省第九届人民代表大会第四次会议上的报告"],
         "团结奋进 务实创新 为实现我省国民经济和社会发展第十个五年计划而奋斗"),
        # asterisks standing for an anonymised name stay; markdown emphasis goes
        (["**乡关于推进移民搬迁工作的汇报", "各位领导："], "**乡关于推进移民搬迁工作的汇报"),
        (["**关于推进移民搬迁工作的汇报**", "各位领导："], "关于推进移民搬迁工作的汇报"),
        (["**乡关于推进移民搬迁工作的汇报**", "各位领导："], "**乡关于推进移民搬迁工作的汇报"),
        # a short title with a role in it is not a speaker line when it ends in a genre word
        (["社区党委书记抓党建述职报告", "各位领导："], "社区党委书记抓党建述职报告"),
        (["2021年度乡党委书记述职述廉报告", "一年来，我主要做了以下工作："],
         "2021年度乡党委书记述职述廉报告"),
        # a speech titled by its occasion; the byline form "在…会议上" stays rejected (above)
        (["在全市重点项目建设推进会上的讲话", "（2018年3月9日）", "同志们："],
         "在全市重点项目建设推进会上的讲话"),
        (["李明同志在全区组织工作会议上的总结讲话", "同志们："],
         "李明同志在全区组织工作会议上的总结讲话"),
        (["加快发展 争先进位", "在全镇三级干部大会上的讲话", "同志们："], "加快发展 争先进位"),
        # a dated subtitle (other dash characters: ―― U+2015) is the speech's byline, not its title
        (["坚持创新驱动 推动高质量发展", "――2021年2月3日在某市第五届人民代表大会第六次会议上的报告",
          "某市人民政府市长 王明", "各位代表："], "坚持创新驱动 推动高质量发展"),
        (["奋力谱写新篇章", "2016年1月6日在全县经济工作会议上的讲话", "同志们："], "奋力谱写新篇章"),
    ],
)  # fmt: skip
def test_title_detector_finds_titles(lines, title):
    assert detect_title(lines)[0] == title


def test_front_matter_title_wins_and_header_lines_stay_in_the_block():
    lines = ["——2015年1月26日在内蒙古自治区第十二届人民代表大会第三次会议上", "自治区主席巴特尔",
             "各位代表:", "现在，我代表内蒙古自治区人民政府向大会报告工作。"]  # fmt: skip
    title, kept, n = title_block(lines)
    assert title == "" and n == 2 and kept[n] == "各位代表:"  # the salutation starts the body
    title, kept, n = title_block(lines, meta_title="2015年内蒙古自治区政府工作报告")
    assert title == "2015年内蒙古自治区政府工作报告" and kept[0] == title and n == 3
    assert title_block(lines, meta_title="首页 > 新闻")[0] == ""


def test_salutations_and_lead_ins_are_not_headings():
    """A short line ending in a colon addresses someone or leads in: body, never a section."""
    lines = [
        "尊敬的主任、各位副主任、各位委员：",
        "受县人民政府委托，现将全县道路交通安全工作情况报告如下。",
        "今年重点抓了以下工作：",
        "（一）完善工作机制。成立专班，定期调度。",
        "（二）开展专项整治。查处违法行为1200起。",
    ]
    df = structure_paragraphs(lines)
    assert df["kind"].tolist() == ["body", "body", "body", "body", "body"]
    assert df["section_no"].tolist() == [0] * 5
    assert df["subsection"].tolist()[:3] == ["", "", ""]
    # without numbered top headings, a short plain line is still a section heading
    df = structure_paragraphs(["各位来宾：", "产业发展", "全年新增企业20家。"])
    assert df["kind"].tolist() == ["body", "heading", "body"]
    assert df["section"].tolist() == ["", "产业发展", "产业发展"]
