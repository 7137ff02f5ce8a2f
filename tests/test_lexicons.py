"""Lexicon files: parsing (BOM, CRLF, comments), clear errors, frequency resolution, deletions."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.errors import InputFileError
from analysis.text import lexicons
from analysis.text.lexicons import (
    effective_dictionary,
    read_user_dict,
    suggest_join_freq,
    word_set,
)
from analysis.text.tokens import TokenizerOptions, cut


@pytest.fixture(scope="module")
def plain_jieba():
    import jieba

    tk = jieba.Tokenizer()
    tk.check_initialized()
    return tk


def write(path, text: str, *, bom: bool = False, crlf: bool = False):
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_user_dict_bom_crlf_comments(tmp_path):
    path = write(
        tmp_path / "u.txt",
        "创先争优\n# comment\n\n升级晋档 5 l\n三联共建 n\n",
        bom=True,
        crlf=True,
    )
    entries = read_user_dict(path)
    assert [(e.word, e.freq, e.tag, e.line) for e in entries] == [
        ("创先争优", None, "nz", 1),
        ("升级晋档", 5, "l", 4),
        ("三联共建", None, "n", 5),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("升级晋档 0", "positive"),
        ("升级晋档 -3", "positive"),
        ("升级晋档 5 L", "POS tag"),
        ("升级晋档 a1", "POS tag"),
        ("升级晋档 5 n extra", "too many fields"),
        ("升级\ufffd晋档", "invalid word"),
        ("中国·南京", "can never be one token"),
        ("ＡＢＣ经济", "can never be one token"),
    ],
)
def test_user_dict_errors_name_file_and_line(tmp_path, line, problem):
    path = write(tmp_path / "bad.txt", f"创先争优\n{line}\n")
    with pytest.raises(InputFileError, match=problem) as info:
        read_user_dict(path)
    assert info.value.line == 2
    assert "bad.txt:2" in str(info.value)


def test_missing_or_undecodable_file(tmp_path):
    with pytest.raises(InputFileError, match="not found"):
        read_user_dict(tmp_path / "nope.txt")
    (tmp_path / "gbk.txt").write_bytes("创先争优".encode("gbk"))
    with pytest.raises(InputFileError, match="UTF-8"):
        read_user_dict(tmp_path / "gbk.txt")


def test_malformed_dictionary_error_surfaces_through_tokenize(tmp_path):
    path = write(tmp_path / "userdict.txt", "创先争优\n升级晋档 five words\n")
    with pytest.raises(InputFileError, match="userdict.txt:2"):
        cut("创先争优", options=TokenizerOptions(userdict=path))


def test_undecodable_stopword_list_names_the_file(tmp_path):
    bad = tmp_path / "stopwords.txt"
    bad.write_bytes("的\n了\n".encode("gbk"))
    from analysis.text.tokens import tokenize

    paras = pd.DataFrame({"doc_id": ["a"], "para_id": [0], "text": ["招商引资"]})
    with pytest.raises(InputFileError, match="stopwords.txt"):
        tokenize(paras, options=TokenizerOptions(stopwords=bad), cache=False)


def test_entry_without_frequency_wins(tmp_path):
    # 晋档 is unknown to jieba: without a resolved frequency jieba cuts 升级/晋档
    assert cut("升级晋档", options=TokenizerOptions(userdict=None)) == ["升级", "晋档"]
    path = write(tmp_path / "u.txt", "升级晋档\n")
    assert cut("开展升级晋档活动", options=TokenizerOptions(userdict=path)) == [
        "开展",
        "升级晋档",
        "活动",
    ]


def test_low_explicit_frequency_is_raised(tmp_path):
    path = write(tmp_path / "u.txt", "基层组织建设 1\n")
    d = effective_dictionary(userdict=path, delete=None)
    assert d.user["基层组织建设"] >= d.freq["基层组织"] > 1  # rarest piece of 基层组织/建设
    words = cut("抓好基层组织建设", options=TokenizerOptions(userdict=path, delete_list=None))
    assert "基层组织建设" in words
    high = write(tmp_path / "h.txt", "基层组织建设 99999\n")
    assert effective_dictionary(userdict=high, delete=None).user["基层组织建设"] == 99999


def test_suggest_join_freq_matches_jieba():
    import jieba

    reference = jieba.dt  # the default tokenizer; suggest_freq(tune=False) does not modify it
    reference.check_initialized()
    d = effective_dictionary(userdict=None, delete=None)
    for word in ["升级晋档", "战斗堡垒", "基层组织建设", "非公有制经济"]:
        assert suggest_join_freq(word, d.freq, d.total) == reference.suggest_freq(word)


def test_delete_list_removes_swallowing_words(tmp_path):
    user = write(tmp_path / "u.txt", "统一战线\n")
    empty = write(tmp_path / "none.txt", "# nothing\n")
    delete = write(tmp_path / "d.txt", "爱国统一战线\n不存在的词\n")
    sentence = "巩固和发展最广泛的爱国统一战线"
    keep = TokenizerOptions(userdict=user, delete_list=empty)
    assert "爱国统一战线" in cut(sentence, options=keep)  # the trap: a longer built-in word
    fixed = TokenizerOptions(userdict=user, delete_list=delete)
    assert cut(sentence, options=fixed)[-2:] == ["爱国", "统一战线"]
    d = effective_dictionary(userdict=user, delete=delete)
    assert d.deleted == ("爱国统一战线",) and "爱国统一战线" not in d


@pytest.mark.parametrize(
    ("word", "sentence", "plain_piece"),
    [
        ("社会治安", "社会风气和社会治安状况还不能令人满意", "治安状况"),
        ("重点项目", "交通水利等重点项目前期工作取得进展", "项目前期"),
    ],
)
def test_resolution_beats_the_plain_jieba_rule(plain_jieba, tmp_path, word, sentence, plain_piece):
    """jieba's own floor (suggest_freq) wins in isolation only; ours also wins in context."""
    plain_jieba.add_word(word)  # jieba: freq = suggest_freq(word)
    assert plain_piece in plain_jieba.lcut(sentence)
    user = write(tmp_path / "u.txt", f"{word}\n")
    words = cut(sentence, options=TokenizerOptions(userdict=user, delete_list=None))
    assert word in words and plain_piece not in words


