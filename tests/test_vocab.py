"""Vocabulary, collocations and candidate dictionary words on tiny token frames."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest
from fixtures_tokens import sample_paragraphs

from analysis.text.tokens import TokenizerOptions, tokenize
from analysis.text.vocab import (
    CANDIDATE_COLUMNS,
    COLLOCATION_COLUMNS,
    VOCAB_COLUMNS,
    candidate_words,
    cli_vocab,
    collocations,
    vocabulary,
)


def frame(rows: list[tuple[str, int, str, int]]) -> pd.DataFrame:
    """Tokens from (doc_id, para_id, token, start); end = start + len(token)."""
    df = pd.DataFrame(rows, columns=["doc_id", "para_id", "token", "start"])
    df["end"] = df["start"] + df["token"].str.len()
    return df[["doc_id", "para_id", "token", "start", "end"]]


def repeated(words: list[str], docs: int, gap: int = 0, prefix: str = "d") -> pd.DataFrame:
    rows = []
    for d in range(docs):
        pos = 0
        for w in words:
            rows.append((f"{prefix}{d}", 0, w, pos))
            pos += len(w) + gap
    return frame(rows)


def test_vocabulary_counts_and_order():
    toks = frame(
        [("a", 0, "党建", 0), ("a", 0, "招商引资", 2), ("a", 1, "党建", 0), ("b", 0, "党建", 0)]
    )
    vocab = vocabulary(toks)
    assert list(vocab.columns) == VOCAB_COLUMNS
    assert vocab.values.tolist() == [["党建", 3, 2], ["招商引资", 1, 1]]
    assert vocabulary(toks, min_count=2)["term"].tolist() == ["党建"]
    assert vocabulary(toks.iloc[:0]).empty


def test_candidate_words_finds_recurring_split_terms():
    words = ["开展", "升级", "晋档", "活动"]
    toks = pd.concat([repeated(words, 3), repeated(["升级", "晋档"], 1, prefix="e")])
    cands = candidate_words(toks, min_count=3, dictionary={"开展", "活动"}, stopwords=set())
    assert list(cands.columns) == CANDIDATE_COLUMNS
    top = cands.iloc[0]
    assert top["word"] == "升级晋档" and top["frequency"] == 4 and top["doc_frequency"] == 4
    assert top["parts"] == "升级 晋档" and top["n_parts"] == 2
    assert "开展升级晋档" in set(cands["word"])  # trigram
    # known words and stopword boundaries are excluded
    known = candidate_words(toks, min_count=3, dictionary={"升级晋档"}, stopwords={"开展"})
    assert "升级晋档" not in set(known["word"]) and "开展升级" not in set(known["word"])


def test_candidate_words_need_contiguity_and_same_paragraph():
    gapped = repeated(["升级", "晋档"], 4, gap=1)  # a character (e.g. punctuation) between
    assert candidate_words(gapped, min_count=1, dictionary=set(), stopwords=set()).empty
    split = frame([("a", 0, "升级", 0), ("a", 1, "晋档", 2)] * 3)
    assert candidate_words(split, min_count=1, dictionary=set(), stopwords=set()).empty


def test_collocations_rank_by_npmi():
    strong = repeated(["三联", "共建", "活动", "开展"], 5)
    noise = frame([(f"n{i}", 0, w, 0) for i, w in enumerate(["活动", "开展", "共建"] * 3)])
    toks = pd.concat([strong, noise])
    coll = collocations(toks, min_count=3, top=None)
    assert list(coll.columns) == COLLOCATION_COLUMNS
    assert coll.iloc[0]["term"] == "三联共建"
    assert coll["npmi"].between(-1, 1).all()
    assert coll["npmi"].is_monotonic_decreasing
    assert (coll["count"] >= 3).all()
    with pytest.raises(ValueError):
        collocations(toks, method="lda")


def test_collocations_gensim_phrases_agree_on_strong_pair():
    toks = pd.concat(
        [
            repeated(["三联", "共建", "活动"], 6),
            repeated(["活动", "总结"], 3, prefix="e"),
            repeated(["三联"], 2, prefix="f"),
        ]
    )
    phrases = collocations(toks, min_count=3, method="phrases", threshold=0.3, top=None)
    assert "三联共建" in set(phrases["term"])
    assert set(phrases["term"]) <= set(collocations(toks, min_count=3, top=None)["term"])


def test_candidates_from_real_tokenizer_output():
    paras = sample_paragraphs()
    light = tokenize(
        pd.concat([paras, paras.assign(doc_id=paras.doc_id + "x")]),
        options=TokenizerOptions(min_chars=1, remove_stopwords=False),
        cache=False,
    )
    cands = candidate_words(light, min_count=2)
    assert not cands.empty
    from analysis.text.lexicons import effective_dictionary

    assert not set(cands["word"]) & set(effective_dictionary().freq)


def test_cli_vocab_prints_sections(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    from analysis import paths

    assert cli_vocab(argparse.Namespace(data=str(paths.RAW), top=5, min_count=3)) == 0
    out = capsys.readouterr().out
    assert "Candidate new dictionary words" in out and "Collocations" in out
    assert "frequency" in out


def test_min_npmi_drops_compositional_phrases():
    fixed = repeated(["升级", "晋档"], 4)
    loose = repeated(["加快", "发展"], 4, prefix="e")
    elsewhere = pd.concat(
        [
            repeated(["加快", "改革"], 8, prefix="f"),
            repeated(["推动", "发展"], 8, prefix="g"),
            repeated(["深化", "改革", "推动"], 8, prefix="h"),
        ]
    )
    toks = pd.concat([fixed, loose, elsewhere])
    common = {"dictionary": set(), "stopwords": set(), "max_n": 2}
    everything = candidate_words(toks, min_count=4, **common)
    assert {"升级晋档", "加快发展"} <= set(everything["word"])
    scores = everything.set_index("word")["npmi"]
    assert scores["升级晋档"] > scores["加快发展"]
    strict = candidate_words(toks, min_count=4, min_npmi=scores["加快发展"] + 0.01, **common)
    assert "升级晋档" in set(strict["word"]) and "加快发展" not in set(strict["word"])
