"""Document metadata from text: title block, place, dates.

Pure functions on cleaned lines (original script) or Simplified strings.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np

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
_NORM = re.compile(r"[\s\-—–·•:：]+")


def _norm(s: str) -> str:
    return _NORM.sub("", s)


@lru_cache(maxsize=1)
def _norm_removed() -> np.ndarray:
    """Code point -> removed by :func:`_norm` (Unicode whitespace, dashes, dots, colons)."""
    table = np.zeros(0x110000, dtype=bool)
    # Unicode whitespace ends at U+3000; the other characters of the class are below U+FF1B
    candidates = [*range(0x3100), *range(0xFF00, 0xFF20)]
    table[[cp for cp in candidates if _NORM.fullmatch(chr(cp))]] = True
    return table


def _norms(lines: list[str]) -> list[str]:
    """``[_norm(x) for x in lines]`` in one pass over code points (numpy; the regex costs tens
    of nanoseconds per character and sees every character of a report)."""
    text = "\x00".join(lines)
    if len(lines) < 2 or text.count("\x00") != len(lines) - 1:  # NUL inside a line
        return [_norm(x) for x in lines]
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return [_norm(x) for x in lines]
    return codes[~_norm_removed()[codes]].tobytes().decode("utf-32-le").split("\x00")


_NUMBERED = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[、.．])")


def _is_title_line(line: str) -> bool:
    return (
        len(line) <= TITLE_MAX
        and line[-1] not in SENTENCE_END + "，,"
        and not _NUMBERED.match(line)
    )


TITLE_LOOKAHEAD = 8  # the title is among the first lines, before the body starts
MIN_TITLE_SCORE = 2.0  # below this the title stays empty
MIN_TITLE_CJK = 4
WRAP_MIN = 15  # a title line this long, not ending like a title, may continue on the next line
_TITLE_END = re.compile(
    r"(?:报告|讲话|材料|做法|体会|经验|汇报|总结|意见|规划|纲要|方案|事迹)[》”\"]?$"
)
TITLE_WORDS = re.compile(
    r"报告|讲话|材料|做法|体会|经验|汇报|总结|意见|规划|纲要|方案|通知|决定|发言|致辞|事迹|调研|措施"
)
# "——在…会议上", "——××镇党委先进事迹"
_SUBTITLE = re.compile(r"^\s*(?:——|—|--|－－|-{1,2}|─|―|⸺|–)")
_AT_MEETING = re.compile(
    r"在.{0,40}?(?:会议|大会|会|座谈会|典礼|仪式)(?:上|开幕)|(?:会议|大会)上\s*$|^第.{1,6}次(?:会议|全体会议)"
)
_SPEECH_TITLE = re.compile(
    r"(?:上|会|时)的[\u4e00-\u9fff]{0,4}(?:讲话|发言|致辞|讲稿|报告|汇报|演讲)$"
)
# ... unless it begins with the date of the speech: "2007年1月24日在…会议上的报告" is a byline
_DATED_LINE = re.compile(r"^\s*[(（]?\s*[\d〇○零一二三四五六七八九]{2,4}\s*年[^在]{1,8}日")
_SALUTATION = re.compile(r"^[\u4e00-\u9fff、，,\s]{2,24}[:：]$")  # 各位代表： / 同志们：
_COMMENT = re.compile(r"<!--|-->")
_COUNTER = re.compile(
    r"(?:本篇|全文|文章)\s*(?:共)?\s*\d+\s*字|读完(?:约|需)|阅读(?:时间|量|次数|全文)|预计阅读"
    r"|浏览(?:次数|量)?[:：]?\s*\d|点击(?:数|量|率)?[:：]\s*\d|字号|字体"
)
_URL = re.compile(r"https?://|www\.|\.(?:com|cn|net|org|html?)\b", re.I)
_NAVIGATION = re.compile(r"[>»›|]|当前位置|首页|返回|上一篇|下一篇|分享到|扫一扫")
_FIELD = re.compile(
    r"^\s*(?:作者|来源|编辑|责任编辑|记者|发布(?:时间|日期|机构)?|时间|日期|索引号|审核)\s*[:：|]"
)
_ROLES = "总理 主席 省长 市长 县长 区长 州长 旗长 盟长 镇长 乡长 书记 主任 代表".split()
_SPEAKER = re.compile(
    "(?:" + "|".join(r"\s*".join(r) for r in _ROLES) + r")\s*[:：]?\s*[\u4e00-\u9fff·\s]{0,12}$"
)  # "省 长 李成玉", "国务院总理　周恩来"
_TRANSLIT_NAME = re.compile(r"^[\u4e00-\u9fff]{1,6}·[\u4e00-\u9fff·]{1,10}$")  # 艾尔肯·吐尼亚孜
_BRACKETED = re.compile(r"^\s*[(（【\[].*[)）】\]]\s*$")
_CAPTION = re.compile(r"[\u4e00-\u9fff]{2,4}作《|在.{0,30}上作")  # 任振鹤作《政府工作报告》
_PREFIX = re.compile(r"^\s*(?:原标题|标题|题目|title)\s*[:：]\s*", re.I)
_TAIL_SPLIT = re.compile(
    r"\s*(?:——|—|--|\s[（(]?\s*(?=(?:19|20)\d{2}\s*年|[〇零一二]{4}年)|[（(](?=.*(?:\d|[〇零一二三四五六七八九十]).*[）)]?$))"
)


# "**镇2013年政府工作报告": asterisks standing for an anonymised name are not markdown emphasis
_ANON_LEAD = re.compile(r"^\*+(?:镇|乡|县|市|区|旗|州|省|街道|村)")


def _title_part(line: str) -> str:
    """The title inside a header line: prefix "原标题：" and a trailing byline/subtitle removed
    ("政府工作报告——2011年1月17日在…会议上" -> "政府工作报告"), 《》 around the whole line dropped."""
    line = _PREFIX.sub("", line).strip()
    head = line.lstrip("#").strip()
    if _ANON_LEAD.match(head):  # **镇…: the name stays; a closing emphasis mark goes
        line = head.rstrip("*").strip() if head.endswith("**") else head
    else:
        line = line.lstrip("*#").strip()
        if head.startswith("*"):  # **bold title**: the closing emphasis mark goes too
            line = line.rstrip("*").strip()
    m = _TAIL_SPLIT.search(line)
    if m and m.start() > 0:
        tail = line[m.end() :]
        if not tail or parse_date(to_simplified(tail)) or _AT_MEETING.search(tail) or "届" in tail:
            line = line[: m.start()]
    line = line.strip().rstrip("—-－").strip()
    if line.startswith("《") and line.endswith("》") and line.count("《") == 1:
        line = line[1:-1]
    return line


def title_rejection(line: str) -> str:
    """Why a header line cannot be a title ("" when it can): subtitle, salutation, comment, …"""
    s = line.strip()
    core = _CJK.findall(s)
    checks = (
        ("comment", _COMMENT.search(s)),
        ("url", _URL.search(s)),
        ("counter", _COUNTER.search(s)),
        ("navigation", _NAVIGATION.search(s)),
        ("field", _FIELD.match(s)),
        ("subtitle", _SUBTITLE.match(s)),
        # "在…会议上" is a byline, "(××同志)在…会议上的讲话" a speech's title
        (
            "meeting byline",
            (_AT_MEETING.search(s) or s.startswith("在"))
            and not (_SPEECH_TITLE.search(to_simplified(s)) and not _DATED_LINE.match(s)),
        ),
        ("caption", _CAPTION.search(s)),
        ("salutation", _SALUTATION.match(s)),
        ("bracketed", _BRACKETED.match(s)),
        ("numbered", _NUMBERED.match(s)),
        ("sentence", s[-1:] in SENTENCE_END + "，," or len(s) > TITLE_MAX),
        # a speaker line ends in a name; "…村党组织书记抓基层党建工作述职报告" ends in a genre word
        (
            "speaker",
            (_SPEAKER.search(s) or _TRANSLIT_NAME.match(s))
            and len(core) <= 24
            and not _TITLE_END.search(to_simplified(s)),
        ),
        ("too short", len(core) < MIN_TITLE_CJK),
    )
    for name, hit in checks:
        if hit:
            return name
    if parse_date(to_simplified(s)) and len(_CJK.findall(re.sub(r"\d+|[年月日]", "", s))) < 6:
        return "date"
    return ""


def _body_started(line: str) -> bool:
    s = line.strip()
    return bool(_SALUTATION.match(s)) or len(s) > TITLE_MAX or s[-1:] in "。！？!?"


def score_title_lines(lines: list[str], *, lookahead: int = TITLE_LOOKAHEAD) -> list[dict]:
    """Score the first lines of a document as title candidates.

    Returns:
        One dict per inspected line: ``index``, ``line``, ``title`` (the title part of the
        line), ``rejected`` (reason or "") and ``score`` (higher is more title-like; only lines
        with no rejection reason get a positive score: +1 base, +2 for a genre word such as 报告
        or 材料, +1 for the first acceptable line, +1 when the next line is a subtitle, byline or
        speaker line, +1.5 when the same title is repeated a few lines later (page title and
        article title), -0.5 per acceptable line before it).
    """
    out: list[dict] = []
    n_valid = 0
    for i, line in enumerate(lines[:lookahead]):
        if _body_started(line) and i > 0 and not _TAIL_SPLIT.search(line):
            break
        part = _title_part(line)
        why = title_rejection(part) if part else "empty"
        score = 0.0
        if not why:
            simple = to_simplified(part)
            score = 1.0 + (2.0 if TITLE_WORDS.search(simple) else 0.0) + (0.0 if n_valid else 1.0)
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if nxt and (_SUBTITLE.match(nxt) or _AT_MEETING.search(nxt) or _SPEAKER.search(nxt)):
                score += 1.0
            score -= 0.5 * n_valid
            later = {_norm(_title_part(x)) for x in lines[i + 1 : lookahead]}
            if _norm(part) in later:
                score += 1.5  # web pages repeat the title (page title, then article title)
            n_valid += 1
        out.append({"index": i, "line": line, "title": part, "rejected": why, "score": score})
        if _body_started(line):
            break
    return out


def detect_title(lines: list[str], *, min_score: float = MIN_TITLE_SCORE) -> tuple[str, int]:
    """The best-scored title among the first lines, or ``("", -1)`` when none is convincing.

    Rejects subtitles ("——在…会议上"), salutations (各位代表：), HTML comments, counters
    ("本篇文章256字,读完约1分钟"), bylines and dates, URLs, navigation and field lines.

    Example:
        >>> detect_title(["——2011年1月17日在自治区人代会上", "各位代表:", "现在，我代表…。"])
        ('', -1)
        >>> detect_title(["政府工作报告——2011年1月17日在省人大会议上", "各位代表："])
        ('政府工作报告', 0)

    Returns:
        ``(title, index)``: the title (original script) and the index of its last line.
    """
    scored = [c for c in score_title_lines(lines) if not c["rejected"]]
    if not scored:
        return "", -1
    best = max(scored, key=lambda c: (c["score"], -c["index"]))
    if best["score"] < min_score:
        return "", -1
    i = best["index"]
    if i + 2 < len(lines) and best["line"] == best["title"] and len(best["title"]) >= WRAP_MIN:
        nxt, after = lines[i + 1], lines[i + 2]
        wrapped = (
            not title_rejection(nxt)
            and len(_CJK.findall(nxt)) <= 20
            and not _TITLE_END.search(to_simplified(best["title"]))
            and _norm(nxt) not in {_norm(x) for x in lines[:i]}
        )
        if wrapped and (_SUBTITLE.match(after) or _AT_MEETING.search(after)):
            joined = best["title"].rstrip() + nxt.strip()
            if len(joined) <= TITLE_MAX:
                return joined, i + 1  # a title wrapped over two lines, then the subtitle
    return best["title"], i


def _is_header_line(line: str) -> bool:
    """A line of the title block that is not the title: subtitle, byline, speaker, date, and
    leading page chrome that survived cleaning (navigation, URL, counter)."""
    why = title_rejection(_title_part(line) or line)
    return why in ("subtitle", "meeting byline", "caption", "speaker", "bracketed", "date", "comment",
                   "counter", "field", "navigation", "url") or (why == "" and _is_title_line(line))  # fmt: skip


def title_block(
    lines: list[str], marker_title: str = "", *, meta_title: str = ""
) -> tuple[str, list[str], int]:
    """Find the title and drop repeated copies of it.

    Args:
        lines: Cleaned lines of one article (original script).
        marker_title: Title from a ``第N篇：…`` marker, if any.
        meta_title: Title from markdown front matter (``title:``), if any; used when there is no
            marker title. Otherwise the title is found by :func:`detect_title` (may be "").

    Returns:
        ``(title, lines, n_title_lines)``: the title (original script), the lines with repeated
        title copies and one-character fragments removed, and how many leading lines form the title
        block (title, subtitles such as "——××镇党委先进事迹", bylines, speaker and date lines; the
        salutation starts the body).
    """
    if meta_title and title_rejection(meta_title) in ("comment", "url", "counter", "navigation"):
        meta_title = ""  # front matter "title: 首页 > 新闻" is page chrome, not a title
    given = marker_title.strip() or meta_title.strip()
    title = given
    kept: list[str] = []
    norms: list[str] = []  # _norm of each kept line (computed once per line)
    norm_title = _norm(title)
    for line, norm in zip(lines, _norms(lines)):
        if len(norm) <= 1:
            continue  # wrap fragment such as a lone "展"
        if title and len(norm) >= 4 and norm_title.startswith(norm):
            continue  # a (possibly truncated) copy of the title
        if title and norm.startswith(norm_title) and not _CJK.search(norm[len(norm_title) :]):
            continue  # the title again, followed by a posting date/time only
        kept.append(line)
        norms.append(norm)
    at = -1
    if not title:
        title, at = detect_title(kept)
        if title:
            norm_title = _norm(title)
            kept = kept[: at + 1] + [
                x for x, n in zip(kept[at + 1 :], norms[at + 1 :]) if n != norm_title
            ]
    n_block = 0
    limit = max(at, 0) + 5
    while n_block < min(len(kept), limit):
        line = kept[n_block]
        if n_block > at:
            last = n_block == len(kept) - 1  # a last short line is body unless it is page chrome
            chrome = title_rejection(line) in (
                "navigation",
                "url",
                "counter",
                "comment",
                "bracketed",
            )
            if not _is_header_line(line) or (last and not chrome):
                break
        n_block += 1
    if marker_title.strip() or (meta_title.strip() and given):
        kept = [title] + kept
        n_block += 1
    return title, kept, n_block


# --- place: see analysis.corpus.places (gazetteer + evidence); re-exported here ---------------
from analysis.corpus.places import extract_place, infer_place  # noqa: E402

__all__ = ["extract_place", "infer_place", "parse_date", "signature_date", "title_block"]
