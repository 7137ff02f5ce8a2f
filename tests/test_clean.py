"""Unit tests for each cleaning step, on short fixtures in both scripts."""

from __future__ import annotations

import pytest

from analysis.corpus.clean import (
    clean_lines,
    clean_text,
    flag_garbled,
    load_chrome_patterns,
    normalise_width,
    parse_byline,
    strip_pinyin,
    strip_urls,
)
from analysis.corpus.script import detect_script, to_simplified
from analysis.errors import InputFileError


@pytest.fixture(scope="module")
def patterns():
    return load_chrome_patterns()


# --- pinyin ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "clean", "n"),
    [
        ("統(tǒng)戰(zhàn)工作", "統戰工作", 2),
        ("发(fā)展经济", "发展经济", 1),
        ("面積(AA級)景區", "面積(AA級)景區", 0),  # capitals: not pinyin
        ("涉及(xx)村", "涉及(xx)村", 0),  # anonymisation, no tone mark
        ("長度(cm)", "長度(cm)", 0),
        ("(一)狠抓招商", "(一)狠抓招商", 0),
    ],
)
def test_strip_pinyin(raw, clean, n):
    assert strip_pinyin(raw) == (clean, n)


# --- garbled --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "expected", "spans"),
    [
        ("為了確?!半p基四落實", "為了確\ufffd基四落實", 1),  # shifted GBK decoding
        ("經(jīng)?;?、制度化", "經(jīng)\ufffd、制度化", 1),  # after a pinyin annotation
        ("不到位?,F(xiàn)在情況", "不到位\ufffd在情況", 1),  # with the annotation glued on
        ("以豐家?guī)X現(xià)代", "以豐家\ufffd現(xià)代", 1),
        ("文字\ufffd\ufffd損壞", "文字\ufffd損壞", 1),  # runs of U+FFFD become one
    ],
)
def test_flag_garbled(raw, expected, spans):
    text, n_spans, n_chars = flag_garbled(raw)
    assert text == expected
    assert n_spans == spans
    assert n_chars == len(raw) - len(expected) + spans


@pytest.mark.parametrize("raw", ["你好吗?我很好", "怎么办?”他说", "What? no", "结束了吗?"])
def test_real_question_marks_survive(raw):
    assert flag_garbled(raw) == (raw, 0, 0)


# --- width ----------------------------------------------------------------------------------
def test_normalise_width_folds_fullwidth_and_spaces():
    text, n = normalise_width("ＡＢＣ１２３，好　　好\u200b。")
    assert text == "ABC123,好 好。"
    assert n == 10


def test_strip_urls():
    assert strip_urls("出处:https://fanwen.example.com/64680.html 谢谢") == ("出处: 谢谢", 1)


# --- chrome / byline ------------------------------------------------------------------------
CHROME = [
    ("用戶中心 | 手機版 | 繁體 本站支持IPV6", "navigation"),
    ("您當前的位置: 旬陽市人民政府> 工作動態> 正文詳情", "breadcrumb"),
    ("字體調節: A+ A- 操作:", "font_size"),
    ("- 1、下载文档前请自行甄别文档内容的完整性", "download_notice"),
    ("上一篇 2022年10月30日 上午8:41", "prev_next"),
    ("您的邮箱地址不会被公开。 必填项已用 * 标注", "comment_form"),
    ("原创文章,作者:fanwen,如若转载,请注明出处", "reprint_notice"),
    ("版權所有 © 2011 某某縣人民政府", "copyright"),
    ("(0)", "counter"),
]


@pytest.mark.parametrize(("line", "category"), CHROME)
def test_chrome_lines_removed_and_counted(patterns, line, category):
    result = clean_lines([line, "全鎮招商引資完成1950萬元。"], patterns)
    assert result.lines == ["全鎮招商引資完成1950萬元。"]
    assert result.counts[f"chrome_{category}"] == 1


def test_related_posts_block_removed_to_the_end(patterns):
    lines = [
        "镇党委立足于工业园区项目建设。",
        "相关推荐",
        "浅谈美术学习兴趣的培养",
        "经验交流材料 2022年12月3日",
    ]
    result = clean_lines(lines, patterns)
    assert result.lines == ["镇党委立足于工业园区项目建设。"]
    assert result.counts["related_lines"] == 3


def test_byline_parsed_into_metadata(patterns):
    lines = ["作者:劉民 發布時間:2011-09-14 09:09 來源:本站原創", "正文。", "【責任編輯:魏代瓊】"]
    result = clean_lines(lines, patterns)
    assert result.lines == ["正文。"]
    assert result.meta == {
        "author": "刘民",
        "date": "2011-09-14",
        "source": "本站原创",
        "editor": "魏代琼",
    }
    assert result.counts["byline_lines"] == 2


