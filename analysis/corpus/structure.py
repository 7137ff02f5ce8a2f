"""Document structure: articles in a file, re-joined paragraphs, headings and enumerated points.

All functions are pure and operate on lists of cleaned lines (original script).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .script import to_simplified

NUMERALS = "一二三四五六七八九十"
_ARTICLE = re.compile(r"^\s*第([一二三四五六七八九十百\d]+)篇\s*[:：]?\s*(.*)$")
_TOP = re.compile(rf"^([{NUMERALS}]{{1,3}})\s*[、.．]\s*")
_SUB = re.compile(rf"^[(（]\s*([{NUMERALS}]{{1,3}})\s*[)）]\s*")
_NUM = re.compile(r"^(\d{1,2})\s*[、.．]\s*(?!\d)")
_BRACKET_LABEL = re.compile(r"^【[^】]{1,20}】$")
SENTENCE_END = "。！？!?；;…"
LINE_END_OK = SENTENCE_END + "：:”」』)）】"
HEADING_MAX = 40  # a numbered line up to this long without sentence-final punctuation is a heading
PLAIN_HEADING_MAX = 30  # an unnumbered short line without final punctuation is a heading
WRAP_MIN = 40  # a line at least this long that stops mid-sentence continues on the next line
MAX_PARAGRAPH = 6000  # longer "paragraphs" (one-line files) are split at sentence ends


def split_articles(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split a file's lines at ``第N篇：标题`` markers.

    Returns:
        A list of ``(marker_title, lines)``; a file without markers is one article with an empty
        marker title. Text before the first marker is kept with the first article.
    """
    starts = [i for i, line in enumerate(lines) if _ARTICLE.match(line)]
    if len(starts) < 2:
        return [("", lines)]
    articles = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = _ARTICLE.match(lines[start]).group(2).strip()
        body = lines[(0 if n == 0 else start) : end]
        if n == 0:
            body = [x for j, x in enumerate(body) if j != start]
        else:
            body = body[1:]
        articles.append((title, body))
    return articles


def _numeral_value(s: str) -> int:
    if s.isdigit():
        return int(s)
    digits = {c: i + 1 for i, c in enumerate(NUMERALS[:9])}
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + digits.get(s[1:], 0)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return digits.get(tens, 0) * 10 + digits.get(ones, 0)
    return digits.get(s, 0)


def _first_sentence(text: str, limit: int = 60) -> str:
    m = re.search(f"[{SENTENCE_END}]", text)
    head = text[: m.start()] if m else text
    return head if len(head) <= limit else head[:limit]


@dataclass
class _Marker:
    level: str  # "top", "sub", "num" or ""
    number: int


def _marker(line: str) -> _Marker:
    for level, rx in (("top", _TOP), ("sub", _SUB), ("num", _NUM)):
        m = rx.match(line)
        if m:
            return _Marker(level, _numeral_value(m.group(1)))
    return _Marker("", 0)


def join_wrapped_lines(lines: list[str]) -> tuple[list[str], int]:
    """Re-join lines that a scraper hard-wrapped in mid-sentence.

    A line is continued by the next one when it is at least ``WRAP_MIN`` characters long, does not
    end with sentence-final punctuation, and the next line does not start a numbered heading in
    sequence. Returns the joined lines and the number of joins.
    """
    out: list[str] = []
    joins = 0
    expected = {"top": 1, "sub": 1, "num": 1}
    for line in lines:
        mk = _marker(line)
        in_sequence = mk.level and mk.number in (expected[mk.level], 1)
        if out and len(out[-1]) >= WRAP_MIN and out[-1][-1] not in LINE_END_OK and not in_sequence:
            out[-1] = out[-1] + line
            joins += 1
            continue
        if in_sequence:
            expected[mk.level] = mk.number + 1
            if mk.level == "top":
                expected["sub"] = expected["num"] = 1
            elif mk.level == "sub":
                expected["num"] = 1
        out.append(line)
    return out, joins


