"""Content-keyed Parquet cache: hits, misses on any key change, atomic writes, no stale tokens."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
from fixtures_tokens import sample_paragraphs

from analysis.cache import cache_key, cache_path, cached_frame
from analysis.text import lexicons
from analysis.text.tokens import TokenizerOptions, tokenize


@pytest.fixture()
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.delenv("ANALYSIS_NO_CACHE", raising=False)
    return tmp_path


class Counter:
    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        self.calls = 0

    def __call__(self) -> pd.DataFrame:
        self.calls += 1
        return self.frame.copy()


def test_hit_miss_and_dtypes(root):
    frame = pd.DataFrame(
        {"doc_id": pd.Categorical(["a", "b"]), "n": pd.array([1, 2], "int32"), "t": ["甲", "乙"]}
    )
    compute = Counter(frame)
    first = cached_frame({"stage": "x", "v": 1}, compute, "demo")
    again = cached_frame({"v": 1, "stage": "x"}, compute, "demo")  # key order is irrelevant
    assert compute.calls == 1
    pd.testing.assert_frame_equal(first, again)
    assert isinstance(again["doc_id"].dtype, pd.CategoricalDtype)
    cached_frame({"stage": "x", "v": 2}, compute, "demo")
    assert compute.calls == 2
    cached_frame({"stage": "x", "v": 1}, compute, "demo", force=True)
    assert compute.calls == 3


def test_atomic_write_leaves_only_the_entry(root):
    cached_frame({"k": 1}, Counter(pd.DataFrame({"a": [1]})), "demo")
    files = sorted(p.name for p in (root / "demo").iterdir())
    assert files == [f"{cache_key({'k': 1})}.parquet"]


def test_failed_compute_writes_nothing(root):
    def boom() -> pd.DataFrame:
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        cached_frame({"k": 2}, boom, "demo")
    assert not cache_path({"k": 2}, "demo").exists()


def test_corrupt_entry_is_recomputed(root):
    compute = Counter(pd.DataFrame({"a": [1, 2]}))
    cached_frame({"k": 3}, compute, "demo")
    cache_path({"k": 3}, "demo").write_bytes(b"not parquet")
    out = cached_frame({"k": 3}, compute, "demo")
    assert compute.calls == 2 and out["a"].tolist() == [1, 2]


def test_no_cache_env_and_bad_names(root, monkeypatch):
    with pytest.raises(ValueError):
        cache_path({"k": 1}, "../escape")
    with pytest.raises(TypeError):
        cache_key({"k": object()})
    monkeypatch.setenv("ANALYSIS_NO_CACHE", "1")
    compute = Counter(pd.DataFrame({"a": [1]}))
    cached_frame({"k": 4}, compute, "demo")
    cached_frame({"k": 4}, compute, "demo")
    assert compute.calls == 2 and not (root / "demo").exists()


def _lexicon_copy(tmp_path):
    lex = tmp_path / "lex"
    lex.mkdir()
    for name in ["userdict.txt", "dict_delete.txt", "stopwords.txt", "generic_words.txt"]:
        shutil.copy(lexicons.USERDICT.parent / name, lex / name)
    options = TokenizerOptions(
        userdict=lex / "userdict.txt",
        delete_list=lex / "dict_delete.txt",
        stopwords=lex / "stopwords.txt",
        generic_words=lex / "generic_words.txt",
    )
    return lex, options


def test_changed_dictionary_line_never_serves_stale_tokens(root, tmp_path):
    lex, options = _lexicon_copy(tmp_path)
    paras = sample_paragraphs()
    before = tokenize(paras, options=options)
    assert "升级晋档" in set(before["token"])
    assert tokenize(paras, options=options).equals(before)  # a hit
    # remove one user-dictionary line: the term must split again, not come from the cache
    text = (lex / "userdict.txt").read_text(encoding="utf-8")
    (lex / "userdict.txt").write_text(text.replace("升级晋档 l\n", ""), encoding="utf-8")
    after = tokenize(paras, options=options)
    assert "升级晋档" not in set(after["token"])
    assert {"升级", "晋档"} <= set(after["token"])
    assert len(list((root / "tokens").glob("*.parquet"))) == 2


def test_changed_stopword_line_invalidates(root, tmp_path):
    lex, options = _lexicon_copy(tmp_path)
    paras = sample_paragraphs()
    assert "班子" in set(tokenize(paras, options=options)["token"])
    with open(lex / "stopwords.txt", "a", encoding="utf-8") as fh:
        fh.write("班子\n")
    assert "班子" not in set(tokenize(paras, options=options)["token"])


def test_changed_text_or_options_invalidate(root):
    paras = sample_paragraphs()
    base = tokenize(paras)
    edited = paras.copy()
    edited.loc[0, "text"] = "招商引资"
    assert tokenize(edited)["token"].iloc[0] == "招商引资"
    generic = tokenize(paras, options=TokenizerOptions(remove_generic=True))
    assert len(generic) < len(base)
    assert len(list((root / "tokens").glob("*.parquet"))) == 3
