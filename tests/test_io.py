"""Encoding detection and bad input: every problem is a named, one-line skip — never a crash."""

from __future__ import annotations

import random

import pytest

from analysis.corpus import load_corpus
from analysis.corpus.io import decode_bytes
from analysis.errors import InputFileError

TRAD = "關於構建和諧鄉鎮的幾點做法和體會\n今年以來,天長鎮在構建政治穩定、經濟發展、文化繁榮的和諧天長進程中,堅持以人為本。\n"
SIMP = "务实创新抓党建凝心聚力谋发展\n该镇紧扣“围绕发展抓党建、抓好党建促发展”的思路,以创先争优为切入点,深入开展主题活动。\n"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        (SIMP, "utf-8", "utf-8"),
        (SIMP, "utf-8-sig", "utf-8-sig"),
        (SIMP, "gb18030", "gb18030"),
        (SIMP, "gbk", "gb18030"),
        (TRAD, "big5", "big5"),
        (TRAD, "utf-16", "utf-16-le"),
        (TRAD, "utf-16-le", "utf-16-le"),  # no BOM
    ],
)
def test_decode_bytes_detects_encoding(text, encoding, expected):
    decoded, detected = decode_bytes(text.encode(encoding))
    assert decoded.lstrip("\ufeff") == text
    assert detected == expected


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20, "binary"),
    ],
)
def test_decode_bytes_rejects(payload, reason):
    with pytest.raises(ValueError, match=reason):
        decode_bytes(payload)


def test_each_encoding_loads_as_a_corpus(tmp_path):
    (tmp_path / "a_gb.txt").write_bytes(SIMP.encode("gb18030"))
    (tmp_path / "b_big5.txt").write_bytes(TRAD.encode("big5"))
    (tmp_path / "c_bom.txt").write_bytes(SIMP.encode("utf-8-sig"))
    corpus = load_corpus(tmp_path)
    q = corpus.quality.set_index("source_file")
    assert q.loc[q["doc_id"] == ""]["encoding"].to_dict() == {
        "a_gb.txt": "gb18030", "b_big5.txt": "big5", "c_bom.txt": "utf-8-sig",
    }  # fmt: skip
    assert corpus.documents["title"].tolist()[:2] == [
        "务实创新抓党建凝心聚力谋发展",
        "关于构建和谐乡镇的几点做法和体会",
    ]
    assert corpus.documents["script"].tolist() == ["simplified", "traditional", "simplified"]


def test_bad_files_are_skipped_with_reasons_and_good_ones_kept(tmp_path, caplog):
    (tmp_path / "good.txt").write_text(SIMP, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "chrome_only.txt").write_text(
        "用户中心 | 手机版 | 繁体\n上一篇 2022年10月30日\n", encoding="utf-8"
    )
    (tmp_path / "garbage.txt").write_bytes(b"\xff\xfa" * 20)  # invalid in every encoding
    (tmp_path / "fake_bom.txt").write_bytes(b"\xff\xfe" + bytes(range(1, 255)))
    rng = random.Random(0)
    words = [
        "加快发展",
        "镇域经济",
        "提升党建",
        "招商引资",
        "基础设施",
        "农民增收",
        "社会稳定",
        "项目建设",
    ]
    huge = "".join("".join(rng.sample(words, 4)) + "。" for _ in range(30000)).encode("utf-8")
    (tmp_path / "huge.txt").write_bytes(huge)
    corpus = load_corpus(tmp_path)
    assert set(corpus.documents["source_file"]) == {"good.txt", "huge.txt"}
    q = corpus.quality
    reasons = dict(zip(q["source_file"], q["reason"]))
    assert reasons["empty.txt"] == "empty file"
    assert reasons["binary.txt"].startswith("binary file")
    assert reasons["garbage.txt"].startswith("undecodable")
    assert reasons["fake_bom.txt"].startswith("undecodable")
    assert "web chrome only" in q.loc[q["source_file"] == "chrome_only.txt", "reason"].iloc[-1]
    huge_paras = corpus.paragraphs[corpus.paragraphs["doc_id"] == "huge"]
    assert len(huge_paras) > 1 and huge_paras["n_chars"].max() <= 6100
    assert huge_paras["text"].str.len().sum() == len(huge.decode("utf-8"))
    assert any("empty.txt" in r.getMessage() for r in caplog.records)


