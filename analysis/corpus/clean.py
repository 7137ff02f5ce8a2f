"""Pure text cleaners for scraped reports, each counting what it changed.

Every cleaner is a ``str -> (str, count)`` or ``list[str] -> (list[str], counts)`` function with no
I/O; :func:`clean_lines` composes them in the order that keeps each step safe:

1. :func:`flag_garbled` — mojibake spans that begin with a ``?`` placeholder (left by a GBK
   decoder that lost a byte) and stray U+FFFD are replaced by ONE ``\\ufffd`` each. They are
   flagged and counted, stay visible to readers, and the tokenizer drops them.
2. :func:`strip_pinyin` — inline annotations ``字(pīnyīn)`` lose the annotation, keep the
   character. Only tone-marked syllables count, so ``(xx)``, ``(AA)`` or ``(cm)`` survive.
3. :func:`normalise_width` — full-width ASCII forms to half-width, ideographic and odd spaces
   to one space, zero-width characters removed (NFKC restricted to those ranges).
4. :func:`drop_chrome` — website chrome lines and trailing "related posts" blocks, matched on a
   Simplified copy of each line against the editable patterns in ``data/lexicons/chrome.yaml``.
5. :func:`extract_byline` — author/date/source/editor lines parsed into metadata and removed.
6. :func:`strip_urls` — inline URLs removed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from analysis import paths
from analysis._files import read_yaml
from analysis.errors import InputFileError

from .script import to_simplified

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
REPLACEMENT = "\ufffd"

# --- 1. garbled spans ------------------------------------------------------------------------
# A GBK byte lost before a character shifts decoding by one byte until an ASCII byte re-aligns
# it, e.g. "確保“雙基" -> "確?!半p基". So a span runs from the "?" to the first ASCII letter that is
# followed by a non-letter (at most 10 characters), plus the pinyin annotation a scraper may have
# glued to the last shifted character. Without such a letter, only the "?" and the punctuation
# marks stuck to it are taken. A "?" after a question particle or before a closing quote,
# bracket, whitespace or the end of the line is a real question mark and is left alone.
_LETTERS = f"A-Za-z{TONE_VOWELS}ü"
_GARBLED_SHIFTED = re.compile(
    rf"\?[^\s?]{{0,10}}?[A-Za-z](?![{_LETTERS})])(?:\([a-z{TONE_VOWELS}ü]+\))?"
)
_GARBLED_PUNCT = re.compile(r"\?[;:,!?；：，！？]*")
_QUESTION_PARTICLES = set("吗呢么吧嘛否")
_QUESTION_FOLLOWERS = set("”」』\"')）】 \t\n")


_PINYIN_TAIL = re.compile(rf"\([a-z{TONE_VOWELS}ü]{{1,7}}\)$")
_MARKS = re.compile(f"[?{REPLACEMENT}]")


def _is_question_mark(text: str, i: int) -> bool:
    before = text[max(0, i - 10) : i]
    tail = _PINYIN_TAIL.search(before)
    if tail:  # "規(guī)?" — look at the character the annotation belongs to
        before = before[: tail.start()]
    prev = before[-1] if before else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if not prev or not re.match(f"[{CJK}]", prev):
        return True  # not after a CJK character: ASCII context, leave it
    return prev in _QUESTION_PARTICLES or nxt == "" or nxt in _QUESTION_FOLLOWERS


def flag_garbled(text: str) -> tuple[str, int, int]:
    """Replace garbled spans by one U+FFFD each.

    Returns:
        ``(text, n_spans, n_chars)``: the cleaned text, the number of spans flagged and the
        number of characters those spans covered.

    Example:
        >>> flag_garbled("為了確?!半p基四落實")
        ('為了確\\ufffd基四落實', 1, 4)
    """
    if "?" not in text and REPLACEMENT not in text:
        return text, 0, 0
    out: list[str] = []
    spans = chars = 0
    pos = 0
    for m in _MARKS.finditer(text):
        i = m.start()
        if i < pos:
            continue  # inside a span already consumed
        if text[i] == REPLACEMENT:
            end = i + 1
            while end < len(text) and text[end] == REPLACEMENT:
                end += 1
        elif _is_question_mark(text, i):
            continue
        else:
            span = _GARBLED_SHIFTED.match(text, i) or _GARBLED_PUNCT.match(text, i)
            end = span.end() if span else i + 1
        out.append(text[pos:i])
        out.append(REPLACEMENT)
        spans += 1
        chars += end - i
        pos = end
    out.append(text[pos:])
    return "".join(out), spans, chars


# --- 2. pinyin annotations -------------------------------------------------------------------
_PINYIN = re.compile(
    rf"(?<=[{CJK}{REPLACEMENT}])\((?=[a-z{TONE_VOWELS}ü]*[{TONE_VOWELS}])[a-z{TONE_VOWELS}ü]{{1,7}}\)"
)


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove inline pinyin annotations after characters, keeping the character.

    Example:
        >>> strip_pinyin("統(tǒng)戰(zhàn)工作 (AA级)")
        ('統戰工作 (AA级)', 2)
    """
    return _PINYIN.subn("", text)


