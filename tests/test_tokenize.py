"""Tokenizer: contract, offsets, filters, options, both backends, workers, unit_tokens."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_tokens import sample_paragraphs
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.text.tokens import (
    TOKEN_COLUMNS,
    TokenizerOptions,
    cut,
    drop_reason,
    segmenter,
    token_agreement,
    token_pos,
    tokenize,
    unit_tokens,
)


@pytest.fixture(scope="module")
def paras() -> pd.DataFrame:
    return sample_paragraphs()


@pytest.fixture(scope="module")
def tokens(paras) -> pd.DataFrame:
    return tokenize(paras, cache=False)


@pytest.fixture(scope="module")
def dictionary():
    from analysis.text.tokens import _dictionary

    return _dictionary(TokenizerOptions())


def test_contract_columns_and_dtypes(tokens):
    assert list(tokens.columns) == TOKEN_COLUMNS
    assert isinstance(tokens["doc_id"].dtype, pd.CategoricalDtype)
    assert str(tokens["para_id"].dtype) == "int32"
    assert str(tokens["start"].dtype) == "int32" and str(tokens["end"].dtype) == "int32"
    assert len(tokens) > 40


def test_offsets_point_at_the_token_in_both_scripts(paras, tokens):
    by_key = paras.set_index(["doc_id", "para_id"])
    for row in tokens.itertuples(index=False):
        para = by_key.loc[(row.doc_id, row.para_id)]
        assert para["text"][row.start : row.end] == row.token
        assert len(para["text_original"][row.start : row.end]) == len(row.token)
    # a Traditional paragraph: the span in text_original is the Traditional spelling
    row = tokens[(tokens.doc_id == "t1") & (tokens.token == "战斗堡垒")].iloc[0]
    original = by_key.loc[("t1", row.para_id), "text_original"]
    assert original[row.start : row.end] == "戰鬥堡壘"


def test_tokens_in_reading_order(tokens):
    for _, group in tokens.groupby(["doc_id", "para_id"], observed=True):
        assert group["start"].is_monotonic_increasing
        assert (group["end"] > group["start"]).all()


def test_garbled_tokens_never_survive(paras):
    loose = TokenizerOptions(
        min_chars=1, remove_stopwords=False, drop_punctuation=False, drop_numbers=False
    )
    toks = tokenize(paras, options=loose, cache=False)
    assert not toks["token"].str.contains("\ufffd").any()
    assert "工业园区" in set(toks["token"])  # the word after the garbled span is kept


def test_default_filters(tokens):
    words = set(tokens["token"])
    assert not words & {"的", "和", "在", "1950", "100.4%", "万元", ",", "。", "“"}
    assert all(len(w) >= 2 for w in words)
    assert "工作" in words  # generic words are kept unless switched on


def test_generic_words_switch(paras, tokens):
    on = tokenize(paras, options=TokenizerOptions(remove_generic=True), cache=False)
    assert "工作" in set(tokens["token"]) and "工作" not in set(on["token"])
    assert "进一步" not in set(on["token"])
    assert "招商引资" in set(on["token"])


def test_single_characters_configurable(paras):
    one = tokenize(paras, options=TokenizerOptions(min_chars=1), cache=False)
    assert "占" in set(one["token"])  # 占年任务的100.4%: 占 / 年 (stopword)
    kept = tokenize(paras, options=TokenizerOptions(keep_chars=("占",)), cache=False)
    assert "占" in set(kept["token"]) and all(len(w) > 1 or w == "占" for w in kept["token"])


def test_stopwords_switch(paras):
    raw = tokenize(
        paras, options=TokenizerOptions(remove_stopwords=False, min_chars=1), cache=False
    )
    assert {"的", "和"} <= set(raw["token"])


@pytest.mark.parametrize(
    ("token", "options", "reason"),
    [
        ("\ufffd", {}, "garbled"),
        ("建\ufffd", {"min_chars": 1}, "garbled"),
        (" ", {}, "space"),
        ("“", {}, "punct"),
        ("——", {}, "punct"),
        ("2011", {}, "number"),
        ("3.45", {}, "number"),
        ("100.4%", {}, "number"),
        ("第一", {"remove_stopwords": False}, "number"),
        ("ISO9000", {"drop_latin": True}, "latin"),
        ("村", {}, "short"),
        ("我们", {}, "stopword"),
        ("进一步", {"remove_generic": True}, "generic"),
        ("招商引资", {"pos_keep": ("v",)}, "pos"),
        ("招商引资", {"pos_drop": ("l",)}, "pos"),
        ("招商引资", {}, None),
        ("ISO9000", {"drop_latin": False}, None),
        ("ISO9000", {}, "latin"),
        ("xx", {}, "placeholder"),
        ("XXX", {"drop_latin": False}, "placeholder"),
        ("xx县", {}, "placeholder"),
        ("某某", {}, "placeholder"),
        ("某镇", {}, "placeholder"),
        ("某种", {"remove_stopwords": False}, None),
        ("xx", {"drop_placeholders": False, "drop_latin": False}, None),
        ("GDP", {}, None),  # listed in userdict.txt: kept by the Latin filter
        ("GDP", {"userdict": None}, "latin"),
        ("各位代表", {"remove_generic": True, "extra_generic": ("各位代表",)}, "generic"),
        ("各位代表", {"extra_generic": ("各位代表",)}, None),
        ("2011", {"drop_numbers": False}, None),
        ("村级党组织", {"pos_keep": ("n",)}, None),
    ],
)
def test_drop_reason(token, options, reason, dictionary):
    assert drop_reason(token, TokenizerOptions(**options), dictionary) == reason


def test_pos_tags(dictionary):
    assert token_pos("创先争优", dictionary) == "l"
    assert token_pos("基层组织建设", dictionary) == "n"
    assert token_pos("2011", dictionary) == "m"
    assert token_pos("ISO", dictionary) == "eng"
    assert token_pos("晋档", dictionary) == "x"


def test_pos_keep_filters_tokens(paras):
    nouns = tokenize(paras, options=TokenizerOptions(pos_keep=("n",)), cache=False)
    assert "战斗堡垒" in set(nouns["token"])
    assert "推进" not in set(nouns["token"]) and "采取" not in set(nouns["token"])


def test_backends_agree_on_fixture(paras, tokens):
    slow = tokenize(paras, backend="jieba", cache=False)
    pd.testing.assert_frame_equal(slow, tokens)


def test_unknown_backend_and_missing_columns(paras):
    with pytest.raises(ValueError, match="backend"):
        tokenize(paras, backend="spacy", cache=False)
    with pytest.raises(KeyError, match="text"):
        tokenize(paras.drop(columns="text"), cache=False)


def test_empty_and_blank_paragraphs():
    empty = tokenize(pd.DataFrame({"doc_id": [], "para_id": [], "text": []}), cache=False)
    assert list(empty.columns) == TOKEN_COLUMNS and len(empty) == 0
    blank = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "text": ["", None]})
    assert len(tokenize(blank, cache=False)) == 0


def test_paragraph_text_with_newline_keeps_offsets():
    paras = pd.DataFrame(
        {"doc_id": ["a", "a"], "para_id": [0, 1], "text": ["招商引资\n战斗堡垒", "创先争优"]}
    )
    toks = tokenize(paras, cache=False)
    assert toks[["para_id", "token", "start", "end"]].values.tolist() == [
        [0, "招商引资", 0, 4],
        [0, "战斗堡垒", 5, 9],
        [1, "创先争优", 0, 4],
    ]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("党建招商引资村级组织战斗堡垒两委的 ,。“”12aB\ufffd\n")),
            max_size=30,
        ),
        min_size=1,
        max_size=5,
    )
)
def test_offsets_property(texts):
    paras = pd.DataFrame(
        {"doc_id": ["d"] * len(texts), "para_id": range(len(texts)), "text": texts}
    )
    loose = TokenizerOptions(min_chars=1, remove_stopwords=False, drop_numbers=False)
    toks = tokenize(paras, options=loose, cache=False)
    for row in toks.itertuples(index=False):
        assert texts[row.para_id][row.start : row.end] == row.token
        assert "\ufffd" not in row.token


def test_workers_give_identical_tokens(paras):
    many = pd.concat([paras.assign(doc_id=paras.doc_id + str(i)) for i in range(4)])
    serial = tokenize(many, cache=False)
    parallel = tokenize(many, cache=False, workers=2)
    pd.testing.assert_frame_equal(parallel, serial)


def test_unit_tokens(paras, tokens):
    per_para = unit_tokens(tokens)
    assert per_para.index[0] == "s1#0"
    assert per_para.loc["t1#0"][:3] == ["充分发挥", "村级党组织", "战斗堡垒"]
    per_doc = unit_tokens(tokens, unit="document")
    assert sorted(per_doc.index) == ["s1", "s2", "t1"]
    assert sum(map(len, per_doc)) == len(tokens)
    blank = pd.concat([paras, pd.DataFrame({"doc_id": ["zz"], "para_id": [0], "text": ["的"]})])
    full = unit_tokens(tokens, paragraphs=blank)
    assert full.loc["zz#0"] == [] and len(full) == len(blank)
    with pytest.raises(ValueError):
        unit_tokens(tokens, unit="sentence")


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_a_missing_token_is_refused_not_read_as_another_word(missing):
    """A None/NaN token used to become the LAST distinct token of the table (factorize's -1
    indexing the uniques from the end): 乡村振兴 here would have appeared twice."""
    from analysis.topics import bow_from_tokens, build_bow

    tokens = pd.DataFrame(
        {
            "doc_id": ["b7", "b7", "b7", "c2", "c2"],
            "para_id": [3, 3, 3, 1, 1],
            "token": pd.Series(["生态", missing, "旅游", "旅游", "乡村振兴"], dtype=object),
            "start": [0, 2, 4, 0, 2],
        }
    )
    with pytest.raises(
        ValueError, match=r"1 missing token.*row 1 \(doc_id b7, para_id 3, start 2\)"
    ):
        unit_tokens(tokens)
    with pytest.raises(ValueError, match="missing token"):
        bow_from_tokens(tokens, min_df=1)
    if missing is None:  # (a float NaN in a list is coerced with str(), as any non-string)
        with pytest.raises(ValueError, match="missing token"):
            build_bow(pd.Series({"b7#3": ["生态", None, "旅游"], "c2#1": ["旅游"]}), min_df=1)
    present = tokens.drop(index=1)
    assert unit_tokens(present).tolist() == [["生态", "旅游"], ["旅游", "乡村振兴"]]


def test_cut_and_segmenter_are_memoised():
    assert cut("创先争优") == ["创先争优"]
    assert segmenter("fast") is segmenter("fast")


def test_token_agreement():
    assert token_agreement([(0, 2), (2, 4)], [(0, 2), (2, 4)]) == 1.0
    assert token_agreement([(0, 4)], [(0, 2), (2, 4)]) == 0.0
    assert token_agreement([(0, 2), (2, 4)], [(0, 2), (2, 3), (3, 4)]) == pytest.approx(0.4)


def _plain_tokens(paras: pd.DataFrame, options: TokenizerOptions) -> list[tuple]:
    """The per-paragraph, per-word loop the vectorised tokenizer must reproduce exactly:
    segment each paragraph alone, keep a word when drop_reason says so, offsets by a running
    sum of word lengths."""
    from analysis.text.tokens import _dictionary

    dictionary = _dictionary(options)
    rows = []
    for doc, para, text in zip(paras["doc_id"], paras["para_id"], paras["text"], strict=True):
        pos = 0
        for word in cut(text if isinstance(text, str) else "", options=options):
            if drop_reason(word, options, dictionary) is None:
                rows.append((str(doc), int(para), word, pos, pos + len(word)))
            pos += len(word)
    return rows


@pytest.mark.parametrize("chunk_chars", [7, 60, 2_000_000])
@pytest.mark.parametrize(
    "options", [TokenizerOptions(), TokenizerOptions(remove_generic=True, min_chars=1)]
)
def test_vectorised_tokenizer_equals_the_plain_loop(paras, chunk_chars, options, monkeypatch):
    """Word ids from one decision table, offsets by cumulative sums, paragraph rows by search,
    over several segmentation chunks: the same rows as the plain loop (with empty, blank,
    newline-holding and token-less paragraphs in between)."""
    import analysis.text.tokens as tk

    extra = pd.DataFrame(
        {
            "doc_id": ["a0", "a0", "a0", "a1", "a1"],
            "para_id": [0, 1, 2, 0, 1],
            "text": ["", "的，了。", "招商引资\n战斗堡垒  两委", None, "创先争优，党建引领。"],
        }
    )
    many = pd.concat([extra, paras, paras.assign(doc_id=paras["doc_id"] + "x")])
    many = many.reset_index(drop=True)
    monkeypatch.setattr(tk, "_CHUNK_CHARS", chunk_chars)
    got = tokenize(many, options=options, cache=False)
    rows = list(
        zip(got["doc_id"].astype(str), got["para_id"].tolist(), got["token"].tolist(),
            got["start"].tolist(), got["end"].tolist(), strict=True)
    )  # fmt: skip
    assert rows == _plain_tokens(many, options)
    assert len(rows) > 50


def test_latin_words_of_each_user_dictionary_are_kept_by_its_own_table(tmp_path):
    """The decision table reads the user dictionary's Latin words once: a second dictionary
    (other content) gets its own table, so each keeps its own Latin words and drops the rest."""
    paras = pd.DataFrame(
        {"doc_id": ["r1"], "para_id": [0], "text": ["推广ETC通行，建设LoRa网络，开展QC小组活动。"]}
    )
    kept = {}
    for word in ("ETC", "LoRa"):
        userdict = tmp_path / f"user_{word}.txt"
        userdict.write_text(f"{word} 1000 nz\n", encoding="utf-8")
        tokens = tokenize(paras, options=TokenizerOptions(userdict=userdict), cache=False)
        kept[word] = {t for t in tokens["token"] if t.isascii()}
    assert kept == {"ETC": {"ETC"}, "LoRa": {"LoRa"}}  # QC never: no dictionary lists it


def test_unit_tokens_equals_a_groupby(tokens):
    """unit_tokens (codes, one split per unit) against pandas groupby on the same rows."""
    per_para = unit_tokens(tokens)
    keys = tokens["doc_id"].astype(str) + "#" + tokens["para_id"].astype(str)
    expected = tokens.groupby([tokens["doc_id"].astype(str), tokens["para_id"]], sort=True)[
        "token"
    ].agg(list)
    assert per_para.tolist() == expected.tolist()
    assert sorted(per_para.index) == sorted(set(keys))
    per_doc = unit_tokens(tokens, "document")
    docs = tokens.groupby(tokens["doc_id"].astype(str), sort=True)["token"].agg(list)
    assert per_doc.tolist() == docs.tolist() and per_doc.index.tolist() == docs.index.tolist()