def test_missing_or_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(InputFileError, match="raw data folder not found"):
        load_corpus(tmp_path / "nope")
    with pytest.raises(InputFileError, match=r"no \.txt or \.md files"):
        load_corpus(tmp_path)
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(InputFileError, match="no readable report.*empty.txt: empty file"):
        load_corpus(tmp_path)


def test_manifest_is_joined_by_file_name(tmp_path):
    (tmp_path / "0001.txt").write_text(SIMP, encoding="utf-8")
    (tmp_path / "0002.txt").write_text(TRAD, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "file,title,year,level,region\n0001.txt,某镇党建材料,2011,township,湖南\n0002.txt,,2007,township,山西\n0003.txt,缺失,2001,x,y\n",
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    docs = corpus.documents.set_index("doc_id")
    assert docs.loc["0001", "title"] == "某镇党建材料"
    assert docs.loc["0001", "title_from_text"] == "务实创新抓党建凝心聚力谋发展"
    assert (
        docs.loc["0002", "title"] == "关于构建和谐乡镇的几点做法和体会"
    )  # empty manifest title: keep
    assert docs["year"].tolist() == [2011, 2007]
    assert docs["level"].tolist() == ["township", "township"]
    missing = corpus.quality[corpus.quality["source_file"] == "0003.txt"]
    assert missing["reason"].tolist() == ["listed in manifest.csv but not found"]


def test_manifest_without_file_column_names_the_file(tmp_path):
    (tmp_path / "a.txt").write_text(SIMP, encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("name,year\na.txt,2011\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"manifest.csv:1: manifest needs a 'file' column"):
        load_corpus(tmp_path)


def test_cli_reports_bad_input_without_traceback(tmp_path, capsys):
    from analysis.cli import main

    assert main(["corpus", "--data", str(tmp_path / "missing"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("error: ") and "raw data folder not found" in err and "Traceback" not in err
    )


def test_markdown_read_other_files_counted_and_recursive_mode(tmp_path, caplog):
    (tmp_path / "a.txt").write_text(
        "甲镇政府工作报告\n全镇招商引资完成1950万元。", encoding="utf-8"
    )
    (tmp_path / "b.md").write_text(
        "---\ntitle: 乙镇工作总结\nlevel: 镇\n---\n# 乙镇工作总结\n\n**一、主要成绩**\n\n"
        "全镇**农民人均纯收入**增长8%。\n",
        encoding="utf-8",
    )
    (tmp_path / "c.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "d.pdf").write_bytes(b"%PDF-1.4")
    sub = tmp_path / "more"
    sub.mkdir()
    (sub / "a.txt").write_text("丙镇经验材料\n发展特色产业。", encoding="utf-8")
    with caplog.at_level("WARNING"):
        flat = load_corpus(tmp_path)
    assert flat.documents["source_file"].tolist() == ["a.txt", "b.md"]
    assert dict(zip(flat.ignored_files["extension"], flat.ignored_files["n_files"])) == {
        ".docx": 1, ".pdf": 1, "(subfolder)": 1,
    }  # fmt: skip
    assert any(".docx" in r.getMessage() and "subfolder" in r.getMessage() for r in caplog.records)
    md = flat.paragraphs[flat.paragraphs["doc_id"] == "b"]
    assert md["kind"].tolist() == ["title", "heading", "body"]
    assert md["section"].tolist()[1:] == ["一、主要成绩"] * 2
    assert "**" not in "".join(md["text"])
    doc = flat.documents.set_index("doc_id").loc["b"]
    assert doc["title"] == "乙镇工作总结" and doc["level"] == "镇"
    deep = load_corpus(tmp_path, recursive=True)
    assert deep.documents["source_file"].tolist() == ["a.txt", "b.md", "more/a.txt"]
    assert deep.documents["doc_id"].is_unique
