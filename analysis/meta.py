"""Document metadata from text: title block, place, dates.

Pure functions on cleaned lines (original script) or Simplified strings.
"""

from __future__ import annotations

import re

from .script import to_simplified
from .structure import SENTENCE_END

TITLE_MAX = 60
_CJK = re.compile(
    r"[\u4e00-\u9fff]"
)  # title-block lines are at most this long and lack sentence-final punctuation

# --- dates -----------------------------------------------------------------------------------
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"零": "0", "○": "0", "O": "0", "0": "0", "Ｏ": "0"})
_YEAR_CHARS = "〇零○OＯ0一二三四五六七八九\\d"
_DATE_ARABIC = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_CHINESE = re.compile(
    rf"([{_YEAR_CHARS}]{{4}})\s*年\s*([十一二三四五六七八九]{{1,3}})\s*月\s*([十一二三四五六七八九]{{1,4}})\s*日"
)


def _cn_number(s: str) -> int:
    """Chinese numeral 1..31 (一, 十, 十二, 二十三, 三十一)."""
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")}
    if "十" not in s:
        return digits.get(s, 0)
    tens, _, ones = s.partition("十")
    return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)


def _valid(y: int, m: int, d: int) -> bool:
    return 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= d <= 31


def parse_date(text: str) -> str:
    """First full date in ``text`` as ISO ``YYYY-MM-DD`` ("" when none).

    Handles ``2011-09-14``, ``2007年2月2日`` and Chinese numerals such as ``二00九年九月七日``
    (mixed 〇/0/零). Impossible dates are ignored.

    Example:
        >>> parse_date("中共汤河镇委二00九年九月七日"), parse_date("发布时间:2011-09-14 09:09")
        ('2009-09-07', '2011-09-14')
    """
    candidates = []
    for m in _DATE_ARABIC.finditer(text):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            candidates.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    for m in _DATE_CHINESE.finditer(text):
        year = "".join(_CN_DIGIT.get(c, c) for c in m.group(1))
        if not year.isdigit():
            continue
        y, mo, d = int(year), _cn_number(m.group(2)), _cn_number(m.group(3))
        if _valid(y, mo, d):
            candidates.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    return min(candidates)[1] if candidates else ""


def signature_date(lines: list[str], *, tail: int = 2) -> tuple[str, int]:
    """A date in a short signature line at the end of a document.

    Returns:
        ``(iso_date, index_of_line)`` or ``("", -1)``.
    """
    for i in range(len(lines) - 1, max(-1, len(lines) - 1 - tail), -1):
        line = lines[i]
        if len(line) <= TITLE_MAX and line[-1] not in SENTENCE_END:
            date = parse_date(to_simplified(line))
            if date:
                return date, i
    return "", -1


def header_date(lines: list[str], *, head: int = 5) -> str:
    """A date in a short line among the first ``head`` lines (e.g. "——2013年1月24日在…会议上")."""
    for line in lines[:head]:
        if len(line) <= 80:
            date = parse_date(to_simplified(line))
            if date:
                return date
    return ""


_TITLE_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def title_year(title: str) -> int | None:
    """A four-digit year named in a title ("2009年政府工作报告" -> 2009)."""
    m = _TITLE_YEAR.search(title)
    return int(m.group(1)) if m else None


# --- title block -----------------------------------------------------------------------------
def _norm(s: str) -> str:
    return re.sub(r"[\s\-—–·•:：]+", "", s)


def _is_title_line(line: str) -> bool:
    return (
        len(line) <= TITLE_MAX
        and line[-1] not in SENTENCE_END + "，,"
        and not re.match(
            r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+、)", line
        )
    )


def title_block(lines: list[str], marker_title: str = "") -> tuple[str, list[str], int]:
    """Find the title and drop repeated copies of it.

    Args:
        lines: Cleaned lines of one article (original script).
        marker_title: Title from a ``第N篇：…`` marker, if any.

    Returns:
        ``(title, lines, n_title_lines)``: the title (original script), the lines with repeated
        title copies and one-character fragments removed, and how many leading lines form the title
        block (title and subtitles such as "——××镇党委先进事迹").
    """
    title = marker_title.strip()
    kept: list[str] = []
    for line in lines:
        if len(_norm(line)) <= 1:
            continue  # wrap fragment such as a lone "展"
        if title and len(_norm(line)) >= 4 and _norm(title).startswith(_norm(line)):
            continue  # a (possibly truncated) copy of the title
        if (
            title
            and _norm(line).startswith(_norm(title))
            and not _CJK.search(_norm(line)[len(_norm(title)) :])
        ):
            continue  # the title again, followed by a posting date/time only
        kept.append(line)
    if not title and kept and _is_title_line(kept[0]):
        title = kept[0]
        kept = [kept[0]] + [x for x in kept[1:] if _norm(x) != _norm(title)]
    n_block = 0
    if title and kept and _norm(kept[0]) == _norm(title):
        n_block = 1
    while n_block < len(kept) - 1 and n_block < 4 and _is_title_line(kept[n_block]):
        if n_block == 0 and not title:
            break
        n_block += 1
    if marker_title:
        kept = [title] + kept
        n_block += 1
    return title, kept, n_block


# --- place: see analysis.places (gazetteer + evidence); re-exported for old imports ----------
from analysis.places import extract_place, infer_place  # noqa: E402

__all__ = ["extract_place", "infer_place", "parse_date", "signature_date", "title_block"]
