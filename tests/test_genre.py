"""Genre profiles: paragraph roles, the genre detector and genre-generic words."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.corpus.build import analysis_paragraphs, load_corpus
from analysis.corpus.genre import (
    corpus_genres,
    document_roles,
    drop_words,
    genre_evidence,
    genre_generic_words,
    load_genre_profiles,
    paragraph_roles,
    role_counts,
)
from analysis.errors import InputFileError

THANKS = (
    "过去一年的成绩来之不易。这是省委正确领导的结果，是全省人民团结奋斗的结果。在此，我代表省人民政府，"
    "向全省各族人民，向各民主党派、工商联和无党派人士，表示衷心的感谢！"
)
POLICY_WITH_SUPERVISION = (
    "深入推进依法行政。健全重大行政决策程序，全面推行行政执法公示制度、执法全过程记录制度和重大执法决定"
    "法制审核制度，推进综合行政执法体制改革，加快建设数字法治政府，开展行政复议体制改革试点，完善行政"
    "裁量权基准制度，规范涉企检查和罚款行为，清理地方性法规和政府规章中不合时宜的条款。"
    "自觉接受政协民主监督。"
)
SUPERVISION = (
    "我们要自觉接受人大及其常委会的法律监督、工作监督，自觉接受政协的民主监督，"
    "认真听取各民主党派、工商联和无党派人士的意见建议。"
)
BODY = "全年地区生产总值增长6.5%，新建高标准农田50万亩，招商引资到位资金120亿元。"
REPORT = [
    "各位代表：",
    "现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。",
    BODY,
    THANKS,
    POLICY_WITH_SUPERVISION,
    SUPERVISION,
    "（1）加快建设现代化产业体系，推进制造业数字化转型。",
    "〔1〕“两新”：指大规模设备更新和消费品以旧换新。",
    "名词解释",
    "“三个一批”：谋划一批、储备一批、实施一批重大项目。",
    "本篇文章256字，读完约1分钟",
]


@pytest.fixture(scope="module")
def profiles():
    return load_genre_profiles()


def test_roles_of_a_work_report(profiles):
    roles = document_roles(REPORT, profiles=profiles)
    assert roles == [
        "salutation",
        "opening",  # the "我代表…请予审议" formula (labelled thanks before session 4)
        "substance",
        "thanks",
        "substance",  # one supervision sentence in a long policy paragraph stays substance
        "supervision",
        "substance",  # a numbered list item is not a note
        "notes",
        "notes",
        "notes",  # the glossary block runs to the end
        "notes",
    ]


def test_sharing_line_and_signature(profiles):
    texts = [BODY, BODY, "本篇文章256字，读完约1分钟", "中共某某镇委员会", "二〇一一年九月七日"]
    assert document_roles(texts, profiles=profiles) == [
        "substance", "substance", "sharing", "signature", "signature",
    ]  # fmt: skip
    # a date line in the middle of a report is not a signature
    middle = ["二〇一一年九月七日", BODY, BODY, BODY, BODY]
    assert document_roles(middle, profiles=profiles)[0] == "substance"


def test_salutation_needs_a_short_line(profiles):
    long = "各位代表，过去一年全省经济运行稳中有进，" + BODY
    assert document_roles([long], profiles=profiles) == ["substance"]


def test_paragraph_roles_per_document_and_titles(profiles):
    paras = pd.DataFrame(
        {
            "doc_id": ["a", "a", "a", "b", "b"],
            "para_id": [0, 1, 2, 0, 1],
            "kind": ["title", "body", "body", "body", "body"],
            "text": ["2023年政府工作报告", "各位代表：", BODY, BODY, "二〇一一年九月七日"],
        }
    )
    roles = paragraph_roles(paras, profiles=profiles)
    assert roles.tolist() == ["substance", "salutation", "substance", "substance", "signature"]
    counts = role_counts(paras.assign(role=roles)).set_index("doc_id")
    assert counts.loc["a", "non_substance_paragraphs"] == 1
    assert counts.loc["b", "role_signature"] == 1


def test_genre_evidence_and_corpus_genres(profiles):
    docs = pd.DataFrame({"doc_id": ["r", "e", "n"], "title": ["2023年政府工作报告", "", ""]})
    paras = pd.DataFrame(
        {
            "doc_id": ["r", "r", "e", "e", "n"],
            "para_id": [0, 1, 0, 1, 0],
            "kind": ["body"] * 5,
            "text": ["各位代表：", BODY, "我镇的主要做法和体会", BODY, BODY],
        }
    )
    ev = genre_evidence(docs, paras, profiles=profiles).set_index("doc_id")
    assert ev.loc["r", "genre"] == "work_report"
    assert ev.loc["r", "evidence_work_report"] >= 2
    assert ev.loc["e", "genre"] == "experience_material"
    assert ev.loc["n", "genre"] == "none" and ev.loc["n", "evidence"] == ""
    docs["genre"] = docs["doc_id"].map(ev["genre"])
    assert corpus_genres(docs, profiles=profiles) == ["experience_material", "work_report"]
    assert corpus_genres(docs.iloc[:1], profiles=profiles) == ["work_report"]
    assert corpus_genres(docs, genre="none", profiles=profiles) == []
    assert corpus_genres(docs, genre="work_report", profiles=profiles) == ["work_report"]
    with pytest.raises(ValueError, match="unknown genre"):
        corpus_genres(docs, genre="novel", profiles=profiles)


def test_generic_words_and_drop_words(profiles):
    words = genre_generic_words(["work_report"], profiles=profiles)
    assert "各位代表" in words and "代表" in words
    tokens = pd.DataFrame({"doc_id": ["a"] * 3, "para_id": [0] * 3,
                           "token": ["各位代表", "招商引资", "代表"], "start": [0, 4, 8],
                           "end": [4, 8, 10]})  # fmt: skip
    assert drop_words(tokens, words)["token"].tolist() == ["招商引资"]


def test_bad_profile_file_names_the_problem(tmp_path):
    bad = tmp_path / "genres.yaml"
    bad.write_text("roles:\n  - id: x\n    rule: line\n    line: ['(']\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="bad pattern"):
        load_genre_profiles(bad)
    bad.write_text("roles:\n  - id: x\n    rule: sometimes\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="'rule' must be one of"):
        load_genre_profiles(bad)


def test_corpus_labels_and_excludes_non_substance(tmp_path):
    text = "\n".join(["2023年某省政府工作报告", *REPORT[:6], BODY * 2])
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    corpus = load_corpus(tmp_path)
    paras = corpus.paragraphs
    assert set(paras["role"]) >= {"salutation", "thanks", "supervision", "substance"}
    assert corpus.documents["genre"].tolist() == ["work_report"]
    n_other = int((paras["role"] != "substance").sum())
    q = corpus.quality[corpus.quality["doc_id"] != ""]
    assert int(q["non_substance_paragraphs"].sum()) == n_other
    kept = analysis_paragraphs(corpus)
    assert set(kept["role"]) == {"substance"}
    assert len(analysis_paragraphs(corpus, substance_only=False)) == len(paras)
    assert "not substance" in corpus.summary()


def test_genre_cues_in_the_title_block_headlines_and_summaries(profiles):
    """The subtitle of the title block is searched (——…交流发言); the headline form of an
    experience piece (××区××街道：…) and the summary genre (工作总结, 完成情况的报告) are cues;
    a 工作汇报 in the body is not the speaker's 作简要汇报."""
    docs = pd.DataFrame(
        {
            "doc_id": ["speech", "headline", "summary", "essay"],
            "title": [
                "坚持人民至上 建设美丽家园",
                "雨花区井湾子街道：“三张清单”解民忧",
                "2020年工作总结和2021年工作打算",
                "浅谈基层统战工作",
            ],
        }  # fmt: skip
    )
    paras = pd.DataFrame(
        {
            "doc_id": ["speech", "speech", "headline", "summary", "essay"],
            "para_id": [0, 1, 0, 0, 0],
            "kind": ["title", "body", "body", "body", "body"],
            "text": [
                "——在全市组织工作会议上的交流发言",
                BODY,
                BODY,
                BODY,
                "主要领导每季度听取一次统战工作汇报。",
            ],
        }
    )
    ev = genre_evidence(docs, paras, profiles=profiles).set_index("doc_id")
    assert ev.loc["speech", "genre"] == "experience_material"
    assert ev.loc["headline", "genre"] == "experience_material"
    assert ev.loc["summary", "genre"] == "work_summary"
    assert ev.loc["essay", "genre"] == "none"