def split_long(line: str, limit: int = MAX_PARAGRAPH) -> list[str]:
    """Split an over-long line at sentence ends into pieces of at most ~``limit`` characters."""
    if len(line) <= limit:
        return [line]
    pieces, start = [], 0
    for m in re.finditer(f"[{SENTENCE_END}]", line):
        if m.end() - start >= limit:
            pieces.append(line[start : m.end()])
            start = m.end()
    tail = line[start:]
    while len(tail) > limit:  # no sentence end at all: hard split
        pieces.append(tail[:limit])
        tail = tail[limit:]
    if tail:
        pieces.append(tail)
    return pieces


def _is_plain_heading(line: str) -> bool:
    return (
        len(line) <= PLAIN_HEADING_MAX
        and line[-1] not in SENTENCE_END + "，,、"
        and not line.startswith(("——", "--", "—"))
    ) or bool(_BRACKET_LABEL.match(line))


def structure_paragraphs(lines: list[str], *, n_title_lines: int = 0) -> pd.DataFrame:
    """Label each paragraph with its kind and the section it belongs to.

    Args:
        lines: Cleaned, re-joined paragraphs of one document (original script).
        n_title_lines: How many leading lines form the title block (kind ``title``).

    Returns:
        DataFrame with columns ``para_id, kind, section, section_no, subsection, text_original``.
        ``kind`` is title / heading / subheading / body; ``section`` and ``subsection`` are in
        Simplified script. Numbered headings (一、 / （一） / 1、) only count when in sequence, so
        "躋身前八、強鎮強村" inside a sentence is not a heading. A long numbered paragraph
        ("一、固本强基，建强班子聚人心。基层班子是…") is body text whose first sentence names the
        section.
    """
    has_numbered_top = any(_marker(x).level == "top" for x in lines[n_title_lines:])
    rows = []
    section, subsection, section_no = "", "", 0
    expected = {"top": 1, "sub": 1, "num": 1}
    for i, line in enumerate(lines):
        if i < n_title_lines:
            rows.append((i, "title", "", 0, "", line))
            continue
        mk = _marker(line)
        is_numbered = bool(mk.level) and mk.number in (expected[mk.level], 1)
        inner = line[:-1] if mk.level in ("top", "sub") and line[-1] in "。.;；" else line
        short = len(line) <= HEADING_MAX and not any(c in SENTENCE_END for c in inner)
        if is_numbered:
            expected[mk.level] = mk.number + 1
            head = to_simplified(_first_sentence(line))
            if mk.level == "top":
                section, subsection, section_no = head, "", section_no + 1
                expected["sub"] = expected["num"] = 1
            else:
                subsection = head
                if mk.level == "sub":
                    expected["num"] = 1
            if short:
                kind = "heading" if mk.level == "top" else "subheading"
            else:
                kind = "body"
        elif _is_plain_heading(line) and i < len(lines) - 1:
            head = to_simplified(line)
            if has_numbered_top:
                kind, subsection = "subheading", head
            else:
                kind, section, subsection, section_no = "heading", head, "", section_no + 1
        else:
            kind = "body"
        rows.append((i, kind, section, section_no, subsection, line))
    return pd.DataFrame(
        rows, columns=["para_id", "kind", "section", "section_no", "subsection", "text_original"]
    )


_POINT = re.compile(rf"(?:^|(?<=[。；;，,:：]))\s*([{NUMERALS}]{{1,2}})是")


def paragraph_points(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Split paragraphs at enumerated points (一是…二是…三是…).

    Returns:
        DataFrame with columns ``doc_id, para_id, point_no, start, end, text`` — one row per point,
        where ``start``/``end`` are offsets into the paragraph's ``text`` (and ``text_original``).
        Points must run in sequence (一是, 二是, …); paragraphs without them yield no rows.
    """
    rows = []
    for doc_id, para_id, text in paragraphs[["doc_id", "para_id", "text"]].itertuples(index=False):
        starts, expected = [], 1
        for m in _POINT.finditer(text):
            if _numeral_value(m.group(1)) == expected:
                starts.append(m.start(1))
                expected += 1
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(text)
            rows.append((doc_id, para_id, n + 1, start, end, text[start:end].strip()))
    return pd.DataFrame(rows, columns=["doc_id", "para_id", "point_no", "start", "end", "text"])
