"""Formulations (提法 that need no quotes): recurring political formulations found by evidence.

Quoted expressions and numbered formulas catch a slogan only where a report marks it; the era's
main formulations (乡村振兴, 供给侧结构性改革, 新发展理念 …) are mostly written without quotes.
This module finds them in the corpus itself, in four steps (rules and thresholds in the
``formulations:`` section of ``data/lexicons/slogans.yaml``):

1. **Recurring character n-grams.** Every run of Chinese characters is cut into n-grams of
   ``min_chars``–``max_chars`` characters; an n-gram is a candidate when it occurs in at least
   ``min_docs`` documents, where ``min_docs = max(2, ceil(min_doc_share × documents))`` (the
   threshold scales with the corpus). Counting is vectorised (numpy hashes, pruned level by level:
   an n-gram can only recur if both its (n−1)-gram prefix and suffix recur). On corpora larger
   than ``sample_chars`` characters the n-grams are counted on a systematic sample of whole
   documents (every k-th document in corpus order; no randomness) and ``min_docs`` is scaled to
   the sample; the accepted formulations are then counted in all documents.
2. **Cohesion (branching).** A candidate that is nearly always continued by the same character
   on one side is a fragment of a longer formulation (结构性改革 of 供给侧结构性改革): it is
   dropped when one left or right extension accounts for at least ``max_extension_share`` of its
   occurrences. An extension by a listed leading verb or particle (过紧日子 for 紧日子) does not
   make a fragment: that is a variant, merged (``normalise.leading_variants``).
3. **Filters.** Enumerations of administrative levels (all characters in ``admin_units``) and
   generic edges (starting or ending with a word of ``generic_edges``: 进一步, 加强, 我们, 亿元 …)
   are rejected.
4. **Evidence.** Each candidate collects evidence points: quoted as a slogan (whole or as one
   separator-delimited part of a quote) in at least one document (``weights.quoted``); a numbered
   formula (``weights.numbered``); listed in the domain dictionary ``userdict.txt`` or the fixed
   phrases (``weights.dictionary``); naming a policy (``weights.policy_frame``): it ends with a
   head of ``policy_heads`` (新发展理念), or is followed by one in at least ``frame_min_share``
   of its uses (乡村振兴 + 战略), or by the rest of a head whose first ≥ 2 characters it ends
   with (脱贫攻坚 + 战 = 脱贫攻坚战; counts of the recurring n-grams); concentrated in time
   (``weights.era``): the 10–90 % range of the years of the documents using it is at most
   ``era.max_span_share`` of the corpus's range (only when at least ``era.min_dated_docs`` documents have a year and the corpus spans at
   least ``era.min_corpus_span`` years; otherwise "not applicable"). A candidate with at least
   ``min_score`` points is accepted.

Accepted formulations are counted wherever they occur, quoted or not (kind ``formulation``), by
:mod:`analysis.slogans`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from .matching import build_automaton, find_all

FORMULATION_COLUMNS = [
    "formulation",
    "n_chars",
    "sample_docs",
    "sample_mentions",
    "extension_share",
    "quoted_docs",
    "numbered",
    "in_dictionary",
    "policy_frame",
    "year_span",
    "era",
    "score",
    "known",
    "named",
    "glossary",
    "accepted",
    "basis",
    "reason",
]

_BASE = np.uint64(1000003)
_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class FormulationRules:
    """The ``formulations:`` section of slogans.yaml (see that file for the meaning)."""

    enabled: bool = True
    min_chars: int = 3
    max_chars: int = 10
    min_doc_share: float = 0.03
    sample_chars: int = 4_000_000
    max_extension_share: float = 0.6
    admin_units: str = "省市县区乡镇村组"
    generic_edges: tuple[str, ...] = ()
    trailing_heads: tuple[str, ...] = ()
    policy_heads: tuple[str, ...] = ()
    frame_min_share: float = 0.1
    quoted_min_share: float = 0.05
    weight_quoted: int = 2
    weight_frame: int = 1
    weight_numbered: int = 2
    weight_dictionary: int = 1
    weight_era: int = 1
    weight_named: int = 2
    named_heads: tuple[str, ...] = ()
    weight_glossary: int = 1
    glossary_regex: str = ""
    min_score: int = 2
    era_max_span_share: float = 0.4
    era_min_dated_docs: int = 20
    era_min_corpus_span: int = 8


def min_docs_for(n_docs: int, rules: FormulationRules) -> int:
    """Documents a candidate must occur in: ``max(2, ceil(min_doc_share × n_docs))``."""
    return max(2, math.ceil(rules.min_doc_share * n_docs))


def sample_documents(doc_codes: np.ndarray, lengths: np.ndarray, max_chars: int) -> np.ndarray:
    """Boolean mask over units: every k-th document (corpus order) so that about ``max_chars``
    characters are read; all documents when the corpus is smaller."""
    total = int(lengths.sum())
    if total <= max_chars or max_chars <= 0:
        return np.ones(len(doc_codes), dtype=bool)
    k = math.ceil(total / max_chars)
    return (doc_codes % k) == 0


@dataclass(frozen=True)
class NgramStats:
    """Recurring n-grams of a corpus: strings, documents, occurrences, years of use."""

    table: pd.DataFrame  # gram, n, docs, mentions, year_lo, year_hi
    n_docs: int
    min_docs: int


def recurring_ngrams(
    texts: Sequence[str],
    doc_codes: np.ndarray,
    *,
    min_docs: int,
    max_n: int,
    years: np.ndarray | None = None,
) -> pd.DataFrame:
    """Character n-grams (1..max_n, Chinese characters only) found in at least ``min_docs``
    documents.

    Args:
        texts: unit texts (paragraphs), in document order.
        doc_codes: integer document code of each unit (0..D-1).
        min_docs: document-frequency threshold.
        max_n: longest n-gram.
        years: year of each document code (float, NaN = unknown), for the 10–90 % year range.

    Returns:
        DataFrame[gram, n, docs, mentions, year_lo, year_hi]: documents containing the
        n-gram, its occurrences, and the 10 % / 90 % quantiles of the years of its documents
        (NaN without years).
    """
    cols = ["gram", "n", "docs", "mentions", "year_lo", "year_hi"]
    if not len(texts):
        return pd.DataFrame(columns=cols)
    big = "\n".join(texts)
    codes = np.frombuffer(big.encode("utf-32-le"), dtype=np.uint32)
    lens = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    pos_doc = np.repeat(np.asarray(doc_codes, dtype=np.int64), lens)[: len(codes)]
    n_doc = int(pos_doc.max()) + 1 if len(pos_doc) else 1
    cjk = (codes >= 0x4E00) & (codes <= 0x9FFF)
    c64 = np.where(cjk, codes, 0).astype(np.uint64)
    n_pos = len(codes)
    idx = np.flatnonzero(cjk)
    hprev = np.zeros(n_pos, dtype=np.uint64)
    freq_prev = np.zeros(n_pos + 1, dtype=bool)
    parts = []
    for n in range(1, max_n + 1):
        if n > 1:
            idx = idx[idx + n - 1 < n_pos]
            idx = idx[cjk[idx + n - 1] & freq_prev[idx] & freq_prev[idx + 1]]
            h = hprev[idx] * _BASE + c64[idx + n - 1]
        else:
            h = c64[idx]
        if not len(idx):
            break
        code, uniq = pd.factorize(h)
        pair = code.astype(np.int64) * n_doc + pos_doc[idx]
        first = ~pd.Series(pair).duplicated().to_numpy()
        docs = np.bincount(code[first], minlength=len(uniq))
        mentions = np.bincount(code, minlength=len(uniq))
        ok = docs[code] >= min_docs
        # cleared and refilled in place (not fresh full-length arrays per level)
        freq_prev.fill(False)
        freq_prev[idx[ok]] = True
        hprev.fill(0)
        hprev[idx] = h
        good = np.flatnonzero(docs >= min_docs)
        if n >= 2 and len(good):
            # one representative position per recurring n-gram, for its string
            rep = np.full(len(uniq), -1, dtype=np.int64)
            rep[code[::-1]] = idx[::-1]
            lo = np.full(len(good), np.nan)
            hi = np.full(len(good), np.nan)
            if years is not None:
                lo, hi = _year_range(code[first], pos_doc[idx][first], years, good, len(uniq))
            grams = [big[p : p + n] for p in rep[good].tolist()]
            parts.append(
                pd.DataFrame(
                    {
                        "gram": grams,
                        "n": n,
                        "docs": docs[good],
                        "mentions": mentions[good],
                        "year_lo": lo,
                        "year_hi": hi,
                    }
                )
            )
        idx = idx[ok]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=cols)


def _year_range(
    code: np.ndarray, doc: np.ndarray, years: np.ndarray, good: np.ndarray, n_codes: int
) -> tuple[np.ndarray, np.ndarray]:
    """10 % and 90 % quantiles (nearest rank) of the years of each good code's documents."""
    y = years[doc]
    is_good = np.zeros(n_codes, dtype=bool)
    is_good[good] = True
    keep = is_good[code] & ~np.isnan(y)
    code, y = code[keep], y[keep]
    # sorted by code, then year: one integer sort of (code, year rank) keys instead of a
    # two-key lexsort (equal keys hold equal years, so the order among them does not matter)
    values, rank = np.unique(y, return_inverse=True)
    key = np.sort(code.astype(np.int64) * len(values) + rank.ravel())
    code, y = key // max(len(values), 1), values[key % max(len(values), 1)]
    counts = np.bincount(code, minlength=n_codes)
    offsets = np.concatenate([[0], np.cumsum(counts)])
    lo = np.full(len(good), np.nan)
    hi = np.full(len(good), np.nan)
    c = counts[good]
    has = c > 0
    base = offsets[good][has]
    lo[has] = y[base + np.floor(0.1 * (c[has] - 1)).astype(np.int64)]
    hi[has] = y[base + np.ceil(0.9 * (c[has] - 1)).astype(np.int64)]
    return lo, hi


