"""Boilerplate by evidence: short lines that recur at the edges of many documents (pure).

``chrome.yaml`` lists the chrome of the websites we know. A new website brings new chrome
("扫一扫在手机打开当前页", a footer naming the site's host, a sharing bar): the evidence that it is
chrome is that the same line — compared by its *shape*, with digits and Latin runs masked and
spaces ignored — recurs in many documents of the corpus, at the top or bottom of each.

Real report text recurs too in a corpus of one genre ("各位代表：" opens 89 % of the 874 work
reports in ../shared/corpora, "一、2019年工作回顾" 34 %), so recurrence alone is not enough. A
shape is removed only when ALL of these hold (constants below; the reasons are reported for
every candidate):

1. the corpus has at least ``MIN_CORPUS_DOCS`` documents — in a smaller corpus a line shared by
   a few documents cannot be told apart from recurring content, so candidates are only reported;
2. it occurs in at least ``max(MIN_DOCS, MIN_SHARE × n_documents)`` documents;
3. the line is short (≤ ``MAX_CHARS``), is not a numbered heading (一、 / （一） / 1、), does not
   end like report prose or a salutation (。！？；…：) and, where it was taken for a document
   title, does not read like one (``TITLE_WORDS``: 报告, 讲话, 材料, 经验 …);
4. in at least ``EDGE_SHARE`` of its occurrences it lies among the first or last
   ``EDGE_PARAGRAPHS`` paragraphs of its document (chrome frames the text; recurring section
   headings sit inside it).
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.corpus.structure import numbered_level

MIN_CORPUS_DOCS = 20
MIN_DOCS = 5
MIN_SHARE = 0.10
MAX_CHARS = 150
EDGE_PARAGRAPHS = 5
EDGE_SHARE = 0.8
CANDIDATE_MIN_DOCS = 3  # shapes in fewer documents are not even listed
_PROSE_END = "。！？!?；;…：:"

_MASK_DIGITS = re.compile(r"[0-9０-９]+(?:[.,][0-9]+)*")
_MASK_LATIN = re.compile(r"[A-Za-z]+")
_SPACE = re.compile(r"\s+")

CANDIDATE_COLUMNS = [
    "shape", "example", "n_docs", "share_docs", "n_occurrences", "edge_share", "removed",
    "reason",
]  # fmt: skip


def line_shape(text: str) -> str:
    """A line's shape: digits → ``0``, Latin runs → ``a``, whitespace removed.

    Example:
        >>> line_shape("浏览次数: 1234  www")
        '浏览次数:0a'
    """
    if _SHAPE_CHANGES.search(text) is None:  # (most lines: no digit, Latin or space)
        return text
    return _SPACE.sub("", _MASK_LATIN.sub("a", _MASK_DIGITS.sub("0", text)))


# every character one of the three substitutions of line_shape can start at: a line without
# any is its own shape (one search instead of three substitutions)
_SHAPE_CHANGES = re.compile(r"[0-9０-９A-Za-z\s]")


# A recurring line found as a document title is boilerplate only when it does not read like a
# report title: these words name the genres of the documents (政府工作报告, 经验材料, 讲话 …).
TITLE_WORDS = re.compile(
    "报告|讲话|发言|总结|材料|经验|做法|意见|规划|纲要|公报|决定|通知|方案|计划|汇报|致辞|体会|调研|交流"
)


def _why_not(shape: str, example: str, as_title: bool) -> str:
    if as_title and TITLE_WORDS.search(example):
        return "reads like a report title"
    if numbered_level(example):
        return "numbered heading"
    if example[-1] in _PROSE_END:
        return "ends like prose or a salutation"
    return ""


def recurring_lines(paragraphs: pd.DataFrame, n_documents: int) -> pd.DataFrame:
    """Short paragraphs whose shape recurs across documents, and whether each is boilerplate.

    Args:
        paragraphs: the paragraphs table (``doc_id, para_id, kind, text``).
        n_documents: documents in the corpus (the denominator of ``share_docs``).

    Returns:
        DataFrame with columns ``shape, example, n_docs, share_docs, n_occurrences, edge_share,
        removed, reason`` — one row per shape found in ≥ ``CANDIDATE_MIN_DOCS`` documents,
        most widespread first; ``removed`` says whether it meets every rule of the module
        docstring and ``reason`` names the first rule it fails ("" when removed).
    """
    if paragraphs.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    short = paragraphs[paragraphs["text"].str.len() <= MAX_CHARS]
    if short.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    n_per_doc = paragraphs.groupby("doc_id", sort=False)["para_id"].transform("size")
    rank = paragraphs.groupby("doc_id", sort=False).cumcount()
    edge = (rank < EDGE_PARAGRAPHS) | (rank >= n_per_doc - EDGE_PARAGRAPHS)
    frame = pd.DataFrame(
        {
            "doc_id": short["doc_id"],
            "shape": short["text"].map(line_shape),
            "example": short["text"],
            "title": short["kind"] == "title",
            "edge": edge.loc[short.index],
        }
    )
    n_docs = frame.drop_duplicates(["shape", "doc_id"]).groupby("shape", sort=False).size()
    keep = n_docs[(n_docs >= CANDIDATE_MIN_DOCS) & (n_docs.index != "")].index
    frame = frame[frame["shape"].isin(keep)]
    stats = frame.groupby("shape", sort=False).agg(
        n_occurrences=("doc_id", "size"),
        edge_share=("edge", "mean"),
        example=("example", "first"),
        as_title=("title", "any"),
    )
    stats["n_docs"] = n_docs.reindex(stats.index)
    if stats.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    need = max(MIN_DOCS, MIN_SHARE * n_documents)
    reasons = []
    for shape, row in stats.iterrows():
        why = _why_not(str(shape), row["example"], bool(row["as_title"]))
        if not why and row["n_docs"] < need:
            why = f"in {row['n_docs']} documents (< {need:g})"
        if not why and row["edge_share"] < EDGE_SHARE:
            why = f"inside the text ({row['edge_share']:.0%} at the edges)"
        if not why and n_documents < MIN_CORPUS_DOCS:
            why = f"corpus too small to tell ({n_documents} < {MIN_CORPUS_DOCS} documents)"
        reasons.append(why)
    out = stats.reset_index()
    out["share_docs"] = out["n_docs"] / max(1, n_documents)
    out["reason"] = reasons
    out["removed"] = out["reason"] == ""
    out = out.sort_values(["n_docs", "shape"], ascending=[False, True], kind="stable")
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)


def drop_recurring(
    paragraphs: pd.DataFrame, candidates: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Remove the paragraphs whose shape is marked ``removed`` in ``candidates``.

    Para ids and positions are renumbered; a removed heading no longer names the section of
    the paragraphs after it.

    Returns:
        ``(kept_paragraphs, dropped_paragraphs)`` (same columns as the input).
    """
    shapes = set(candidates.loc[candidates["removed"].astype(bool), "shape"])
    if not shapes or paragraphs.empty:
        return paragraphs, paragraphs.iloc[0:0]
    short = paragraphs["text"].str.len() <= MAX_CHARS
    hit = short & paragraphs["text"].where(short, "").map(line_shape).isin(shapes)
    if not hit.any():
        return paragraphs, paragraphs.iloc[0:0]
    dropped = paragraphs[hit]
    kept = paragraphs[~hit].copy()
    for row in dropped[dropped["kind"].isin(["heading", "subheading"])].itertuples():
        later = (kept["doc_id"] == row.doc_id) & (kept["para_id"] > row.para_id)
        if row.kind == "heading":
            same = later & (kept["section"] == row.section) & (kept["section_no"] == row.section_no)
            kept.loc[same, "section"] = ""
        same = later & (kept["subsection"] == row.subsection) & (kept["section"] == row.section)
        kept.loc[same, "subsection"] = ""
    affected = kept["doc_id"].isin(set(dropped["doc_id"]))
    if affected.any():
        renum = kept.loc[affected].groupby("doc_id", sort=False).cumcount()
        size = kept.loc[affected].groupby("doc_id", sort=False)["para_id"].transform("size")
        kept.loc[affected, "para_id"] = renum
        kept.loc[affected, "position"] = renum / (size - 1).clip(lower=1)
    return kept.reset_index(drop=True), dropped
