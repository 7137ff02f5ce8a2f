"""Document structure: articles in a file, re-joined paragraphs, headings and enumerated points.

All functions are pure and operate on lists of cleaned lines (original script).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .script import to_simplified

NUMERALS = "一二三四五六七八九十"
_ARTICLE = re.compile(r"^\s*第([一二三四五六七八九十百\d]+)篇\s*[:：]?\s*(.*)$")
# compilations (简报, 汇编) also label their pieces 材料一：标题 / 【案例二】标题; such a label counts
# only with a title on its line and when the labels run 一, 二, 三 … from the first
_ARTICLE_LABEL = re.compile(
    r"^\s*[【\[]?(?:材料|案例|典型|经验)([一二三四五六七八九十\d]{1,3})[】\]]?\s*[:：、]?\s*"
    r"([^。！？!?]{4,60})$"
)
# ... and only in a compilation: the text before the first label names one (简报, 汇编, 第5期,
# 编者按) or is a header without a sentence. A report that lists 案例一/经验一 in its body, after
# sentences of its own, stays one document.
_COMPILATION = re.compile(
    r"简报|汇编|选编|专刊|专报|工作动态|快报|第\s*[\d一二三四五六七八九十]+\s*期|编者按"
)
_TOP = re.compile(rf"^([{NUMERALS}]{{1,3}})\s*[、.．]\s*")
_SUB = re.compile(rf"^[(（]\s*([{NUMERALS}]{{1,3}})\s*[)）]\s*")
_NUM = re.compile(r"^(\d{1,2})\s*[、.．]\s*(?!\d)")
_BRACKET_LABEL = re.compile(r"^【[^】]{1,20}】$")
SENTENCE_END = "。！？!?；;…"
LINE_END_OK = SENTENCE_END + "：:”」』)）】"
HEADING_MAX = 40  # a numbered line up to this long without sentence-final punctuation is a heading
PLAIN_HEADING_MAX = 30  # an unnumbered short line without final punctuation is a heading
WRAP_MIN = 40  # no inferred wrap width: a line this long that stops mid-sentence continues
MAX_PARAGRAPH = 6000  # longer "paragraphs" (one-line files) are split at sentence ends


def split_articles(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Split a file's lines at ``第N篇：标题`` markers.

    Returns:
        A list of ``(marker_title, lines)``; a file without markers is one article with an empty
        marker title. Text before the first marker is kept with the first article.
    """
    return [(title, body) for title, body, _ in split_articles_numbered(lines)]


def _article_starts(lines: list[str]) -> tuple[re.Pattern[str], list[int]]:
    """The marker pattern and the indices of the lines that start articles ([] for one article)."""
    starts = [i for i, line in enumerate(lines) if _ARTICLE.match(line)]
    if len(starts) >= 2:
        return _ARTICLE, starts
    starts = [i for i, line in enumerate(lines) if _ARTICLE_LABEL.match(line)]
    numbers = [_numeral_value(_ARTICLE_LABEL.match(lines[i]).group(1)) for i in starts]
    if len(starts) >= 2 and numbers == list(range(1, len(starts) + 1)):
        if _compilation_header(lines[: starts[0]]):
            return _ARTICLE_LABEL, starts
    return _ARTICLE, []


def _compilation_header(preamble: list[str]) -> bool:
    """The lines before the first labelled piece are a compilation's: a header line (no sentence)
    or an 编者按 names one, or there is no sentence at all. A sentence of a report's body that
    mentions 第3期培训班 or 《政策汇编》 does not count."""
    sentences = [line for line in preamble if any(ch in line for ch in SENTENCE_END)]
    if not sentences:
        return True
    return any(
        _COMPILATION.search(to_simplified(line))
        and (line not in sentences or line.lstrip().startswith("编者按"))
        for line in preamble
    )


def article_preamble(lines: list[str]) -> list[str]:
    """The lines before the first article marker of a compilation (its name, issue, date);
    [] when the file holds one article."""
    _, starts = _article_starts(lines)
    return lines[: starts[0]] if starts else []


def split_articles_numbered(lines: list[str]) -> list[tuple[str, list[str], list[int]]]:
    """As :func:`split_articles`, with the 1-based file line number of every article line."""
    marker, starts = _article_starts(lines)
    if not starts:
        return [("", lines, list(range(1, len(lines) + 1)))]
    articles = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        title = marker.match(lines[start]).group(2).strip()
        index = [j for j in range(0 if n == 0 else start, end) if j != start]
        articles.append((title, [lines[j] for j in index], [j + 1 for j in index]))
    return articles


def numbered_level(line: str) -> str:
    """``"top"`` for 一、…, ``"sub"`` for （一）…, ``"num"`` for 1、…, else ``""``."""
    return _marker(line).level


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


_MARKER_FIRST = frozenset(NUMERALS + "(（")  # how _TOP and _SUB start (_NUM: a digit, \\d)