def known_ngrams(
    texts: Sequence[str],
    doc_codes: np.ndarray,
    known: Iterable[str],
    ngrams: pd.DataFrame,
    *,
    years: np.ndarray | None = None,
) -> pd.DataFrame:
    """``ngrams`` plus a row (same columns) for every known slogan found in ``texts`` that is
    not already there (in fewer than ``min_docs`` documents, or longer than the n-grams
    counted): the lexicon's entries are candidates in any number of documents."""
    missing = sorted(set(known) - set(ngrams["gram"].astype(str)) if len(ngrams) else set(known))
    if not missing or not len(texts):
        return ngrams
    m = find_all(build_automaton(missing), texts)
    if not len(m):
        return ngrams
    codes = np.asarray(doc_codes, dtype=np.int64)[m.para]
    found = pd.DataFrame({"term": m.term, "doc": codes})
    docs = found.drop_duplicates()
    rows = []
    for t, d in docs.groupby("term")["doc"]:
        y = np.sort(years[d.to_numpy()]) if years is not None else np.array([])
        y = y[~np.isnan(y)]
        lo = y[int(np.floor(0.1 * (len(y) - 1)))] if len(y) else np.nan
        hi = y[int(np.ceil(0.9 * (len(y) - 1)))] if len(y) else np.nan
        gram = missing[int(t)]
        n = int((found["term"] == t).sum())
        rows.append((gram, len(gram), len(d), n, lo, hi))
    extra = pd.DataFrame(rows, columns=["gram", "n", "docs", "mentions", "year_lo", "year_hi"])
    return pd.concat([ngrams, extra], ignore_index=True) if len(ngrams) else extra


