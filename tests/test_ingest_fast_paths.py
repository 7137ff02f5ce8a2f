"""The fast paths of ingestion (issue 14) give what the plain definitions give.

Each shortcut is checked against the straightforward computation it replaces, on inputs built to
hit its edge cases (anchored and context-dependent patterns, folded characters, chunking).
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.corpus.build import DOCUMENT_COLUMNS, ingest_files, load_corpus
from analysis.corpus.clean import (
    _SPACES,
    _WIDE,
    _ZERO_WIDTH,
    ChromePatterns,
    _width_table,
    chrome_category,
    normalise_width,
)
from analysis.corpus.dedup import _KEEP, near_duplicate_pairs, shingle_hashes
from analysis.corpus.gazetteer import LEVELS
from analysis.corpus.genre import (
    _SENTENCE,
    SUBSTANCE,
    GenreProfiles,
    Role,
    _unanchored,
    document_roles,
)
from analysis.corpus.places import _SELF, SELF_REFERENCE, _self_counts, _self_matches
from analysis.corpus.structure import _infer_wrap_width, infer_wrap_width


def _plain_normalise_width(text: str) -> tuple[str, int]:
    changed = len(_WIDE.findall(text))
    if changed:
        text = text.translate(_width_table()).translate(_ZERO_WIDTH)
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip(" "), changed


def test_normalise_width_equals_translate_tables():
    rng = random.Random(14)
    alphabet = [chr(c) for c in range(0xFF00, 0xFF61)] + list(
        "\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad \t\u00a0中文Ae\u0301"
    )
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert normalise_width(text) == _plain_normalise_width(text), repr(text)
    alphabet += ["\U00020000", "\n"]  # long texts take the code-point table path
    for size in (1999, 2000, 5000, 20000):
        text = "".join(rng.choice(alphabet) for _ in range(size))
        assert normalise_width(text) == _plain_normalise_width(text)
    plain = "中文" * 2000  # nothing to fold
    assert normalise_width(plain) == (plain, 0)


def _patterns(**line: list[str]) -> ChromePatterns:
    return ChromePatterns(
        line={k: [re.compile(p) for p in v] for k, v in line.items()},
        block_start=[],
        long_sentence_categories=frozenset({"share"}),
    )


def _plain_category(line: str, pats: ChromePatterns) -> str | None:
    rx = pats._long_any if len(line) > 100 and line[-1] in "。！？!?；;…" else pats._line_any
    m = rx.search(line) if rx is not None else None
    return pats._categories[m.lastgroup] if m and m.lastgroup else None


def test_chrome_category_equals_one_search_of_the_alternation():
    pats = _patterns(
        nav=[r"^首页\s*>", r"(?m)^返回", r"上一篇"],
        counter=[r"^\d+次浏览$", r"(?<=阅读)\d+"],
        share=[r"^分享到", r"由.{0,5}分享"],
        footer=[r"版权所有", r"(?i)^icp"],
    )
    lines = [
        "首页 > 新闻", "返回顶部", "文章上一篇", "123次浏览", "阅读100", "分享到微信",
        "本文由网友分享", "版权所有 某市", "ICP备案", "首页", "上一篇 首页 > 新闻",
        "全市" * 60 + "分享到。", "全市" * 60 + "由张三分享。", "x", "阅读",
    ]  # fmt: skip
    rng = random.Random(1)
    words = [
        "首页",
        ">",
        " ",
        "返回",
        "上一篇",
        "123",
        "次浏览",
        "阅读",
        "分享到",
        "由",
        "分享",
        "版权所有",
        "全市",
    ]
    lines += ["".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(3000)]
    for line in lines:
        assert chrome_category(line, pats) == _plain_category(line, pats), line
    backref = _patterns(
        nav=[r"^首页", r"(?P<a>上)(?P=a)一篇"], counter=[r"(?P<d>\d)(?P=d)次浏览", r"阅读"]
    )
    assert not backref._line_rest_list  # the alternation is searched as a whole
    for line in [*lines, "上上一篇", "首页 11次浏览"]:
        assert chrome_category(line, backref) == _plain_category(line, backref), line


def _plain_share(text: str, pats) -> float:
    total = formula = 0
    for m in _SENTENCE.finditer(text):
        s = m.group().strip()
        if s:
            total += len(s)
            formula += len(s) if any(p.search(s) for p in pats) else 0
    return formula / total if total else 0.0


@pytest.mark.parametrize(
    "sentences",
    [
        [r"^(在此|借此)", r"(的结果)[。！？]?$", r"表示[^。]{0,5}感谢"],
        [r"(?<=。)谢谢", r"感谢"],  # a look-behind: no screen, every sentence searched
        [r"\b感谢\b", r"谢意$"],
        [r"(a)\1", r"感谢"],
    ],
)
def test_sentence_rule_equals_the_per_sentence_share(sentences):
    role = Role(
        id="thanks", rule="sentences", sentences=tuple(re.compile(p) for p in sentences),
        min_share=0.5,
    )  # fmt: skip
    profiles = GenreProfiles(roles=(role,), genres=())
    rng = random.Random(7)
    words = [
        "在此",
        "借此",
        "表示",
        "衷心",
        "感谢",
        "谢意",
        "的结果",
        "。",
        "！",
        "，",
        "工作",
        "aa",
        " ",
    ]
    texts = ["".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(2000)]
    got = document_roles(texts, profiles=profiles)
    want = [
        "thanks" if t.strip() and _plain_share(t.strip(), role.sentences) >= 0.5 else SUBSTANCE
        for t in texts
    ]
    assert got == want
    screen = _unanchored(role.sentences)
    if any("(?<" in p or "\\b" in p or "\\1" in p for p in sentences):
        assert screen is None  # context-dependent: never screened
    else:
        assert screen is not None


def test_infer_wrap_width_memo_gives_the_uncached_answer():
    rng = random.Random(3)
    for _ in range(50):
        width = rng.randint(14, 40)
        lines = ["一" * rng.choice([width, width - 1, rng.randint(1, width)]) for _ in range(30)]
        want = _infer_wrap_width.__wrapped__(tuple(lines))
        assert infer_wrap_width(lines) == infer_wrap_width(list(lines)) == want
    assert infer_wrap_width(["一" * 20] * 3) is None


def _front_matter_folder(tmp: Path) -> Path:
    body = "一、总体情况\n全镇经济平稳增长，完成固定资产投资十亿元，新建道路二十公里。\n"
    (tmp / "a.md").write_text("---\ntitle: 甲镇工作报告\nregion_code: 3301\n---\n" + body, "utf-8")
    (tmp / "b.md").write_text("---\ntitle: 乙镇工作报告\n---\n" + body.replace("十", "九"), "utf-8")
    (tmp / "c.txt").write_text("丙镇工作报告\n" + body.replace("十", "八"), "utf-8")
    return tmp


def test_extra_front_matter_columns_do_not_depend_on_chunking(tmp_path):
    folder = _front_matter_folder(tmp_path)
    files = sorted(p for p in folder.iterdir())
    whole = load_corpus(folder).documents
    assert "region_code" in whole.columns and "region_code" not in DOCUMENT_COLUMNS
    assert whole["region_code"].tolist() == ["3301", "", ""]
    for n_chunks in (1, 2, 3):
        docs = ingest_files(files, n_chunks=n_chunks, folder=folder).documents
        pd.testing.assert_frame_equal(docs, whole)


def test_self_reference_counts_equal_findall_per_level():
    literals = [x for p in SELF_REFERENCE.values() for x in p.split("|")]
    pieces = literals + list("全省市县区镇乡我自治人民政府委长大会党，。\n")
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        want = {k: len(p.findall(text)) for k, p in _SELF.items()}
        got = _self_counts(text)
        assert dict(got) == want and list(got) == list(_SELF), text
        spans = {k: [m.span() for m in p.finditer(text)] for k, p in _SELF.items()}
        assert _self_matches(text) == spans, text


def _plain_shingles(text: str, k: int = 5) -> np.ndarray:
    chars = _KEEP.sub("", text)
    if len(chars) < k:
        return np.empty(0, dtype=np.uint64)
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(len(codes) - k + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(k):
            h = (h * np.uint64(1099511628211)) ^ codes[j : len(codes) - k + 1 + j]
        h ^= h >> np.uint64(33)
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(33)
    return np.unique(h)


def test_shingles_from_the_code_point_table_equal_the_regex_reduction():
    edges = (0x3399, 0x3400, 0x4DBF, 0x4DC0, 0x4E00, 0x9FFF, 0xA000, 0x2F, 0x30, 0x39, 0x3A)
    edges += (0x40, 0x41, 0x5A, 0x5B, 0x60, 0x61, 0x7A, 0x7B, 0x20, 0x0A, 0xFF10, 0x20000, 0x3002)
    alphabet = [chr(c) for c in edges]
    rng = random.Random(2)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        assert np.array_equal(shingle_hashes(text), _plain_shingles(text)), repr(text)


def _plain_near_duplicate_pairs(texts: pd.Series) -> pd.DataFrame:
    from collections import Counter, defaultdict

    from analysis.corpus.dedup import CANDIDATE_SHARE, CONTAINMENT, JACCARD, SKETCH

    ids, sets = list(texts.index), [shingle_hashes(t) for t in texts]
    index: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for h in s[:SKETCH].tolist():
            index[h].append(i)
    shared: Counter[tuple[int, int]] = Counter()
    for members in index.values():
        if 1 < len(members) <= 1000:
            for k, a in enumerate(members):
                for b in members[k + 1 :]:
                    shared[(a, b)] += 1
    rows = []
    for (a, b), n in shared.items():
        smaller = min(len(sets[a]), len(sets[b]), SKETCH)
        if smaller == 0 or n < CANDIDATE_SHARE * smaller:
            continue
        inter = len(np.intersect1d(sets[a], sets[b], assume_unique=True))
        jac = inter / (len(sets[a]) + len(sets[b]) - inter)
        con = inter / min(len(sets[a]), len(sets[b]))
        if jac >= JACCARD or con >= CONTAINMENT:
            rows.append((ids[a], ids[b], round(jac, 4), round(con, 4)))
    return pd.DataFrame(rows, columns=["doc_a", "doc_b", "jaccard", "containment"])


def test_near_duplicate_pairs_equal_the_pair_loop_in_content_and_order():
    rng = random.Random(4)
    alphabet = "建设发展改革创新乡村振兴基层党组织经济社会民生保障项目投资服务"
    sources = [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(200, 900))) for _ in range(8)
    ]
    docs = []
    for _ in range(60):
        src, r = rng.choice(sources), rng.random()
        if r < 0.1:
            docs.append("")
        elif r < 0.2:
            docs.append(src[: rng.randint(0, 8)])
        else:
            cut = rng.randint(0, len(src) // 3)
            docs.append(src[cut : cut + rng.randint(100, 900)])
    texts = pd.Series(docs, index=[f"d{i:02d}" for i in range(len(docs))])
    want = _plain_near_duplicate_pairs(texts)
    assert len(want) > 20  # many pairs, so their order is tested
    pd.testing.assert_frame_equal(near_duplicate_pairs(texts), want)
    empty = pd.Series([], dtype=object)
    pd.testing.assert_frame_equal(near_duplicate_pairs(empty), _plain_near_duplicate_pairs(empty))


def test_batched_line_reductions_equal_the_per_line_regexes():
    from analysis.corpus.build import _NON_CJK, _cjk_cores
    from analysis.corpus.meta import _NORM, _norm, _norm_removed, _norms

    removed = [cp for cp in range(0x110000) if _NORM.fullmatch(chr(cp))]
    assert np.flatnonzero(_norm_removed()).tolist() == removed  # the table is the class
    alphabet = [chr(cp) for cp in removed] + list("中文丂龥a1。，\x00") + ["\U00020000", "\u4dff"]
    rng = random.Random(9)
    for _ in range(3000):
        lines = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(4)]
        lines = lines[: rng.randint(0, 4)]
        assert _norms(lines) == [_norm(x) for x in lines], lines
        assert _cjk_cores(lines) == [_NON_CJK.sub("", x) for x in lines], lines


def _script_lines(rng: random.Random, n: int) -> list[str]:
    # Traditional phrases OpenCC converts as phrases (and characters it maps one to one),
    # Simplified text, punctuation, spaces and empty lines
    words = ["發展", "經濟", "統戰", "乾燥", "乾隆", "頭髮", "發現", "後來", "皇后", "著作", "瞭解",
             "臺灣", "里程", "裡面", "鬆", "髮", "干", "建设", "发展", "，", "。", " ", "a"]  # fmt: skip
    return ["".join(rng.choice(words) for _ in range(rng.randint(0, 8))) for _ in range(n)]


def test_simplified_lines_give_each_lines_own_conversion():
    from analysis.corpus.script import simplified_lines, to_simplified, to_simplified_many

    rng = random.Random(21)
    for _ in range(300):
        lines = _script_lines(rng, rng.randint(1, 12))
        text = "\n".join(lines)
        pieces, known = simplified_lines(text)
        assert pieces == to_simplified(text).split("\n")
        assert all(known[x] == to_simplified(x) for x in known)
        assert set(known) <= set(lines) and "" not in known
        others = _script_lines(rng, 5)  # texts not in ``known``: converted as before
        texts = [*lines, *others, *lines[:2]]
        assert to_simplified_many(texts, known) == [to_simplified(t) for t in texts]


class _LengthChangingConverter:
    """A stand-in for OpenCC with phrases that change the length of a line."""

    def __init__(self, *pairs: tuple[str, str]) -> None:
        self.pairs = pairs

    def convert(self, text: str) -> str:
        for old, new in self.pairs:
            text = text.replace(old, new)
        return text


def test_simplified_lines_skip_lines_whose_conversion_changes_length(monkeypatch):
    from analysis.corpus import script

    fake = _LengthChangingConverter(("乾", "干干"), ("發", "发"))
    monkeypatch.setattr(script, "_converter", lambda config: fake)
    # the whole text changes length: to_simplified converts it character by character
    pieces, known = script.simplified_lines("發展\n乾燥\n發")
    assert pieces == script.to_simplified("發展\n乾燥\n發").split("\n") == ["发展", "乾燥", "发"]
    assert known == {}
    assert script.to_simplified_many(["乾燥", "發"], known) == ["乾燥", "发"]
    # one line longer by one, one shorter by one: the whole keeps its length, those lines do not
    fake.pairs = (("乾", "干干"), ("發發", "发"))
    text = "乾燥\n發發展\n建設"
    pieces, known = script.simplified_lines(text)
    assert pieces == script.to_simplified(text).split("\n") == ["干干燥", "发展", "建設"]
    assert known == {"建設": "建設"}
    lines = text.split("\n")
    assert script.to_simplified_many(lines, known) == [script.to_simplified(t) for t in lines]
    assert script.to_simplified_many(lines, known) == ["乾燥", "發發展", "建設"]


def test_squeezed_spaces_equal_the_regex_substitution():
    from analysis.corpus.clean import FOLD_TABLE_MIN, _squeeze_spaces

    spaces = [" ", "\t", "\u00a0", "\u2000", "\u200a", "\u202f", "\u205f", "\u3000"]
    others = ["中", "a", "\n", "\u1fff", "\u200b", "\u2010", "\u3001", "\U00020000"]
    rng = random.Random(5)
    for size in (0, 3, FOLD_TABLE_MIN - 1, FOLD_TABLE_MIN, 5000):
        for p_space in (0.0, 0.05, 0.5, 0.9):
            text = "".join(
                rng.choice(spaces if rng.random() < p_space else others) for _ in range(size)
            )
            assert _squeeze_spaces(text) == _SPACES.sub(" ", text), (size, p_space)
    long = "中 文" * FOLD_TABLE_MIN
    assert _squeeze_spaces(long) is long  # single plain spaces only: the text itself
    for tricky in (" \u00a0", "\u00a0", "  ", "\u3000 ", "\t"):  # runs and non-plain spaces
        text = long + tricky + long
        assert _squeeze_spaces(text) == _SPACES.sub(" ", text) != text, repr(tricky)
    surrogate = "中\ud800 \u00a0文" * FOLD_TABLE_MIN  # not encodable: the regex
    assert _squeeze_spaces(surrogate) == _SPACES.sub(" ", surrogate)


def test_url_screen_keeps_every_url():
    from analysis.corpus.clean import _URL, strip_urls

    rng = random.Random(8)
    pieces = ["www.", "WwW.", "wWw", "w.", "W.", ":", "//", "http", "s", "gov.cn", "中文", " "]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert strip_urls(text) == _URL.subn("", text), text


def _plain_scan(gaz, text: str) -> list[tuple[int, int, str]]:
    out, resume = [], 0
    for i in range(len(text) - 1):
        if i < resume or len(text[i : i + 2]) < 2 or text[i : i + 2] not in gaz.by_prefix:
            continue
        for length in gaz.by_prefix[text[i : i + 2]]:
            if text[i : i + length] in gaz.surface:
                out.append((i, i + length, text[i : i + length]))
                resume = i + length
                break
    return out


def test_gazetteer_scan_equals_the_position_by_position_definition():
    from analysis.corpus.gazetteer import default_gazetteer, find_mentions

    gaz = default_gazetteer()
    names = sorted(gaz.surface)
    rng = random.Random(13)
    pieces = [*rng.sample(names, 300), "市", "县", "区", "省", "中", "\n", "a", "\U00020000"]
    pieces += [w[:2] for w in rng.sample(names, 50)] + [w[1:] for w in rng.sample(names, 50)]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert list(gaz.scan(text)) == _plain_scan(gaz, text), text
    text = "".join(rng.choice(pieces) for _ in range(20000))
    assert list(gaz.scan(text)) == _plain_scan(gaz, text)
    levels = {m.name: m.level for m in find_mentions(text)}
    for name, level in levels.items():  # the precomputed level is the highest of the name's
        assert level == min((d.level for d in gaz.by_name[name]), key=LEVELS.index)


def test_marker_first_character_screen_equals_the_three_patterns():
    from analysis.corpus.structure import _NUM, _SUB, _TOP, _marker, _numeral_value

    def plain(line: str):
        for level, rx in (("top", _TOP), ("sub", _SUB), ("num", _NUM)):
            m = rx.match(line)
            if m:
                return level, _numeral_value(m.group(1))
        return "", 0

    firsts = [chr(cp) for cp in range(0x110000) if chr(cp).isdecimal()]  # every \d digit
    firsts += list("一二三四五六七八九十(（)）〔[、.．0１٣ ") + ["", "\U0001d7ce"]
    rests = ["", "、", ".", "．", "）", ")", "十", "1、", "一）", "、全市", " 、", "2.5"]
    rng = random.Random(17)
    for first in firsts:
        for _ in range(3):
            line = first + "".join(rng.choice(rests) for _ in range(rng.randint(0, 3)))
            mk = _marker(line)
            assert (mk.level, mk.number) == plain(line), repr(line)


def test_field_line_start_check_equals_the_first_segment_rule():
    from analysis.corpus.clean import load_chrome_patterns, parse_field_line

    pats = load_chrome_patterns()
    rx, names = pats._field
    labels = [w for ws in pats.byline_labels.values() for w in ws][:30]
    pieces = [*labels, ":", "：", " ", "|", "张三", "2019-03-01 10:20 ", "全市", "【", "。"]
    rng = random.Random(19)
    for _ in range(3000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        parsed = parse_field_line(line, pats)
        text = line.strip(" 【】[]")
        m = re.match(r"(?:\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+)?", text)  # fmt: skip
        segments = list(rx.finditer(text, m.end()))
        starts_with_label = bool(segments) and segments[0].start() == m.end()
        if not starts_with_label or not text or len(text) > pats.byline_max_chars:
            assert parsed is None, line


def test_opencc_only_sees_lines_it_can_change():
    from analysis.corpus import script

    table = script._t2s_changing()
    if table is None:
        pytest.skip("OpenCC's dictionaries cannot be read here: every text goes to OpenCC")
    convert = script._converter("t2s").convert
    unmarked = [chr(cp) for cp in range(0x110000) if not table[cp] and not 0xD800 <= cp < 0xE000]
    unmarked = [c for c in unmarked if c != "\n"]
    assert convert("\n".join(unmarked)).split("\n") == unmarked  # each maps to itself
    rng = random.Random(23)
    common = [chr(cp) for cp in range(0x4E00, 0x9FA6) if not table[cp]]
    assert len(common) > 15000
    s2t = script._converter("s2t").convert
    simplified = "".join(rng.choice(common) for _ in range(3000))
    for _ in range(20):
        lines = []
        for _ in range(rng.randint(1, 60)):
            piece = simplified[rng.randrange(3000) :][: rng.randint(0, 80)]
            kind = rng.random()
            if kind < 0.3:
                piece = s2t(piece)  # Traditional text, with OpenCC's own phrases
            elif kind < 0.4:
                piece = "".join(rng.choice(common) for _ in range(40))  # nothing to change
            lines.append(piece)
        text = "\n".join(lines)
        text = text * (1 + script.CHANGING_LINES_MIN // max(1, len(text)))  # long: the fast path
        assert script._convert_changing_lines(text) == convert(text)
        assert script.simplified_lines(text)[0] == script.to_simplified(text).split("\n")


def test_opencc_table_is_not_read_from_an_unknown_configuration(tmp_path, monkeypatch, caplog):
    """A t2s.json with a step this reading does not know (or without its tool) gives no table:
    every text then goes to OpenCC whole, and the reason is logged."""
    import json
    import logging

    import opencc

    from analysis.corpus import script

    share = tmp_path / "opencc" / "clib" / "share" / "opencc"
    share.mkdir(parents=True)
    config = {"name": "t2s", "conversion_chain": [], "post_processing": []}
    (share / "t2s.json").write_text(json.dumps(config), encoding="utf-8")
    monkeypatch.setattr(opencc, "__file__", str(tmp_path / "opencc" / "__init__.py"))
    with caplog.at_level(logging.INFO, logger="analysis.corpus.script"):
        assert script._t2s_changing.__wrapped__() is None
    assert "post_processing" in caplog.text
    del config["post_processing"]
    (share / "t2s.json").write_text(json.dumps(config), encoding="utf-8")
    assert script._t2s_changing.__wrapped__() is None  # no opencc_dict tool there


def test_recurring_lines_read_only_the_short_texts():
    from analysis.corpus.boilerplate import MAX_CHARS, recurring_lines

    rng = random.Random(29)
    lines = ["浏览次数：12", "【打印本页】", "各位代表：", "一、总体情况", "扫一扫 www", "分享到"]
    rows = []
    for d in range(40):
        for k in range(rng.randint(1, 14)):
            r = rng.random()
            if r < 0.4:
                text = rng.choice(lines)
            elif r < 0.6:  # at and around the limit
                text = rng.choice(lines) + "文" * rng.randint(MAX_CHARS - 12, MAX_CHARS + 3)
            else:
                text = "全市经济平稳增长。" * rng.randint(1, 40)
            rows.append((f"d{d}", k, "title" if k == 0 else "body", text))
    full = pd.DataFrame(rows, columns=["doc_id", "para_id", "kind", "text"])
    want = recurring_lines(full, 40)
    assert want["removed"].any() and len(want) > 3
    stand_in = full.copy()
    stand_in["text"] = [t if len(t) <= MAX_CHARS else " " * (MAX_CHARS + 1) for t in full["text"]]
    pd.testing.assert_frame_equal(recurring_lines(stand_in, 40), want)


def _plain_roles(texts: list[str], roles) -> list[str]:
    stripped = [t.strip() for t in texts]
    n, out = len(stripped), [SUBSTANCE] * len(stripped)

    def any_of(pats, t):
        return any(p.search(t) for p in pats)

    for role in roles:
        block_from = next(
            (i for i, t in enumerate(stripped) if len(t) <= role.max_chars and any_of(role.block, t)),
            n,
        ) if role.rule == "block" else n  # fmt: skip
        for i, t in enumerate(stripped):
            if out[i] != SUBSTANCE or not t:
                continue
            short_hit = len(t) <= role.max_chars and any_of(role.line, t)
            hit = {
                "line": short_hit,
                "sentences": role.rule == "sentences"
                and _plain_share(t, role.sentences) >= role.min_share,
                "block": i >= block_from or any_of(role.line, t),
                "tail": i >= n - role.last_n and short_hit,
            }[role.rule]
            if hit:
                out[i] = role.id
    return out


def test_document_roles_with_matchers_built_once_equal_the_rules():
    c = re.compile
    roles = (
        Role(id="greet", rule="line", line=(c(r"^各位"), c(r"(?i)^dear")), max_chars=12),
        Role(id="thanks", rule="sentences", sentences=(c(r"感谢"), c(r"(谢)\1")), min_share=0.5),
        Role(id="notes", rule="block", block=(c(r"^注释$"),), line=(c(r"^〔\d〕"),), max_chars=8),
        Role(id="sign", rule="tail", line=(c(r"政府$"), c(r"^\d{4}年")), last_n=2, max_chars=20),
        Role(id="empty", rule="line"),
        Role(id="late", rule="tail", line=(c(r"年$"), c(r"^各")), last_n=30, max_chars=6),
        Role(id="wide", rule="sentences", sentences=(c(r"。"),), min_share=0.0),
    )  # fmt: skip
    profiles = GenreProfiles(roles=roles, genres=())
    words = ["各位", "Dear", "dear", "感谢", "谢谢", "。", "注释", "〔1〕", "政府", "2019年", " "]
    rng = random.Random(31)
    for _ in range(400):
        texts = [
            "".join(rng.choice(words) for _ in range(rng.randint(0, 6)))
            for _ in range(rng.randint(0, 12))
        ]
        assert document_roles(texts, profiles=profiles) == _plain_roles(texts, roles), texts


def _plain_wrap_width(lines: list[str]) -> tuple[float, str] | None:
    """The wrap-width inference as first written (_width per line, generator sums)."""
    from collections import Counter

    from analysis.corpus.structure import (
        WRAP_MAX_ABOVE,
        WRAP_MIN_LINES,
        WRAP_MIN_SHARE,
        WRAP_MIN_WIDTH,
        _width,
    )

    if len(lines) < WRAP_MIN_LINES:
        return None
    best = None
    for measure, values in (
        ("chars", [float(len(x)) for x in lines]),
        ("width", [_width(x) for x in lines]),
    ):
        counts = Counter(int(v) for v in values if v >= WRAP_MIN_WIDTH - 2)
        if not counts:
            continue
        modes = [length for length, _ in counts.most_common(5)]
        candidates = {w for m in modes for w in (m - 1, m, m + 1, m + 2) if w >= WRAP_MIN_WIDTH}
        if not candidates:
            continue
        score, neg_width = max(
            (sum(counts.get(w + d, 0) for d in (-2, -1, 0, 1)), -w) for w in candidates
        )
        width = -neg_width
        share = score / len(values)
        if score < WRAP_MIN_LINES or share < WRAP_MIN_SHARE:
            continue
        above = sum(v > width + 1.5 for v in values) / len(values)
        if above <= WRAP_MAX_ABOVE and (best is None or share > best[0]):
            best = (share, float(width), measure)
    return (best[1], best[2]) if best else None


def test_inlined_wrap_width_equals_the_per_line_width_function():
    rng = random.Random(1414)
    pieces = ["一", "二", "a", "1", "，", "。", " ", "Ａ", "\U00020000", "é"]
    for _ in range(400):
        width = rng.randint(8, 45)
        mix = rng.sample(pieces, rng.randint(1, len(pieces)))
        lines = [
            "".join(
                rng.choice(mix)
                for _ in range(rng.choice([width, width - 1, width + 2, rng.randint(0, 2 * width)]))
            )
            for _ in range(rng.randint(0, 40))
        ]
        if rng.random() < 0.2:
            lines.append("\ud800" * width)  # a lone surrogate: encoded with "replace"
        assert infer_wrap_width(lines) == _plain_wrap_width(lines), lines
    # ties between lengths and a band exactly at the share/above limits
    for n in range(8, 30):
        lines = ["一" * 20] * n + ["a" * 40] * (n // 3) + ["一" * 23] * (n // 10)
        assert infer_wrap_width(lines) == _plain_wrap_width(lines)


def _official_form(name: str) -> re.Pattern[str]:
    """The plain computation: ``name`` followed by an official form (人民政府, 党委 …) as one
    compiled pattern."""
    from analysis.corpus.places import _OFFICIAL

    return re.compile(re.escape(name) + _OFFICIAL.pattern[1:])


def test_official_count_equals_the_compiled_name_pattern():
    from analysis.corpus.places import official_count

    rng = random.Random(56)
    names = ["城关镇", "关镇", "新村乡", "镇镇", "城关镇城关镇"]
    tails = [
        "人民政府",
        "政府",
        "党委",
        "委员会",
        "委托",
        "委",
        "第三届人民代表大会",
        "第届人大",
        "人",
        "",
    ]
    for _ in range(3000):
        text = "".join(
            rng.choice(names) + rng.choice(tails)
            if rng.random() < 0.6
            else rng.choice("在的了镇城关")
            for _ in range(rng.randint(0, 12))
        )
        for name in names:
            pattern = _official_form(name)
            assert official_count(name, text) == len(pattern.findall(text)), (name, text)
            assert official_count(name, text, first=True) == int(bool(pattern.search(text)))


def test_finishing_lists_are_the_final_paragraphs_columns(tmp_path):
    """finish_corpus converts doc_id/kind/text to lists once, after recurring lines are dropped:
    roles, genres and near-duplicate pairs equal those computed from the final table."""
    from analysis.corpus.boilerplate import MIN_CORPUS_DOCS
    from analysis.corpus.build import (
        body_texts,
        doc_id_bases,
        document_labels,
        finish_corpus,
        ingest_chunk,
    )
    from analysis.corpus.genre import load_genre_profiles, paragraph_roles

    for i in range(MIN_CORPUS_DOCS + 5):
        body = "\n".join(
            f"全县第{k}项工作完成投资{i * 13 + k}亿元，同比增长{k}%。" for k in range(6)
        )
        text = (
            f"关于工作的报告{i}\n各位代表：\n{body}\n扫码关注本站 获取更多资讯 第{i}期\n谢谢大家！"
        )
        (tmp_path / f"r{i:03d}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "r999.txt").write_text(text, encoding="utf-8")  # a duplicate
    files = sorted(tmp_path.glob("*.txt"))
    bases = {str(f): b for f, b in doc_id_bases(files).items()}
    chunk = ingest_chunk(([str(f) for f in files], bases, None))
    done = finish_corpus(chunk.documents, chunk.paragraphs, chunk.quality)
    assert len(done.paragraphs) < len(chunk.paragraphs)  # recurring lines were dropped
    # the caller's lists (ingest_files passes the rows' own) describe the rows BEFORE the drop:
    # they must not be used then
    cols = ("doc_id", "kind", "text")
    given = finish_corpus(
        chunk.documents, chunk.paragraphs, chunk.quality,
        lists={c: chunk.paragraphs[c].tolist() for c in cols},
    )  # fmt: skip
    for name in ("documents", "paragraphs", "quality", "duplicates"):
        pd.testing.assert_frame_equal(getattr(given, name), getattr(done, name), check_exact=True)
    profiles = load_genre_profiles()
    roles = paragraph_roles(done.paragraphs, profiles=profiles)
    assert roles.tolist() == done.paragraphs["role"].tolist()
    assert (roles != SUBSTANCE).any()
    labels = document_labels(done.documents, done.paragraphs, profiles=profiles)
    assert labels["genre"].tolist() == done.documents["genre"].tolist()
    assert labels["genre_evidence"].tolist() == done.documents["genre_evidence"].tolist()
    pairs = near_duplicate_pairs(body_texts(done.paragraphs, done.documents["doc_id"].tolist()))
    pd.testing.assert_frame_equal(pairs, done.duplicates)
    assert len(pairs)


def test_line_shape_screen_equals_the_three_substitutions():
    from analysis.corpus.boilerplate import _MASK_DIGITS, _MASK_LATIN, _SPACE, line_shape

    rng = random.Random(57)
    alphabet = list("浏览次数:：.,0１9aZz中文") + [
        " ", "\t", "\u3000", "\u00a0", "\x1c", "\x85", "\u2028", "\n", "ａ", "Ⅷ", "²", "٣"
    ]  # fmt: skip
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        want = _SPACE.sub("", _MASK_LATIN.sub("a", _MASK_DIGITS.sub("0", text)))
        assert line_shape(text) == want, repr(text)


def test_lists_given_to_finish_corpus_equal_the_table_columns(tmp_path, monkeypatch):
    """ingest_files hands finish_corpus the rows' own doc_id/kind/text lists: the corpus equals
    the one finished from the tables alone (roles, genres, near-duplicates)."""
    import analysis.corpus.build as build

    for i in range(6):
        body = "\n".join(f"全镇第{k}项工作完成投资{i + k}亿元，同比增长{k}%。" for k in range(5))
        text = f"某镇政府工作报告{i}\n各位代表：\n{body}\n衷心感谢各位代表！\n谢谢大家！"
        (tmp_path / f"r{i}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "r9.txt").write_text(text, encoding="utf-8")  # a near-duplicate
    seen = {}

    finish = build.finish_corpus

    def spy(*args, **kwargs):
        seen.update(kwargs.get("lists") or {})
        return finish(*args, **kwargs)

    monkeypatch.setattr(build, "finish_corpus", spy)
    files = sorted(tmp_path.glob("*.txt"))
    corpus = build.ingest_files(files)
    assert set(seen) == {"doc_id", "kind", "text"}
    for c, values in seen.items():  # the rows, in table order
        assert values == corpus.paragraphs[c].tolist()
    assert (corpus.paragraphs["role"] != SUBSTANCE).any() and len(corpus.duplicates)
    bases = {str(f): b for f, b in build.doc_id_bases(files).items()}
    rows = build.rows_corpus([build.ingest_rows(([str(f) for f in files], bases, None))])
    plain = finish(rows.documents, rows.paragraphs, rows.quality)  # lists from the tables
    for name in ("documents", "paragraphs", "quality", "duplicates"):
        pd.testing.assert_frame_equal(getattr(corpus, name), getattr(plain, name), check_exact=True)


def test_simplified_line_list_equals_the_conversion_of_the_joined_text(monkeypatch):
    """clean_lines converts its list of lines without joining and re-splitting them: the pieces
    are to_simplified of the joined text, cut at its line breaks, the known conversions are the
    lines' own, and a line OpenCC cannot change comes back as the same object (an unchanged
    paragraph's text and text_original then share one string)."""
    from analysis.corpus import script

    def check(lines: list[str]) -> tuple[list[str], dict[str, str]]:
        pieces, known = script.simplified_line_list(lines)
        text = "\n".join(lines)
        assert pieces == script.to_simplified(text).split("\n")
        assert all(known[x] == script.to_simplified(x) for x in known)
        if known:
            split = text.split("\n")
            kept = {x for x, p in zip(split, pieces, strict=True) if x and len(x) == len(p)}
            assert set(known) == kept
        return pieces, known

    rng = random.Random(29)
    table = script._t2s_changing()
    for size in (1, 5, 40, 400):  # short texts (one OpenCC call) and long ones (changing lines)
        for _ in range(30):
            lines = _script_lines(rng, size)
            pieces, _ = check(lines)
            if table is not None and len("\n".join(lines)) >= script.CHANGING_LINES_MIN:
                for line, piece in zip(lines, pieces, strict=True):
                    if not any(table[ord(c)] for c in line):
                        assert piece is line
    assert script.simplified_line_list([]) == ([""], {})
    check(["發展\n經濟", "建设"])  # a line break inside a line
    # conversions that change the length of the whole text: the per-character fallback, on a
    # long text (changing lines) and a short one
    fake = _LengthChangingConverter(("乾", "干干"), ("發", "发"))
    monkeypatch.setattr(script, "_converter", lambda config: fake)
    long = ["建设发展" * 30] * 20 + ["乾燥", "發展"]
    if table is not None:
        assert check(long) == (["建设发展" * 30] * 20 + ["乾燥", "发展"], {})
    assert check(["發展", "乾燥", "發"]) == (["发展", "乾燥", "发"], {})
