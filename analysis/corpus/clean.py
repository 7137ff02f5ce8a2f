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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from analysis import paths
from analysis._files import read_yaml
from analysis.errors import InputFileError

from .script import simplified_line_list, to_simplified

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
    if "(" not in text:  # the annotation needs an ASCII parenthesis (most texts: none)
        return text, 0
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


@lru_cache(maxsize=1)
def _wide_map() -> dict[str, str]:
    """Every character ``_WIDE`` matches -> its replacement ('' for zero-width characters)."""
    out = {chr(cp): ch for cp, ch in _width_table().items()}
    out.update(dict.fromkeys(map(chr, _ZERO_WIDTH), ""))
    return out


def _fold_wide(m: re.Match[str]) -> str:
    return _wide_map()[m.group()]


@lru_cache(maxsize=1)
def _fold_tables() -> tuple[np.ndarray, np.ndarray]:
    """Code point -> folded code point, and code point -> removed (zero-width), as tables."""
    fold = np.arange(0x110000, dtype=np.uint32)
    drop = np.zeros(0x110000, dtype=bool)
    for ch, new in _wide_map().items():
        if new:
            fold[ord(ch)] = ord(new)
        else:
            drop[ord(ch)] = True
    return fold, drop


FOLD_TABLE_MIN = 2000  # shorter texts: the regex; longer ones: the tables (numpy)


def _fold_width(text: str) -> tuple[str, int]:
    """``_WIDE.subn(_fold_wide, text)``: fold every full-width form, drop zero-width characters.

    Chinese text holds a full-width form every few characters (，：；（）), so on a long text
    the substitution is done over code-point arrays instead of one callback per character.
    """
    if len(text) < FOLD_TABLE_MIN:
        return _WIDE.subn(_fold_wide, text)
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return _WIDE.subn(_fold_wide, text)
    fold, drop = _fold_tables()
    folded = fold[codes]
    removed = drop[codes]
    n = int(np.count_nonzero(folded != codes)) + int(np.count_nonzero(removed))
    if not n:
        return text, 0
    if removed.any():
        folded = folded[~removed]
    return folded.tobytes().decode("utf-32-le"), n


def normalise_width(text: str) -> tuple[str, int]:
    """Fold full-width ASCII forms to half-width, unify spaces, drop zero-width characters.

    Chinese punctuation without a half-width twin (。、“”《》【】) is kept.

    Returns:
        ``(text, n_changed)`` where ``n_changed`` counts characters folded or removed.
    """
    # a substitution per folded character (str.translate with a dict costs a failed lookup
    # for EVERY character of the text: it was the single most expensive step of ingestion)
    text, changed = _fold_width(text)
    return _squeeze_spaces(unicodedata.normalize("NFC", text)).strip(" "), changed


@lru_cache(maxsize=1)
def _space_table() -> np.ndarray:
    """Code point -> is it one of the characters ``_SPACES`` matches?"""
    table = np.zeros(0x110000, dtype=bool)
    table[[cp for cp in range(0x3001) if _SPACES.fullmatch(chr(cp))]] = True
    return table


def _squeeze_spaces(text: str) -> str:
    """``_SPACES.sub(" ", text)``: every run of space characters becomes one space; on a long
    text over code-point arrays (re tests the character class at every position)."""
    if len(text) < FOLD_TABLE_MIN:
        return _SPACES.sub(" ", text)
    try:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return _SPACES.sub(" ", text)
    space = _space_table()[codes]
    first = space.copy()
    first[1:] &= ~space[:-1]  # the first character of each run
    if np.array_equal(first, space) and np.array_equal(space, codes == 0x20):
        return text  # every run is one plain space already
    out = np.where(first, np.uint32(0x20), codes)[~space | first]
    return out.tobytes().decode("utf-32-le")


# --- 4-6. line-level chrome, field lines and URLs ----------------------------------------------
CHROME_LINE_MAX = 300  # longer lines are report text, never chrome
CHROME_SENTENCE_MAX = (
    100  # a sentence-shaped line (ends in 。！？…) longer than this is never chrome
)
_SENTENCE_END = "。！？!?；;…"


