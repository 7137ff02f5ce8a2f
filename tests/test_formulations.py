"""Formulations (slogans without quotes), the Aho–Corasick matcher and the vectorised recount."""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pytest
from fixtures_slogans import paragraph_frames

from analysis.measures.formulations import recurring_ngrams
from analysis.measures.matching import build_automaton, find_all, find_longest
from analysis.measures.slogans import (
    _recount,
    discover_formulations,
    extract_slogans,
    load_slogan_patterns,
    slogan_mentions,
)
from analysis.measures.themes import trie_pattern


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


def _corpus(docs: dict[str, list[str]], years: dict[str, int] | None = None):
    return paragraph_frames(docs, years=years, kind="body")


# --------------------------------------------------------------------------- matching


def test_find_longest_equals_the_regex_trie_rule():
    rng = np.random.default_rng(7)
    alphabet = list("基础设施建设招商引资")
    terms = sorted({"".join(rng.choice(alphabet, size=rng.integers(2, 5))) for _ in range(40)})
    texts = ["".join(rng.choice(alphabet, size=60)) for _ in range(30)]
    rx = re.compile(trie_pattern(terms))
    expected = [(i, m.start(), m.end(), m.group(0)) for i, t in enumerate(texts)
                for m in rx.finditer(t)]  # fmt: skip
    m = find_longest(build_automaton(terms), texts)
    got = [(p, s, e, terms[k]) for p, s, e, k in zip(m.para, m.start, m.end, m.term, strict=True)]
    assert got == expected and len(got) > 20


def test_find_all_reports_nested_and_overlapping_matches():
    a = build_automaton(["创先争优", "创先争优为民服务", "为民"])
    m = find_all(a, ["x创先争优为民服务", "为民"])
    got = {(int(p), int(s), int(e)) for p, s, e in zip(m.para, m.start, m.end, strict=True)}
    assert got == {(0, 1, 5), (0, 1, 9), (0, 5, 7), (1, 0, 2)}


def _all_occurrences(terms, texts):
    """Brute force: every (paragraph, start, end, term) with text[start:end] == term."""
    return sorted(
        (i, s, s + len(t), t)
        for i, text in enumerate(texts)
        for t in set(terms)
        if t and "\n" not in t
        for s in range(len(text) - len(t) + 1)
        if text.startswith(t, s)
    )


def _found(m, terms):
    return sorted(
        (int(p), int(s), int(e), terms[k])
        for p, s, e, k in zip(m.para, m.start, m.end, m.term, strict=True)
    )


@pytest.mark.parametrize("block", [None, 1, 7, 100])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_find_all_equals_brute_force_on_random_text(seed, block, monkeypatch):
    """Also with the text scanned in blocks of start positions (matches crossing blocks)."""
    from analysis.measures import matching

    if block is not None:
        monkeypatch.setattr(matching, "_BLOCK", block)
    rng = np.random.default_rng(seed)
    alphabet = list("创先争优为民服务两学一做\U00020000 、")  # an astral character and separators
    terms = sorted({"".join(rng.choice(alphabet, size=rng.integers(1, 7))) for _ in range(80)})
    terms += ["", "跨\n段"]  # ignored: empty, and a line break (the paragraph join)
    texts = ["".join(rng.choice(alphabet, size=rng.integers(0, 80))) for _ in range(40)]
    texts[3] = terms[5][:-1]  # a term cut by the end of a paragraph is no match
    m = find_all(build_automaton(terms), texts)
    expected = _all_occurrences(terms, texts)
    assert _found(m, terms) == expected and len(expected) > 100
    # sorted by paragraph, start, longest first (the order find_longest relies on)
    order = np.lexsort((m.start - m.end, m.start, m.para))
    assert (order == np.arange(len(m))).all()


def test_find_all_confirms_matches_when_hashes_collide(monkeypatch):
    import analysis.measures.matching as matching

    # base 0: a window's hash is its last character, so windows collide with terms
    monkeypatch.setattr(matching, "_BASE", np.uint64(0))
    matching._build.cache_clear()
    try:
        terms = ["创先争优", "为民服务"]  # no two of one length collide: the numpy table is used
        a = build_automaton(terms)
        assert a.table is not None
        # 创先服优 passes every prefix level (先, 服 of 为民服务, 优) but is no term
        texts = ["创先服优 创先争优", "为先争务为民服务"]
        assert _found(find_all(a, texts), terms) == _all_occurrences(terms, texts)
        assert len(_all_occurrences(terms, texts)) == 2
        # two terms of one length with one hash: the Aho–Corasick fallback, same matches
        terms = ["创先争优", "力争上优", "为民"]
        a = build_automaton(terms)
        assert a.table is None and a.automaton is not None
        texts = ["力争上优，创先争优为民"]
        assert _found(find_all(a, texts), terms) == _all_occurrences(terms, texts)
    finally:
        matching._build.cache_clear()