# --- 3. width and whitespace -----------------------------------------------------------------
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_WIDE = re.compile("[\uff01-\uff5e\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@lru_cache(maxsize=1)
def _width_table() -> dict[int, str]:
    table = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}  # ！..～ -> !..~
    table[0x3000] = " "
    return table


def normalise_width(text: str) -> tuple[str, int]:
    """Fold full-width ASCII forms to half-width, unify spaces, drop zero-width characters.

    Chinese punctuation without a half-width twin (。、“”《》【】) is kept.

    Returns:
        ``(text, n_changed)`` where ``n_changed`` counts characters folded or removed.
    """
    changed = len(_WIDE.findall(text))
    if changed:
        text = text.translate(_width_table()).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip(), changed


# --- 4-6. line-level chrome, byline and URLs ---------------------------------------------------
@dataclass(frozen=True)
class ChromePatterns:
    """Compiled patterns from ``chrome.yaml`` (see that file for the meaning of each part)."""

    line: dict[str, list[re.Pattern[str]]]
    block_start: list[re.Pattern[str]]
    byline_fields: dict[str, re.Pattern[str]]
    byline_max_chars: int = 120
    source: str = ""


def load_chrome_patterns(path: str | Path | None = None) -> ChromePatterns:
    """Load and compile ``data/lexicons/chrome.yaml`` (or ``path``); bad regexes name the file."""
    p = Path(path) if path is not None else paths.LEXICONS / "chrome.yaml"
    spec = read_yaml(p)
    if not isinstance(spec, dict):
        raise InputFileError(p, "expected a mapping with keys line, block_start, byline")

    def compile_(pattern: object, where: str) -> re.Pattern[str]:
        if not isinstance(pattern, str):
            raise InputFileError(p, f"{where}: pattern must be a string, got {pattern!r}")
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise InputFileError(
                p, f"{where}: invalid regular expression {pattern!r}: {exc}"
            ) from None

    def typed(value: object, typ: type, where: str):
        if not isinstance(value, typ):
            kind = "mapping" if typ is dict else "list"
            raise InputFileError(p, f"{where}: expected a {kind}, got {type(value).__name__}")
        return value

    line = {
        name: [compile_(x, f"line.{name}") for x in typed(patterns or [], list, f"line.{name}")]
        for name, patterns in typed(spec.get("line") or {}, dict, "line").items()
    }
    block = [
        compile_(x, "block_start")
        for x in typed(spec.get("block_start") or [], list, "block_start")
    ]
    byline_spec = typed(spec.get("byline") or {}, dict, "byline")
    typed(byline_spec.get("fields") or {}, dict, "byline.fields")
    fields = {
        k: compile_(v, f"byline.fields.{k}") for k, v in (byline_spec.get("fields") or {}).items()
    }
    return ChromePatterns(
        line=line,
        block_start=block,
        byline_fields=fields,
        byline_max_chars=_positive_int(p, byline_spec.get("max_chars", 120), "byline.max_chars"),
        source=str(p),
    )