@dataclass(frozen=True)
class ChromePatterns:
    """Compiled patterns from ``chrome.yaml`` (see that file for the meaning of each part).

    Attributes:
        line: per category, the compiled patterns (kept for audits and tests).
        block_start: patterns that start a trailing "related posts" block.
        byline_labels: field name -> labels (as written in the file).
        byline_max_chars, byline_value_max: length limits of a field line and of one value.
        source: the file the patterns came from.
    """

    line: dict[str, list[re.Pattern[str]]]
    block_start: list[re.Pattern[str]]
    byline_labels: dict[str, list[str]] = field(default_factory=dict)
    byline_max_chars: int = 120
    byline_value_max: int = 60
    source: str = ""
    long_sentence_categories: frozenset[str] = frozenset()
    dated_categories: frozenset[str] = frozenset()

    @cached_property
    def _line_any(self) -> re.Pattern[str] | None:
        """One alternation over every line pattern, a named group per category."""
        parts = [
            f"(?P<c{i}>{'|'.join(_scoped(rx.pattern) for rx in compiled)})"
            for i, compiled in enumerate(self.line.values())
            if compiled
        ]
        return re.compile("|".join(parts)) if parts else None

    @cached_property
    def _long_any(self) -> re.Pattern[str] | None:
        """The alternation restricted to ``long_sentence_categories``."""
        parts = [
            f"(?P<c{i}>{'|'.join(_scoped(rx.pattern) for rx in compiled)})"
            for i, (name, compiled) in enumerate(self.line.items())
            if compiled and name in self.long_sentence_categories
        ]
        return re.compile("|".join(parts)) if parts else None

    def _unanchored(self, names: Sequence[str] | None) -> re.Pattern[str] | None:
        """The alternation without the patterns anchored at the line start (``^…``): past
        position 0 only the others can match (see :func:`chrome_category`)."""
        parts = []
        for i, (name, compiled) in enumerate(self.line.items()):
            rest = [rx for rx in compiled if not _anchored(rx)]
            if rest and (names is None or name in names):
                parts.append(f"(?P<c{i}>{'|'.join(_scoped(rx.pattern) for rx in rest)})")
        return re.compile("|".join(parts)) if parts else None

    @cached_property
    def _line_rest(self) -> re.Pattern[str] | None:
        return self._unanchored(None)

    @cached_property
    def _long_rest(self) -> re.Pattern[str] | None:
        return self._unanchored(sorted(self.long_sentence_categories))

    def _unanchored_list(self, names: Sequence[str] | None) -> tuple[tuple[re.Pattern, str], ...]:
        """The unanchored patterns one by one, in alternation order, with their category; empty
        when one holds a back-reference (its group number differs inside the alternation)."""
        out = []
        for name, compiled in self.line.items():
            if names is None or name in names:
                out += [(rx, name) for rx in compiled if not _anchored(rx)]
        if any(_BACKREFERENCE.search(rx.pattern) for rx, _ in out):
            return ()
        return tuple(out)

    @cached_property
    def _line_rest_list(self) -> tuple[tuple[re.Pattern, str], ...]:
        return self._unanchored_list(None)

    @cached_property
    def _long_rest_list(self) -> tuple[tuple[re.Pattern, str], ...]:
        return self._unanchored_list(sorted(self.long_sentence_categories))

    @cached_property
    def _categories(self) -> dict[str, str]:
        return {f"c{i}": name for i, name in enumerate(self.line)}

    @cached_property
    def _block_any(self) -> re.Pattern[str] | None:
        parts = [_scoped(rx.pattern) for rx in self.block_start]
        return re.compile("|".join(parts)) if parts else None

    @cached_property
    def _field(self) -> tuple[re.Pattern[str], dict[str, str]]:
        return _field_regex(self.byline_labels)


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=")


def _anchored(rx: re.Pattern[str]) -> bool:
    """Can the pattern only match at the start of a line (``^…`` without MULTILINE)?"""
    return rx.pattern.startswith("^") and not rx.flags & re.MULTILINE


def _scoped(pattern: str) -> str:
    """Wrap a pattern for an alternation; a leading global flag group becomes a scoped one."""
    m = re.match(r"^\(\?([aiLmsux]+)\)", pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end() :]})"
    return f"(?:{pattern})"


# a section heading of the report (二、社会事业) after a "related posts" heading: the heading was a
# line of the report, not the start of a trailing block
_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]{1,3}\s*[、.．]")


def _trailing_block(kept: list[str], after: list[str]) -> bool:
    """A related-posts heading starts a trailing block only after report text and when no
    numbered section of the report follows it."""
    return bool(kept) and not any(_SECTION_HEADING.match(x) for x in after)


_DATE_PREFIX = (
    r"(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
    r"(?:\s*\|\s*|\s+))?"
)
_DATE_PREFIX_RX = re.compile(_DATE_PREFIX)
_DATE_VALUE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}")