def test_recount_matches_keys_across_flexible_separators(patterns):
    texts = [
        "推进升级晋档 , 科学发展活动",
        "升级晋档，，科学发展",
        "升级晋档\u3000科学发展和三联共建",
    ]
    hits = _recount(texts, {"升级晋档、科学发展", "三联共建"}, patterns)
    got = {(h.pos, h.start, h.end, h.key) for h in hits}
    # two hard separators in a row are not one slogan separator (as in normalise_slogan)
    assert got == {(0, 2, 13, "升级晋档、科学发展"), (2, 0, 9, "升级晋档、科学发展"),
                   (2, 10, 14, "三联共建")}  # fmt: skip


# --------------------------------------------------------------------------- n-grams


def test_recurring_ngrams_count_documents_like_brute_force():
    rng = np.random.default_rng(3)
    alphabet = list("乡村振兴战略高质量发展")
    texts = ["".join(rng.choice(alphabet, size=rng.integers(5, 40))) for _ in range(40)]
    codes = np.repeat(np.arange(10), 4)
    table = recurring_ngrams(texts, codes, min_docs=3, max_n=4)
    got = dict(zip(table["gram"], table["docs"], strict=True))
    docs: dict[str, set] = {}
    for t, d in zip(texts, codes, strict=True):
        for n in range(2, 5):
            for i in range(len(t) - n + 1):
                docs.setdefault(t[i : i + n], set()).add(d)
    expected = {g: len(s) for g, s in docs.items() if len(s) >= 3}
    assert got == expected


def test_recurring_ngrams_year_range_is_the_nearest_rank_quantile_of_document_years():
    """The 10 % / 90 % year range (one integer sort of code x year-rank keys) equals the
    nearest-rank quantiles of each gram's document years computed gram by gram."""
    rng = np.random.default_rng(5)
    alphabet = list("乡村振兴战略高质量发展")
    texts = ["".join(rng.choice(alphabet, size=rng.integers(5, 40))) for _ in range(60)]
    codes = np.repeat(np.arange(20), 3)
    years = rng.choice([2001.0, 2005.0, 2010.0, np.nan, 2018.0], size=20)
    table = recurring_ngrams(texts, codes, min_docs=2, max_n=4, years=years)
    for gram, lo, hi in zip(table["gram"], table["year_lo"], table["year_hi"], strict=True):
        ys = sorted(years[d] for d in {d for t, d in zip(texts, codes, strict=True) if gram in t}
                    if not np.isnan(years[d]))  # fmt: skip
        if not ys:
            assert np.isnan(lo) and np.isnan(hi)
            continue
        k = len(ys) - 1
        assert (lo, hi) == (ys[int(np.floor(0.1 * k))], ys[int(np.ceil(0.9 * k))])


def test_strip_leading_equals_trying_every_listed_word():
    from analysis.measures.formulations import strip_leading

    leading = ["过", "坚持", "全面推进", "全面", "推进", "打好"]
    known = {"紧日子", "乡村振兴", "推进改革", "攻坚战", ""}
    keys = ["过紧日子", "全面推进乡村振兴", "推进改革", "坚持推进改革", "打好攻坚战", "紧日子",
            "全面", "", "坚持", "过", "乡村振兴"]  # fmt: skip

    def plain(key: str, words: list[str]) -> str:
        for v in sorted(words, key=len, reverse=True):
            if key.startswith(v) and key[len(v) :] in known:
                return key[len(v) :]
        return key

    for key in keys:
        for words in (leading, [*leading, ""], ["全面推进"]):
            assert strip_leading(key, words, known) == plain(key, words)


# --------------------------------------------------------------------------- formulations


def _formulation_corpus():
    docs = {}
    for i in range(12):
        paras = [f"第{i}段：今年我们扎实推进各项工作，基础设施不断完善。"]
        if i < 8:  # unquoted, never in quotes, in the domain dictionary, names a strategy
            paras.append("全面实施乡村振兴战略，乡村振兴取得新进展。")
        if i < 6:  # the fragment 结构性改革 always follows 供给侧
            paras.append("深入推进供给侧结构性改革。")
        if i < 4:
            paras.append("坚持“过紧日子”，各级政府带头过紧日子。")
        if 4 <= i < 7:
            paras.append("政府要习惯“紧日子”。")
        if i < 3:
            paras.append("覆盖“市、县、乡、村”四级。")
        docs[f"D{i:02d}"] = paras
    return _corpus(docs)


def test_unquoted_formulation_is_found_and_counted_in_all_documents(patterns):
    paragraphs, documents = _formulation_corpus()
    table = extract_slogans(paragraphs, documents, patterns).set_index("slogan")
    assert table.loc["乡村振兴", "kind"] == "formulation"
    assert table.loc["乡村振兴", "n_docs"] == 8
    assert table.loc["乡村振兴", "n_mentions"] == 16
    assert table.loc["供给侧结构性改革", "n_docs"] == 6
    assert "结构性改革" not in table.index  # a fragment of the longer formulation
    assert not any(set(k) <= set("市县乡村、") for k in table.index)  # level enumeration