def _positive_int(path: Path, value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputFileError(path, f"{where}: expected a positive integer, got {value!r}")
    return value


CHROME_LINE_MAX = 300  # longer lines are report text, never chrome


def chrome_category(line_simplified: str, patterns: ChromePatterns) -> str | None:
    """Return the chrome category a (Simplified, normalised) line belongs to, or None."""
    if len(line_simplified) > CHROME_LINE_MAX:
        return None
    for category, compiled in patterns.line.items():
        if any(rx.search(line_simplified) for rx in compiled):
            return category
    return None


def parse_byline(line_simplified: str, patterns: ChromePatterns) -> dict[str, str]:
    """Metadata fields found in a byline line ({} when the line is not a byline)."""
    text = line_simplified.strip("【】[] ")
    if len(text) > patterns.byline_max_chars:
        return {}
    found: dict[str, str] = {}
    for name, rx in patterns.byline_fields.items():
        m = rx.search(text)
        if m:
            found[name] = (m.groupdict().get(name) or m.group(0)).strip()
    return found


_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff\"'<>()]+")


def strip_urls(text: str) -> tuple[str, int]:
    """Remove inline URLs (``http(s)://…``, ``www.…``)."""
    return _URL.subn("", text)


@dataclass
class CleanResult:
    """Lines left after cleaning, the metadata parsed from bylines, and per-step counts."""

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)


def clean_line(line: str) -> tuple[str, Counter[str]]:
    """Character-level cleaning of a line or a whole text: garbled spans, pinyin, width, URLs
    (steps 1–3, 6). No step crosses a line break, so line boundaries are kept."""
    counts: Counter[str] = Counter()
    line, spans, chars = flag_garbled(line)
    counts["garbled_spans"] += spans
    counts["garbled_chars"] += chars
    line, n = strip_pinyin(line)
    counts["pinyin_annotations"] += n
    line, n = normalise_width(line)
    counts["width_normalised"] += n  # (keeps line breaks: only spaces and tabs are folded)
    line, n = strip_urls(line)
    counts["urls"] += n
    return line.strip(), counts


def clean_lines(raw_lines: list[str], patterns: ChromePatterns) -> CleanResult:
    """Run every cleaner over the lines of one article.

    The character-level steps run once over the whole article (none of them crosses a line
    break), and the Simplified copy used for pattern matching is converted in one call; both keep
    line boundaries, so the result equals cleaning line by line with :func:`clean_line`.

    Returns:
        :class:`CleanResult` with the kept lines (original script), metadata from bylines
        (author, date, source, editor) and counts: ``garbled_spans``, ``garbled_chars``,
        ``pinyin_annotations``, ``width_normalised``, ``urls``, ``chrome_lines`` and one
        ``chrome_<category>`` per category, ``related_lines``, ``byline_lines``.
    """
    text, counts = clean_line("\n".join(raw_lines))
    lines = [line.strip() for line in text.split("\n")]
    simple_lines = to_simplified("\n".join(lines)).split("\n")
    if len(simple_lines) != len(lines):  # pragma: no cover - to_simplified keeps length
        simple_lines = [to_simplified(line) for line in lines]
    result = CleanResult(lines=[], counts=counts)
    for i, (line, simple) in enumerate(zip(lines, simple_lines)):
        if not line:
            continue
        if len(simple) <= CHROME_LINE_MAX and any(rx.search(simple) for rx in patterns.block_start):
            result.counts["related_lines"] += sum(1 for x in lines[i:] if x)
            break
        category = chrome_category(simple, patterns)
        if category is not None:
            result.counts["chrome_lines"] += 1
            result.counts[f"chrome_{category}"] += 1
            continue
        fields = parse_byline(simple, patterns)
        if fields:
            for key, value in fields.items():
                result.meta.setdefault(key, value)
            result.counts["byline_lines"] += 1
            continue
        result.lines.append(line)
    return result


def clean_text(text: str, *, patterns: ChromePatterns | None = None) -> str:
    """Clean a whole text (all steps) and return the kept lines joined by newlines.

    A convenience for notebooks; the corpus pipeline uses :func:`clean_lines` to keep counts.

    Example:
        >>> clean_text("發(fā)展經(jīng)濟\\n上一篇 2022年10月30日")
        '發展經濟'
    """
    pats = patterns if patterns is not None else load_chrome_patterns()
    return "\n".join(clean_lines(text.splitlines(), pats).lines)
