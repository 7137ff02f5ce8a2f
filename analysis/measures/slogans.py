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
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import pandas as pd

from analysis import paths
from analysis._files import read_yaml
from analysis.errors import InputFileError
from analysis.hashing import file_digest

from .concordance import drop_duplicate_documents, to_simplified
from .themes import line_of, trie_pattern, yaml_lines

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
KINDS = ("quoted", "numbered", "phrase")
DOC_SEP = ";"
VARIANT_SEP = " | "
_CJK = re.compile(r"[\u3400-\u9fff]")
_SENTENCE_END = "。！？!?；;\n"


@dataclass(frozen=True)
class NumberedPattern:
    """One numbered-formula pattern of slogans.yaml."""

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


# --------------------------------------------------------------------------- loading


def _expand(template: str, numerals: str) -> str:
    n = "[" + re.escape(numerals) + "]"
    x = r"(?:(?!" + n + r")[\u4e00-\u9fff])"
    pre = r"(?<![第\d０-９" + re.escape(numerals) + r"百千万零〇几])"
    return template.replace("{N}", n).replace("{X}", x).replace("{PRE}", pre)


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

    def compile_re(where: tuple, template: str) -> re.Pattern:
        try:
            return re.compile(_expand(template, numerals))
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
    numbered = []
    for i, item in enumerate(get(("numbered", "patterns"), list)):
        where = ("numbered", "patterns", i)
        if not isinstance(item, dict) or not isinstance(item.get("regex"), str):
            raise fail(where, "numbered pattern needs 'id' and 'regex'")
        pid = item.get("id")
        if not isinstance(pid, str) or not pid:
            raise fail((*where, "id"), "numbered pattern needs a string 'id'")
        rx = compile_re((*where, "regex"), item["regex"])
        numbered.append(NumberedPattern(pid, str(item.get("description", "")), rx))
    stop_regex = tuple(
        compile_re(("numbered", "stop_regex", i), t)
        for i, t in enumerate(str_list(("numbered", "stop_regex")))
    )
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
    return replace(pats, exclude=exclude, stop=stop, phrases=tuple(dict.fromkeys(phrases)))


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
    """The default slogans.yaml, re-read whenever its content changes (notebook edits)."""
    return _load_default(file_digest(SLOGANS_FILE))


def _cjk_len(key: str) -> int:
    return len(_CJK.findall(key))


def _is_numbered_key(key: str, p: SloganPatterns) -> bool:
    return bool(key) and (key[0] in p.numerals or key[0].isdigit())


def _numbered_stopped(key: str, p: SloganPatterns) -> bool:
    return key in p.stop or any(rx.search(key) for rx in p.stop_regex)


def _inside_title(text: str, pos: int) -> bool:
    opened = text.rfind("《", 0, pos)
    return opened >= 0 and text.rfind("》", opened, pos) < 0


def _accept_quoted(raw: str, key: str, p: SloganPatterns) -> bool:
    """Precision rules for a quoted candidate (documented in slogans.yaml)."""
    if not key or any(bad in raw for bad in p.reject_if_contains):
        return False
    if key in p.exclude:
        return False
    chars = [c for c in key if c != "、"]
    n_cjk = _cjk_len(key)
    if not chars or n_cjk / len(chars) < p.min_cjk_share:
        return False
    if _is_numbered_key(key, p):
        if _numbered_stopped(key, p):
            return False
        lo = p.quoted_min_chars
    else:
        lo = p.min_chars
        if key.endswith(p.name_suffixes):
            return False
    if any(rx.search(key) for rx in p.reject_regex):
        return False
    return lo <= n_cjk <= p.max_chars


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class _Hit:
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


