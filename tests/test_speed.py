"""Speed changes keep results identical: each fast path against the plain reference (no timing)."""

from __future__ import annotations

import re
import subprocess
import sys

from analysis.corpus.gazetteer import default_gazetteer
from analysis.corpus.genre import _any_of, _FormulaShare
from analysis.corpus.script import to_simplified, to_simplified_many
from analysis.paths import RAW, ROOT


def _reference_scan(gaz, text):
    """The original one-position-at-a-time scan."""
    i, n = 0, len(text)
    while i < n - 1:
        for length in gaz.by_prefix.get(text[i : i + 2], ()):
            if text[i : i + length] in gaz.surface:
                yield i, i + length, text[i : i + length]
                i += length
                break
        else:
            i += 1


def test_gazetteer_scan_matches_the_reference_scan():
    gaz = default_gazetteer()
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(RAW.glob("*.txt"))]
    texts += [
        "",
        "市",
        "七台河市",
        "在七台河市和呼和浩特调研",
        "黄河南岸的内蒙古自治区",
        "𠀀北京市",
    ]
    for text in texts:
        assert list(gaz.scan(text)) == list(_reference_scan(gaz, text))
    assert [s for _, _, s in gaz.scan("在七台河市和呼和浩特调研")] == ["七台河市", "呼和浩特"]


def test_to_simplified_many_equals_one_by_one():
    texts = ["發展經濟", "", "統戰工作，", "a\nb", "乾隆", "後來", "简体不变"]
    assert to_simplified_many(texts) == [to_simplified(t) for t in texts]
    assert to_simplified_many([]) == []


def test_combined_sentence_patterns_decide_like_any():
    pats = (re.compile(r"^(在此|借此机会)"), re.compile(r"(的结果|的结晶)[。！？；!?;]?$"),
            re.compile(r"衷心感谢"))  # fmt: skip
    assert _any_of(pats) is not None
    text = "在此，我代表市政府表示感谢。成绩来之不易。这是全市人民奋斗的结果。衷心感谢大家！"
    reference = _FormulaShare([*pats, re.compile(r"(a)\1")])(text)  # not combinable
    assert _any_of((*pats, re.compile(r"(a)\1"))) is None
    assert _FormulaShare(pats)(text) == reference
    assert 0 < reference < 1


def test_bench_speed_prints_every_target():
    out = subprocess.run(
        [sys.executable, "-m", "analysis", "bench", "speed", "--corpus", str(RAW), "--k", "4",
         "--iterations", "20", "--sample-chars", "5000"],
        capture_output=True, text=True, cwd=ROOT, timeout=600, check=True,
    ).stdout  # fmt: skip
    for needle in ("M chars per CPU second", "plain jieba.lcut", "raw rjieba.cut",
                   "tomotopy alone", "raw -> topics", "peak memory"):  # fmt: skip
        assert needle in out
    assert len(re.findall(r": (MET|not met)", out)) >= 4


def test_bench_speed_keeps_each_steps_fastest_run():
    from analysis.bench.speed import fastest

    runs = [
        {"ingestion": (5.0, 9.0), "fit": (3.0, 3.5), "tomotopy": (2.0, 2.1), "n_raw": 10},
        {"ingestion": (4.0, 12.0), "fit": (3.5, 3.6), "n_raw": 10},
        {"ingestion": (4.5, 4.6), "fit": (2.5, 9.9), "n_raw": 10},
    ]
    best = fastest(runs)
    assert best["ingestion"] == (4.0, 12.0) and best["fit"] == (2.5, 9.9)
    assert best["tomotopy"] == (2.0, 2.1) and best["n_raw"] == 10
    assert runs[0]["ingestion"] == (5.0, 9.0)  # the runs are not modified
    assert fastest(runs[:1]) == runs[0]


def test_bench_topics_names_the_method_of_every_backend():
    """`bench topics` prints one method per backend it fits; a backend added to the catalogue
    (gensim-streaming was) must not end the benchmark with a KeyError."""
    from analysis.bench.topics import method
    from analysis.topics import BACKENDS

    for large in (False, True):
        methods = {b: method(b, large=large) for b in BACKENDS}
        assert methods["tomotopy"] == "Gibbs"
        assert methods["gensim-streaming"] == "online VB"
        assert methods["gensim"] == ("online VB" if large else "batch VB")
