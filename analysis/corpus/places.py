"""Which place a report is about: gazetteer names weighed by where they occur and by the report's
own way of referring to itself (全省 / 全市 / 全县 / 全镇 …).

A report names its own unit in its title, its header ("——在××市第十届人民代表大会…"), its
signature ("××县人民政府") and over and over in the body, and it calls itself 全市 / 我县 /
镇党委. Places it merely mentions (the counties inside a city, the province above a county)
are of another level or are mentioned less. The subject is therefore the best-scored name
*of the level the report speaks as*, and only when that name dominates the other names of the
same level; otherwise ``place`` stays empty rather than wrong.

Province, prefecture and county names come from the gazetteer (:mod:`analysis.gazetteer`).
Townships (镇 / 乡 / 街道) are too many for any list: they are accepted by evidence only — a
``name + 镇/乡/街道`` that recurs, is not the tail of a longer word (扩权强镇, 城镇, 乡镇), and
belongs to a report that speaks as a township (全镇, 镇党委 …) or names it in its title.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from analysis.corpus.gazetteer import (
    Division,
    Gazetteer,
    Mention,
    default_gazetteer,
    find_mentions,
    jieba_words,
    starts_inside_word,
)

# How a report refers to its own unit. Editable here, counted over the whole text.
SELF_REFERENCE = {
    "province": r"全省|我省|省委|省政府|省人民政府|省长|省人大|省政协|自治区党委|自治区人民政府"
    r"|自治区政府|自治区主席|自治区人大|自治区政协|全区各族",
    "city": r"全市|我市|市委|市政府|市人民政府|市长|市人大|市政协",
    "prefecture": r"全州|我州|州委|州政府|州人民政府|州长|州人大|州政协|全盟|我盟|盟委|盟行政公署",
    "county": r"全县|我县|县委|县政府|县人民政府|县长|县人大|县政协|全旗|我旗|旗委|旗政府|旗人民政府",
    "district": r"全区|我区|区委|区政府|区人民政府|区长|区人大|区政协",
    "township": r"全镇|我镇|镇党委|镇政府|镇人民政府|镇长|镇人大|全乡|我乡|乡党委|乡政府|乡人民政府"
    r"|乡长|乡人大|街道党工委|全街道|我街道|街道办事处",
    "national": r"全国各族人民|我国|国务院各部门|各省、自治区、直辖市|中央人民政府",
}
_SELF = {k: re.compile(v) for k, v in SELF_REFERENCE.items()}
MIN_SELF = 3  # a self-reference level needs this many hits ...
SELF_DOMINANCE = 2.0  # ... and this many times the next level's
DOMINANCE = 2.0  # the chosen name scores at least this many times the next name of its level
BODY_SHARE = 0.4  # ... or hold this share of all place-name weight in the report
SELF_PER_MENTION = 10  # ... and at least one mention per this many self-references (全省, 省委)
MIN_BODY_MENTIONS = 3  # without a title/header/signature mention: this many body mentions,
# one of them in an official form (××市人民政府, ××县委, ××镇党委, ××省第N届人民代表大会) or in
# the opening paragraphs (the opening names the subject: "今年以来，天长镇在…")
WEIGHT = {"title": 4.0, "header": 3.0, "signature": 3.0, "opening": 2.0, "body": 1.0}
SHORT_WEIGHT = 0.5  # a short form of a city or prefecture (七台河, 晋中) counts half, and only
# for a name also seen in full; province short forms (宁夏, 内蒙古, 四川) and abbreviations that
# keep the suffix (延边州, 黔东南州: gazetteer.suffixed_abbreviation) count as full names
_OFFICIAL = re.compile(
    r"^(?:第[一二三四五六七八九十\d]+届)?"
    r"(?:人民代表大会|人大|人民政府|政府|党委|党工委|办事处|委员会|委(?!托))"
)

# (?:\*+|[xX×]{1,3}|某)(镇|乡|…), written so that every branch starts with a literal character:
# Python's re then skips ahead to those characters instead of trying every position (10x faster)
_ANON = re.compile(r"(?:\*\**|x[xX×]{0,2}|X[xX×]{0,2}|×[xX×]{0,2}|某)(?:镇|乡|县|市|区|街道)")
_TOWNSHIP = re.compile(r"([\u4e00-\u9fff]{2,4}?)(镇|乡|街道)")
_NOT_IN_STEM = set("省市县区旗州镇乡村盟的和与及在对为是于了到从向由将把被其此这那所各全本我该每")
_GENERIC_FIRST = set(
    "全我该本各乡镇县市区省村城集小每等和与及的在对为是于了到从向由将把被其此这那所个两多强建大中"
    "点型好示范之以上下入出进有无其该同邻附临驻年月日号"
)
_GENERIC_LAST = set("乡镇县市区村城集级全各本该小大重点属辖个名地业企强街特色型新")
# a generic first or last character (附城镇, 大桥镇, 龙街乡) still starts or ends a name in an official
# body's name placed right after a county or at the start of a line (中共康乐县附城镇委员会,
# 龙街乡人民政府工作报告), unless it is a function word (全镇党委, 各乡镇人民政府)
_FUNCTION_FIRST = set(
    "全我该本各每等和与及的在对为是于了到从向由将把被其此这那所个两多同有无之以年月日号"
)
_NAME_LAST = set("城街集")
COMMON_WORD_FREQ = 200  # jieba frequency of an ordinary word
PLACE_WORD_FREQ = 1000  # ... and of a place-tagged word that is mostly used as a word (美丽, 长安)


@dataclass(frozen=True)
class PlaceGuess:
    """The place a report is about.

    Attributes:
        place: full name (Simplified), "" when unknown, anonymised or not a single place.
        level: province / prefecture / county / township, or "".
        province: the province the place belongs to ("" when unknown or ambiguous).
        evidence: a short account of why (for audits), e.g. ``"self=city; title+header+body 41"``.
    """

    place: str = ""
    level: str = ""
    province: str = ""
    evidence: str = ""


def self_level(text: str, gazetteer: Gazetteer | None = None) -> tuple[str, Counter[str]]:
    """The level a report speaks as (``province``, ``city``, ``prefecture``, ``county``,
    ``district``, ``township``, ``national``) and the counts behind it; "" when no level
    dominates. A self-reference that is part of a place name or of another word is not
    counted (:func:`_inside_a_name`, :func:`_inside_a_word`): 州长 in 杭州长期, 市委 in 信阳市委
    (a named unit, not the report's own), 全州 in 全州县, 市长 in 城市长期, 全市 in 健全市场,
    镇党委 in 乡镇党委, 县长 in 县长远."""
    matches = _self_matches(text)
    surfaces = (gazetteer or default_gazetteer()).surface
    counts = Counter(dict.fromkeys(_SELF, 0))
    for level, spans in matches.items():
        counts[level] = sum(
            not (_inside_a_name(text, a, b, surfaces) or _inside_a_word(text, a, b))
            for a, b in spans
        )
    ranked = counts.most_common()
    top, n_top = ranked[0]
    n_next = ranked[1][1] if len(ranked) > 1 else 0
    if n_top >= MIN_SELF and n_top >= SELF_DOMINANCE * n_next:
        return top, counts
    if top == "district" and counts["province"] and n_top >= MIN_SELF:
        return top, counts  # an autonomous region: 全区 and 自治区党委 both say "region"
    return "", counts


_LEVEL_SUFFIX = set("省市州盟县旗区镇乡")  # the last character of a unit's name or self-reference


_NAME_LENGTHS: dict[int, tuple[dict, dict[str, tuple[int, ...]]]] = {}


def _name_lengths(surfaces: dict) -> dict[str, tuple[int, ...]]:
    """Level character -> the lengths of the gazetteer names (three characters or more, or
    short forms: 杭州) that end with it; computed once per gazetteer."""
    hit = _NAME_LENGTHS.get(id(surfaces))
    if hit is None or hit[0] is not surfaces:
        out: dict[str, set[int]] = defaultdict(set)
        for surface, (_, short) in surfaces.items():
            if surface[-1] in _LEVEL_SUFFIX and (len(surface) >= 3 or short):
                out[surface[-1]].add(len(surface))
        hit = _NAME_LENGTHS[id(surfaces)] = (
            surfaces,
            {c: tuple(sorted(n)) for c, n in out.items()},
        )
    return hit[1]


def _inside_a_name(text: str, start: int, stop: int, surfaces) -> bool:
    """Is the self-reference ``text[start:stop]`` part of a place name of the gazetteer
    (``surfaces``: full names and short forms) rather than the report's own unit? Either its
    leading level character ends a name (杭州 + 长期, 黔东南州 + 委, 信阳市 + 委, 兰考县 + 人民
    政府: a named unit, the report's own or another) or it begins one (全州 + 县). Two-character
    full names (和县, 城区) are too often not names: 县委和|县政府."""
    for n in _name_lengths(surfaces).get(text[start], ()):
        if n <= start + 1 and text[start + 1 - n : start + 1] in surfaces:
            return True
    return text[start : stop + 1] in surfaces or text[start : stop + 2] in surfaces


_MODIFIER_TAGS = {"d", "a", "ad"}  # 长远, 长期, 长足: adverbs and adjectives


def _inside_a_word(text: str, start: int, stop: int) -> bool:
    """Is the self-reference ``text[start:stop]`` the tail or head of another word (jieba's
    dictionary, as :func:`analysis.corpus.gazetteer.find_mentions`)? The character before it,
    not a function character (和|县委), forms a common word with its first character (城|市长,
    健|全市, 乡|镇党委) and does not end one with the character before it (确保|全省,
    执行|省人大), or its last character forms a common adverb or adjective with the next
    (县长|远, 市长|期)."""
    freq, tag = jieba_words()
    if starts_inside_word(text, start, text[start:stop], freq) and (
        freq.get(text[max(0, start - 2) : start], 0) < COMMON_WORD_FREQ
    ):
        return True
    tail = text[stop - 1 : stop + 1]
    return tag.get(tail) in _MODIFIER_TAGS and freq.get(tail, 0) >= COMMON_WORD_FREQ


@functools.lru_cache(maxsize=1)
def _self_automaton():
    """One Aho–Corasick automaton over the literals of every :data:`SELF_REFERENCE` level
    (literal -> its length and ``(level, position in the alternation)``), or None when some
    pattern is not a plain alternation of literals."""
    import ahocorasick

    where: dict[str, list[tuple[str, int]]] = {}
    for level, pattern in SELF_REFERENCE.items():
        for k, literal in enumerate(pattern.split("|")):
            if not literal or re.escape(literal) != literal:
                return None
            where.setdefault(literal, []).append((level, k))
    automaton = ahocorasick.Automaton()
    for literal, levels in where.items():
        automaton.add_word(literal, (len(literal), tuple(levels)))
    automaton.make_automaton()
    return automaton


def _self_counts(text: str) -> Counter[str]:
    """``len(_SELF[level].findall(text))`` for every level, from one scan of the text."""
    return Counter({level: len(spans) for level, spans in _self_matches(text).items()})


def _self_matches(text: str) -> dict[str, list[tuple[int, int]]]:
    """``[m.span() for m in _SELF[level].finditer(text)]`` for every level, from one scan.

    The automaton reports every occurrence of every literal (overlaps included); per level,
    findall's leftmost-first rule is replayed: from the current position, the earliest
    occurrence wins, at one position the alternative listed first, and the next match starts
    after it.
    """
    automaton = _self_automaton()
    if automaton is None:
        return {k: [m.span() for m in p.finditer(text)] for k, p in _SELF.items()}
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for end, (n, levels) in automaton.iter(text):
        for level, k in levels:
            found[level].append((end - n + 1, k, end + 1))
    spans: dict[str, list[tuple[int, int]]] = {level: [] for level in _SELF}
    for level, occurrences in found.items():
        occurrences.sort()
        cursor = 0
        for start, _, stop in occurrences:
            if start >= cursor:
                spans[level].append((start, stop))
                cursor = stop
    return spans


def _compatible(level: str, name: str, self_lv: str) -> bool:
    """Is a gazetteer name of ``level`` a possible subject of a report speaking as ``self_lv``?"""
    if not self_lv:
        return True
    if self_lv == "province":
        return level == "province" and not name.endswith("市")
    if self_lv == "city":
        return name.endswith("市") and level in ("province", "prefecture", "county")
    if self_lv == "prefecture":  # an autonomous prefecture (自治州) or a league (盟)
        return level == "prefecture" and name.endswith(("州", "盟")) and not name.endswith("市")
    if self_lv == "county":
        return level == "county" and not name.endswith(("市", "区"))
    if self_lv == "district":
        return (level == "county" and name.endswith("区")) or name.endswith("自治区")
    return False  # township / national: no gazetteer name is the subject


def _word_kind(s: str) -> str:
    """ "common" for a frequent ordinary word (推进, 代表, 民族), "place-word" for a place-tagged
    word mostly used as a word (太平, 长安, 美丽), "" otherwise (jieba's dictionary)."""
    freq, tag = jieba_words()
    f = freq.get(s, 0)
    if tag.get(s) in ("ns", "nr", "nz", "nt"):
        return "place-word" if f >= PLACE_WORD_FREQ else ""
    return "common" if f >= COMMON_WORD_FREQ else ""


@functools.lru_cache(maxsize=1 << 16)  # (jieba_words is read once per process)
def _stem_kind(stem: str) -> str:
    """The worst word kind inside a township stem (农民|进 -> common, 太平 -> place-word)."""
    kinds = {_word_kind(stem[i:j]) for i in range(len(stem)) for j in range(i + 2, len(stem) + 1)}
    return "common" if "common" in kinds else "place-word" if "place-word" in kinds else ""


# word classes of a word that, after an ordinary word, makes a stem a phrase: verb, preposition,
# adverb, conjunction, particle (农民|进镇, 胜利|召开乡)
_PHRASE_TAGS = {"v", "vd", "p", "d", "c", "u"}


@functools.lru_cache(maxsize=1 << 14)
def _not_a_name(stem: str, suffix: str) -> bool:
    """A stem made of ordinary words names a township only as one word (青石镇, 胜利乡, 前进乡):
    not when the whole is itself an ordinary word (民族乡, a kind of township) or the stem is a
    phrase, an ordinary word followed by a verb or function word (农民|进|镇, 胜利|召开|乡)."""
    if _stem_kind(stem) != "common":
        return False
    if _word_kind(stem + suffix) == "common":
        return True
    freq, tag = jieba_words()
    return any(
        _word_kind(stem[:i]) == "common"
        and tag.get(stem[i:]) in _PHRASE_TAGS
        and freq.get(stem[i:], 0) >= COMMON_WORD_FREQ
        for i in range(2, len(stem))
    )


# suffix + next character that make another word: 美丽乡|村, 城镇|化 are not township names
_SUFFIX_WORDS = {
    "乡村",
    "乡镇",
    "乡土",
    "乡亲",
    "乡愁",
    "乡贤",
    "乡风",
    "乡情",
    "乡音",
    "镇压",
    "镇守",
    "镇街",  # 各镇街, 紧扣镇街产业布局: towns and subdistricts
}


_ALL_CJK = re.compile(r"[\u4e00-\u9fff]+")
_SUFFIX = re.compile(r"(镇|乡|街道)")


# what follows a township named as the title's subject: 东湖街道2020年工作报告, 青石镇人民政府…
_TITLE_TAIL = re.compile(
    r"\s*(?:(?:19|20)\d{2}|[〇零一二][〇零一二三四五六七八九]{3})\s*年"
    r"|人民政府|政府|党委|党工委|办事处|人大|第[一二三四五六七八九十\d]+届"
)


def township_mentions(
    text: str, covered: set[int] = frozenset(), *, title: bool = False
) -> Counter[str]:
    """Count ``name + 镇/乡/街道`` in ``text`` that look like township names.

    A stem is two to four characters with no administrative or function character. It is
    rejected when it begins or ends like a generic word (城镇, 乡镇, 强镇, 重点镇, 全镇; but not
    an official body's name after a county, 中共 or a line's start: 中共康乐县附城镇委员会), when the
    suffix starts another word (美丽乡|村) or ends a verb (送戏下乡, 能人返乡: unless the name has an
    official form in ``text`` or is the title's subject, 岭下乡党委), when it contains an ordinary
    word (我代表|镇人民政府,
    农民进镇, 民族乡), when its first character completes a word with the character before it
    (扩|权强镇) or when it is always preceded by the same character (a fragment of a longer
    name). A stem that is a place-tagged but mostly ordinary word (太平镇, 长安镇) counts only when
    the name also occurs in an official form (``太平镇党委``, ``长安镇人民政府``). Either kind of
    stem counts when the text names it as a place: in an address right after a gazetteer name
    (安吉县石门镇), before its congress (青石镇第十八届人民代表大会) or, with ``title``, as the
    title's first words followed by a year or an official form (东湖街道2020年工作报告), unless
    ordinary words make it a phrase or a kind of township (农民进镇, 胜利召开乡, 民族乡:
    :func:`_not_a_name`). Positions in ``covered`` (gazetteer names) are skipped.
    """
    freq, tag = jieba_words()
    stems: Counter[str] = Counter()
    addressed: Counter[str] = Counter()  # stems that are ordinary words, right after a county
    wordy: set[str] = set()
    before: dict[str, Counter[str]] = defaultdict(Counter)
    for m in _SUFFIX.finditer(text):
        end = m.start()
        if text[end : end + 2] in _SUFFIX_WORDS:
            continue  # 美丽乡|村
        # 送戏|下乡, 能人|返乡: the suffix ends a verb, no name, unless the text gives the name an
        # official form or makes it the title's subject (岭下乡党委, 山下乡人民政府工作报告)
        verb = end > 0 and tag.get(text[end - 1 : end + 1]) == "v"
        for length in (2, 3, 4):
            start = end - length
            if start < 0 or any(i in covered for i in range(start, end)):
                break
            stem = text[start:end]
            if not _ALL_CJK.fullmatch(stem) or set(stem) & _NOT_IN_STEM:
                break
            prev = text[start - 1] if start > 0 else ""
            if (stem[0] in _GENERIC_FIRST or stem[-1] in _GENERIC_LAST) and not (
                _named_body(text, start, m.end(), prev, covered)
                and stem[0] not in _FUNCTION_FIRST
                and (stem[-1] not in _GENERIC_LAST or stem[-1] in _NAME_LAST)
            ):
                continue
            if prev and freq.get(prev + stem[0], 0) >= COMMON_WORD_FREQ:
                continue  # 扩|权强镇, 城|关镇 inside a longer word
            name = stem + m.group(1)
            if verb and not (
                official_count(name, text, first=True)
                or (title and start == 0 and _TITLE_TAIL.match(text, m.end()))
            ):
                continue
            kind = _stem_kind(stem)
            if kind:  # 代表镇 (我代表镇人民政府), 接受镇, 农民进镇, 民族乡; 东湖, 太平 ...
                if (
                    (start and start - 1 in covered)
                    or (title and start == 0 and _TITLE_TAIL.match(text, m.end()))
                ) and not _not_a_name(stem, m.group(1)):
                    # ... but 安吉县石门镇 (an address), 东湖街道2020年… (the title's subject)
                    addressed[name] += 1
                    continue
                if kind == "common":
                    continue
                wordy.add(name)
            stems[name] += 1
            before[name][prev] += 1
    for name, n in addressed.items():
        # an ordinary word as a stem (青石, 石门) names a township only in an address
        # (安吉县石门镇) or before its congress (青石镇第十八届人民代表大会): all its uses count
        stems[name] = max(n, text.count(name))
        before[name][""] += stems[name]
    for name in _congress_townships(text, covered) - set(stems):
        stems[name] = text.count(name)
        before[name][""] += stems[name]
    out: Counter[str] = Counter()
    for name, n in stems.items():
        prev, n_prev = before[name].most_common(1)[0]
        longer = prev + name
        if prev and re.match(r"[\u4e00-\u9fff]", prev) and n_prev >= 0.7 * n and longer in stems:
            continue  # always preceded by the same character: a fragment of ``longer``
        if name in wordy and name not in addressed and not official_count(name, text, first=True):
            continue
        out[name] = n
    for name in list(out):
        for other in out:
            if other != name and other.endswith(name) and out[other] >= 0.7 * out[name]:
                del out[name]
                break
    return out


def _named_body(text: str, start: int, end: int, prev: str, covered) -> bool:
    """Is ``text[start:end]`` (a township name) an official body's name (followed by 人民政府,
    党委, 委员会, 第N届…) written after a gazetteer name (康乐县附城镇委员会), after 中共/在/于
    or at the start of a line?"""
    if not _OFFICIAL.match(text[end : end + 12]):
        return False
    return not prev or prev in "\n在于共" or (start - 1) in covered


_CONGRESS = re.compile(r"(?:镇|乡|街道)第[一二三四五六七八九十\d]+届(?:人民代表大会|人大)")


def _congress_townships(text: str, covered: set[int]) -> set[str]:
    """Townships named before their own congress (在青石镇第十八届人民代表大会): the stem runs
    back to a preposition 在/于, a gazetteer name or a non-CJK character and is not a phrase
    (顺利召开镇第…届: :func:`_not_a_name`)."""
    found = set()
    for m in _CONGRESS.finditer(text):
        end = m.start() + (2 if text.startswith("街道", m.start()) else 1)
        for length in (2, 3, 4):
            start = m.start() - length
            stem = text[start : m.start()]
            if start < 0 or not _ALL_CJK.fullmatch(stem) or set(stem) & _NOT_IN_STEM:
                break
            if stem[-1] in _GENERIC_LAST:
                continue
            prev = text[start - 1] if start else ""
            if not prev or prev in "在于" or start - 1 in covered or not _ALL_CJK.match(prev):
                if not _not_a_name(stem, text[m.start() : end]):  # 胜利召开|乡第…届
                    found.add(text[start:end])
                break
    return found


_ISSUER = re.compile(
    r"^[^。！？，,；;：:]{2,30}(?:人民政府|政府|委员会|党委|党工委|党组|办事处|办公室|工作组|领导小组|局|厅|委|办|室)$"
)
# a date after the issuing body on the same line (兰考县人民政府 2019年2月20日)
_TRAILING_DATE = re.compile(
    r"\s*(?:(?:19|20)\d{2}|[〇零○O一二][〇零○O一二三四五六七八九]{3})\s*年[\d\s一二三四五六七八九十月日号]*$"
)
_PARTY = re.compile(r"^(?:中共|中国共产党)")
CLOSING_LINES = 3  # issuing-body lines looked for among the last paragraphs of the body


def _issuer_line(line: str, text: str, gaz: Gazetteer) -> bool:
    """Does ``line`` look like an issuing body (兰考县人民政府, 中共白石镇委员会, 县人民政府,
    optionally followed by a date) rather than a sentence that ends with one (衷心感谢民权县人民
    政府)? The line must begin, after 中共, with the body's name: a gazetteer name (and only
    names straight after it: 河南省兰考县…), the own unit unnamed (县…, 镇…), an anonymised name
    (**镇…) or a township name whose stem is not an ordinary word or that ``text`` (the title,
    header and body) uses again."""
    line = _TRAILING_DATE.sub("", line.strip())
    if not _ISSUER.match(line):
        return False
    head = _PARTY.sub("", line)
    if head[0] in _LEVEL_SUFFIX or _ANON.match(head):  # 县人民政府, 镇党委: the own unit
        return True
    mentions = find_mentions(head, gazetteer=gaz, min_full=2)
    if mentions:
        return mentions[0].start == 0 and all(
            b.start == a.end for a, b in zip(mentions, mentions[1:])
        )
    m = _TOWNSHIP.match(head)
    if m is None or set(m.group(1)) & _NOT_IN_STEM:
        return False
    return _stem_kind(m.group(1)) != "common" or text.count(m.group(0)) > 1


def _split_closing(body: str, gaz: Gazetteer | None = None, context: str = "") -> tuple[str, str]:
    """``(body, closing)``: the issuing-body lines that end the body (兰考县人民政府 above the
    dated signature, 中共××镇委员会) are split off as part of the signature; a last line that
    is a sentence ending in a body's name (衷心感谢民权县人民政府) stays in the body.
    ``context``: the title and header (a township named there and in the closing line)."""
    if not body:
        return body, ""
    gaz = gaz or default_gazetteer()
    paras = body.split("\n")
    k = len(paras)
    text = f"{context}\n{body}" if context else body
    while k > 0 and len(paras) - k < CLOSING_LINES and _issuer_line(paras[k - 1], text, gaz):
        k -= 1
    if k == len(paras) or k == 0:
        return body, ""
    return "\n".join(paras[:k]), "\n".join(paras[k:])


def closing_lines(body: str, context: str = "") -> int:
    """How many issuing-body lines end ``body`` (paragraphs joined by newlines): the first
    lines of the signature (兰考县人民政府 above the dated line), as :func:`infer_place` reads
    them (``context``: the title and header, as :func:`infer_place` gets them)."""
    _, closing = _split_closing(body, context=context)
    return closing.count("\n") + 1 if closing else 0


OPENING_PARAGRAPHS = 2  # the opening: the first paragraphs of at least OPENING_MIN characters
OPENING_MIN = 15  # (a salutation such as 各位代表： is skipped)


def _opening(body: str) -> str:
    """The start of the body up to the end of its first substantive paragraphs."""
    end, seen = 0, 0
    for para in body.split("\n"):
        end += len(para) + 1
        if len(para) >= OPENING_MIN:
            seen += 1
            if seen == OPENING_PARAGRAPHS:
                break
    return body[:end]


# a trip to the name that follows (赴安吉县, 前往湖州市), and what joins the destinations of one
# trip (赴浙江省安吉县, 赴杭州市、湖州市, 赴杭州市和湖州市)
_TRIP = ("赴", "前往")
_TRIP_JOIN = re.compile(r"[、，,和及与 ]?")
_CITED = re.compile(r"《[^《》\n]{1,100}》")  # the title of another document
# the frame that names a superior: 在龙场镇党委、镇政府的正确领导下, 在湄潭县委的关心支持下
_UNDER = re.compile(r"在[^。！？；\n]{0,60}?(?:领导|指导|带领|关怀|关心|支持|帮助)下")


def _official_own(name: str, opening: str, under: list[tuple[int, int]]) -> int:
    """How often ``name`` stands in official form in the opening outside a superior's frame
    (``under``: the spans of 在…领导下): 金竹乡党委…团结带领全乡, not 在龙场镇党委…领导下."""
    n, pos, tail = 0, opening.find(name), _OFFICIAL_TAIL.match
    while pos >= 0:
        if tail(opening, pos + len(name)) and not any(a <= pos < b for a, b in under):
            n += 1
        pos = opening.find(name, pos + len(name))
    return n


_OFFICIAL_TAIL = re.compile(_OFFICIAL.pattern[1:])  # _OFFICIAL unanchored, for match(text, pos)


def official_count(name: str, text: str, *, first: bool = False) -> int:
    """How many times ``name`` followed by an official form (人民政府, 党委 …: ``_OFFICIAL``)
    occurs in ``text`` (non-overlapping, left to right, as ``findall`` of one pattern of the
    name and the form would count them; tests compare them), or with ``first`` 1 when it
    occurs at all. The name is found with ``str.find`` and only the tail is a regex, so no
    pattern is compiled per name (one compile per township name was most of this step)."""
    n, pos, size, tail = 0, text.find(name), len(name), _OFFICIAL_TAIL.match
    while pos >= 0:
        m = tail(text, pos + size)
        if m is None:
            pos = text.find(name, pos + 1)
            continue
        n += 1
        if first:
            break
        pos = text.find(name, m.end())
    return n


def _official(text: str, m: Mention) -> bool:
    return bool(_OFFICIAL.match(text[m.end : m.end + 12]))


def _choose_division(divs: tuple[Division, ...], provinces: Counter[str]) -> Division | None:
    if len(divs) == 1:
        return divs[0]
    ranked = sorted(divs, key=lambda d: provinces.get(d.province, 0), reverse=True)
    first, second = provinces.get(ranked[0].province, 0), provinces.get(ranked[1].province, 0)
    return ranked[0] if first > second else None


def infer_place(
    title: str,
    body: str,
    *,
    header: str = "",
    signature: str = "",
    gazetteer: Gazetteer | None = None,
) -> PlaceGuess:
    """The place a report is about, its level and province; empty when the evidence is weak.

    Args:
        title: the report's title (Simplified; "" when none).
        body: the body text (Simplified), paragraphs joined by newlines; its first two
            substantive paragraphs are the "opening" (``我代表××市人民政府…``).
        header: other title-block lines (subtitle, "——在××县第N届人民代表大会…"), Simplified.
        signature: the closing signature line ("××镇人民政府 2011年…"), Simplified.
        gazetteer: alternative :class:`~analysis.gazetteer.Gazetteer` (default: the bundled CSV).

    Returns:
        :class:`PlaceGuess` (place, level, province, evidence).

    Example:
        >>> infer_place("", "全市上下……七台河市经济……七台河市", header="——在七台河市人民代表大会上").place
        '七台河市'
    """
    gaz = gazetteer or default_gazetteer()
    body, closing = _split_closing(body, gaz, f"{title}\n{header}")
    if closing:  # 兰考县人民政府 on its own line above the dated signature
        signature = f"{closing}\n{signature}" if signature else closing
    opening = _opening(body)
    under = [m.span() for m in _UNDER.finditer(opening)]
    parts = {"title": title, "header": header, "signature": signature, "body": body}
    self_lv, self_counts = self_level("\n".join(parts.values()), gaz)
    if self_lv == "national":
        return PlaceGuess(evidence=f"self=national ({self_counts['national']})")
    scores: Counter[str] = Counter()
    strong: Counter[str] = Counter()
    full_seen: set[str] = set()
    short_counts: Counter[str] = Counter()
    body_full: Counter[str] = Counter()
    provinces: Counter[str] = Counter()
    levels: dict[str, str] = {}
    divisions: dict[str, tuple[Division, ...]] = {}
    official: Counter[str] = Counter()  # mentions followed by 人民政府 / 党委 / 第N届人民代表大会 …
    author: Counter[str] = Counter()  # ... in the title, header or signature: the issuing body
    superior: Counter[str] = (
        Counter()
    )  # provinces of counties in official form (××县委: a township's)
    in_opening: set[str] = set()  # names in the opening paragraphs
    placed: Counter[str] = Counter()  # mentions in the title, header or signature
    visited: set[str] = set()  # where its title or signature goes (赴安吉县): never the subject
    block: dict[str, tuple[Division, ...]] = {}  # names in the header or signature (not the
    # title: 结对帮扶××县)
    found = {
        part: find_mentions(text, gazetteer=gaz) if text else [] for part, text in parts.items()
    }
    named = {m.name: m for ms in found.values() for m in ms if not m.short}
    for part, text in parts.items():
        if not text:
            continue
        mentions = found[part]
        address = _addresses(text, mentions, named, gaz)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        towns = township_mentions(text, covered, title=part == "title")
        cited = [c.span() for c in _CITED.finditer(text)] if "《" in text else []
        trip_end = -1  # where the last name after 赴 (and the names chained to it) ends
        for i_m, m in enumerate(mentions):
            if part != "body" and (
                text.endswith(_TRIP, 0, m.start)
                or (trip_end >= 0 and _TRIP_JOIN.fullmatch(text, trip_end, m.start))
            ):
                # the document's own trip (关于赴浙江省安吉县学习考察的报告, 赴杭州市、湖州市):
                # destinations, not the author (in the body, 赴 may be another's: 中央办公厅赴
                # 辽宁回访调研组)
                visited.add(m.name)
                trip_end = m.end
            levels[m.name], divisions[m.name] = m.level, m.divisions
            if part in ("header", "signature") and not any(a <= m.start < b for a, b in cited):
                block[m.name] = m.divisions
            for d in m.divisions:
                provinces[d.province] += 1
            if m.short and m.level != "province":
                short_counts[m.name] += 1
                continue
            if part != "body" and towns and any(text.startswith(t, m.end) for t in towns):
                continue  # a title's 安吉县|石门镇: the township's address, not another subject
            if i_m in address:
                continue  # 浙江省衢州市|龙游县, 浙江|龙游: the address of the unit named next
            full_seen.add(m.name)
            if (
                cited
                and (part == "body" or _official(text, m))
                and any(a <= m.start < b for a, b in cited)
            ):
                # in the title of a document it cites (认真贯彻《潍坊市人民政府关于…的意见》): a
                # mention, never the author, an official form or a strong position. In the
                # title, header or signature only another body's document (a name in official
                # form: 关于贯彻《遵义市人民政府关于…》的方案); 《新化县…规划纲要》实施情况报告
                # names the report's subject
                body_full[m.name] += 1
                scores[m.name] += WEIGHT["body"]
                if part == "body" and m.end <= len(opening):
                    in_opening.add(m.name)  # (请连同《内蒙古自治区…规划纲要》一并审议)
                continue
            weight = WEIGHT[part]
            is_official = _official(text, m)
            official[m.name] += is_official
            if is_official and m.level == "county" and len({d.province for d in m.divisions}) == 1:
                # a township's superior is its county (湄潭县委); a city or province in official
                # form is as often a partner (宁波市人民政府对口帮扶) as a superior
                superior[m.divisions[0].province] += 1
            if (is_official and part != "body") or (
                part == "title" and m.start == 0 and _TITLE_TAIL.match(text, m.end)
            ):  # the issuing body, or the title's subject (平江县2019年政府工作报告)
                author[m.name] += 1
            if part == "body" and m.end <= len(opening):
                in_opening.add(m.name)
            if (
                part == "body"
                and m.end <= len(opening)
                and is_official
                and not any(a <= m.start < b for a, b in under)
            ):  # 今年以来，兰考县委… (not 在信阳市委、市政府的领导下: a superior)
                weight = WEIGHT["opening"]
            if part != "body":
                placed[m.name] += 1
            if part in ("title", "header", "signature") or weight > WEIGHT["body"]:
                strong[m.name] += 1
            else:
                body_full[m.name] += 1
            scores[m.name] += weight
        for name, n in towns.items():
            weight = WEIGHT[part]
            official[name] += official_count(name, text)
            if (part != "body" and official_count(name, text, first=True)) or (
                part == "title" and text.startswith(name) and _TITLE_TAIL.match(text, len(name))
            ):
                author[name] += 1
            if part == "body" and name in opening:  # opening is a prefix of body
                in_opening.add(name)
            levels[name] = "township"
            if part != "body":
                scores[name] += weight * n
                strong[name] += n
                placed[name] += n
                continue
            # in official form in the opening (今年以来，金竹乡党委…): strong, as a county's
            k = min(n, _official_own(name, opening, under)) if name in opening else 0
            scores[name] += weight * (n - k) + WEIGHT["opening"] * k
            strong[name] += k
            body_full[name] += n - k
    for name in full_seen if self_lv in ("", "county", "city", "district") else ():
        stem = _county_stem(name, levels[name], divisions[name], gaz)
        if stem:  # 固始县 … 固始经济 … 现代化固始: a county named in full, then by its stem
            short_counts[name] += sum(t.count(stem) - t.count(name) for t in parts.values())
    for name, n in short_counts.items():
        if name in full_seen or strong[name]:
            scores[name] += SHORT_WEIGHT * n
            body_full[name] += n
    if not self_lv and not strong and not any(n >= MIN_BODY_MENTIONS for n in body_full.values()):
        return PlaceGuess(evidence="no self-reference level and no name in a strong position")

    def compatible(name: str) -> bool:
        if name in visited:
            return False
        lv = levels[name]
        if lv == "township":
            return self_lv == "township" or (not self_lv and strong[name] > 0)
        if not self_lv:
            return True
        return _compatible(lv, name, self_lv)

    cands = sorted(
        ((s, n) for n, s in scores.items() if compatible(n)), key=lambda x: (-x[0], x[1])
    )
    if not cands:
        return PlaceGuess(evidence=f"self={self_lv or '?'}; no name of that level")
    best_score, best = cands[0]
    second = cands[1][0] if len(cands) > 1 else 0.0
    authors = [n for _, n in cands if author[n]]
    if len(authors) == 1 and authors[0] != best:
        # the one name in official form in the title, header or signature (兰考县人民政府关于…)
        # is the author; names only in the body (a neighbour it cooperates with) are topics
        best_score, best = next(c for c in cands if c[1] == authors[0])
    if len(authors) == 1:  # ... even in official form in the opening (在泉州市委…领导下)
        second = max((sc for sc, n in cands if n != best and placed[n]), default=0.0)
    why = (
        f"self={self_lv or '?'}; strong={strong[best]} body={body_full[best]} "
        f"official={official[best]} score={best_score:g}"
    )
    share = best_score / sum(scores.values())
    why += f" share={share:.2f} self_refs={self_counts[self_lv] if self_lv else 0}"
    need = max(MIN_BODY_MENTIONS, self_counts[self_lv] / SELF_PER_MENTION if self_lv else 0)
    backed = official[best] or best in in_opening or share >= BODY_SHARE
    if not strong[best] and (body_full[best] < need or not backed):
        return PlaceGuess(evidence=why + "; body only: too few, not official, not in the opening")
    if best_score < DOMINANCE * second:
        return PlaceGuess(evidence=why + f"; does not dominate ({cands[1][1]} {second:g})")
    n_anon = len(_ANON.findall(title)) * WEIGHT["title"] + len(_ANON.findall(body + header))
    if n_anon >= best_score:
        return PlaceGuess(evidence=why + f"; anonymised mentions {n_anon:g}")
    if levels[best] == "township":
        province = _township_province(best, parts, gaz)
        if not province and len(superior) == 1:  # 在湄潭县委、县政府的领导下
            province = next(iter(superior))
            why += "; province from the superior named in official form"
        if not province:  # 中宁县…经验材料汇编 over 宁安镇: the township's county or city
            block_provinces = {
                d.province for n, ds in block.items() if n not in visited for d in ds
            }
            if len(block_provinces) == 1:
                province = next(iter(block_provinces))
                why += "; province from the header and signature"
        return PlaceGuess(best, "township", province, why)
    div = _choose_division(divisions[best], provinces)
    if div is None:
        return PlaceGuess(best, levels[best], "", why + "; name in several provinces")
    return PlaceGuess(best, div.level, div.province, why)


def _addresses(
    text: str, mentions: list[Mention], named: dict[str, Mention], gaz: Gazetteer
) -> set[int]:
    """Indices of the mentions that are the address of the unit named right after them: its
    province or prefecture (浙江省衢州市龙游县), or a province before the stem of a county the
    report names in full (浙江龙游：… in a report on 龙游县)."""
    out = set()
    stems = None
    for i, m in enumerate(mentions):
        if m.level == "county":
            continue
        if i + 1 < len(mentions) and mentions[i + 1].start == m.end:
            below = mentions[i + 1].divisions
        else:
            if stems is None:
                stems = {}
                for name, n in named.items():
                    stem = _county_stem(name, n.level, n.divisions, gaz)
                    if stem:
                        stems.setdefault(stem, n.divisions)
            below = next(
                (stems[s] for k in (2, 3, 4) if (s := text[m.end : m.end + k]) in stems), ()
            )
        if any(
            d.parent == m.name or (m.level == "province" and d.province == m.name) for d in below
        ):
            out.add(i)
    return out


def _county_stem(name: str, level: str, divs: tuple[Division, ...], gaz: Gazetteer) -> str:
    """The stem of a county-level name (固始 for 固始县, 义乌 for 义乌市) that the gazetteer
    gives no short form (two-character stems are too ambiguous across the country, but not in
    a report that names the county in full), or "" when the stem is another name or a
    frequent word of jieba's dictionary, whatever its tag: an ordinary word (新建 of 新建区: 新建
    学校) or a place-tagged one that is also a word (和平, 平原, 路桥, 商城)."""
    if level != "county" or len(name) < 3 or name[-1] not in "县市区旗":
        return ""
    stem = name[:-1]
    if any(d.short for d in divs) or stem in gaz.surface:
        return ""
    return "" if jieba_words()[0].get(stem, 0) >= COMMON_WORD_FREQ else stem


def _township_province(name: str, parts: dict[str, str], gaz: Gazetteer) -> str:
    """The province of a township when a county/city name stands right before it (××县××镇)."""
    found: Counter[str] = Counter()
    for text in parts.values():
        for i in [m.start() for m in re.finditer(re.escape(name), text)]:
            for m in find_mentions(text[max(0, i - 12) : i], gazetteer=gaz):
                if m.end == min(12, i) and len({d.province for d in m.divisions}) == 1:
                    found[m.divisions[0].province] += 1
    return found.most_common(1)[0][0] if len(found) == 1 else ""


def extract_place(title: str, body: str) -> str:
    """The place a report is about (Simplified full name), or "" (see :func:`infer_place`).

    Example:
        >>> extract_place("构建和谐天长", "天长镇在构建和谐天长进程中……天长镇历史以来，镇党委")
        '天长镇'
    """
    return infer_place(title, body).place