def _discover(texts: list[str], p: SloganPatterns) -> tuple[list[_Hit], list[list[tuple]]]:
    """Quoted and numbered candidates of every paragraph (before the recount).

    Returns the hits and, per paragraph, the spans of all quoted regions (accepted or not).
    """
    hits: list[_Hit] = []
    regions: list[list[tuple[int, int]]] = []
    quote_res = _quote_regexes(p)
    for pos, text in enumerate(texts):
        quoted: list[_Hit] = []
        spans: list[tuple[int, int]] = []
        for rx in quote_res:
            for m in rx.finditer(text):
                s, e = m.span(1)
                spans.append((s, e))
                raw = m.group(1)
                s += len(raw) - len(raw.lstrip())
                e -= len(raw) - len(raw.rstrip())
                if e <= s or (not p.count_inside_titles and _inside_title(text, s)):
                    continue
                key = normalise_slogan(text[s:e], p, simplified=True)
                if _accept_quoted(text[s:e], key, p):
                    quoted.append(_Hit(pos, s, e, key, "quoted"))
        regions.append(spans)
        hits.extend(quoted)
        # a numbered formula inside an accepted quoted formula is part of it, not a mention
        # of its own (五桥带五区 inside “五桥带五区建设”)
        for pat in p.numbered:
            for m in pat.regex.finditer(text):
                s, e = m.span()
                if any(q.start <= s and e <= q.end and (q.start, q.end) != (s, e) for q in quoted):
                    continue
                key = normalise_slogan(m.group(0), p, simplified=True)
                if key and not _numbered_stopped(key, p):
                    hits.append(_Hit(pos, s, e, key, f"numbered:{pat.id}"))
    return hits, regions


def _separator_token(p: SloganPatterns):
    seps = re.escape("".join(sorted(set(p.separators) | set(",，、;；"))))

    def token(ch: str) -> str:
        return r"\s*[" + seps + r"\s]\s*" if ch == "、" else re.escape(ch)

    return token


def _recount(texts: list[str], keys: set[str], p: SloganPatterns) -> list[_Hit]:
    """All occurrences (quoted or not) of the given keys, nested ones included."""
    if not keys:
        return []
    token = _separator_token(p)
    # search forms: the key and every alias source that rewrites to it
    forms: dict[str, str] = {k: k for k in keys}
    for old, new in p.aliases:
        for k in keys:
            if new in k:
                forms.setdefault(k.replace(new, old), k)
    scan = re.compile(trie_pattern(forms, token=token))
    # forms nested at the start of a longer key (创先争优 in 创先争优、为民服务): the scan only
    # reports the longest form at a position, so shorter ones are tried explicitly
    nested: dict[str, list[str]] = {}
    for f, k in forms.items():
        for i in range(1, len(f)):
            g = f[:i]
            if g in forms and forms[g] != k:
                nested.setdefault(k, []).append(g)
    single = {g: re.compile(trie_pattern([g], token=token)) for gs in nested.values() for g in gs}
    hits: list[_Hit] = []
    for pos, text in enumerate(texts):
        # the longest form at every start position (overlaps allowed): search again from the
        # character after each match's start; plain search keeps the regex engine's fast skip
        at = 0
        while (m := scan.search(text, at)) is not None:
            s, e = m.span()
            at = s + 1
            key = normalise_slogan(text[s:e], p, simplified=True)
            if key not in keys:
                continue
            hits.append(_Hit(pos, s, e, key, "recount"))
            for g in nested.get(key, ()):
                inner = single[g].match(text, s)
                if inner:
                    hits.append(_Hit(pos, s, inner.end(), forms[g], "recount"))
    return hits