def _label_pattern(label: str) -> str:
    """``记者`` -> ``记\\s?者`` (labels are often spaced out: 记 者, 索 引 号)."""
    return r"\s?".join(re.escape(ch) for ch in label)


def _field_regex(labels: dict[str, list[str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """A regex finding field labels at segment starts, with a named group per field."""
    groups, names = [], {}
    for i, (name, words) in enumerate(labels.items()):
        multi = sorted((w for w in words if len(w) > 1), key=len, reverse=True)
        single = [w for w in words if len(w) == 1]
        alts = []
        if multi:  # followed by ':' '|' '/' or whitespace
            alts.append(rf"(?:{'|'.join(map(_label_pattern, multi))})(?:\s*[:|/]\s*|\s+)")
        if single:  # a one-character label needs an explicit separator
            alts.append(rf"(?:{'|'.join(map(re.escape, single))})\s*[:|/]\s*")
        if alts:
            groups.append(f"(?P<f{i}>{'|'.join(alts)})")
            names[f"f{i}"] = name
    if not groups:
        return re.compile(r"(?!x)x"), names
    return re.compile(rf"(?:^|(?<=[\s|/,;]))(?:{'|'.join(groups)})"), names


@dataclass(frozen=True)
class FieldLine:
    """A line made only of ``label separator value`` segments (see :func:`parse_field_line`)."""

    fields: dict[str, str]
    first: str  # the field of the first segment (the rule named in removed_lines)
    pending: str = ""  # a field whose label ends the line: its value is on the next line


def parse_field_line(line_simplified: str, patterns: ChromePatterns) -> FieldLine | None:
    """Parse a byline / metadata-table line, or return None when the line is not one.

    A field line is short (``byline.max_chars``), starts with a field label (after an optional
    date and brackets), and consists of nothing but ``label separator value`` segments whose
    values are short and hold no sentence punctuation. A substring such as 工作者 never counts.

    Example:
        >>> p = load_chrome_patterns()
        >>> parse_field_line("记 者|张三 编 辑|李四", p).fields
        {'author': '张三', 'editor': '李四'}
        >>> parse_field_line("全市农业科技工作者突破50项关键技术。", p) is None
        True
    """
    text = line_simplified.strip(" 【】[]()")
    if not text or len(text) > patterns.byline_max_chars:
        return None
    rx, names = patterns._field
    prefix = _DATE_PREFIX_RX.match(text)
    start = prefix.end() if prefix else 0
    if rx.match(text, start) is None:  # = the first segment found does not start there
        return None
    segments = list(rx.finditer(text, start))
    found: dict[str, str] = {}
    pending = ""
    for n, seg in enumerate(segments):
        end = segments[n + 1].start() if n + 1 < len(segments) else len(text)
        value = text[seg.end() : end].strip(" |/,;【】[]")
        name = names[seg.lastgroup or ""]
        if not value:
            if n + 1 < len(segments):
                continue  # "编辑:  审核:张三" — an empty cell
            pending = name
            break
        if len(value) > patterns.byline_value_max or any(c in _SENTENCE_END for c in value):
            return None
        if name == "date":
            m = _DATE_VALUE.search(value)
            value = m.group(0) if m else value
        found.setdefault(name, value)
    if prefix and prefix.group(0).strip():
        found.setdefault("date", _DATE_VALUE.search(prefix.group(0)).group(0))
    return FieldLine(found, names[segments[0].lastgroup or ""], pending)


_PATTERN_CACHE: dict[tuple[str, bytes], ChromePatterns] = {}


def load_chrome_patterns(path: str | Path | None = None) -> ChromePatterns:
    """Load and compile ``data/lexicons/chrome.yaml`` (or ``path``); bad regexes name the file.

    Compiled once per process and file content (ingestion loads the patterns in every chunk).
    """
    p = Path(path) if path is not None else paths.LEXICONS / "chrome.yaml"
    try:
        key = (str(p.resolve()), p.read_bytes())
    except OSError:
        return _load_chrome_patterns(p)  # reports the problem with the file
    if key not in _PATTERN_CACHE:
        _PATTERN_CACHE.clear()
        _PATTERN_CACHE[key] = _load_chrome_patterns(p)
    return _PATTERN_CACHE[key]


def _load_chrome_patterns(p: Path) -> ChromePatterns:
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
    labels: dict[str, list[str]] = {}
    for name, words in typed(byline_spec.get("fields") or {}, dict, "byline.fields").items():
        if isinstance(words, str):
            words = [words]
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise InputFileError(
                p,
                f"byline.fields.{name}: expected a list of labels (e.g. [作者, 撰稿]), got {words!r}",
            )
        labels[str(name)] = [w.strip() for w in words]
    pats = ChromePatterns(
        line=line,
        block_start=block,
        byline_labels=labels,
        byline_max_chars=_positive_int(p, byline_spec.get("max_chars", 120), "byline.max_chars"),
        byline_value_max=_positive_int(
            p, byline_spec.get("value_max_chars", 60), "byline.value_max_chars"
        ),
        source=str(p),
        long_sentence_categories=frozenset(
            typed(spec.get("long_sentence_categories") or [], list, "long_sentence_categories")
        ),
        dated_categories=frozenset(
            typed(spec.get("dated_categories") or [], list, "dated_categories")
        ),
    )
    try:
        _ = pats._line_any, pats._long_any, pats._block_any, pats._field
        _ = pats._line_rest, pats._long_rest, pats._line_rest_list, pats._long_rest_list
    except re.error as exc:  # e.g. the same named group in two patterns
        raise InputFileError(p, f"patterns cannot be combined: {exc}") from None
    return pats


def _sentence_shaped(line: str, limit: int) -> bool:
    return len(line) > limit and line[-1] in _SENTENCE_END


def _positive_int(path: Path, value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputFileError(path, f"{where}: expected a positive integer, got {value!r}")
    return value


def chrome_category(line_simplified: str, patterns: ChromePatterns) -> str | None:
    """Return the chrome category a (Simplified, normalised) line belongs to, or None.

    Lines longer than ``CHROME_LINE_MAX`` are report text, never chrome; so are sentence-shaped
    lines longer than ``CHROME_SENTENCE_MAX`` (ending in 。！？…) unless the category matched is
    listed in ``long_sentence_categories``.
    """
    if len(line_simplified) > CHROME_LINE_MAX:
        return None
    if _sentence_shaped(line_simplified, CHROME_SENTENCE_MAX):
        rx = patterns._long_any  # (most report paragraphs: only a few patterns to try)
        rest, rest_list = patterns._long_rest, patterns._long_rest_list
    else:
        rx, rest, rest_list = patterns._line_any, patterns._line_rest, patterns._line_rest_list
    if rx is None:
        return None
    # rx.search(line), in steps (re tries every alternative at every position; one pattern at a
    # time, it skips ahead to the pattern's first characters): every pattern at position 0,
    # then from position 1 only the patterns not anchored at the line start, each on its own;
    # the earliest match wins, and at one position the pattern listed first - the alternation's
    # own rule, so the category is the same
    m = rx.match(line_simplified)
    if m is not None:
        return patterns._categories[m.lastgroup] if m.lastgroup else None
    if rest is None:
        return None
    if not rest_list:  # a back-reference: the alternation itself
        m = rest.search(line_simplified, 1)
        return patterns._categories[m.lastgroup] if m and m.lastgroup else None
    best, category = len(line_simplified) + 1, None
    for pattern, name in rest_list:
        m = pattern.search(line_simplified, 1)
        if m is not None and m.start() < best:
            best, category = m.start(), name
            if best == 1:
                break  # nothing starts earlier; ties go to the pattern listed first
    return category


def parse_byline(line_simplified: str, patterns: ChromePatterns) -> dict[str, str]:
    """Metadata fields found in a field line ({} when the line is not a field line)."""
    parsed = parse_field_line(line_simplified, patterns)
    return dict(parsed.fields) if parsed else {}


_URL = re.compile(r"(?i)\b(?:https?://|www\.)[^\s\u3000-\u303f\uff00-\uffef\u4e00-\u9fff\"'<>()]+")


# every URL holds "://" or www. (any case): searching for them first skips most texts; _URL
# starts with \b and an ignore-case alternation, which re tries at every position
_URL_HINT = re.compile(r"://|[wW][wW][wW]\.")


def strip_urls(text: str) -> tuple[str, int]:
    """Remove inline URLs (``http(s)://…``, ``www.…``)."""
    # str's own search first (the regex tests every position): www. needs "w." or "W."
    maybe_www = ("w." in text or "W." in text) and _URL_HINT.search(text) is not None
    if "://" not in text and not maybe_www:
        return text, 0
    return _URL.subn("", text)


@dataclass
class CleanResult:
    """Lines left after cleaning, the metadata parsed from field lines, and per-step counts.

    Attributes:
        lines: kept lines (original script).
        line_nos: the 1-based line number in the file of each kept line.
        removed: ``(line_no, rule, text)`` of every removed line; rules are
            ``chrome:<category>``, ``related_block``, ``field:<field>`` and
            ``field_value:<field>`` (the value of a label left alone on the line before).
        blank_nos: line numbers of blank lines (paragraph separators in many exports).
        simplified: ``{line: to_simplified(line)}`` for lines the article's one OpenCC call
            converted (see :func:`analysis.corpus.script.simplified_line_list`), so later steps do
            not convert them again.
    """

    lines: list[str]
    meta: dict[str, str] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    line_nos: list[int] = field(default_factory=list)
    removed: list[tuple[int, str, str]] = field(default_factory=list)
    blank_nos: list[int] = field(default_factory=list)
    simplified: dict[str, str] = field(default_factory=dict)


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
    return line.strip(" "), counts


def clean_lines(
    raw_lines: list[str], patterns: ChromePatterns, *, line_nos: Sequence[int] | None = None
) -> CleanResult:
    """Run every cleaner over the lines of one article.

    The character-level steps run once over the whole article (none of them crosses a line
    break), and the Simplified copy used for pattern matching is converted in one call; both keep
    line boundaries, so the result equals cleaning line by line with :func:`clean_line`.

    Args:
        raw_lines: the article's lines.
        patterns: compiled ``chrome.yaml``.
        line_nos: file line number of each raw line (default 1, 2, …), used in
            ``CleanResult.line_nos`` and ``removed``.

    Returns:
        :class:`CleanResult` with the kept lines (original script) and their line numbers,
        metadata from field lines (author, date, source, editor, …), every removed line with its
        rule, and counts: ``garbled_spans``, ``garbled_chars``, ``pinyin_annotations``,
        ``width_normalised``, ``urls``, ``chrome_lines`` and one ``chrome_<category>`` per
        category, ``related_lines``, ``byline_lines``.
    """
    text, counts = clean_line("\n".join(raw_lines))
    lines = [line.strip() for line in text.split("\n")]
    simple_lines, known = simplified_line_list(lines)
    if len(simple_lines) != len(lines):  # pragma: no cover - to_simplified keeps length
        simple_lines, known = [to_simplified(line) for line in lines], {}
    result = CleanResult(lines=[], counts=counts, simplified=known)
    block = patterns._block_any
    numbers = list(line_nos) if line_nos is not None else range(1, len(lines) + 1)
    pending = ""
    for i, (line, simple) in enumerate(zip(lines, simple_lines)):
        if not line:
            result.blank_nos.append(numbers[i])
            continue
        no = numbers[i]
        if block is not None and len(simple) <= CHROME_LINE_MAX and block.search(simple):
            if not _trailing_block(result.lines, simple_lines[i + 1 :]):
                # the heading alone goes: the lines after it are the report's
                result.counts["chrome_lines"] += 1
                result.counts["chrome_related_heading"] += 1
                result.removed.append((no, "chrome:related_heading", line))
                continue
            rest = [(numbers[j], x) for j, x in enumerate(lines[i:], start=i) if x]
            result.counts["related_lines"] += len(rest)
            result.removed.extend((n, "related_block", x) for n, x in rest)
            break
        category = chrome_category(simple, patterns)
        if category is not None:
            result.counts["chrome_lines"] += 1
            result.counts[f"chrome_{category}"] += 1
            result.removed.append((no, f"chrome:{category}", line))
            if category in patterns.dated_categories and "date" not in result.meta:
                found = _DATE_VALUE.search(simple)
                if found:
                    result.meta["date"] = found.group(0)
            # a byline followed by bracketed page tools ("作者:… 时间:… 【字体:大 中 小】")
            # is chrome, but its fields are still the document's metadata
            head = simple.split("【", 1)[0].split("[", 1)[0].rstrip()
            byline = parse_field_line(head, patterns) if 0 < len(head) < len(simple) else None
            for key, value in byline.fields.items() if byline else ():
                result.meta.setdefault(key, value)
            pending = ""
            continue
        parsed = parse_field_line(simple, patterns)
        if parsed is None and pending:
            value = simple.strip(" 【】[]")
            if len(value) <= patterns.byline_value_max and not any(
                c in _SENTENCE_END for c in value
            ):
                result.meta.setdefault(pending, value)
                result.counts["byline_lines"] += 1
                result.removed.append((no, f"field_value:{pending}", line))
                pending = ""
                continue
        pending = ""
        if parsed is not None:
            for key, value in parsed.fields.items():
                result.meta.setdefault(key, value)
            result.counts["byline_lines"] += 1
            result.removed.append((no, f"field:{parsed.first}", line))
            pending = parsed.pending
            continue
        result.lines.append(line)
        result.line_nos.append(no)
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