def test_dictionary_memoised_on_content(tmp_path):
    path = write(tmp_path / "u.txt", "升级晋档\n")
    first = effective_dictionary(userdict=path, delete=None)
    assert effective_dictionary(userdict=path, delete=None) is first
    write(tmp_path / "u.txt", "升级晋档\n三联共建\n")
    second = effective_dictionary(userdict=path, delete=None)
    assert second is not first and "三联共建" in second.user


def test_shipped_lexicons_are_valid():
    entries = read_user_dict(lexicons.USERDICT)
    assert len(entries) >= 100
    words = {e.word for e in entries}
    required = {"创先争优", "招商引资", "基层组织建设", "战斗堡垒", "先锋模范作用", "新农村建设",
                "村级党组织", "两委", "非公有制经济", "统战工作", "升级晋档", "三联共建"}  # fmt: skip
    assert required <= words
    stop = word_set(lexicons.STOPWORDS)
    generic = word_set(lexicons.GENERIC_WORDS)
    assert {"的", "了", "和", "万元", "一"} <= stop
    assert {"工作", "进一步", "积极", "全面"} <= generic
    assert not (words & stop), "a domain term is also a stopword"
    assert not (words & generic), "a domain term is also a generic word"
    d = effective_dictionary()
    for word in lexicons.read_delete_list(lexicons.DELETE_LIST):
        assert word not in d


def test_user_word_table_shows_resolved_frequencies(tmp_path):
    from analysis.text.lexicons import user_word_table

    path = write(tmp_path / "u.txt", "升级晋档\n基层组织建设 1 n\n")
    table = user_word_table(userdict=path, delete=None)
    assert table["word"].tolist() == ["升级晋档", "基层组织建设"]
    assert table["line"].tolist() == [1, 2] and table["tag"].tolist() == ["nz", "n"]
    assert table["freq_given"].isna().tolist() == [True, False]
    assert (table["freq_resolved"] > 1).all()


def test_base_dictionary_reads_dict_txt_as_jieba_does():
    """jieba's dict.txt read by the line parser: every word's frequency and the total are
    jieba's own (``Tokenizer.gen_pfdict``; prefixes it adds with frequency 0 aside)."""
    import jieba

    from analysis.text import lexicons as lx

    freq, tag, total = lx._base_dictionary.__wrapped__(str(lx.jieba_dict_path()), "test")
    with open(lx.jieba_dict_path(), "rb") as f:
        lfreq, ltotal = jieba.Tokenizer().gen_pfdict(f)
    assert total == ltotal and len(freq) > 300_000 and set(tag) == set(freq)
    assert all(lfreq[w] == n for w, n in freq.items())
    assert {w for w, n in lfreq.items() if n} <= set(freq)


def test_jieba_dict_path_without_importing_jieba():
    import subprocess
    import sys

    code = (
        "import sys; from analysis.text.lexicons import jieba_dict_path; p = jieba_dict_path(); "
        "import jieba, pathlib; "
        "assert p == pathlib.Path(jieba.__file__).resolve().parent / 'dict.txt' and p.is_file()"
    )
    check = "import sys; from analysis.text.lexicons import jieba_dict_path; jieba_dict_path(); "
    check += "assert 'jieba' not in sys.modules"
    for source in (code, check):
        subprocess.run([sys.executable, "-c", source], check=True)