def _marker(line: str) -> _Marker:
    if not line or (line[0] not in _MARKER_FIRST and not line[0].isdecimal()):
        return _Marker("", 0)  # (most lines: no pattern can match, none is tried)
    for level, rx in (("top", _TOP), ("sub", _SUB), ("num", _NUM)):
        m = rx.match(line)
        if m:
            return _Marker(level, _numeral_value(m.group(1)))
    return _Marker("", 0)


def _width(line: str) -> float:
    """Display width in CJK cells: half-width characters count one half.

    Counted from the UTF-8 length (ASCII takes 1 byte, CJK 3), so no Python loop per character.
    """
    n = len(line)
    return n - (3 * n - len(line.encode("utf-8", "replace"))) / 4


WRAP_MIN_LINES = 8  # fewer lines than this: no width can be inferred
WRAP_MIN_SHARE = 0.3  # share of lines within the band [W - 2, W + 1] for a hard wrap at W
WRAP_MAX_ABOVE = 0.1  # at most this share of lines may be longer than W + 1
WRAP_MIN_WIDTH = 12


def infer_wrap_width(lines: list[str]) -> tuple[float, str] | None:
    """Infer the width a document was hard-wrapped at from its line-length distribution.

    A hard wrap at width W leaves most lines of a paragraph at W (give or take the characters a
    wrapper moves to avoid a line starting with punctuation) and almost none longer. So W is the
    length whose band ``[W - 2, W + 1]`` holds the most lines, accepted when that band holds at
    least ``WRAP_MIN_SHARE`` of the lines (≥ ``WRAP_MIN_LINES`` lines) and at most
    ``WRAP_MAX_ABOVE`` are longer. Lengths are tried as character counts and as display widths
    (half-width characters count one half); the better-supported measure wins.

    Returns:
        ``(W, measure)`` with measure ``"chars"`` or ``"width"``, or None when the lines do not
        look hard-wrapped (one paragraph per line, or too few lines).
    """
    if len(lines) < WRAP_MIN_LINES:
        return None
    return _infer_wrap_width(tuple(lines))


@functools.lru_cache(maxsize=16)  # ingestion asks again for the same lines (glue, join, breaks)
def _infer_wrap_width(lines: tuple[str, ...]) -> tuple[float, str] | None:
    best: tuple[float, float, str] | None = None
    lengths = list(map(len, lines))
    # _width of every line, inlined (the same float arithmetic, no call per line)
    widths = [n - (3 * n - len(x.encode("utf-8", "replace"))) / 4 for x, n in zip(lines, lengths)]
    low = WRAP_MIN_WIDTH - 2
    for measure, values, whole in (
        ("chars", lengths, [n for n in lengths if n >= low]),  # int(float(n)) == n
        ("width", widths, [int(v) for v in widths if v >= low]),
    ):
        counts = Counter(whole)  # (in line order: most_common breaks ties by first occurrence)
        if not counts:
            continue
        # the band around W holds the most lines, so it contains one of the commonest lengths
        modes = [length for length, _ in counts.most_common(5)]
        candidates = {w for m in modes for w in (m - 1, m, m + 1, m + 2) if w >= WRAP_MIN_WIDTH}
        if not candidates:
            continue
        get = counts.get
        score, neg_width = max(  # ties: the narrowest band (lines sit at or below W)
            (get(w - 2, 0) + get(w - 1, 0) + get(w, 0) + get(w + 1, 0), -w) for w in candidates
        )
        width = -neg_width
        share = score / len(values)
        if score < WRAP_MIN_LINES or share < WRAP_MIN_SHARE:
            continue
        limit = width + 1.5
        above = len([v for v in values if v > limit]) / len(values)
        if above <= WRAP_MAX_ABOVE and (best is None or share > best[0]):
            best = (share, float(width), measure)
    return (best[1], best[2]) if best else None


WRAPPED_PARAGRAPH_END = SENTENCE_END + "：:"  # at W - 2 or W - 1 these end a paragraph


