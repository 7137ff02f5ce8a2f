"""Document metadata from text: title block, place, dates.

Pure functions on cleaned lines (original script) or Simplified strings.
"""

from __future__ import annotations

import re
from collections import Counter

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


# --- place -----------------------------------------------------------------------------------
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(镇|乡|县|市)(?![场值面价容政况貌域级属直村])")
MIN_PLACE_MENTIONS = 2  # a name seen once (e.g. a neighbouring county) is not the subject
_ANON = re.compile(r"(?:\*+|[xX×]{1,3}|某|××)(镇|乡|县|市|区)")
_GENERIC_FIRST = set(
    "全我该本各乡镇县市区省村城集小每等和与及的在对为是于了到从向由将把被其此这那所个两多强建大中"
    "点型好示范之以上下入出进有无其该同邻附临驻"
)
_GENERIC_SECOND = set("乡镇县市区村城集级全各本该小大重点属辖个名地业企")


PLACE_TAGS = {"ns", "nr", "nz", "nt"}
COMMON_WORD_FREQ = 200  # a non-place dictionary word this frequent is not a place name


def _plausible_place(text: str, start: int, name: str, suffix: str) -> bool:
    """Reject "推进乡(村)", "经济强县" and the like using jieba's dictionary (word, POS, freq)."""
    from analysis.text.lexicons import base_dictionary

    freq, tag, _ = base_dictionary()
    if tag.get(name + suffix) == "ns":
        return True
    if name in freq and tag[name] not in PLACE_TAGS and freq[name] >= COMMON_WORD_FREQ:
        return False  # a common verb/adjective/noun such as 推进, 贫困, 规范
    if start > 0 and freq.get(text[start - 1] + name[0], 0) >= COMMON_WORD_FREQ:
        return False  # the match starts inside a word: 经|济强县, 增|加和乡
    return True


def place_candidates(text: str) -> Counter[str]:
    """Count place names (two characters + 镇/乡/县/市) in Simplified text.

    Generic words (全县, 我镇, 该市 …), words that continue past the suffix (市场, 县级, 乡村)
    and matches that start inside a dictionary word or are common non-place words are excluded.
    """
    counts: Counter[str] = Counter()
    for m in _PLACE.finditer(text):
        name, suffix = m.group(1), m.group(2)
        if name[0] in _GENERIC_FIRST or name[1] in _GENERIC_SECOND:
            continue
        if _plausible_place(text, m.start(), name, suffix):
            counts[m.group(0)] += 1
    return counts


def extract_place(title: str, body: str) -> str:
    """The township/county/city a report is about (Simplified), or "" when anonymised/unknown.

    Candidates in the title count three times; a candidate needs at least two mentions. When anonymised mentions (``**镇``, ``xx县``)
    are at least as frequent as the best named candidate, the report is anonymised and the place
    is left empty rather than guessed from a neighbouring town.

    Example:
        >>> extract_place("构建和谐天长", "天长镇在构建和谐天长进程中……天长镇历史以来")
        '天长镇'
    """
    counts = place_candidates(body)
    for name, n in place_candidates(title).items():
        counts[name] += 3 * n
    counts = Counter({k: v for k, v in counts.items() if v >= MIN_PLACE_MENTIONS})
    if not counts:
        return ""
    best, n_best = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    n_anon = len(_ANON.findall(title)) * 3 + len(_ANON.findall(body))
    return "" if n_anon >= n_best else best
