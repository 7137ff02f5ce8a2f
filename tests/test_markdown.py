"""Markdown exports: front matter, headings, emphasis, links, comments (analysis.corpus.markdown)."""

from __future__ import annotations

from analysis.corpus.build import load_corpus
from analysis.corpus.markdown import markdown_lines, strip_inline

MD = """---
title: 2019年某市政府工作报告
source: 某市人民政府网
date: 2019-01-20
tags: [政府工作报告, 2019]
---
<!-- 导出自某站 -->
# 2019年某市政府工作报告

**各位代表：**

## 一、2018年工作回顾

过去一年，我们**坚持稳中求进**，实施[乡村振兴](http://example.cn/a)战略。![图片](a.png)

**（一）经济运行稳中有进**

全市生产总值增长*6.5%*。<br/>

---
"""


def test_markdown_lines_keep_line_count_and_strip_syntax():
    md = markdown_lines(MD)
    assert len(md.lines) == len(MD.split("\n"))
    assert md.meta == {"title": "2019年某市政府工作报告", "source": "某市人民政府网",
                       "date": "2019-01-20", "tags": "政府工作报告, 2019"}  # fmt: skip
    text = "\n".join(md.lines)
    for syntax in ("**", "#", "](", "<!--", "<br", "---", "title:"):
        assert syntax not in text, syntax
    assert "过去一年，我们坚持稳中求进，实施乡村振兴战略。" in md.lines
    assert "全市生产总值增长6.5%。" in md.lines
    headings = {md.lines[i]: level for i, level in md.headings.items()}
    assert headings == {
        "2019年某市政府工作报告": 1,
        "一、2018年工作回顾": 2,
        "（一）经济运行稳中有进": 0,
    }
    assert "各位代表：" in md.lines  # a bold salutation is not a heading
    rules = [r for _, r, _ in md.removed]
    assert rules.count("front_matter") == 6 and "html_comment" in rules and "md_rule" in rules


def test_strip_inline_keeps_anonymised_stars_without_pairs():
    assert strip_inline("**镇位于**市东郊") == "镇位于市东郊"  # paired on one line: emphasis
    assert strip_inline("**镇党委") == "**镇党委"
    assert strip_inline("[链接文字][1] 与 <span>标签</span>") == "链接文字 与 标签"


def test_footnotes_become_notes_and_references_go(tmp_path):
    """A footnote reference [^2] does not stay inside the sentence; the footnote itself is kept
    as a note line (role notes), not dropped as a link definition."""
    md = markdown_lines("全年粮食产量38.6万吨[^2]，创历史新高。\n\n[^2]: 含大豆和薯类。\n")
    assert md.lines[0] == "全年粮食产量38.6万吨，创历史新高。"
    assert md.lines[2] == "注2：含大豆和薯类。"
    assert not md.removed
    (tmp_path / "r.md").write_text(
        "# 某乡2020年工作总结\n\n全乡修建水渠12公里[^3]。\n\n[^3]: 其中新建8公里。\n",
        encoding="utf-8",
    )
    paras = load_corpus(tmp_path).paragraphs
    roles = dict(zip(paras.text_original, paras.role))
    assert roles["全乡修建水渠12公里。"] == "substance"
    assert roles["注3:其中新建8公里。"] == "notes"