def join_wrapped(
    lines: list[str],
    *,
    keep: frozenset[int] | set[int] = frozenset(),
    breaks: frozenset[int] | set[int] = frozenset(),
) -> tuple[list[str], list[int]]:
    """Re-join lines that were hard-wrapped in mid-sentence.

    When :func:`infer_wrap_width` finds a wrap width W, a physical line at least W − 2 wide
    continues on the next line unless it ends a sentence (。！？；…：) short of W; a line of
    exactly W continues even after 。, because a sentence ends at the wrap inside a paragraph
    (about one boundary in 40) far more often than a paragraph ends exactly at W (one in W). Otherwise (one paragraph per line) a line at least ``WRAP_MIN`` characters
    long that stops mid-sentence (no 。！？；…：”」) is continued. Never across a numbered heading in sequence, into or out of a line listed in
    ``keep`` (e.g. markdown headings), onto a subtitle line (——…), or onto a line listed in
    ``breaks`` (a line after a blank line, when blank lines separate paragraphs).

    Returns:
        ``(joined, starts)``: the joined lines and, for each, the index of its first input line.
    """
    wrap = infer_wrap_width(lines)
    if wrap is not None:
        width, measure = wrap
        size = len if measure == "chars" else _width
        limit, full, ends = width - 2, width, WRAPPED_PARAGRAPH_END
    else:
        size, limit, full, ends = len, float(WRAP_MIN), float("inf"), LINE_END_OK
    out: list[str] = []
    starts: list[int] = []
    expected = {"top": 1, "sub": 1, "num": 1}
    last_fixed = False
    last = ""  # the last physical line (wrapped mode) or the joined line so far
    for i, line in enumerate(lines):
        mk = _marker(line)
        in_sequence = mk.level and mk.number in (expected[mk.level], 1)
        if (
            out
            and not last_fixed
            and i not in keep
            and i not in breaks
            and not in_sequence
            and not line.startswith(("——", "--"))
            and size(last) >= limit
            and (last[-1] not in ends or full <= size(last) < full + 1)
        ):
            out[-1] = out[-1] + line
            last = line if wrap is not None else out[-1]
            continue
        if in_sequence:
            expected[mk.level] = mk.number + 1
            if mk.level == "top":
                expected["sub"] = expected["num"] = 1
            elif mk.level == "sub":
                expected["num"] = 1
        out.append(line)
        starts.append(i)
        last = line
        last_fixed = i in keep
    return out, starts


def join_wrapped_lines(lines: list[str]) -> tuple[list[str], int]:
    """Re-join hard-wrapped lines (see :func:`join_wrapped`); returns the lines and the number
    of joins."""
    joined, _ = join_wrapped(lines)
    return joined, len(lines) - len(joined)


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
    # a line ending in a colon addresses someone or leads in (各位代表：, 县人大常委会：,
    # 主要做法如下：): never a section heading
    return (
        len(line) <= PLAIN_HEADING_MAX
        and line[-1] not in SENTENCE_END + "，,、：:"
        and not line.startswith(("——", "--", "—"))
    ) or bool(_BRACKET_LABEL.match(line))


def structure_paragraphs(
    lines: list[str], *, n_title_lines: int = 0, headings: dict[int, str] | None = None
) -> pd.DataFrame:
    """Label each paragraph with its kind and the section it belongs to.

    Args:
        lines: Cleaned, re-joined paragraphs of one document (original script).
        n_title_lines: How many leading lines form the title block (kind ``title``).
        headings: Paragraphs marked as headings by the source format (markdown ``#`` or a
            whole-line bold ``**…**``), index -> ``"top"`` (a section) or ``"sub"``.

    Returns:
        DataFrame with columns ``para_id, kind, section, section_no, subsection, text_original``.
        ``kind`` is title / heading / subheading / body; ``section`` and ``subsection`` are in
        Simplified script. Numbered headings (一、 / （一） / 1、) only count when in sequence, so
        "躋身前八、強鎮強村" inside a sentence is not a heading. A long numbered paragraph
        ("一、固本强基，建强班子聚人心。基层班子是…") is body text whose first sentence names the
        section.
    """
    return pd.DataFrame(
        structure_rows(lines, n_title_lines=n_title_lines, headings=headings),
        columns=["para_id", "kind", "section", "section_no", "subsection", "text_original"],
    )


def structure_rows(
    lines: list[str], *, n_title_lines: int = 0, headings: dict[int, str] | None = None
) -> list[tuple[int, str, str, int, str, str]]:
    """:func:`structure_paragraphs` as plain tuples ``(para_id, kind, section, section_no,
    subsection, text_original)`` (ingestion collects them for a whole corpus and builds one
    DataFrame instead of one per document)."""
    headings = headings or {}
    has_numbered_top = any(_marker(x).level == "top" for x in lines[n_title_lines:]) or any(
        v == "top" for k, v in headings.items() if k >= n_title_lines
    )
    rows = []
    section, subsection, section_no = "", "", 0
    expected = {"top": 1, "sub": 1, "num": 1}
    for i, line in enumerate(lines):
        if i < n_title_lines:
            rows.append((i, "title", "", 0, "", line))
            continue
        mk = _marker(line)
        is_numbered = bool(mk.level) and mk.number in (expected[mk.level], 1)
        if i in headings:
            head = to_simplified(_first_sentence(line))
            if is_numbered:
                expected[mk.level] = mk.number + 1
            if headings[i] == "top":
                section, subsection, section_no = head, "", section_no + 1
                expected["sub"] = expected["num"] = 1
                rows.append((i, "heading", section, section_no, subsection, line))
            else:
                subsection = head
                rows.append((i, "subheading", section, section_no, subsection, line))
            continue
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
    return rows


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