def test_body_sentences_are_not_bylines(patterns):
    body = "镇党委书记任组长,镇长任副组长,负责处理征地、矛盾纠纷调处等工作,时间紧任务重。"
    assert parse_byline(body, patterns) == {}
    assert clean_lines([body], patterns).lines == [body]


def test_clean_text_convenience():
    assert clean_text("發(fā)展經(jīng)濟\n上一篇 2022年10月30日") == "發展經濟"


def test_malformed_chrome_file_names_file(tmp_path):
    bad = tmp_path / "chrome.yaml"
    bad.write_text("line:\n  nav:\n    - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="chrome.yaml.*line.nav.*invalid regular expression"):
        load_chrome_patterns(bad)
    bad.write_text("line: [\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"chrome.yaml:\d+: invalid YAML"):
        load_chrome_patterns(bad)


# --- script ---------------------------------------------------------------------------------
def test_to_simplified_preserves_length():
    for text in ["關於構建和諧鄉鎮的幾點做法和體會", "乾隆皇帝的後花園裡", "發展經濟,統戰工作。"]:
        simp = to_simplified(text)
        assert len(simp) == len(text)
    assert to_simplified("發展經濟") == "发展经济"


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("關於構建和諧鄉鎮的幾點做法和體會,發展鎮域經濟是關鍵,提升黨建水平是基礎。", "traditional"),
        ("关于构建和谐乡镇的几点做法和体会,发展镇域经济是关键,提升党建水平是基础。", "simplified"),
        ("关于构建和谐乡镇的几点做法和体会,發展鎮域經濟是關鍵,提升黨建水平是基礎。", "mixed"),
    ],
)
def test_detect_script(text, script):
    assert detect_script(text) == script


# --- field lines (bylines, metadata tables) ---------------------------------------------------
@pytest.mark.parametrize(
    ("line", "fields"),
    [
        (
            "记 者|张三  编 辑|李四  审 核|王五",
            {"author": "张三", "editor": "李四", "reviewer": "王五"},
        ),
        ("記者 張三 通訊員 李四", {"author": "张三"}),
        ("文/王小明 图/李华", {"author": "王小明"}),
        (
            "索引号:000014349/2019-00012 发布机构:某市人民政府办公室",
            {"metadata": "000014349/2019-00012"},
        ),
        ("2019-03-01 10:20 来源:市政府网", {"source": "市政府网", "date": "2019-03-01"}),
        ("浏览次数:1234", {"views": "1234"}),
        ("【责任编辑:魏代琼】", {"editor": "魏代琼"}),
    ],
)
def test_field_lines_by_shape(patterns, line, fields):
    parsed = parse_byline(to_simplified(normalise_width(line)[0]), patterns)
    for key, value in fields.items():
        assert parsed[key].startswith(value), (line, parsed)


@pytest.mark.parametrize(
    "line",
    [
        "全市农业科技工作者突破50项关键技术。",  # 作者 inside 工作者
        "作者简介",  # no separator after the label
        "编辑部全体同志积极参与",
        "时间紧任务重",
        "来源于群众、服务于群众",
        "记者:据统计,全年接待游客1200万人次,旅游收入增长15%。",  # a sentence as the value
        "审核通过的项目共计56个,总投资达到120亿元,其中工业项目32个。",
        "作者 " + "很长的一段文字" * 20,  # too long to be a field line
    ],
)
def test_sentences_and_substrings_are_not_field_lines(patterns, line):
    assert parse_byline(line, patterns) == {}
    assert clean_lines([line], patterns).lines == [line]


def test_metadata_table_one_cell_per_line(patterns):
    lines = ["索 引 号:", "000014349/2019-00012", "发布机构:", "某市人民政府办公室",
             "2019年政府工作报告", "各位代表:现在我代表市人民政府向大会报告工作。"]  # fmt: skip
    result = clean_lines(lines, patterns)
    assert result.lines == lines[4:]
    assert [r[1] for r in result.removed] == [
        "field:metadata", "field_value:metadata", "field:metadata", "field_value:metadata",
    ]  # fmt: skip
    assert [r[0] for r in result.removed] == [1, 2, 3, 4]
    assert result.line_nos == [5, 6]