def test_a_notice_addressed_to_townships_is_not_an_experience_headline(profiles):
    """各乡镇： addresses a notice's recipients; it is not the ××县××镇： headline form."""
    docs = pd.DataFrame({"doc_id": ["notice"], "title": ["关于做好2020年防汛工作的通知"]})
    paras = pd.DataFrame(
        {
            "doc_id": ["notice", "notice"],
            "para_id": [0, 1],
            "kind": ["body", "body"],
            "text": ["各乡镇：", "为切实做好今年防汛工作，现将有关事项通知如下。"],
        }
    )
    ev = genre_evidence(docs, paras, profiles=profiles).set_index("doc_id")
    assert ev.loc["notice", "genre"] == "none"


def test_opening_formula_is_its_own_role(profiles):
    """The opening formula of a work report is `opening`, not thanks; a sentence that merely
    mentions 提请大会审议 stays substance."""
    texts = [
        "受县人民政府委托，我向大会报告政府工作，请予审议，并请县政协委员和列席会议的同志提出意见。",
        "提请大会审议的规划纲要总结了过去五年的发展成就，提出了今后五年的目标任务和重大项目。",
        BODY,
        THANKS,
    ]
    assert document_roles(texts, profiles=profiles) == [
        "opening",
        "substance",
        "substance",
        "thanks",
    ]


def test_research_reports_and_summaries_stated_in_the_opening(profiles):
    """A 调研报告 is its own genre (its 我县 does not make it experience material); a summary
    whose only other cue is 我镇 is still a summary when the opening says 总结如下."""
    docs = pd.DataFrame(
        {
            "doc_id": ["study", "summary"],
            "title": ["关于我县乡村学校布局调整的调研报告", "城关镇2019年计生工作总结"],
        }
    )
    paras = pd.DataFrame(
        {
            "doc_id": ["study", "study", "summary", "summary"],
            "para_id": [0, 1, 0, 1],
            "kind": ["body"] * 4,
            "text": [
                "县人大常委会调研组于5月深入9所学校开展专题调研。",
                "针对存在的困难，提出以下对策建议。",
                "现将我镇一年来计生工作总结如下。",
                "全年出生人口政策符合率达到98%。",
            ],
        }
    )
    ev = genre_evidence(docs, paras, profiles=profiles).set_index("doc_id")
    assert ev.loc["study", "genre"] == "research_report"
    assert ev.loc["summary", "genre"] == "work_summary"
