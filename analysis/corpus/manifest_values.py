"""Manifest metadata written the way Chinese metadata is written: years, dates, ranges.

Pure functions from one manifest cell to a normalised value and, when the cell cannot be read,
the problem in words (so the caller can report it per row and keep the value read from the
text instead of silently dropping it).

Understood: ``2019``, ``2019年``, ``2019年度``, ``二〇二〇年`` / ``二零二零`` / ``二0二0``,
``2019-2020`` / ``2019—2020年`` / ``2019至2020年`` (ranges: first and last year),
``2019.3.5``, ``2019-03-05``, ``2019/3/5``, ``2019年3月5日``, ``二〇一九年三月五日``,
``2019年3月`` (a month), and full-width digits.

    >>> parse_year("二〇二〇年")
    (2020, None, '')
    >>> parse_date("2019.3.5")
    ('2019-03-05', '')
"""

from __future__ import annotations

import re
import unicodedata

YEAR_MIN, YEAR_MAX = 1900, 2100
_CN_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGITS.update({"零": 0, "○": 0, "O": 0, "o": 0, "Ｏ": 0, "两": 2})
_DIGIT = r"[0-9〇零○OoＯ一二三四五六七八九]"
_SMALL = r"[0-9一二两三四五六七八九十]{1,3}"
_SEP = r"\s*(?:-|–|—|－|~|～|至|到|/)\s*"
_YEAR = rf"({_DIGIT}{{4}})\s*年?度?"
_YEAR_RANGE = re.compile(rf"^{_YEAR}{_SEP}({_DIGIT}{{4}}|{_DIGIT}{{2}})\s*年?度?$")
_YEAR_ONLY = re.compile(rf"^{_YEAR}(?:上半年|下半年|全年)?$")
_DATE = re.compile(
    rf"^({_DIGIT}{{4}})\s*(?:年|[-./])\s*({_SMALL})\s*(?:月|[-./])\s*({_SMALL})\s*[日号]?$"
)
_MONTH = re.compile(rf"^({_DIGIT}{{4}})\s*(?:年|[-./])\s*({_SMALL})\s*月?(?:份)?$")


def _normalise(value: object) -> str:
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", text).strip()  # full-width digits → ASCII
    return re.sub(r"\s+", " ", text)


def _four_digits(s: str) -> int | None:
    digits = [c if c.isdigit() else _CN_DIGITS.get(c) for c in s]
    if any(d is None for d in digits):
        return None
    return int("".join(str(d) for d in digits))


def _small_number(s: str) -> int | None:
    """1–31 in Arabic digits or Chinese numerals (三, 十二, 二十三, 三十一)."""
    if s.isdigit():
        return int(s)
    if "十" not in s:
        return _CN_DIGITS.get(s) if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    t = _CN_DIGITS.get(tens) if tens else 1
    o = _CN_DIGITS.get(ones) if ones else 0
    return None if t is None or o is None else t * 10 + o


def _year_ok(y: int | None) -> bool:
    return y is not None and YEAR_MIN <= y <= YEAR_MAX


def parse_year(value: object) -> tuple[int | None, int | None, str]:
    """A manifest ``year`` cell → ``(year, last_year, problem)``.

    ``last_year`` is set for a range (``2019-2020`` → ``(2019, 2020, "")``); a full or partial
    date gives its year. Empty cell → ``(None, None, "")``; unreadable → ``(None, None,
    "reason")``.
    """
    text = _normalise(value)
    if not text or text.lower() in {"nan", "na", "n/a", "none", "-"}:
        return None, None, ""
    if re.fullmatch(r"\d{4}\.0", text):  # a year that went through a float column
        text = text[:4]
    m = _YEAR_ONLY.match(text)
    if m:
        y = _four_digits(m.group(1))
        return (y, None, "") if _year_ok(y) else (None, None, f"year {text!r} out of range")
    m = _YEAR_RANGE.match(text)
    if m:
        first = _four_digits(m.group(1))
        last_s = m.group(2)
        last = _four_digits(last_s) if len(last_s) == 4 else None
        if len(last_s) == 2 and first is not None:
            two = _four_digits("00" + last_s)
            last = None if two is None else first // 100 * 100 + two
        if _year_ok(first) and _year_ok(last) and first < last:
            return first, last, ""
    date, _ = parse_date(text)  # "2019-12" is a month, not the range 2019–2012
    if date:
        return int(date[:4]), None, ""
    return None, None, f"year {text!r} not understood"


def parse_date(value: object) -> tuple[str, str]:
    """A manifest ``date`` cell → ``(iso, problem)``.

    ``iso`` is ``YYYY-MM-DD`` for a full date, ``YYYY-MM`` for a month, ``YYYY`` for a year;
    ``""`` with a problem when the cell cannot be read (or with no problem when it is empty).
    """
    text = _normalise(value)
    if not text or text.lower() in {"nan", "na", "n/a", "none", "-"}:
        return "", ""
    m = _DATE.match(text)
    if m:
        y, mo, d = _four_digits(m.group(1)), _small_number(m.group(2)), _small_number(m.group(3))
        if _year_ok(y) and mo is not None and d is not None and 1 <= mo <= 12:
            import calendar

            if 1 <= d <= calendar.monthrange(y, mo)[1]:
                return f"{y:04d}-{mo:02d}-{d:02d}", ""
        return "", f"date {text!r} is not a valid calendar date"
    m = _MONTH.match(text)
    if m:
        y, mo = _four_digits(m.group(1)), _small_number(m.group(2))
        if _year_ok(y) and mo is not None and 1 <= mo <= 12:
            return f"{y:04d}-{mo:02d}", ""
        return "", f"date {text!r} is not a valid month"
    m = _YEAR_ONLY.match(text)
    if m and _year_ok(_four_digits(m.group(1))):
        return f"{_four_digits(m.group(1)):04d}", ""
    return "", f"date {text!r} not understood"
