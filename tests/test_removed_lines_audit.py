"""Audit: every line cleaning removes from the 874 reports of ../shared/corpora is removed by a
rule that matches it whole, and no sentence is removed by a field (byline) rule."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from analysis import paths
from analysis.corpus import load_corpus
from analysis.corpus.boilerplate import line_shape
from analysis.corpus.clean import (
    _SENTENCE_END,
    chrome_category,
    clean_line,
    load_chrome_patterns,
    parse_field_line,
)
from analysis.corpus.io import read_raw_file
from analysis.corpus.meta import parse_date
from analysis.corpus.script import to_simplified

CORPUS = paths.ROOT.parent / "shared" / "corpora" / "cn-gov-work-reports"
_NON_CJK = re.compile(r"[^\u4e00-\u9fff]")


def _norm(s: str) -> str:
    return re.sub(r"[\s\-—–·•:：]+", "", s)


def sentence_shaped(text: str) -> bool:
    """Long and ending in sentence punctuation: report prose, never a field line."""
    return len(text) > 30 and text[-1] in "。！？!?；;…"


@pytest.fixture(scope="module")
def audited():
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not here ({CORPUS}): audit not run")
    return load_corpus(CORPUS)


@pytest.mark.slow
def test_every_removed_line_is_matched_whole_by_its_rule(audited):
    patterns = load_chrome_patterns()
    corpus = audited
    removed = corpus.removed_lines
    assert len(removed) > 0
    docs = corpus.documents.set_index("doc_id")
    title_col = "title_from_text" if "title_from_text" in docs else "title"
    kept = corpus.paragraphs.groupby("doc_id")["text"].agg(
        lambda s: [_NON_CJK.sub("", t) for t in s]
    )
    shapes = set(corpus.boilerplate.loc[corpus.boilerplate["removed"].astype(bool), "shape"])
    raw_lines: dict[str, list[str]] = {}
    problems = []
    for row in removed.itertuples():
        text, rule = row.text, row.rule
        simple = to_simplified(text)
        family = rule.split(":")[0]
        if family in ("chrome", "field", "field_value", "related_block", "wrap_fragment",
                      "title_copy", "recurring_line"):  # fmt: skip
            lines = raw_lines.setdefault(
                row.source_file, read_raw_file(CORPUS / row.source_file).text.split("\n")
            )
            if clean_line(lines[row.line_no - 1])[0] != text:
                problems.append((row, "text is not the whole line of the file"))
        if family == "chrome":
            ok = chrome_category(simple, patterns) == rule.split(":")[1]
        elif family == "field":
            parsed = parse_field_line(simple, patterns)
            ok = parsed is not None and parsed.first == rule.split(":")[1]
            ok = ok and not sentence_shaped(simple)
        elif family == "field_value":
            ok = len(simple) <= patterns.byline_value_max and not any(
                c in _SENTENCE_END for c in simple
            )
        elif family == "related_block":
            ok = True  # checked below: a contiguous tail starting at a block_start line
        elif family == "wrap_fragment":
            ok = len(_norm(text)) <= 1
        elif family == "title_copy":
            title = _norm(str(docs.loc[row.doc_id, title_col] or ""))
            ok = bool(title) and (
                title.startswith(_norm(simple)) or _norm(simple).startswith(title)
            )
        elif family == "signature":
            ok = len(text) <= 80 and text[-1] not in "。！？;；" and bool(parse_date(simple))
        elif family == "repeated_paragraph":
            core = _NON_CJK.sub("", simple)
            ok = len(core) >= 30 and any(
                k == core or k.startswith(core) or k.endswith(core) for k in kept[row.doc_id]
            )
        elif family == "recurring_line":
            ok = line_shape(simple) in shapes
        else:
            ok = False
        if not ok:
            problems.append((row, f"not matched by {rule}"))
    for _doc, block in removed[removed["rule"] == "related_block"].groupby("doc_id"):
        first = block.sort_values("line_no").iloc[0]
        if not any(rx.search(to_simplified(first["text"])) for rx in patterns.block_start):
            problems.append((first, "related block does not start at a block_start line"))
    assert not problems, problems[:10]
    print("removed lines by rule:", dict(Counter(removed["rule"])))


@pytest.mark.slow
def test_no_sentence_is_removed_by_a_field_rule(audited):
    removed = audited.removed_lines
    field = removed[removed["rule"].str.startswith(("field:", "field_value:"))]
    assert not field["text"].map(sentence_shaped).any(), field[field["text"].map(sentence_shaped)]
    assert not field["text"].str.contains("工作者").any()
