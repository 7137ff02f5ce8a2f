"""Slogans (提法): quoted expressions, numbered formulas and fixed phrases, with their variants.

Patterns and rules live in ``data/lexicons/slogans.yaml`` (editable; its header explains the
counting rules). Everything is matched in the Simplified ``text``; offsets carry over to
``text_original`` so each mention, variant and example is shown in the original script.

    >>> import analysis as an
    >>> corpus = an.load_corpus()
    >>> slogans = an.extract_slogans(corpus.paragraphs, corpus.documents)
    >>> slogans[slogans.n_docs >= 2]          # recurring slogans
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from analysis import paths
from analysis._files import read_text_lines, read_yaml
from analysis.corpus.gazetteer import (
    COMMON_WORD_FREQ,
    default_gazetteer,
    jieba_words,
    starts_inside_word,
)
from analysis.errors import InputFileError
from analysis.hashing import file_digest

from .concordance import drop_duplicate_documents, to_simplified
from .formulations import (
    FORMULATION_COLUMNS,
    FormulationRules,
    era_note,
    known_ngrams,
    min_docs_for,
    recurring_ngrams,
    sample_documents,
    score_formulations,
    strip_leading,
)
from .matching import JOIN, build_automaton, find_all, joined
from .themes import line_of, yaml_lines

log = logging.getLogger(__name__)

SLOGANS_FILE = paths.LEXICONS / "slogans.yaml"
SLOGAN_COLUMNS = ["slogan", "kind", "n_docs", "n_mentions", "doc_ids", "variants", "example"]
MENTION_COLUMNS = [
    "doc_id",
    "para_id",
    "start",
    "end",
    "slogan",
    "kind",
    "rule",
    "surface",
    "surface_original",
]
KINDS = ("quoted", "numbered", "phrase", "formulation")
DOC_SEP = ";"
VARIANT_SEP = " | "
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = "。！？!?；;\n"
_WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())


@dataclass(frozen=True)
class NumberedPattern:
    """One numbered-formula pattern of slogans.yaml (``regex``: the YAML's pattern compiled in
    the form that finds the same matches fastest, see :func:`_first_character_first`)."""

    id: str
    description: str
    regex: re.Pattern


@dataclass(frozen=True)
class SloganPatterns:
    """The parsed, validated contents of slogans.yaml (see that file for the meaning)."""

    path: Path | None
    separators: str
    quote_chars: str
    aliases: tuple[tuple[str, str], ...]
    quote_pairs: tuple[tuple[str, str], ...]
    min_chars: int
    max_chars: int
    min_cjk_share: float
    reject_if_contains: tuple[str, ...]
    reject_regex: tuple[re.Pattern, ...]
    name_suffixes: tuple[str, ...]
    exclude: frozenset[str]
    count_inside_titles: bool
    numerals: str
    quoted_min_chars: int
    numbered: tuple[NumberedPattern, ...]
    stop: frozenset[str]
    stop_regex: tuple[re.Pattern, ...]
    recount_min_chars: int
    recount_min_quoted_share: float
    phrases: tuple[str, ...]
    leading_variants: tuple[str, ...] = ()
    formulations: FormulationRules = FormulationRules()
    dictionary: frozenset[str] = frozenset()
    short_min_chars: int = 3
    short_heads: tuple[str, ...] = ()
    short_between: tuple[str, ...] = ()
    programme_heads: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    short_head_share: float = 0.0
    quoted_programme_heads: tuple[str, ...] = ()
    common_word_min_freq: int = 0
    common_word_max_chars: int = 0
    common_word_numerals: str = ""
    common_word_keep_tags: tuple[str, ...] = ()


# --------------------------------------------------------------------------- loading


def _expand(template: str, numerals: str, count_nouns: tuple[str, ...] = ()) -> str:
    n = "[" + re.escape(numerals) + "]"
    x = r"(?:(?!" + n + r")[\u4e00-\u9fff])"
    pre = r"(?<![第\d０-９" + re.escape(numerals) + r"百千万零〇几])"
    # longest first, so 乡镇 is tried before 乡 (the patterns are anchored anyway)
    count = "|".join(map(re.escape, sorted(count_nouns, key=lambda w: (-len(w), w)))) or "(?!)"
    out = template.replace("{N}", n).replace("{X}", x).replace("{PRE}", pre)
    return out.replace("{COUNT}", count)


# a leading one-character negative lookbehind, then one character class or plain character
_LEADING_LOOKBEHIND = re.compile(
    r"\(\?<!(\[(?:\\.|[^\]\\])*\])\)(\[(?:\\.|[^\]\\])*\]|[^\\\[\](){}.*+?^$|])"
)


def _first_character_first(rx: re.Pattern) -> re.Pattern:
    """``rx`` with a leading ``(?<![S])`` moved behind the first character: ``(?<![S])[C]…``
    becomes ``[C](?<![S][\\s\\S])…`` (the same matches: the character before the match is not
    in S, or there is none). A pattern that starts with a lookbehind has no first-character
    set, so ``re`` tries it at every position of the corpus; starting with the class it skips
    to the candidate characters (the numbered patterns: about 0.55 -> 0.09 CPU s each on the
    874 reports). Any other pattern is returned unchanged."""
    m = _LEADING_LOOKBEHIND.match(rx.pattern)
    rest = rx.pattern[m.end() :] if m else ""
    if m is None or rest[:1] in ("*", "+", "?", "{"):
        return rx
    return re.compile(m.group(2) + "(?<!" + m.group(1) + r"[\s\S])" + rest, rx.flags)


def load_slogan_patterns(path: str | Path | None = None) -> SloganPatterns:
    """Read and validate ``slogans.yaml``.

    Args:
        path: YAML file; default ``data/lexicons/slogans.yaml``.

    Returns:
        A :class:`SloganPatterns` with compiled regular expressions and normalised phrases.

    Raises:
        InputFileError: unreadable file, bad YAML, a missing/ill-typed key or an invalid
            regular expression; the message names the file, the line and the key.
    """
    path = Path(path) if path is not None else SLOGANS_FILE
    data = read_yaml(path)
    lines = yaml_lines(path)

    def fail(where: tuple, problem: str) -> InputFileError:
        return InputFileError(path, problem, line=line_of(lines, where))

    if not isinstance(data, dict):
        raise fail((), "expected a mapping with normalise/quoted/numbered/phrases sections")

    def get(where: tuple, typ: type | tuple, default=None):
        node = data
        for k in where:
            if not isinstance(node, dict):
                raise fail(where, f"'{'.'.join(map(str, where))}': parent is not a mapping")
            if k not in node:
                if default is not None:
                    return default
                raise fail(where[:-1], f"missing key '{'.'.join(map(str, where))}'")
            node = node[k]
        if not isinstance(node, typ) or (typ is int and isinstance(node, bool)):
            names = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
            raise fail(where, f"'{'.'.join(map(str, where))}' must be a {names}, got {node!r}")
        return node

    def str_list(where: tuple) -> tuple[str, ...]:
        items = get(where, list)
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item:
                raise fail((*where, i), f"'{'.'.join(map(str, where))}' item {item!r} not a string")
        return tuple(items)

    def optional_list(where: tuple) -> tuple[str, ...]:
        parent = data.get(where[0])
        return str_list(where) if isinstance(parent, dict) and where[1] in parent else ()

    def compile_re(where: tuple, template: str) -> re.Pattern:
        try:
            return re.compile(_expand(template, numerals, count_nouns))
        except re.error as exc:
            raise fail(where, f"invalid regular expression {template!r}: {exc}") from None

    separators = get(("normalise", "separators"), str)
    quote_chars = get(("normalise", "quote_chars"), str)
    aliases = []
    for i, item in enumerate(get(("normalise", "aliases"), list, default=[])):
        if not (isinstance(item, dict) and isinstance(item.get("from"), str) and item["from"]):
            raise fail(("normalise", "aliases", i), "alias needs non-empty 'from' and 'to'")
        if not isinstance(item.get("to"), str):
            raise fail(("normalise", "aliases", i), "alias needs non-empty 'from' and 'to'")
        aliases.append((to_simplified(item["from"]), to_simplified(item["to"])))
    pairs = []
    for i, pair in enumerate(get(("quoted", "pairs"), list)):
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(c, str) for c in pair)
        ):
            raise fail(("quoted", "pairs", i), f"quote pair must be [open, close], got {pair!r}")
        pairs.append((pair[0], pair[1]))
    numerals = get(("numbered", "numerals"), str)
    count_nouns = _count_nouns(path, get, fail)
    numbered = []
    for i, item in enumerate(get(("numbered", "patterns"), list)):
        where = ("numbered", "patterns", i)
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str):
            raise fail(where, "numbered pattern needs 'id' and 'regex'")
        pid = item.get("id")
        if not isinstance(pid, str) or not pid:
            raise fail((*where, "id"), "numbered pattern needs a string 'id'")
        # the fast form of the same pattern (a leading lookbehind moved behind the first
        # character: see _first_character_first), so the compiled pattern is the one used
        rx = _first_character_first(compile_re((*where, "regex"), item["regex"]))
        numbered.append(NumberedPattern(pid, str(item.get("description", "")), rx))
    stop_regex = tuple(
        compile_re(("numbered", "stop_regex", i), t)
        for i, t in enumerate(str_list(("numbered", "stop_regex")))
    )

    def num_in(where: tuple, default: float) -> float:
        parent = data.get(where[0])
        if not (isinstance(parent, dict) and where[1] in parent):
            return default
        v = get(where, (int, float))
        if not 0 <= v <= 1:
            raise fail(where, f"'{'.'.join(where)}' must be in [0, 1], got {v}")
        return v

    share = get(("quoted", "min_cjk_share"), (int, float))
    if not 0 <= share <= 1:
        raise fail(("quoted", "min_cjk_share"), f"min_cjk_share must be in [0, 1], got {share}")
    pats = SloganPatterns(
        path=path,
        separators=separators,
        quote_chars=quote_chars,
        aliases=tuple(aliases),
        quote_pairs=tuple(pairs),
        min_chars=get(("quoted", "min_chars"), int),
        max_chars=get(("quoted", "max_chars"), int),
        min_cjk_share=float(share),
        reject_if_contains=str_list(("quoted", "reject_if_contains")),
        reject_regex=tuple(
            compile_re(("quoted", "reject_regex", i), t)
            for i, t in enumerate(str_list(("quoted", "reject_regex")))
        ),
        name_suffixes=str_list(("quoted", "name_suffixes")),
        short_min_chars=get(("quoted", "short_min_chars"), int, default=0)
        or get(("quoted", "min_chars"), int),
        short_heads=optional_list(("quoted", "short_heads")),
        short_between=optional_list(("quoted", "short_between")),
        programme_heads=optional_list(("quoted", "programme_heads")),
        quoted_programme_heads=optional_list(("quoted", "quoted_programme_heads")),
        short_head_share=float(num_in(("quoted", "short_head_share"), 0.0)),
        common_word_min_freq=get(("quoted", "common_word_min_freq"), int, default=0),
        common_word_max_chars=get(("quoted", "common_word_max_chars"), int, default=0),
        common_word_numerals=get(("quoted", "common_word_numerals"), str, default=""),
        common_word_keep_tags=optional_list(("quoted", "common_word_keep_tags")),
        exclude=frozenset(),
        count_inside_titles=bool(get(("quoted", "count_inside_titles"), bool)),
        numerals=numerals,
        quoted_min_chars=get(("numbered", "quoted_min_chars"), int),
        numbered=tuple(numbered),
        stop=frozenset(),
        stop_regex=stop_regex,
        recount_min_chars=get(("recount", "min_chars"), int),
        recount_min_quoted_share=float(get(("recount", "min_quoted_share"), (int, float))),
        phrases=(),
    )
    # lists of slogans are normalised with the rules just read
    exclude = frozenset(normalise_slogan(s, pats) for s in str_list(("quoted", "exclude")))
    stop = frozenset(normalise_slogan(s, pats) for s in str_list(("numbered", "stop")))
    phrases = []
    for i, p in enumerate(str_list(("phrases",))):
        key = normalise_slogan(p, pats)
        if not _CJK.search(key):
            raise fail(("phrases", i), f"phrase {p!r} contains no Chinese character")
        phrases.append(key)
    has_leading = (
        isinstance(data.get("normalise"), dict) and "leading_variants" in data["normalise"]
    )
    leading = tuple(
        normalise_slogan(v, pats)
        for v in (str_list(("normalise", "leading_variants")) if has_leading else ())
    )
    rules, dictionary = _formulation_rules(data, path, get, str_list, fail)
    has_known = isinstance(data.get("formulations"), dict) and "known" in data["formulations"]
    known = tuple(
        dict.fromkeys(
            normalise_slogan(k, pats)
            for k in (str_list(("formulations", "known")) if has_known else ())
        )
    )
    return replace(
        pats,
        known=known,
        exclude=exclude,
        stop=stop,
        phrases=tuple(dict.fromkeys(phrases)),
        leading_variants=leading,
        formulations=rules,
        dictionary=dictionary,
    )


def _lexicon_file(path: Path, name: str) -> Path:
    """A file named in slogans.yaml: relative to that file, else to data/lexicons/ (a copied
    slogans.yaml still finds the bundled lists); an absolute path stays absolute."""
    target = path.parent / name
    if not target.is_file() and not Path(name).is_absolute():
        target = paths.LEXICONS / name
    return target


def _count_nouns(path: Path, get, fail) -> tuple[str, ...]:
    """The words of the file ``numbered.count_nouns`` (``{COUNT}`` in ``numbered.stop_regex``:
    a numeral + 个 + a count noun is a count); () when the key is absent."""
    name = get(("numbered", "count_nouns"), str, default="")
    if not name:
        return ()
    target = _lexicon_file(path, name)
    if not target.is_file():
        raise fail(("numbered", "count_nouns"), f"count noun file {str(target)!r} not found")
    words = []
    for number, line in read_text_lines(target):
        word = to_simplified(line.split()[0])
        if not _CJK.fullmatch(word[:1]) or not all(_CJK.fullmatch(c) for c in word):
            raise InputFileError(target, f"count noun {word!r} is not Chinese characters only",
                                 line=number)  # fmt: skip
        words.append(word)
    return tuple(dict.fromkeys(words))


def _formulation_rules(data, path: Path, get, str_list, fail):
    """The optional ``formulations:`` section (defaults of :class:`FormulationRules`)."""
    if "formulations" not in data:
        return FormulationRules(enabled=False), frozenset()
    w = ("formulations",)

    def num(key: tuple, typ, lo: float, hi: float):
        v = get((*w, *key), typ)
        if not lo <= v <= hi:
            raise fail((*w, *key), f"'{'.'.join(key)}' must be in [{lo}, {hi}], got {v}")
        return v

    weights = data[w[0]].get("weights") if isinstance(data[w[0]], dict) else None
    weights = weights if isinstance(weights, dict) else {}
    rules = FormulationRules(
        enabled=bool(get((*w, "enabled"), bool)),
        min_chars=num(("min_chars",), int, 2, 30),
        max_chars=num(("max_chars",), int, 2, 30),
        min_doc_share=float(num(("min_doc_share",), (int, float), 0, 1)),
        sample_chars=num(("sample_chars",), int, 0, 10**10),
        max_extension_share=float(num(("max_extension_share",), (int, float), 0, 1)),
        admin_units=get((*w, "admin_units"), str),
        generic_edges=str_list((*w, "generic_edges")),
        trailing_heads=str_list((*w, "trailing_heads")),
        policy_heads=str_list((*w, "policy_heads")),
        frame_min_share=float(num(("frame_min_share",), (int, float), 0, 1)),
        quoted_min_share=float(num(("quoted_min_share",), (int, float), 0, 1)),
        weight_frame=num(("weights", "policy_frame"), int, 0, 100),
        weight_quoted=num(("weights", "quoted"), int, 0, 100),
        weight_numbered=num(("weights", "numbered"), int, 0, 100),
        weight_dictionary=num(("weights", "dictionary"), int, 0, 100),
        weight_era=num(("weights", "era"), int, 0, 100),
        weight_named=num(("weights", "named"), int, 0, 100) if "named" in weights else 0,
        named_heads=str_list((*w, "named_heads")) if "named_heads" in data[w[0]] else (),
        weight_glossary=num(("weights", "glossary"), int, 0, 100) if "glossary" in weights else 0,
        glossary_regex=get((*w, "glossary_regex"), str, default=""),
        min_score=num(("min_score",), int, 0, 1000),
        era_max_span_share=float(num(("era", "max_span_share"), (int, float), 0, 1)),
        era_min_dated_docs=num(("era", "min_dated_docs"), int, 1, 10**9),
        era_min_corpus_span=num(("era", "min_corpus_span"), int, 0, 10**4),
    )
    if rules.min_chars > rules.max_chars:
        raise fail((*w, "min_chars"), "'min_chars' must not exceed 'max_chars'")
    try:
        rx = re.compile(rules.glossary_regex) if rules.glossary_regex else None
    except re.error as exc:
        raise fail((*w, "glossary_regex"), f"invalid regular expression: {exc}") from None
    if rx is not None and rx.groups < 1:
        raise fail((*w, "glossary_regex"), "glossary_regex needs a group: the defined term")
    words: set[str] = set()
    dict_file = get((*w, "dictionary"), str, default="")
    if dict_file:
        target = _lexicon_file(path, dict_file)
        if not target.is_file():
            raise fail((*w, "dictionary"), f"dictionary file {str(target)!r} not found")
        # only the words (first field); the file itself is validated as the tokenizer's user
        # dictionary, so a bad line is reported once, there
        words = {to_simplified(line.split()[0]) for _, line in read_text_lines(target)}
    return rules, frozenset(words)


# --------------------------------------------------------------------------- normalisation


def normalise_slogan(
    surface: str, patterns: SloganPatterns | None = None, *, simplified: bool = False
) -> str:
    """Normalise a slogan's surface form to its key.

    Steps: OpenCC t2s; NFKC (full-width digits/letters and punctuation to half-width); drop
    quotation marks; every run of separators/whitespace becomes one ``、`` (none at the ends);
    then the alias rewrites of slogans.yaml, in order. ``simplified=True`` skips the OpenCC
    step for text that is already Simplified (the paragraphs' ``text``).

    Examples:
        ``升級晉檔,科學發展`` → ``升级晋档、科学发展``; ``“312”工作思路`` → ``312工作思路``.
    """
    p = patterns or _default_patterns()
    s = unicodedata.normalize("NFKC", surface if simplified else to_simplified(surface))
    s = "".join(ch for ch in s if ch not in p.quote_chars)
    seps = set(unicodedata.normalize("NFKC", p.separators)) | set(p.separators)
    out: list[str] = []
    for ch in s:
        if ch in seps or ch.isspace():
            if out and out[-1] != "、":
                out.append("、")
        else:
            out.append(ch)
    key = "".join(out).strip("、")
    for old, new in p.aliases:
        key = key.replace(old, new)
    return key


@lru_cache(maxsize=4)
def _load_default(digest: str) -> SloganPatterns:
    return load_slogan_patterns(SLOGANS_FILE)


def _default_patterns() -> SloganPatterns:
    """The default slogans.yaml, re-read whenever its content or that of the count noun list
    changes (notebook edits)."""
    nouns = paths.LEXICONS / "count_nouns.txt"
    return _load_default(
        file_digest(SLOGANS_FILE) + (file_digest(nouns) if nouns.is_file() else "")
    )


def _cjk_len(key: str) -> int:
    return len(_CJK.findall(key))


def _is_numbered_key(key: str, p: SloganPatterns) -> bool:
    return bool(key) and (key[0] in p.numerals or key[0].isdigit())


def _numbered_stopped(key: str, p: SloganPatterns) -> bool:
    return key in p.stop or any(rx.search(key) for rx in p.stop_regex)


def _inside_title(text: str, pos: int) -> bool:
    opened = text.rfind("《", 0, pos)
    return opened >= 0 and text.rfind("》", opened, pos) < 0


# verdicts of a quoted candidate that need evidence from its uses (resolved in _discover)
SHORT = "short"  # a key of quoted.short_min_chars .. min_chars - 1 characters
NAME = "name"  # a key ending with a name suffix (合作社, 中心 …)
COMMON = "common"  # an ordinary word of jieba's dictionary (老实人, 一锅端)


def _common_word(key: str, p: SloganPatterns) -> int:
    """jieba's frequency of ``key`` when it is an ordinary word of jieba's general dictionary
    (>= ``quoted.common_word_min_freq``, no tag of ``quoted.common_word_keep_tags``: an
    abbreviation, j, or a kind's attribute, b: “一站式”服务) that the project's lexicons
    do not list as a slogan (userdict.txt, ``formulations.known``, ``phrases``); else 0."""
    if p.common_word_min_freq <= 0 or key in p.dictionary or key in p.known or key in p.phrases:
        return 0
    freq, tags = jieba_words()
    f = freq.get(key, 0)
    return f if f >= p.common_word_min_freq and tags.get(key) not in p.common_word_keep_tags else 0


def _judge_quoted(raw: str, key: str, p: SloganPatterns) -> str:
    """Precision rules for a quoted candidate (documented in slogans.yaml): ``""`` accepted,
    :data:`SHORT` / :data:`NAME` accepted only with evidence from its uses, else the reason it
    is rejected."""
    if not key:
        return "empty"
    bad = next((b for b in p.reject_if_contains if b in raw), None)
    if bad is not None:
        return f"contains {bad}"
    if key in p.exclude:
        return "excluded (quoted.exclude)"
    units = p.formulations.admin_units
    if units and set(key.replace("、", "")) <= set(units):
        return "enumeration of administrative levels"
    chars = [c for c in key if c != "、"]
    n_cjk = _cjk_len(key)
    if not chars or n_cjk / len(chars) < p.min_cjk_share:
        return "too few Chinese characters"
    pending = ""
    if _is_numbered_key(key, p):
        if _numbered_stopped(key, p):
            return "a quantity or count (numbered.stop)"
        lo = p.quoted_min_chars
    else:
        lo = min(p.min_chars, p.short_min_chars)
        if n_cjk < p.min_chars:
            pending = SHORT
        elif key.endswith(p.name_suffixes):
            pending = NAME
    if any(rx.search(key) for rx in p.reject_regex):
        return "a target or date (quoted.reject_regex)"
    if n_cjk < lo:
        return f"shorter than {lo} characters"
    if n_cjk > p.max_chars:
        return f"longer than {p.max_chars} characters"
    counted = _is_numbered_key(key, p) and key[0] not in p.common_word_numerals
    if (
        not pending
        and not counted
        and p.min_chars <= n_cjk <= p.common_word_max_chars
        and _common_word(key, p)
    ):
        return COMMON
    return pending


def _accept_quoted(raw: str, key: str, p: SloganPatterns) -> bool:
    """A quoted candidate accepted without looking at its uses (see :func:`_judge_quoted`)."""
    return _judge_quoted(raw, key, p) == ""


# --------------------------------------------------------------------------- discovery


class _Hit(NamedTuple):
    """One candidate span (a named tuple: hundreds of thousands are built per corpus, and a
    tuple is several times cheaper to create than a frozen dataclass)."""

    pos: int  # row position in the paragraphs frame
    start: int
    end: int
    key: str
    rule: str


def _quote_regexes(p: SloganPatterns) -> list[re.Pattern]:
    banned = re.escape("".join(sorted({c for pair in p.quote_pairs for c in pair})) + "\n")
    return [
        re.compile(re.escape(o) + "([^" + banned + "]{1,200})" + re.escape(c))
        for o, c in p.quote_pairs
    ]


class _QuotedLog(NamedTuple):
    """Every quoted candidate's verdict: ``uses`` (paragraph, key, verdict) per quoted span
    (verdict ``""`` accepted, :data:`SHORT`/:data:`NAME` decided by ``evidence``, else the
    reason it was rejected); ``evidence`` key -> (accepted, evidence or reason) for those."""

    uses: list[tuple[int, str, str]]
    evidence: dict[str, tuple[bool, str]]


def _quoted_evidence(
    pending: dict[str, list[_Hit]], texts: list[str], p: SloganPatterns
) -> dict[str, tuple[bool, str]]:
    """Evidence from their uses for the quoted keys that need it (rules in slogans.yaml).

    A short key (``quoted.short_min_chars`` to ``min_chars - 1`` characters: “冷谷”, “党建+”)
    is a slogan, not scare quotes (“短板”, “造血”), when it carries the formula mark ``+`` or one
    of its quoted uses is followed by a head of ``quoted.short_heads`` (“冷谷”建设). A key
    ending with a name suffix (…合作社, …中心) is a programme, not an organisation's name, when
    one of its uses anywhere in the corpus, quoted or not, is followed by a head of
    ``quoted.programme_heads`` (党支部领办合作社模式).

    Returns key -> (accepted, the evidence, or the reason it was rejected).
    """
    closing = {c for _, c in p.quote_pairs}
    opening = {o for o, _ in p.quote_pairs}
    out: dict[str, tuple[bool, str]] = {}
    names = []
    follow = _following(texts, closing)
    for key, hits in pending.items():
        common = _common_word(key, p) if _cjk_len(key) >= p.min_chars else 0
        if _cjk_len(key) < p.min_chars or common:
            what = f"an ordinary word (jieba frequency {common})" if common else "short"
            if "+" in key and not common:
                # “+旅游” is a formula; “+西欧”, “+中亚” after a route or a platform name its
                # destination or partner: a place right after the mark
                rest = key[1:]
                if key.startswith("+") and _is_place(rest):
                    out[key] = (False, f"a place after the formula mark ({rest}): a destination "
                                "or partner, not a formula")  # fmt: skip
                else:
                    out[key] = (True, "short, formula mark +")
                continue
            heads = [x for x in (_head_after(follow(h), p) for h in hits) if x]
            need = max(1, math.ceil(p.short_head_share * len(hits) - 1e-9))
            if len(heads) >= need:
                head = Counter(heads).most_common(1)[0][0]
                n = f" ({len(heads)} of {len(hits)} quoted uses)" if len(hits) > 1 else ""
                out[key] = (True, f"{what}, followed by {head}{n}")
            elif heads:
                out[key] = (False, f"{what}, a head after {len(heads)} of {len(hits)} quoted uses "
                            f"only (< {p.short_head_share:.0%}): scare quotes")  # fmt: skip
            elif common:
                out[key] = (False, f"{what} without a programme head after it: scare quotes")
            else:
                out[key] = (False, f"short ({_cjk_len(key)} characters) without a head after it")
        else:
            names.append(key)
    if names:
        terms = sorted(names)
        m = find_all(build_automaton(terms), texts)
        head_of: dict[str, str] = {}
        for pos, s, e, t in zip(m.para.tolist(), m.start.tolist(), m.end.tolist(),
                                m.term.tolist(), strict=True):  # fmt: skip
            key = terms[t]
            if key not in head_of:
                text = texts[pos]
                after = follow(_Hit(pos, e, e, key, ""))
                quoted = s > 0 and text[s - 1] in opening and text[e : e + 1] in closing
                usable = (*p.programme_heads, *(p.quoted_programme_heads if quoted else ()))
                head = next((x for x in usable if after.startswith(x)), None)
                if head:
                    head_of[key] = head
        for key in names:
            suffix = next(x for x in p.name_suffixes if key.endswith(x))
            out[key] = (
                (True, f"name ending {suffix} used as a programme: followed by {head_of[key]}")
                if key in head_of
                else (False, f"a name (ends with {suffix}), never followed by a programme head")
            )
    return out


def _head_after(after: str, p: SloganPatterns) -> str | None:
    """The head of ``quoted.short_heads`` that ``after`` starts with, possibly after one word
    of ``quoted.short_between`` (“冷谷”建设经验: 建设经验); ``None`` when there is none."""
    for skip in ("", *(w for w in p.short_between if after.startswith(w))):
        head = next((x for x in p.short_heads if after.startswith(x, len(skip))), None)
        if head:
            return skip + head
    return None


def _following(texts: list[str], closing: set[str]):
    """A function: hit -> the text right after it (past a closing quotation mark)."""

    def after(h: _Hit) -> str:
        rest = texts[h.pos][h.end : h.end + 16].lstrip()
        return rest[1:] if rest[:1] in closing else rest

    return after


def _discover(
    texts: list[str], p: SloganPatterns
) -> tuple[list[_Hit], list[list[tuple]], _QuotedLog]:
    """Quoted and numbered candidates of every paragraph (before the recount).

    The regular expressions run once over the paragraphs joined by line breaks (a match that
    would cross a paragraph boundary is dropped); each distinct surface is normalised once.

    Returns the hits, per paragraph the spans of all quoted regions (accepted or not), and the
    verdict on every quoted candidate (:class:`_QuotedLog`).
    """
    hits: list[_Hit] = []
    regions: list[list[tuple[int, int]]] = [[] for _ in texts]
    big, starts_arr = joined(texts)
    starts = starts_arr.tolist()
    ends = [s + len(t) for s, t in zip(starts, texts, strict=True)]

    def locate(gs: int, ge: int) -> tuple[int, int, int] | None:
        pos = bisect_right(starts, gs) - 1
        if ge > ends[pos]:
            return None
        return pos, gs - starts[pos], ge - starts[pos]

    verdicts: dict[str, tuple[str, str]] = {}
    quoted: dict[int, list[_Hit]] = {}
    pending: dict[str, list[_Hit]] = {}  # keys accepted only with evidence from their uses
    log: list[tuple[int, str, str]] = []  # (paragraph, key, verdict) of every quoted candidate
    for rx in _quote_regexes(p):
        for m in rx.finditer(big):
            where = locate(*m.span(1))
            if where is None:
                continue
            pos, s, e = where
            regions[pos].append((s, e))
            text = texts[pos]
            raw = text[s:e]
            s += len(raw) - len(raw.lstrip())
            e -= len(raw) - len(raw.rstrip())
            if e <= s or (not p.count_inside_titles and _inside_title(text, s)):
                continue
            surface = text[s:e]
            if surface not in verdicts:
                key = normalise_slogan(surface, p, simplified=True)
                verdicts[surface] = (key, _judge_quoted(surface, key, p))
            key, verdict = verdicts[surface]
            log.append((pos, key, verdict))
            if verdict == "":
                quoted.setdefault(pos, []).append(_Hit(pos, s, e, key, "quoted"))
            elif verdict in (SHORT, NAME, COMMON):
                pending.setdefault(key, []).append(_Hit(pos, s, e, key, "quoted"))
    evidence = _quoted_evidence(pending, texts, p)
    for key, found in pending.items():
        if evidence[key][0]:
            for h in found:
                quoted.setdefault(h.pos, []).append(h)
    for pos in quoted:
        quoted[pos].sort(key=lambda h: h.start)
    for pos in sorted(quoted):
        hits.extend(quoted[pos])
    numbered_keys: dict[str, str | None] = {}
    for pat in p.numbered:
        for m in pat.regex.finditer(big):
            where = locate(*m.span())
            if where is None:
                continue
            pos, s, e = where
            # a numbered formula inside an accepted quoted formula is part of it, not a mention
            # of its own (五桥带五区 inside “五桥带五区建设”)
            if any(q.start <= s and e <= q.end and (q.start, q.end) != (s, e)
                   for q in quoted.get(pos, ())):  # fmt: skip
                continue
            surface = m.group(0)
            if surface not in numbered_keys:
                key = normalise_slogan(surface, p, simplified=True)
                numbered_keys[surface] = key if key and not _numbered_stopped(key, p) else None
            key = numbered_keys[surface]
            if key is not None:
                hits.append(_Hit(pos, s, e, key, f"numbered:{pat.id}"))
    hits.sort(key=lambda h: (h.pos, h.start))
    return hits, regions, _QuotedLog(log, evidence)


def _separator_normalised(big: str, p: SloganPatterns) -> tuple[str, np.ndarray]:
    """``big`` with every separator run that a slogan key may span rewritten to one ``、``.

    A run of whitespace and separator characters holding at most one separator that is not
    whitespace stands for the ``、`` of a key (升级晋档 , 科学发展 ≡ 升级晋档、科学发展), as in
    :func:`normalise_slogan`. Line breaks (paragraph joins) are never part of a run.

    Returns the rewritten text and the offsets in ``big`` of the characters dropped from it,
    each minus its rank (sorted): :func:`_original_offsets` maps offsets back.
    """
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    none = np.zeros(0, dtype=np.int64)
    if not len(codes):
        return big, none
    seps = set(p.separators) | set(",，、;；")
    ws_chars = [ord(c) for c in _WHITESPACE if c != JOIN]
    sep_chars = [ord(c) for c in seps if not c.isspace()]
    # one lookup table per class (one pass over the text, not one per character)
    size = max([*ws_chars, *sep_chars, 0]) + 1
    ws_table = np.zeros(size, dtype=bool)
    ws_table[ws_chars] = True
    sep_table = np.zeros(size, dtype=bool)
    sep_table[sep_chars] = True
    small = np.minimum(codes, size - 1)
    inside = codes < size
    is_ws = ws_table[small] & inside
    is_sep = sep_table[small] & inside
    in_run = is_ws | is_sep
    if not in_run.any():
        return big, none
    # only the positions inside runs from here on (a few per cent of the text): no full-length
    # copies of the text or full-length offset arrays
    pos = np.flatnonzero(in_run)
    starts = np.ones(len(pos), dtype=bool)
    starts[1:] = pos[1:] != pos[:-1] + 1
    run_id = np.cumsum(starts) - 1
    hard = np.bincount(run_id[is_sep[pos]], minlength=int(run_id[-1]) + 1)
    qualifies = hard[run_id] <= 1
    dropped = pos[qualifies & ~starts]  # a qualifying run keeps its first character only
    first = pos[qualifies & starts]  # ... which becomes 、
    keep = np.ones(len(codes), dtype=bool)
    keep[dropped] = False
    out = codes[keep]
    out[first - np.searchsorted(dropped, first)] = ord("、")
    text = out.tobytes().decode("utf-32-le")
    return text, dropped - np.arange(len(dropped))


def _original_offsets(offsets: np.ndarray, shifted: np.ndarray) -> np.ndarray:
    """Offsets in the text :func:`_separator_normalised` rewrote → offsets in its input
    (``shifted`` its second result): each dropped character before the position moves it one
    to the right."""
    return offsets + np.searchsorted(shifted, offsets, side="right")


def _recount(texts: list[str], keys: set[str], p: SloganPatterns) -> list[_Hit]:
    """All occurrences (quoted or not, nested ones included) of the given keys.

    One Aho–Corasick automaton holds every key and every alias wording that rewrites to it;
    it runs once over the separator-normalised corpus (:func:`_separator_normalised`).
    """
    if not keys or not texts:
        return []
    forms: dict[str, str] = {k: k for k in keys}
    for old, new in p.aliases:
        for k in keys:
            if new in k:
                forms.setdefault(k.replace(new, old), k)
    terms = sorted(forms)
    big, starts = joined(texts)
    norm, shifted = _separator_normalised(big, p)
    m = find_all(build_automaton(terms), [norm])
    if not len(m):
        return []
    gs = _original_offsets(m.start, shifted)
    ge = _original_offsets(m.end - 1, shifted) + 1
    pos = np.searchsorted(starts, gs, side="right") - 1
    s = gs - starts[pos]
    e = ge - starts[pos]
    key_of = [forms[t] for t in terms]
    keys = map(key_of.__getitem__, m.term.tolist())
    return list(map(_Hit._make, zip(pos.tolist(), s.tolist(), e.tolist(), keys, repeat("recount"))))


def _filter_recount(
    hits: list[_Hit],
    texts: list[str],
    regions: list[list[tuple]],
    anywhere: set[str],
    p: SloganPatterns,
) -> tuple[list[_Hit], set[str]]:
    """Apply the recount rules of slogans.yaml to recount hits.

    1. Inside quotation marks a hit must cover whole separator-delimited parts of the quote:
       “三联共建” counts in “三联共建、结对帮扶”, 五个一 does not count in “五个一批”. Fixed
       phrases and formulations (``anywhere``) are counted wherever they occur.
    2. A slogan discovered in quotes is counted without quotes only if at least
       ``recount.min_quoted_share`` of its occurrences lie inside quotation marks: “三联共建”
       yes, a word like 高速公路 quoted once in 300 uses no. ``anywhere`` keys are exempt.

    Returns the kept hits and the keys whose unquoted mentions count (rule 2 passed).
    """
    seps = set(p.separators) | set(",，、;；")

    def region_of(h: _Hit) -> tuple[int, int] | None:
        return next(((s, e) for s, e in regions[h.pos] if s <= h.start and h.end <= e), None)

    def aligned(h: _Hit, region: tuple[int, int]) -> bool:
        text = texts[h.pos]
        s, e = region
        left_ok = h.start == s or text[h.start - 1] in seps or text[h.start - 1].isspace()
        right_ok = h.end == e or text[h.end] in seps or text[h.end].isspace()
        return left_ok and right_ok

    kept: list[tuple[_Hit, bool]] = []
    inside: Counter = Counter()
    total: Counter = Counter()
    for h in hits:
        region = region_of(h) if regions[h.pos] else None
        if region is not None and h.key not in anywhere and not aligned(h, region):
            continue
        kept.append((h, region is not None))
        total[h.key] += 1
        inside[h.key] += region is not None
    keep_all = {
        k for k in total if k in anywhere or inside[k] >= p.recount_min_quoted_share * total[k]
    }
    return [h for h, quoted in kept if quoted or h.key in keep_all], keep_all


def _doc_years(paras: pd.DataFrame, documents: pd.DataFrame | None) -> dict[str, float]:
    if documents is None or "year" not in documents:
        return {}
    y = pd.to_numeric(documents["year"], errors="coerce")
    return dict(zip(documents["doc_id"].astype(str), y.astype(float), strict=True))


def _formulation_table(
    texts: list[str],
    doc_ids: np.ndarray,
    found: list[_Hit],
    p: SloganPatterns,
    years: dict[str, float],
    glossary: frozenset[str] = frozenset(),
) -> tuple[pd.DataFrame, dict]:
    """Score formulation candidates (see :mod:`analysis.formulations`); also the settings.
    ``glossary``: the terms the documents' glossaries define (:func:`glossary_terms`)."""
    rules = p.formulations
    codes, uniques = pd.factorize(doc_ids)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    mask = sample_documents(codes, lengths, rules.sample_chars)
    sample_codes, sample_uniques = pd.factorize(codes[mask])
    n_sample = len(sample_uniques)
    min_docs = min_docs_for(n_sample, rules)
    yrs = None
    if years:
        yrs = np.array([years.get(str(uniques[c]), np.nan) for c in sample_uniques], dtype=float)
    sample_every = 1 if mask.all() else int(math.ceil(lengths.sum() / rules.sample_chars))
    sample_texts = [t for t, keep in zip(texts, mask, strict=True) if keep]
    ngrams = recurring_ngrams(
        sample_texts, sample_codes, min_docs=min_docs, max_n=rules.max_chars + 1, years=yrs
    )
    named = _named_phrases(sample_texts, rules.named_heads)
    extra = [*p.known, *named, *glossary]
    ngrams = known_ngrams(sample_texts, sample_codes, extra, ngrams, years=yrs)
    quoted_docs: dict[str, set] = {}
    numbered: set[str] = set()
    for h in found:
        if h.rule == "quoted":
            for part in {h.key, *h.key.split("、")}:
                quoted_docs.setdefault(part, set()).add(doc_ids[h.pos])
        else:
            numbered.add(h.key)
    table = score_formulations(
        ngrams,
        rules=rules,
        leading=p.leading_variants,
        quoted_docs={k: len(v) for k, v in quoted_docs.items()},
        numbered=numbered,
        dictionary=set(p.dictionary) | set(p.phrases),
        corpus_years=yrs,
        sample_every=sample_every,
        known=p.known,
        min_docs=min_docs,
        named=named,
        glossary=glossary,
    )
    settings = {
        "documents": len(uniques),
        "sample_documents": n_sample,
        "sample_every": sample_every,
        "min_docs": min_docs,
        "era": era_note(yrs, rules),
    }
    return table, settings


def glossary_terms(
    notes: pd.DataFrame | None, p: SloganPatterns, doc_ids: np.ndarray | None = None
) -> frozenset[str]:
    """Terms that the documents' own glossaries define: the group of
    ``formulations.glossary_regex`` at the start of a notes paragraph (“1. 两不愁三保障：指…”,
    “〔3〕“三网”融合：是指…”), normalised as slogan keys, of ``formulations.min_chars`` to
    ``quoted.max_chars`` Chinese characters, no list (、) and passing the content rules of a
    quoted key (no title 《…》, bracket, target or date: :func:`_judge_quoted`).

    Args:
        notes: paragraphs of the notes and glossaries (``role == "notes"`` of the corpus
            paragraphs: analysis paragraphs leave them out); ``None``: no glossary.
        p: slogan patterns.
        doc_ids: only the notes of these documents (the analysed ones) when given.
    """
    rules = p.formulations
    if notes is None or not len(notes) or not rules.glossary_regex:
        return frozenset()
    if doc_ids is not None:
        notes = notes[notes["doc_id"].astype(str).isin(set(doc_ids.tolist()))]
    rx = re.compile(rules.glossary_regex)
    terms = set()
    for text in notes["text"].fillna("").astype(str):
        m = rx.match(text)
        if m:
            raw = m.group(1)
            key = normalise_slogan(raw, p, simplified=True)
            # the content rules of a quoted key (no title, target, date, count …)
            if "、" in key or _judge_quoted(raw, key, p) not in ("", NAME):
                continue
            if rules.min_chars <= _cjk_len(key) <= p.max_chars:
                terms.add(key)
    return frozenset(terms)


def _is_place(word: str) -> bool:
    """A place name: in the gazetteer (names and short forms) or a jieba place word (tag ns,
    whatever its frequency: 西欧, 中亚, 欧洲)."""
    return word in default_gazetteer().surface or jieba_words()[1].get(word) == "ns"


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    """Place and person names that make a named spirit or model (X精神, X经验): the gazetteer's
    names and short forms, and jieba's person and place words (tags nr, nrt, ns) of three
    characters (焦裕禄, 红旗渠, 井冈山) or of two that are not common words (晋江, 兰考; not 城市,
    爱国, 宝贵: jieba frequency >= the gazetteer's common-word level). Longer jieba words with
    these tags are mostly phrases (广泛开展, 努力提高)."""
    freq, tags = jieba_words()
    people_places = (
        w
        for w, t in tags.items()
        if t in ("nr", "nrt", "ns")
        and (len(w) == 3 or (len(w) == 2 and freq.get(w, 0) < COMMON_WORD_FREQ))
        and all(_CJK.fullmatch(c) for c in w)
    )
    return frozenset((*default_gazetteer().surface, *people_places))


def _named_phrases(texts: list[str], heads: tuple[str, ...]) -> set[str]:
    """Named spirits and models: a place or person name (:func:`_names`) right before a head of
    ``formulations.named_heads`` (弘扬焦裕禄精神, 学习晋江经验). The longest name (4 to 2
    characters) wins; a name whose first character completes a common word with the character
    before it (上|海城市精神) is the tail of another word, and a shorter name is tried."""
    if not heads or not texts:
        return set()
    names = _names()
    freq = jieba_words()[0]
    rx = re.compile("|".join(map(re.escape, sorted(heads, key=len, reverse=True))))
    found: set[str] = set()
    for text in texts:
        for m in rx.finditer(text):
            i = m.start()
            for n in (4, 3, 2):
                name = text[i - n : i] if i >= n else ""
                if name in names and not starts_inside_word(text, i - n, name, freq):
                    found.add(name + m.group())
                    break
    return found


def discover_formulations(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    patterns: SloganPatterns | None = None,
    *,
    include_duplicates: bool = False,
    notes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Formulation candidates with their evidence, accepted or not (the audit behind the
    ``formulation`` kind; rules in the ``formulations:`` section of slogans.yaml).

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table (near-duplicates dropped; ``year`` feeds the era evidence).
        patterns: from :func:`load_slogan_patterns` (default file when ``None``).
        include_duplicates: keep near-duplicate documents.

    Returns:
        DataFrame[formulation, n_chars, sample_docs, sample_mentions, extension_share,
        quoted_docs, numbered, in_dictionary, policy_frame, year_span, era, score, accepted,
        reason]
        (see :func:`analysis.formulations.score_formulations`); ``attrs["settings"]`` holds the
        corpus-scaled thresholds (documents, sample, ``min_docs``, era applicability).
    """
    p = patterns or _default_patterns()
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    texts = [str(t) for t in paras["text"].fillna("")]
    doc_ids = paras["doc_id"].astype(str).to_numpy()
    found, _, _ = _discover(texts, p)
    terms = glossary_terms(notes, p, doc_ids)
    years = _doc_years(paras, documents)
    table, settings = _formulation_table(texts, doc_ids, found, p, years, terms)
    table.attrs["settings"] = settings
    return table


QUOTED_CANDIDATE_COLUMNS = [
    "candidate", "n_chars", "n_docs", "n_mentions", "accepted", "evidence", "reason",
    "example_doc_id",
]  # fmt: skip


def quoted_candidates(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    patterns: SloganPatterns | None = None,
    *,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Every quoted expression with the verdict of the ``quoted:`` rules of slogans.yaml: the
    audit behind the ``quoted`` kind (why “冷谷” is a slogan and “短板” is not).

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table (near-duplicates dropped unless ``include_duplicates``).
        patterns: from :func:`load_slogan_patterns` (default file when ``None``).
        include_duplicates: keep near-duplicate documents.

    Returns:
        DataFrame[candidate, n_chars, n_docs, n_mentions, accepted, evidence, reason,
        example_doc_id]: one row per normalised key of a quoted expression; ``n_chars`` its
        Chinese characters, ``n_docs``/``n_mentions`` its quoted uses, ``evidence`` why an
        accepted key is a slogan (``quoted``, or for a short key or a name the evidence from
        its uses), ``reason`` why a rejected one is not. Accepted first, then by ``n_docs``.
    """
    p = patterns or _default_patterns()
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    texts = [str(t) for t in paras["text"].fillna("").tolist()]
    _, _, log = _discover(texts, p)
    return _quoted_table(log, paras["doc_id"].astype(str).to_numpy())


def _quoted_table(log: _QuotedLog, doc_ids: np.ndarray) -> pd.DataFrame:
    """The :func:`quoted_candidates` table of one :func:`_discover` run."""
    if not log.uses:
        return pd.DataFrame(columns=QUOTED_CANDIDATE_COLUMNS)
    pos, keys, verdicts = zip(*log.uses, strict=True)
    uses = pd.DataFrame({"candidate": keys, "doc": doc_ids[list(pos)], "verdict": verdicts})
    by = uses.groupby("candidate", sort=False)
    out = pd.DataFrame(
        {
            "n_docs": by["doc"].nunique(),
            "n_mentions": by.size(),
            "example_doc_id": by["doc"].first(),
            "ok": uses["verdict"].eq("").groupby(uses["candidate"], sort=False).any(),
            # the most frequent verdict (first seen among equals)
            "verdict": uses.groupby(["candidate", "verdict"], sort=False)
            .size()
            .reset_index()
            .sort_values(0, ascending=False, kind="stable")
            .drop_duplicates("candidate")
            .set_index("candidate")["verdict"],
        }
    )
    keys = out.index.to_list()
    decided = [log.evidence.get(k) for k in keys]
    ok = out["ok"].to_numpy()
    verdict = out["verdict"].to_list()
    accepted = [bool(o) or bool(d and d[0]) for o, d in zip(ok, decided, strict=True)]
    evidence = [
        "quoted" if o else (d[1] if d and d[0] else "") for o, d in zip(ok, decided, strict=True)
    ]
    reason = [
        "" if a else (d[1] if d else v) for a, d, v in zip(accepted, decided, verdict, strict=True)
    ]
    table = pd.DataFrame(
        {
            "candidate": keys,
            "n_chars": [_cjk_len(k) for k in keys],
            "n_docs": out["n_docs"].to_numpy(dtype="int64"),
            "n_mentions": out["n_mentions"].to_numpy(dtype="int64"),
            "accepted": accepted,
            "evidence": evidence,
            "reason": reason,
            "example_doc_id": out["example_doc_id"].to_list(),
        },
        columns=QUOTED_CANDIDATE_COLUMNS,
    )
    return table.sort_values(
        ["accepted", "n_docs", "n_mentions", "candidate"],
        ascending=[False, False, False, True],
        kind="stable",
    ).reset_index(drop=True)


def _merge_leading(hits: list[_Hit], p: SloganPatterns) -> list[_Hit]:
    """Merge keys that differ by a leading verb or particle (过紧日子 → 紧日子, when 紧日子
    is itself a slogan of the corpus); a merged mention that contains another mention of the
    same slogan is one mention (the longer span, so the variant shows the leading word)."""
    if not p.leading_variants:
        return hits
    keys = {h.key for h in hits}
    target = {}
    for k in keys:
        base = strip_leading(k, p.leading_variants, keys)
        if base != k and _cjk_len(base) >= 2:
            target[k] = base
    if not target:
        return hits
    merged = [h._replace(key=target[h.key]) if h.key in target else h for h in hits]
    spans: dict[tuple[int, str], set[tuple[int, int]]] = {}
    for h in merged:
        spans.setdefault((h.pos, h.key), set()).add((h.start, h.end))
    # a hit is dropped when another span of its (paragraph, key) strictly contains it: only
    # possible where the (paragraph, key) has more than one distinct span
    several = {k: v for k, v in spans.items() if len(v) > 1}
    return [
        h
        for h in merged
        if (h.pos, h.key) not in several
        or not any(
            s <= h.start and h.end <= e and (s, e) != (h.start, h.end)
            for s, e in several[(h.pos, h.key)]
        )
    ]


def slogan_mentions(
    paragraphs: pd.DataFrame,
    patterns: SloganPatterns | None = None,
    *,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
) -> pd.DataFrame:
    """Every slogan mention (long table; the evidence behind :func:`extract_slogans`).

    Args:
        paragraphs: paragraphs per the corpus contract (``doc_id, para_id, text,
            text_original``).
        patterns: from :func:`load_slogan_patterns` (default file when ``None``).
        documents: if given, near-duplicate documents are dropped and the documents' ``year``
            feeds the era evidence of formulations.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[doc_id, para_id, start, end, slogan, kind, rule, surface, surface_original]:
        one row per (slogan, span); ``slogan`` is the normalised key, ``kind`` quoted /
        numbered / phrase / formulation, ``rule`` what found the span (``quoted``,
        ``numbered:<id>``, ``phrase``, ``formulation`` or ``recount``),
        ``surface``/``surface_original`` the text at ``start:end`` in ``text``/``text_original``.
        Sorted by document, paragraph, offset. ``attrs["formulations"]`` holds the settings of
        the formulation discovery (corpus-scaled thresholds).
    """
    return slogan_evidence(
        paragraphs, patterns, documents=documents, include_duplicates=include_duplicates
    )["slogan_mentions"]


def slogan_evidence(
    paragraphs: pd.DataFrame,
    patterns: SloganPatterns | None = None,
    *,
    documents: pd.DataFrame | None = None,
    include_duplicates: bool = False,
    notes: pd.DataFrame | None = None,
) -> dict[str, pd.DataFrame]:
    """:func:`slogan_mentions`, :func:`quoted_candidates` and :func:`discover_formulations` of
    the same paragraphs from one search (what ``Study`` uses; same arguments as
    :func:`slogan_mentions`, and ``notes``: the paragraphs of the documents' notes and
    glossaries, whose defined terms are formulation candidates, :func:`glossary_terms`).

    Returns:
        ``{"slogan_mentions": …, "quoted_candidates": …, "formulation_candidates": …}``.
    """
    p = patterns or _default_patterns()
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    texts = [str(t) for t in paras["text"].fillna("").tolist()]
    originals = [str(t) for t in paras["text_original"].fillna("").tolist()]
    doc_ids = paras["doc_id"].astype(str).to_numpy()
    found, regions, qlog = _discover(texts, p)
    phrases = set(p.phrases)
    formulations: set[str] = set()
    settings: dict = {}
    why: dict[str, str] = {}
    table = pd.DataFrame(columns=FORMULATION_COLUMNS)
    if p.formulations.enabled and texts:
        terms = glossary_terms(notes, p, doc_ids)
        years = _doc_years(paras, documents)
        table, settings = _formulation_table(texts, doc_ids, found, p, years, terms)
        table.attrs["settings"] = settings
        formulations = set(table.loc[table["accepted"], "formulation"])
        accepted_rows = table.loc[table["accepted"].astype(bool)]
        why = dict(
            zip(accepted_rows["formulation"], _formulation_evidence(accepted_rows), strict=True)
        )
        # a known slogan is counted wherever it occurs, also when no document of the discovery
        # sample (a large corpus) holds it
        unsampled = set(p.known) - set(table["formulation"])
        formulations |= unsampled
        why.update((k, "formulation (lexicon; known slogan; not in the discovery sample)")
                   for k in unsampled)  # fmt: skip
        log.info(
            "formulations: %d of %d candidates accepted, and %d known slogans of the lexicon "
            "not among them searched in every document (%s documents, sample %s, min_docs %s; %s)",
            len(formulations - unsampled), len(table), len(unsampled), settings["documents"],
            settings["sample_documents"], settings["min_docs"], settings["era"],
        )  # fmt: skip
    quoted_keys = {h.key for h in found if h.rule == "quoted"}
    recount_keys = (
        {k for k in quoted_keys if _cjk_len(k) >= p.recount_min_chars} | phrases | formulations
    )
    recounted, full = _filter_recount(
        _recount(texts, recount_keys, p), texts, regions, phrases | formulations, p
    )
    numbered_keys = {h.key for h in found if h.rule.startswith("numbered")}
    fully_quoted = {k for k in quoted_keys if k in full and k not in formulations}
    both = quoted_keys & formulations
    quoted_share_ok = both & _quoted_share_keys([h for h in recounted if h.key in both], regions, p)
    counted_as_quoted = fully_quoted | quoted_share_ok

    def rule_of(h: _Hit) -> str:
        if h.rule != "recount":
            return h.rule
        if h.key in phrases:
            return "phrase"
        if h.key in formulations and h.key not in counted_as_quoted:
            return "formulation"
        return "recount"

    rules: dict[tuple[int, int, int, str], str] = {}
    for h in _merge_leading([*found, *recounted], p):
        rules.setdefault((h.pos, h.start, h.end, h.key), rule_of(h))

    def kind(key: str) -> str:
        if key in phrases:
            return "phrase"
        if key in numbered_keys or _is_numbered_key(key, p):
            return "numbered"
        if key in formulations and key not in quoted_share_ok:
            return "formulation"
        return "quoted"

    para_ids = paras["para_id"].to_numpy()
    kinds: dict[str, str] = {}
    rows = []
    for (pos, s, e, key), rule in rules.items():
        k = kinds.get(key) or kinds.setdefault(key, kind(key))
        rows.append(
            (doc_ids[pos], int(para_ids[pos]), s, e, key, k, rule, texts[pos][s:e],
             originals[pos][s:e])
        )  # fmt: skip
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    out = out.astype({"start": "int64", "end": "int64", "para_id": "int64"})
    out = out.sort_values(["doc_id", "para_id", "start", "slogan"], kind="stable").reset_index(
        drop=True
    )
    out.attrs["formulations"] = settings
    evidence = {k: f"quoted; {e}" for k, (ok, e) in qlog.evidence.items() if ok}
    evidence.update((k, e) for k, e in why.items() if kinds.get(k) == "formulation")
    out.attrs["evidence"] = {k: evidence[k] for k in kinds if k in evidence}
    return {
        "slogan_mentions": out,
        "quoted_candidates": _quoted_table(qlog, doc_ids),
        "formulation_candidates": table,
    }


_EVIDENCE_NAMES = {"numbered": "numbered", "in_dictionary": "dictionary", "era": "era",
                   "policy_frame": "policy frame", "known": "known slogan",
                   "named": "named (a place or person + 精神/模式/经验)",
                   "glossary": "defined in the document's glossary"}  # fmt: skip


def _formulation_evidence(rows: pd.DataFrame) -> list[str]:
    """Why each accepted formulation is one, in words (``evidence`` of slogans.csv)."""
    out = []
    for r in rows.itertuples(index=False):
        points = [f"quoted in {r.quoted_docs} documents"] if r.quoted_docs else []
        points += [name for col, name in _EVIDENCE_NAMES.items() if bool(getattr(r, col))]
        docs = f"{r.sample_docs} document{'s' if r.sample_docs != 1 else ''}"
        out.append(
            f"formulation ({r.basis}; score {r.score}: {', '.join(points) or 'none'}; {docs})"
        )
    return out


def _quoted_share_keys(hits: list[_Hit], regions: list[list[tuple]], p: SloganPatterns) -> set:
    """Keys with at least ``recount.min_quoted_share`` of their hits inside quotes."""
    inside: Counter = Counter()
    total: Counter = Counter()
    for h in hits:
        total[h.key] += 1
        inside[h.key] += any(s <= h.start and h.end <= e for s, e in regions[h.pos])
    return {k for k in total if inside[k] >= p.recount_min_quoted_share * total[k]}


# --------------------------------------------------------------------------- aggregation


def example_sentence(
    text_original: str, text: str, start: int, end: int, *, limit: int = 60
) -> str:
    """The sentence around ``start:end`` (bounds found in ``text``, cut from ``text_original``).

    Sentences end at 。！？!?；; or a line break; at most ``limit`` characters are kept on each
    side of the mention (``…`` marks a cut).
    """
    s = max((text.rfind(c, 0, start) for c in _SENTENCE_END), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in _SENTENCE_END) if i >= 0]
    e = min(ends) + 1 if ends else len(text)
    left = text_original[max(s, start - limit) : start]
    right = text_original[end : min(e, end + limit)]
    pre = "…" if start - limit > s else ""
    post = "…" if end + limit < e else ""
    return (pre + left + text_original[start:end] + right + post).strip()


_KIND_EVIDENCE = {
    "quoted": "quoted",
    "numbered": "numbered formula",
    "phrase": "fixed phrase (slogans.yaml phrases)",
    "formulation": "formulation",
}


def extract_slogans(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    patterns: SloganPatterns | None = None,
    *,
    include_duplicates: bool = False,
    min_docs: int = 1,
    mentions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Slogans with their counts, documents, variants and an example in the original script.

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table; near-duplicates (non-empty ``duplicate_of``) are dropped
            unless ``include_duplicates``. Without it, all given paragraphs are used.
        patterns: from :func:`load_slogan_patterns` (default file when ``None``).
        include_duplicates: keep near-duplicate documents.
        min_docs: keep slogans found in at least this many documents (2 = recurring only).
        mentions: the :func:`slogan_mentions` of the same paragraphs, if already computed
            (then they are not searched again).

    Returns:
        DataFrame[slogan, kind, n_docs, n_mentions, doc_ids, variants, example, recurring,
        example_doc_id, example_para_id]; ``doc_ids`` sorted and joined with ``;``,
        ``variants`` the distinct original-script surfaces (most frequent first) joined with
        `` | ``, ``example`` the sentence of the first mention (in reading order),
        ``recurring`` = n_docs >= 2. Sorted by n_docs, n_mentions (descending), slogan.
    """
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    if mentions is None:
        # paras are already filtered: documents only give the years (era evidence)
        mentions = slogan_mentions(paras, patterns, documents=documents, include_duplicates=True)
    cols = [*SLOGAN_COLUMNS, "recurring", "example_doc_id", "example_para_id", "evidence"]
    evidence = dict(mentions.attrs.get("evidence") or {})
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    # plain lists (iterating Arrow-backed columns element by element is slow)
    lookup = {
        (d, int(i)): (str(t), str(o))
        for d, i, t, o in zip(
            paras["doc_id"].astype(str).tolist(),
            paras["para_id"].tolist(),
            paras["text"].fillna("").tolist(),
            paras["text_original"].fillna("").tolist(),
            strict=True,
        )
    }
    cols_m = [
        mentions[c].tolist()
        for c in ("slogan", "doc_id", "para_id", "start", "end", "kind", "surface_original")
    ]
    groups: dict[str, list[int]] = {}
    for i, key in enumerate(cols_m[0]):  # in reading order
        groups.setdefault(key, []).append(i)
    m_doc, m_para, m_start, m_end, m_kind, m_surface = cols_m[1:]
    rows = []
    for key, ms in groups.items():
        f = ms[0]
        text, original = lookup[(m_doc[f], int(m_para[f]))]
        counts = Counter(m_surface[i] for i in ms)
        variants = sorted(counts, key=lambda v: -counts[v])  # stable: first seen breaks ties
        docs = sorted({m_doc[i] for i in ms})
        rows.append(
            (
                key,
                m_kind[f],
                len(docs),
                len(ms),
                DOC_SEP.join(docs),
                VARIANT_SEP.join(variants),
                example_sentence(original, text, int(m_start[f]), int(m_end[f])),
                len(docs) >= 2,
                m_doc[f],
                int(m_para[f]),
                evidence.get(key) or _KIND_EVIDENCE.get(m_kind[f], m_kind[f]),
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    out = out[out["n_docs"] >= min_docs]
    out = out.sort_values(
        ["n_docs", "n_mentions", "slogan"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
    out.attrs["formulations"] = dict(mentions.attrs.get("formulations") or {})
    return out
