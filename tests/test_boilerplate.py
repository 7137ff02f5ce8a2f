"""Boilerplate by evidence: lines recurring at the edges of many documents."""

from __future__ import annotations

import pandas as pd

from analysis.corpus import load_corpus
from analysis.corpus.boilerplate import MIN_CORPUS_DOCS, line_shape, recurring_lines

TOPICS = ["招商引资", "基础设施", "党的建设", "社会稳定", "农民增收", "生态环境", "教育医疗"]


def _report(i: int) -> str:
    body = [
        f"{2000 + i}年全县{TOPICS[(i + k) % 7]}工作会议纪要第{k}部分,"
        f"完成投资{i * 13 + k}亿元,同比增长{(i * 7 + k) % 19}%,群众满意度{80 + k}%。"
        for k in range(8)
    ]
    return "\n".join(
        [f"关于{TOPICS[i % 7]}的报告{i}", "各位代表:", *body,
         "一、主要任务", f"全县{TOPICS[i % 7]}取得新进展{i}。",
         f"扫码关注本站 获取更多资讯 第{i}期", "本网站由县信息中心维护"]
    )  # fmt: skip


def _folder(tmp_path, n):
    for i in range(n):
        (tmp_path / f"r{i:03d}.txt").write_text(_report(i), encoding="utf-8")
    return tmp_path


def test_recurring_edge_lines_are_removed_in_a_large_corpus(tmp_path):
    corpus = load_corpus(_folder(tmp_path, MIN_CORPUS_DOCS + 5))
    text = "\n".join(corpus.paragraphs["text"])
    assert "扫码关注本站" not in text and "本网站由县信息中心维护" not in text
    assert text.count("各位代表") == MIN_CORPUS_DOCS + 5  # a salutation is not chrome
    assert text.count("主要任务") == MIN_CORPUS_DOCS + 5  # nor a numbered heading
    removed = corpus.removed_lines[corpus.removed_lines["rule"] == "recurring_line"]
    assert len(removed) == 2 * (MIN_CORPUS_DOCS + 5)
    assert set(removed["line_no"]) == {13, 14}  # file line numbers of the footer
    bp = corpus.boilerplate.set_index("shape")
    assert bp.loc[line_shape("扫码关注本站 获取更多资讯 第1期"), "removed"]
    assert not bp.loc["各位代表:", "removed"]
    q = corpus.quality[corpus.quality["doc_id"] != ""]
    assert (q["recurring_lines"] == 2).all()
    assert (
        corpus.documents["n_paragraphs"] == corpus.paragraphs.groupby("doc_id").size().values
    ).all()
    assert (
        corpus.paragraphs.groupby("doc_id")["para_id"]
        .apply(lambda s: list(s) == list(range(len(s))))
        .all()
    )


def test_small_corpus_only_reports_candidates(tmp_path):
    corpus = load_corpus(_folder(tmp_path, 8))
    assert "本网站由县信息中心维护" in "\n".join(corpus.paragraphs["text"])
    row = corpus.boilerplate.set_index("shape").loc["本网站由县信息中心维护"]
    assert not row["removed"] and "corpus too small" in row["reason"]


def test_recurring_heading_inside_the_text_is_kept():
    rows = []
    for d in range(30):
        texts = (
            [f"正文{d}-{k}。" for k in range(6)]
            + ["加强政府自身建设"]
            + [f"结语{d}-{k}。" for k in range(6)]
        )
        rows += [(f"d{d}", k, "body", t) for k, t in enumerate(texts)]
    paras = pd.DataFrame(rows, columns=["doc_id", "para_id", "kind", "text"])
    cand = recurring_lines(paras, 30).set_index("shape")
    assert not cand.loc["加强政府自身建设", "removed"]
    assert "inside the text" in cand.loc["加强政府自身建设", "reason"]