NEW_CHROME = [
    ("赞赏功能被关闭,请联系作者", "wechat"),
    ("微信扫一扫关注该公众号", "wechat"),
    ("阅读 10万+", "wechat"),
    (
        "《2019年某县政府工作报告》由会员分享,可在线阅读,更多相关《2019年某县政府工作报告》请在帮帮文库上搜索。",
        "sharing_header",
    ),
    ("违法和不良信息举报电话:12377", "legal_footer"),
    ("互联网新闻信息服务许可证:1012006001", "legal_footer"),
    ("未经本网授权,严禁转载", "legal_footer"),
    ("本篇文章256字,读完约1分钟", "reading_time"),
    ("全文共3200字,阅读大约需要8分钟", "reading_time"),
    ("标题:2019年某市政府工作报告 地址:", "page_footer"),
    ("扫一扫在手机打开当前页", "navigation"),
]


@pytest.mark.parametrize(("line", "category"), NEW_CHROME)
def test_new_chrome_families(patterns, line, category):
    result = clean_lines([line, "全镇招商引资完成1950万元。"], patterns)
    assert result.lines == ["全镇招商引资完成1950万元。"]
    assert result.removed[0][1] == f"chrome:{category}"


@pytest.mark.parametrize(
    "line",
    [
        "全面推行排污许可证制度,完成取水许可证核发120件。",
        "开通12345人工客服热线,群众诉求办结率达到98%。",
        "通过政务微信公众号发布信息1200条,阅读量突破500万人次,群众满意度持续提升,"
        "政务公开工作获评全省先进,政府网站绩效评估位列全省第一,群众获得感显著增强。",
    ],
)
def test_report_sentences_with_web_words_survive(patterns, line):
    assert clean_lines([line], patterns).lines == [line]