def _extension_index(grams: list[str], mentions: list[int]) -> tuple[dict, dict]:
    """Right extensions: gram → largest count of gram + one character; left extensions: gram →
    [(one character + gram, count)] (kept as lists: leading variants are excluded later)."""
    right: dict[str, int] = {}
    left: dict[str, list] = {}
    for g, m in zip(grams, mentions, strict=True):
        if len(g) < 2:
            continue
        r = g[:-1]
        if m > right.get(r, 0):
            right[r] = m
        left.setdefault(g[1:], []).append((g, m))
    return right, left


def _extension_share(
    g: str, m: int, right: dict, left: dict, tf: dict, leading: Sequence[str]
) -> float:
    """Largest share of a gram's occurrences continued by one character on either side.

    Left extensions that are a listed leading verb/particle + the gram (过紧日子) are variants,
    not longer formulations, and are ignored.
    """
    best = right.get(g, 0)
    for ext, n in left.get(g, ()):
        if n > best and not _leading_variant(ext, g, tf, leading):
            best = n
    return best / m if m else 0.0


def _leading_variant(ext: str, gram: str, tf: dict[str, int], leading: Sequence[str]) -> bool:
    """``ext`` = one character + ``gram`` is (the tail of) a leading verb/particle + gram."""
    c = ext[0]
    return any(v.endswith(c) and tf.get(v + gram, 0) * 2 >= tf[ext] for v in leading)


