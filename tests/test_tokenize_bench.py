"""The tokenizer benchmark runs end to end on a tiny folder and prints its figures (no timing asserts)."""

from __future__ import annotations

import argparse


def test_bench_tokenize_prints_figures(tmp_path, capsys):
    from analysis.bench.tokenize import run

    (tmp_path / "a.txt").write_text(
        "关于加强基层组织建设的报告\n\n"
        "镇党委充分发挥村级党组织战斗堡垒作用,深入开展创先争优活动,"
        "进一步促进招商引资和项目建设的蓬勃发展。\n\n"
        "二是加强村级班子建设,以村“两委”换届为契机,选好配强了班子。\n",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text(
        "統戰工作報告\n\n統戰部長主抓非公有制經濟工作,促進縣域經濟發展。\n", encoding="utf-8"
    )
    args = argparse.Namespace(corpus=str(tmp_path), repeat=1, workers=None)
    assert run(args) == 0
    out = capsys.readouterr().out
    assert "(a) plain jieba.lcut" in out and "(b) tokenize, fast backend" in out
    assert "ratio (b)/(a):" in out
    line = next(x for x in out.splitlines() if "filtered tokens" in x)
    assert float(line.rsplit(":", 1)[1]) >= 0.99
