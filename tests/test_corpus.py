"""Integration: the five raw files of data/raw through the whole corpus layer."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from analysis import paths
from analysis.corpus import analysis_paragraphs, load_corpus, write_corpus_tables


def test_raw_data_is_byte_for_byte_the_seeds():
    """data/raw is immutable: its bytes match the recorded checksums."""
    recorded = {}
    for line in (paths.DATA / "raw.sha256").read_text().splitlines():
        digest, name = line.split()
        recorded[Path(name).name] = digest
    actual = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths.RAW.glob("*.txt")}
    assert actual == recorded and len(actual) == 5


def test_articles_and_ids(raw_corpus):
    ids = raw_corpus.documents["doc_id"].tolist()
    assert ids == ["000", "001", "002-1", "002-2", "002-3", "002-4", "002-5", "003", "004"]
    assert (raw_corpus.quality["status"] == "ok").all()


def test_duplicate_pair_is_detected_and_excluded(raw_corpus):
    dups = raw_corpus.documents.set_index("doc_id")["duplicate_of"]
    assert dups[dups != ""].to_dict() == {"002-2": "002-1"}
    pair = raw_corpus.duplicates.iloc[0]
    assert pair["jaccard"] > 0.9
    used = set(analysis_paragraphs(raw_corpus)["doc_id"])
    assert "002-2" not in used and "002-1" in used


def test_metadata(raw_corpus):
    docs = raw_corpus.documents.set_index("doc_id")
    assert docs["place"].to_dict() == {
        "000": "天长镇", "001": "", "002-1": "灵宝市", "002-2": "灵宝市", "002-3": "",
        "002-4": "兖州市", "002-5": "汤河镇", "003": "神河镇", "004": "",
    }  # fmt: skip
    assert docs.loc["003", "date"] == "2011-09-14" and docs.loc["002-5", "date"] == "2009-09-07"
    assert docs.loc["003", "editor"] == "魏代琼" and docs.loc["003", "author"] == "刘民"
    assert docs.loc["000", "script"] == "traditional" and docs.loc["004", "script"] == "simplified"
    assert docs.loc["003", "title"] == "神河镇“升级晋档”推动党建经济双丰收"
    assert docs.loc["002-1", "title"] == "加强县级统战工作服务县域经济发展"


def test_no_chrome_or_pinyin_survives_and_bodies_do(raw_corpus):
    paras = raw_corpus.paragraphs
    everything = "\n".join(paras["text"])
    pinyin = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")
    assert not pinyin.search("\n".join(paras["text_original"]))
    for chrome in ["用户中心", "手机版", "您当前的位置", "字体调节", "下载文档前", "上一篇", "下一篇",
                   "相关推荐", "发表回复", "邮箱地址", "如若转载", "http", "浅谈美术学习兴趣", "责任编辑"]:  # fmt: skip
        assert chrome not in everything, chrome
    for body in ["突出农民增收、农村发展、村级党组织建设三个重点", "镇党委立足于工业园区项目建设",
                 "统战工作列入各级党委的重要议事日程", "核心的战斗堡垒作用", "打造亮丽文明新"]:  # fmt: skip
        assert body in everything, body


def test_texts_align_and_garbled_spans_are_flagged(raw_corpus):
    paras = raw_corpus.paragraphs
    assert (paras["text"].str.len() == paras["text_original"].str.len()).all()
    assert paras["n_garbled"].sum() == raw_corpus.quality["garbled_spans"].sum() > 0
    assert "?" not in "".join(paras["text"])


def test_wrapped_lines_are_rejoined(raw_corpus):
    text = "\n".join(raw_corpus.paragraphs.loc[raw_corpus.paragraphs["doc_id"] == "001", "text"])
    assert "公示承诺目标" in text
    assert raw_corpus.paragraphs["position"].between(0, 1).all()


def test_sections(raw_corpus):
    p = raw_corpus.paragraphs
    d003 = p[p["doc_id"] == "003"]
    assert d003.loc[d003["kind"] == "heading", "section"].tolist() == [
        "抓经济检验党建工作成效", "抓党建促进经济发展步伐", "抓措施推动村级升级晋档", "抓结果实现党建经济双赢",
    ]  # fmt: skip
    d25 = p[p["doc_id"] == "002-5"]
    assert d25["section_no"].max() == 3
    assert (d25["kind"] == "subheading").sum() == 4


def test_tables_written(tmp_path, raw_corpus):
    written = write_corpus_tables(raw_corpus, tmp_path)
    assert sorted(p.name for p in written.values()) == [
        "boilerplate.csv",
        "documents.csv",
        "paragraphs.csv",
        "quality.csv",
        "removed_lines.csv",
    ]
    import pandas as pd

    docs = pd.read_csv(written["documents"], dtype=str, keep_default_na=False)
    for col in [
        "doc_id",
        "source_file",
        "title",
        "place",
        "date",
        "script",
        "n_chars",
        "n_paragraphs",
        "duplicate_of",
    ]:
        assert col in docs.columns


def test_parallel_ingestion_matches_serial(raw_corpus):
    parallel = load_corpus(workers=2)
    assert parallel.documents.equals(raw_corpus.documents)
    assert parallel.paragraphs.equals(raw_corpus.paragraphs)


def test_one_definition_of_a_near_duplicate():
    import pandas as pd

    from analysis.corpus.dedup import duplicate_mask, without_duplicates

    docs = pd.DataFrame({"doc_id": ["a", "b", "c", "d"], "duplicate_of": ["", "a", None, " "]})
    assert duplicate_mask(docs).tolist() == [False, True, False, False]
    assert without_duplicates(docs)["doc_id"].tolist() == ["a", "c", "d"]
    assert not duplicate_mask(docs.drop(columns="duplicate_of")).any()


def test_signature_keeps_the_issuing_body_lines_above_the_dated_line(tmp_path):
    """The signature column holds the issuing-body lines that end a report and the dated line
    (it kept only the date); the issuing-body lines stay paragraphs, place and date unchanged."""
    text = (
        "青松镇2015年工作总结\n\n"
        "2014年，全镇上下团结一心，完成了年初确定的各项目标任务，财政收入增长百分之十二。\n\n"
        "新的一年，我们将继续抓好项目建设和民生实事，推动全镇经济社会持续健康发展。\n\n"
        "中共青松镇委员会\n\n青松镇人民政府\n\n2015年3月2日\n"
    )
    (tmp_path / "qingsong.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    doc = corpus.documents.iloc[0]
    assert doc["signature"] == "中共青松镇委员会 青松镇人民政府 2015年3月2日"
    assert doc["date"] == "2015-03-02"
    assert "青松镇人民政府" in corpus.paragraphs["text"].tolist()


def test_compilation_issue_date_dates_its_pieces(tmp_path):
    """The date before the first piece of a 简报 is the date of every piece without its own."""
    text = "\n".join([
        "组织工作简报", "第12期", "县委组织部编　　2019年11月4日", "",
        "第一篇：东关镇：党员积分管理见实效", "", "东关镇推行党员积分管理，全镇党员参与率达到96%。", "",
        "第二篇：西岭乡：村级事务阳光公开", "", "西岭乡推行村务公开栏，群众满意度明显提升。",
        "西岭乡党委", "2019年10月30日",
    ])  # fmt: skip
    (tmp_path / "brief.txt").write_text(text + "\n", encoding="utf-8")
    docs = load_corpus(tmp_path).documents.set_index("doc_id")
    assert docs.loc["brief-1", "date"] == "2019-11-04"
    assert docs.loc["brief-2", "date"] == "2019-10-30"  # its own signature date wins
    (tmp_path / "brief.txt").write_text(text.replace("2019年10月30日", "") + "\n", encoding="utf-8")
    docs = load_corpus(tmp_path).documents.set_index("doc_id")
    assert docs.loc["brief-2", "date"] == "2019-11-04"