def _filter_recount(
    hits: list[_Hit],
    texts: list[str],
    regions: list[list[tuple]],
    phrases: set[str],
    p: SloganPatterns,
) -> list[_Hit]:
    """Apply the recount rules of slogans.yaml to recount hits.

    1. Inside quotation marks a hit must cover whole separator-delimited parts of the quote:
       “三联共建” counts in “三联共建、结对帮扶”, 五个一 does not count in “五个一批”. Fixed
       phrases are counted wherever they occur (战斗堡垒 in “…战斗堡垒作用…”).
    2. A slogan discovered in quotes is counted without quotes only if at least
       ``recount.min_quoted_share`` of its occurrences lie inside quotation marks: “三联共建”
       yes, a word like 高速公路 quoted once in 300 uses no. Fixed phrases are exempt.
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
        region = region_of(h)
        if region is not None and h.key not in phrases and not aligned(h, region):
            continue
        kept.append((h, region is not None))
        total[h.key] += 1
        inside[h.key] += region is not None
    keep_all = {
        k for k in total if k in phrases or inside[k] >= p.recount_min_quoted_share * total[k]
    }
    return [h for h, quoted in kept if quoted or h.key in keep_all]


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
        documents: if given, near-duplicate documents are dropped.
        include_duplicates: keep near-duplicates.

    Returns:
        DataFrame[doc_id, para_id, start, end, slogan, kind, rule, surface, surface_original]:
        one row per (slogan, span); ``slogan`` is the normalised key, ``kind`` quoted /
        numbered / phrase, ``rule`` what found the span (``quoted``, ``numbered:<id>``,
        ``phrase`` or ``recount``), ``surface``/``surface_original`` the text at
        ``start:end`` in ``text``/``text_original``. Sorted by document, paragraph, offset.
    """
    p = patterns or _default_patterns()
    paras = drop_duplicate_documents(
        paragraphs, documents, include_duplicates=include_duplicates
    ).reset_index(drop=True)
    texts = [str(t) for t in paras["text"].fillna("")]
    originals = [str(t) for t in paras["text_original"].fillna("")]
    found, regions = _discover(texts, p)
    phrases = set(p.phrases)
    quoted_keys = {h.key for h in found if h.rule == "quoted"}
    recount_keys = {k for k in quoted_keys if _cjk_len(k) >= p.recount_min_chars} | phrases
    recounted = _filter_recount(_recount(texts, recount_keys, p), texts, regions, phrases, p)
    rules: dict[tuple[int, int, int, str], str] = {}
    for h in [*found, *recounted]:
        rule = "phrase" if h.rule == "recount" and h.key in phrases else h.rule
        rules.setdefault((h.pos, h.start, h.end, h.key), rule)
    numbered_keys = {h.key for h in found if h.rule.startswith("numbered")}

    def kind(key: str) -> str:
        if key in phrases:
            return "phrase"
        if key in numbered_keys or _is_numbered_key(key, p):
            return "numbered"
        return "quoted"

    doc_ids = paras["doc_id"].astype(str).to_numpy()
    para_ids = paras["para_id"].to_numpy()
    rows = [
        (
            doc_ids[pos],
            int(para_ids[pos]),
            s,
            e,
            key,
            kind(key),
            rule,
            texts[pos][s:e],
            originals[pos][s:e],
        )
        for (pos, s, e, key), rule in rules.items()
    ]
    out = pd.DataFrame(rows, columns=MENTION_COLUMNS)
    out = out.astype({"start": "int64", "end": "int64", "para_id": "int64"})
    return out.sort_values(["doc_id", "para_id", "start", "slogan"], kind="stable").reset_index(
        drop=True
    )


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


def extract_slogans(
    paragraphs: pd.DataFrame,
    documents: pd.DataFrame | None = None,
    patterns: SloganPatterns | None = None,
    *,
    include_duplicates: bool = False,
    min_docs: int = 1,
) -> pd.DataFrame:
    """Slogans with their counts, documents, variants and an example in the original script.

    Args:
        paragraphs: paragraphs per the corpus contract.
        documents: documents table; near-duplicates (non-empty ``duplicate_of``) are dropped
            unless ``include_duplicates``. Without it, all given paragraphs are used.
        patterns: from :func:`load_slogan_patterns` (default file when ``None``).
        include_duplicates: keep near-duplicate documents.
        min_docs: keep slogans found in at least this many documents (2 = recurring only).

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
    mentions = slogan_mentions(paras, patterns)
    cols = [*SLOGAN_COLUMNS, "recurring", "example_doc_id", "example_para_id"]
    if mentions.empty:
        return pd.DataFrame(columns=cols)
    lookup = {
        (d, int(i)): (str(t), str(o))
        for d, i, t, o in zip(
            paras["doc_id"].astype(str),
            paras["para_id"],
            paras["text"].fillna(""),
            paras["text_original"].fillna(""),
            strict=True,
        )
    }
    groups: dict[str, list] = {}
    for m in mentions.itertuples(index=False):  # in reading order
        groups.setdefault(m.slogan, []).append(m)
    rows = []
    for key, ms in groups.items():
        first = ms[0]
        text, original = lookup[(first.doc_id, int(first.para_id))]
        counts = Counter(m.surface_original for m in ms)
        variants = sorted(counts, key=lambda v: -counts[v])  # stable: first seen breaks ties
        docs = sorted({m.doc_id for m in ms})
        rows.append(
            (
                key,
                first.kind,
                len(docs),
                len(ms),
                DOC_SEP.join(docs),
                VARIANT_SEP.join(variants),
                example_sentence(original, text, int(first.start), int(first.end)),
                len(docs) >= 2,
                first.doc_id,
                int(first.para_id),
            )
        )
    out = pd.DataFrame(rows, columns=cols)
    out = out[out["n_docs"] >= min_docs]
    return out.sort_values(
        ["n_docs", "n_mentions", "slogan"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)