def test_leading_verb_variants_are_one_slogan(patterns):
    paragraphs, documents = _formulation_corpus()
    table = extract_slogans(paragraphs, documents, patterns).set_index("slogan")
    assert "过紧日子" not in table.index
    assert table.loc["紧日子", "n_docs"] == 7
    assert "过紧日子" in table.loc["紧日子", "variants"]
    # one mention per occurrence: 过紧日子 is not counted twice (as itself and as 紧日子)
    m = slogan_mentions(paragraphs, patterns, documents=documents)
    k = m[(m["slogan"] == "紧日子") & (m["doc_id"] == "D00")]
    assert len(k) == 2


def test_formulation_audit_lists_reasons_and_scaled_threshold(patterns):
    paragraphs, documents = _formulation_corpus()
    audit = discover_formulations(paragraphs, documents, patterns)
    assert audit.attrs["settings"]["min_docs"] == 2  # max(2, ceil(0.03 × 12))
    row = audit.set_index("formulation").loc["乡村振兴"]
    assert row["accepted"] and row["in_dictionary"] and row["policy_frame"]
    assert not audit.loc[audit["formulation"] == "结构性改革", "accepted"].any()


def test_formulations_can_be_switched_off(patterns):
    paragraphs, documents = _formulation_corpus()
    off = replace(patterns, formulations=replace(patterns.formulations, enabled=False))
    table = extract_slogans(paragraphs, documents, off)
    assert "formulation" not in set(table["kind"])
    assert "乡村振兴" not in set(table["slogan"])


def test_counts_of_items_and_level_enumerations_are_not_slogans(patterns):
    paragraphs, documents = _corpus(
        {
            "A": ["完成“四项任务”，覆盖“市、县、乡、村”，坚持“四项基本原则”。"],
            "B": ["完成“四项任务”，覆盖“市、县、乡、村”，坚持“四项基本原则”。"],
        }
    )
    keys = set(extract_slogans(paragraphs, documents, patterns)["slogan"])
    assert "四项基本原则" in keys
    assert "四项任务" not in keys and "市、县、乡、村" not in keys


def _framed_corpus(term: str, head_rest: str, others: list[str]):
    """10 documents: ``term`` followed by ``head_rest`` in 3, used alone in 7."""
    docs = {f"D{i:02d}": [f"全力打赢{term}{head_rest}，各项指标持续改善。"] for i in range(3)}
    for i in range(3, 10):
        docs[f"D{i:02d}"] = [others[i % len(others)].format(term)]
    return _corpus(docs)


_ALONE = ["{}成效明显，重点任务全面完成。", "深化{}，推进综合治理。", "以{}统揽全局工作。"]


def _frame_row(patterns, paragraphs, documents, heads, min_chars=3):
    rules = replace(patterns.formulations, policy_heads=heads, min_chars=min_chars)
    audit = discover_formulations(paragraphs, documents, replace(patterns, formulations=rules))
    return audit.set_index("formulation")


def test_policy_frame_when_the_continuation_completes_a_head(patterns):
    # 蓝天保卫 + 战 = 蓝天保卫战: the head 保卫战 starts inside the candidate and the text after
    # it completes the head (3 of 10 uses >= frame_min_share); the old rule looked only for
    # candidate + whole head (蓝天保卫保卫战) and gave no point
    paragraphs, documents = _framed_corpus("蓝天保卫", "战", _ALONE)
    rows = _frame_row(patterns, paragraphs, documents, ("保卫战",))
    assert rows.loc["蓝天保卫", "extension_share"] < 0.6
    assert rows.loc["蓝天保卫", "policy_frame"]
    assert rows.loc["蓝天保卫战", "policy_frame"]  # ends with the head (unchanged rule)
    # without that head: no point
    rows = _frame_row(patterns, paragraphs, documents, ("战略",))
    assert "蓝天保卫" not in rows.index or not rows.loc["蓝天保卫", "policy_frame"]


def test_policy_frame_overlap_with_the_default_heads(patterns):
    # 污染防治攻坚 + 战 (head 攻坚战 of slogans.yaml), the case of 脱贫攻坚战 with other words
    paragraphs, documents = _framed_corpus("污染防治攻坚", "战", _ALONE)
    rows = _frame_row(patterns, paragraphs, documents, patterns.formulations.policy_heads)
    assert rows.loc["污染防治攻坚", "policy_frame"]


def test_policy_frame_needs_two_characters_of_the_head(patterns):
    # 股份制改 + 革 completes 改革, but a candidate ending with one character of a two-character
    # head is a word cut in two, not a formulation naming a policy
    paragraphs, documents = _framed_corpus("国企股份制改", "革", _ALONE)
    rows = _frame_row(patterns, paragraphs, documents, ("改革",))
    assert "国企股份制改" not in rows.index or not rows.loc["国企股份制改", "policy_frame"]
    # and the part of a head alone is not framed by completing it (攻坚 + 战 is the head)
    paragraphs, documents = _framed_corpus("攻坚", "战", _ALONE)
    rows = _frame_row(patterns, paragraphs, documents, ("攻坚战",), min_chars=2)
    assert "攻坚" not in rows.index or not rows.loc["攻坚", "policy_frame"]
    assert rows.loc["攻坚战", "policy_frame"]  # a candidate that is the head: unchanged