@lru_cache(maxsize=8)
def _longest_first(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=8)
def _first_chars(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(w[:1] for w in words)


def strip_leading(key: str, leading: Sequence[str], known: set[str] | dict) -> str:
    """``key`` without a listed leading verb/particle when the rest is itself a known key
    (过紧日子 → 紧日子); otherwise ``key`` unchanged. Longest listed prefix first."""
    leading = tuple(leading)
    if key[:1] not in _first_chars(leading):
        return key  # no listed word can start it (the empty word starts every key)
    for v in _longest_first(leading):
        if key.startswith(v) and key[len(v) :] in known:
            return key[len(v) :]
    return key


# A candidate may end with the first characters of a head (脱贫攻坚 + 战 = 脱贫攻坚战, head
# 攻坚战) only when it holds at least this many of them: one character is a word cut in two
# (企业股份制改 + 革, 新发展理 + 念), a fragment, not a formulation that names a policy.
_MIN_HEAD_OVERLAP = 2


def _head_overlaps(heads: Sequence[str]) -> list[tuple[str, int]]:
    """(head, k) for every head and every proper prefix length k with
    ``_MIN_HEAD_OVERLAP ≤ k < len(head)``: a candidate ending with ``head[:k]`` (and longer
    than it) is framed by ``head`` where it is followed by ``head[k:]``."""
    return [(h, k) for h in dict.fromkeys(heads) for k in range(_MIN_HEAD_OVERLAP, len(h))]


def _quoted_parts(keys: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for k in keys:
        out.add(k)
        out.update(p for p in k.split("、") if p)
    return out


def score_formulations(
    ngrams: pd.DataFrame,
    *,
    rules: FormulationRules,
    leading: Sequence[str],
    quoted_docs: dict[str, int],
    numbered: set[str],
    dictionary: set[str],
    corpus_years: np.ndarray | None = None,
    sample_every: int = 1,
    known: Iterable[str] = (),
    min_docs: int = 0,
    named: Iterable[str] = (),
    glossary: Iterable[str] = (),
) -> pd.DataFrame:
    """Rank and filter recurring n-grams into formulations (steps 2–4 of the module doc).

    Args:
        ngrams: from :func:`recurring_ngrams`.
        rules: the ``formulations:`` rules of slogans.yaml.
        leading: leading verbs/particles that make variants (``normalise.leading_variants``).
        quoted_docs: documents in which each key is quoted as a slogan (whole or as a part).
        numbered: keys of numbered formulas.
        dictionary: domain-dictionary words and fixed phrases.
        corpus_years: year of each (sampled) document, for the era evidence.
        sample_every: 1 / sampling rate of documents (to compare ``quoted_docs``, counted in all
            documents, with ``sample_docs``).
        known: known slogans (``formulations.known``): accepted on the lexicon alone, whatever
            the corpus shows (``ngrams`` must hold a row for each one found, in any number of
            documents and of any length: :func:`known_ngrams`).
        min_docs: the recurrence threshold; a row in fewer documents (a known slogan, a
            named phrase) is rejected as ``in too few documents`` unless known.
        named: named spirits and models (a place or person + ``named_heads``: 焦裕禄精神,
            晋江经验), an evidence point (``weights.named``) in any number of documents and of
            any length (``ngrams`` must hold a row for each one found); the same rules as for
            any candidate decide (a named phrase in one document is not accepted).
        glossary: terms defined in a document's glossary (名词解释, 注释: “1. 两不愁三保障：指…”),
            an evidence point (``weights.glossary``), listed and decided as ``named``.

    Returns:
        DataFrame[formulation, n_chars, sample_docs, sample_mentions, extension_share,
        quoted_docs, numbered, in_dictionary, policy_frame, year_span, era, score, accepted,
        reason],
        one row per candidate of ``min_chars``..``max_chars`` characters with at least one
        evidence point (every known slogan found), accepted first, then by sample_docs
        (descending). ``known``: in the lexicon of known slogans; ``basis`` of an accepted
        candidate: ``corpus evidence`` (score and recurrence), ``lexicon`` (a known slogan
        that the corpus alone would not accept) or ``lexicon, single document`` (found in one
        document only: kept, and marked so); "" when rejected. ``reason`` says why a candidate was rejected;
        ``year_span`` is the 10–90 % range of years of use (NaN when not applicable), ``era``
        whether that range is concentrated.
    """
    if ngrams.empty:
        return pd.DataFrame(columns=FORMULATION_COLUMNS)
    grams = ngrams["gram"].astype(str).tolist()
    mentions = ngrams["mentions"].astype("int64").tolist()
    tf = dict(zip(grams, mentions, strict=True))
    c = ngrams.assign(gram=grams)
    known = frozenset(known)
    named = frozenset(named)
    glossary = frozenset(glossary)
    listed = c["gram"].isin(known | named | glossary)
    c = c[listed | ((c["n"] >= rules.min_chars) & (c["n"] <= rules.max_chars))]
    c = c.reset_index(drop=True)
    g = pd.Series(c["gram"].tolist(), dtype=object)
    kn = g.isin(known)
    nm = g.isin(named)
    gl = g.isin(glossary)
    # evidence, vectorised over all candidates
    era_ok, corpus_span = _era_applicable(corpus_years, rules)
    span = (c["year_hi"] - c["year_lo"]).astype(float)
    if not era_ok:
        span[:] = np.nan
    era = span.le(rules.era_max_span_share * corpus_span) if era_ok else span.notna()
    era = era & span.notna()
    q = pd.Series([int(quoted_docs.get(x, 0)) for x in g.tolist()], dtype="int64")
    quoted = q >= np.maximum(2, rules.quoted_min_share * c["docs"] * sample_every)
    num = g.isin(numbered)
    dic = g.isin(dictionary)
    heads = tuple(rules.policy_heads)
    followed = np.zeros(len(g))
    if heads:
        # counts of gram + head (0 when not a recurring n-gram): one hash lookup per head
        tf_index = pd.Index(list(tf), dtype=object)
        tf_counts = np.append(np.fromiter(tf.values(), dtype=float, count=len(tf)), 0.0)
        g_obj = g.to_numpy(dtype=object)
        for h in heads:
            followed += tf_counts[tf_index.get_indexer(g_obj + h)]
        # or by the rest of a head the candidate already begins: 脱贫攻坚 + 战 is 脱贫攻坚战
        # (head 攻坚战 starts inside the candidate, ≥ _MIN_HEAD_OVERLAP characters from its end,
        # and ends right after the continuation; what follows the head is not looked at, as for
        # gram + head: 脱贫攻坚战役 counts). The candidate must be longer than the part of the
        # head it holds (攻坚 + 战 is the head itself, not a framed formulation).
        for h, k in _head_overlaps(heads):
            part = np.fromiter(
                (len(x) > k and x.endswith(h[:k]) for x in g.tolist()), dtype=bool, count=len(g)
            )
            if part.any():
                followed[part] += tf_counts[tf_index.get_indexer(g_obj[part] + h[k:])]
    ends = np.array([x.endswith(heads) for x in g.tolist()], dtype=bool) if heads else False
    frame = pd.Series(ends | (followed >= rules.frame_min_share * c["mentions"].to_numpy()))
    score = (
        rules.weight_quoted * quoted
        + rules.weight_numbered * num
        + rules.weight_dictionary * dic
        + rules.weight_era * era
        + rules.weight_frame * frame
        + rules.weight_named * nm
        + rules.weight_glossary * gl
    ).astype("int64")
    # candidates with some evidence are listed (the rest: too little evidence, not listed)
    keep = (score > 0) | kn
    c, g, q, num, dic, frame, span, era, score, kn, nm, gl = (
        x[keep].reset_index(drop=True)
        for x in (c, g, q, num, dic, frame, span, era, score, kn, nm, gl)
    )
    few = c["docs"].to_numpy() < min_docs
    # only grams one character longer than a candidate extend one (queried below)
    longer = [i for i, x in enumerate(grams) if len(x) > rules.min_chars]
    right, left = _extension_index([grams[i] for i in longer], [mentions[i] for i in longer])
    units = set(rules.admin_units)
    reasons, shares, basis = [], [], []
    rows = zip(g.tolist(), c["mentions"].tolist(), score.tolist(), kn.tolist(), few.tolist(),
               c["docs"].tolist(), strict=True)  # fmt: skip
    for gram, m, sc, is_known, below, docs in rows:
        ext = _extension_share(gram, m, right, left, tf, leading)
        shares.append(round(ext, 3))
        base = strip_leading(gram, leading, tf)
        if below:
            why = "in too few documents"
        elif base != gram and len(base) >= rules.min_chars:
            why = f"variant of {base}"
        elif ext >= rules.max_extension_share:
            why = "fragment of a longer formulation"
        elif set(gram) <= units:
            why = "enumeration of administrative levels"
        elif gram.startswith(rules.generic_edges) or gram.endswith(rules.generic_edges):
            why = "generic word at an edge"
        elif sc < rules.min_score:
            why = "too little evidence"
        else:
            why = ""
        # a known slogan is accepted whatever the corpus shows; the basis says which it was
        reasons.append("" if is_known else why)
        if not why:
            basis.append("corpus evidence")
        elif is_known:
            basis.append("lexicon, single document" if docs == 1 else "lexicon")
        else:
            basis.append("")
    reason = pd.Series(reasons, dtype=object)
    out = pd.DataFrame(
        {
            "formulation": g,
            "n_chars": c["n"].astype("int64"),
            "sample_docs": c["docs"].astype("int64"),
            "sample_mentions": c["mentions"].astype("int64"),
            "extension_share": shares,
            "quoted_docs": q,
            "numbered": num.astype(bool),
            "in_dictionary": dic.astype(bool),
            "policy_frame": pd.Series(frame, dtype=bool),
            "year_span": span,
            "era": era.astype(bool),
            "score": score,
            "known": kn.astype(bool),
            "named": nm.astype(bool),
            "glossary": gl.astype(bool),
            "accepted": reason == "",
            "basis": pd.Series(basis, dtype=object),
            "reason": reason,
        },
        columns=FORMULATION_COLUMNS,
    )
    # 乡村振兴战略 → 乡村振兴: a formulation + a listed head noun adds nothing when the shorter
    # one is accepted (its mentions are all counted there)
    acc = set(out.loc[out["accepted"], "formulation"])
    for i in out.index[out["accepted"]]:
        g = out.at[i, "formulation"]
        for head in rules.trailing_heads:
            if g.endswith(head) and g[: -len(head)] in acc:
                out.at[i, "accepted"] = False
                out.at[i, "basis"] = ""
                out.at[i, "reason"] = f"{g[: -len(head)]} + head noun {head}"
                break
    return out.sort_values(
        ["accepted", "sample_docs", "formulation"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def _era_applicable(years: np.ndarray | None, rules: FormulationRules) -> tuple[bool, float]:
    if years is None:
        return False, np.nan
    y = np.asarray(years, dtype=float)
    y = y[~np.isnan(y)]
    if len(y) < rules.era_min_dated_docs:
        return False, np.nan
    span = float(np.quantile(y, 0.9, method="higher") - np.quantile(y, 0.1, method="lower"))
    return span >= rules.era_min_corpus_span, span


def era_note(years: np.ndarray | None, rules: FormulationRules) -> str:
    """Why the era evidence is or is not applicable (for logs and the README)."""
    ok, span = _era_applicable(years, rules)
    if ok:
        return f"era evidence applicable (corpus 10–90 % year range {span:.0f} years)"
    n = 0 if years is None else int((~np.isnan(np.asarray(years, dtype=float))).sum())
    return (
        f"era evidence not applicable ({n} dated documents; needs ≥ {rules.era_min_dated_docs} "
        f"and a 10–90 % year range ≥ {rules.era_min_corpus_span} years)"
    )