def test_removed_lines_are_recorded_with_file_line_numbers(patterns):
    lines = ["用户中心 | 手机版", "", "正文第一段。", "作者:张三", "相关推荐", "别的文章"]
    result = clean_lines(lines, patterns, line_nos=[11, 12, 13, 14, 15, 16])
    assert result.lines == ["正文第一段。"] and result.line_nos == [13]
    assert [(n, r) for n, r, _ in result.removed] == [
        (11, "chrome:navigation"), (14, "field:author"), (15, "related_block"),
        (16, "related_block"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    "line",
    ["分享至:朋友圈 新浪微博 更多", "分享到 QQ好友 | 微博 | 复制链接", "分享:微信 豆瓣 +"],
)
def test_share_target_lines_are_chrome(patterns, line):
    result = clean_lines([line, "全镇招商引资完成1950万元。"], patterns)
    assert result.lines == ["全镇招商引资完成1950万元。"]
    assert result.removed[0][1] == "chrome:navigation"


def test_app_publish_line_is_chrome_and_gives_the_date(patterns):
    """ "<account> <date> <time> 发表于<province>" heads an app article: removed, and its date is
    the document's date unless a byline gave one before."""
    body = "全县新建高标准农田2.1万亩。"
    result = clean_lines(
        ["湘潭融媒 2022-08-03 17:45 发表于湖南", "点击上方蓝字关注我们", body], patterns
    )
    assert result.lines == [body] and result.meta["date"] == "2022-08-03"
    assert result.removed[0][1] == "chrome:publish_line"
    result = clean_lines(["发布时间:2022-08-01", "本台 2022年8月3日 IP属地:湖南", body], patterns)
    assert result.lines == [body] and result.meta["date"] == "2022-08-01"
    kept = ["我们的做法发表于2022-08-03出版的省委刊物上,得到肯定。", "分享到群众中去,效果很好。"]
    assert clean_lines(kept, patterns).lines == kept


@pytest.mark.parametrize(
    "line", ["【打印本页】 【关闭窗口】", "[打印] [关闭]", "【收藏】|【纠错】"]
)
def test_bracketed_page_tools_are_chrome(patterns, line):
    result = clean_lines(["全镇招商引资完成1950万元。", line], patterns)
    assert result.lines == ["全镇招商引资完成1950万元。"]
    assert result.removed[0][1] == "chrome:navigation"


# --- templates of other portals, PDF exports and WeChat exports (audit corpus 2) ------------
OTHER_TEMPLATES = [
    ("新华网 >> 地方频道 >> 四川", "breadcrumb"),
    ("新闻中心 » 乡镇动态 » 正文", "breadcrumb"),
    ("政务公开 › 工作动态 › 乡镇信息", "breadcrumb"),
    ("关于我们 | 网站地图 | 隐私政策 | 意见反馈", "navigation"),
    ("某某县人民政府官方网站", "navigation"),
    ("清远新闻网 - 清远日报社主办", "navigation"),
    ("扫一扫在手机上查看", "navigation"),
    ("[我要纠错] [打印本页]", "navigation"),
    ("第 3 页 / 共 12 页", "page_number"),
    ("第12页共40页", "page_number"),
    ("共8页 第2页", "page_number"),
    ("关注我们:县融媒体中心", "wechat"),
    ("投稿邮箱:xwzx2021@126.com", "wechat"),
    ("- END -", "wechat"),
    ("新 华 网 版 权 所 有", "copyright"),
]


@pytest.mark.parametrize(("line", "category"), OTHER_TEMPLATES)
def test_chrome_of_other_templates(patterns, line, category):
    result = clean_lines(["全乡完成造林1.2万亩。", line], patterns)
    assert result.lines == ["全乡完成造林1.2万亩。"]
    assert result.removed[0][1] == f"chrome:{category}"


@pytest.mark.parametrize(
    "line",
    [
        "项目 | 上年数 | 本年数 | 增减",  # a plain-text table header: not a link row
        "一般公共预算收入 | 26300 | 28100",
        "第三页的表格列出了全县共十二个项目。",
        "我们坚持党建引领,完善网格管理,推动“门户网站”内容更新。",
    ],
)
def test_table_rows_and_prose_are_not_template_chrome(patterns, line):
    assert clean_lines([line], patterns).lines == [line]


@pytest.mark.parametrize(
    "line",
    [
        "全面推行“受理→审核→公示→发放”闭环管理。",  # arrows of a process, not a breadcrumb
        "构建种植>加工>销售的全产业链，带动农户增收。",
        "(四)整合优化政府门户网站",  # a numbered heading ending in a site word
        "四、推进集约化政府网站建设",
        "村组 | 合作社数量 | 带动农户",  # a table header with one site word
        "依法打击侵犯版权所有人合法权益的行为。",
    ],
)
def test_report_lines_with_template_words_survive(patterns, line):
    """Sentences, headings and table headers holding a word of the site templates stay."""
    result = clean_lines(["全乡完成造林1.2万亩。", line], patterns)
    assert len(result.lines) == 2 and not result.removed


@pytest.mark.parametrize(
    "heading", ["相关新闻", "【往期推荐】", "往期回顾:", "喜欢此内容的人还喜欢"]
)
def test_other_related_headings_start_a_block(patterns, heading):
    lines = ["村集体收入突破百万元。", heading, "某镇召开夏季防汛会议", "某县:秋收进度过半"]
    result = clean_lines(lines, patterns)
    assert result.lines == ["村集体收入突破百万元。"]
    assert result.counts["related_lines"] == 3


def test_a_related_heading_inside_the_report_keeps_the_rest():
    """相关信息 before any report text (a notice whose scrape begins with it) and 相关报道 followed
    by the report's next numbered section do not start a trailing block."""
    p = load_chrome_patterns()
    notice = [
        "相关信息",
        "关于做好秋冬季森林防火工作的通知",
        "各村、各单位:",
        "现就有关事项通知如下。",
    ]
    assert clean_lines(notice, p).lines == notice[1:]
    report = ["全镇新建机耕路12公里。", "相关报道", "(图为镇里组织的培训现场。)", "三、生态建设",
              "完成植树造林800亩。"]  # fmt: skip
    assert clean_lines(report, p).lines == [report[0], *report[2:]]
    trailing = ["全镇新建机耕路12公里。", "相关报道", "某镇召开冬季征兵工作会", "某县:冬修水利忙"]
    assert clean_lines(trailing, p).lines == trailing[:1]


def test_dateline_and_bracketed_bylines_give_metadata(patterns):
    """A dateline "<date><time> | 来源:…", an editor line in brackets "(责编:…)" and a byline
    ending in page tools "… 【字体:大 中 小】" are removed and give their fields."""
    body = "全镇新修机耕路18公里。"
    result = clean_lines(["2019年03月05日10:12 | 来源:新华网", body, "(责编:刘青、马丽)"], patterns)
    assert result.lines == [body]
    assert result.meta["date"] == "2019年03月05" and result.meta["source"] == "新华网"
    assert result.meta["editor"] == "刘青、马丽"
    result = clean_lines(
        ["作者:周宁 来源:县融媒体中心 时间:2020-06-30 【字号:大 中 小】", body], patterns
    )
    assert result.lines == [body]
    assert result.meta == {"author": "周宁", "source": "县融媒体中心", "date": "2020-06-30"}
