"""Integration on data/raw: backend agreement, offsets into text_original, cache round trip."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_tokens import raw_paragraphs

from analysis.text.tokens import TokenizerOptions, frame_agreement, tokenize

# Measured on data/raw (2026-11): 0.99994 (default filters) and 0.99987 (no filters) on the
# corpus paragraphs; 0.9995 on raw lines. The only differences are digit runs joined by '-'
# ("2010-2011"), which jieba-rs keeps whole and jieba splits.
AGREEMENT_MIN = 0.999

LOOSE = TokenizerOptions(
    min_chars=1, remove_stopwords=False, drop_punctuation=False, drop_numbers=False
)


@pytest.fixture(scope="module")
def corpus():
    from analysis.corpus import load_corpus

    return load_corpus()


@pytest.mark.parametrize("options", [TokenizerOptions(), LOOSE], ids=["default", "unfiltered"])
def test_fast_backend_agrees_with_jieba_on_raw_corpus(corpus, options):
    paras = corpus.paragraphs
    fast = tokenize(paras, backend="fast", options=options, cache=False)
    slow = tokenize(paras, backend="jieba", options=options, cache=False)
    assert len(fast) > 5000
    assert frame_agreement(fast, slow) >= AGREEMENT_MIN


def test_fast_backend_agrees_on_raw_lines():
    paras = raw_paragraphs()
    fast = tokenize(paras, backend="fast", options=LOOSE, cache=False)
    slow = tokenize(paras, backend="jieba", options=LOOSE, cache=False)
    assert frame_agreement(fast, slow) >= AGREEMENT_MIN


def test_offsets_transfer_to_original_script(corpus):
    paras = corpus.paragraphs
    toks = tokenize(paras, cache=False)
    texts = paras.set_index(["doc_id", "para_id"])
    import opencc

    t2s = opencc.OpenCC("t2s").convert
    sample = toks.iloc[:: max(1, len(toks) // 400)]
    for row in sample.itertuples(index=False):
        para = texts.loc[(row.doc_id, row.para_id)]
        assert para["text"][row.start : row.end] == row.token
        assert t2s(para["text_original"][row.start : row.end]) == row.token
    # Traditional-script report 000: 戰鬥堡壘 in the original
    hits = toks[(toks.doc_id == "000") & (toks.token == "战斗堡垒")]
    assert len(hits) >= 1
    row = hits.iloc[0]
    assert texts.loc[("000", row.para_id), "text_original"][row.start : row.end] == "戰鬥堡壘"


def test_domain_terms_counted_on_raw_corpus(corpus):
    toks = tokenize(corpus.paragraphs, cache=False)
    counts = toks["token"].value_counts()
    for term in ["创先争优", "招商引资", "基层组织建设", "战斗堡垒", "村级党组织", "两委",
                 "非公有制经济", "统战工作", "升级晋档", "三联共建", "先锋模范作用"]:  # fmt: skip
        assert counts.get(term, 0) >= 1, term
    assert not toks["token"].str.contains("\ufffd").any()


def test_cache_round_trip_on_corpus(corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    paras = corpus.paragraphs
    first = tokenize(paras)
    files = list(tmp_path.rglob("*.parquet"))
    assert len(files) == 1
    second = tokenize(paras)
    pd.testing.assert_frame_equal(first, second)
    pd.testing.assert_frame_equal(first, tokenize(paras, cache=False))
