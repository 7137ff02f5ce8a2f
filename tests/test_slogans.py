"""Slogans (提法): discovery of the three kinds, variant merging in both scripts, precision rules,
duplicates, offsets, lexicon errors and an integration run on data/raw/."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pandas as pd
import pytest
from fixtures_themes import slogan_corpus, write

from analysis.errors import InputFileError
from analysis.measures.formulations import FormulationRules
from analysis.measures.slogans import (
    KINDS,
    SLOGAN_COLUMNS,
    SLOGANS_FILE,
    extract_slogans,
    load_slogan_patterns,
    normalise_slogan,
    slogan_mentions,
)


@pytest.fixture(scope="module")
def patterns():
    return load_slogan_patterns()


@pytest.fixture(scope="module")
def fixture_slogans(patterns):
    paragraphs, documents = slogan_corpus()
    return extract_slogans(paragraphs, documents, patterns).set_index("slogan")


# --------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    "surface",
    [
        "升级晋档、科学发展",
        "升级晋档,科学发展",
        "升级晋档，科学发展",
        "升級晉檔,科學發展",
        "升級晉檔、科學發展",
        "升级晋档 科学发展",
        " 升级晋档 ， 科学发展 ",
    ],
)
def test_variants_normalise_to_one_key(surface, patterns):
    assert normalise_slogan(surface, patterns) == "升级晋档、科学发展"


def test_normalise_drops_quotes_and_applies_aliases(patterns):
    assert normalise_slogan("“312”工作思路", patterns) == "312工作思路"
    assert normalise_slogan("３１２", patterns) == "312"  # full-width digits
    # alias in slogans.yaml: 争先创优 is merged into 创先争优
    assert normalise_slogan("爭先創優、為民服務", patterns) == "创先争优、为民服务"


# --------------------------------------------------------------------------- fixture corpus


def test_output_columns_and_order(fixture_slogans):
    out = fixture_slogans.reset_index()
    assert list(out.columns[: len(SLOGAN_COLUMNS)]) == SLOGAN_COLUMNS
    assert set(out["kind"]) <= set(KINDS)
    keys = list(zip(-out["n_docs"], -out["n_mentions"], out["slogan"], strict=True))
    assert keys == sorted(keys)


def test_quoted_slogan_merges_both_scripts_and_punctuation(fixture_slogans):
    row = fixture_slogans.loc["升级晋档、科学发展"]
    assert row["kind"] == "quoted"
    assert (row["n_docs"], row["n_mentions"]) == (2, 2)
    assert row["doc_ids"] == "S1;T1"
    assert set(row["variants"].split(" | ")) == {"升级晋档、科学发展", "升級晉檔,科學發展"}
    assert bool(row["recurring"]) is True


def test_example_is_the_first_sentence_in_original_script(fixture_slogans):
    row = fixture_slogans.loc["三联共建"]
    assert row["example_doc_id"] == "T1" and row["example_para_id"] == 1
    assert row["example"].startswith("堅持“創先爭優")  # Traditional, as written
    assert "三聯共建" in row["example"]
    assert fixture_slogans.loc["312工作思路", "example"] == "按照“312”工作思路推进。"


def test_numbered_formulas(fixture_slogans):
    for key in ("五个好", "三联共建", "三抓三突破", "312工作思路", "五桥带五区建设"):
        assert fixture_slogans.loc[key, "kind"] == "numbered", key
    assert fixture_slogans.loc["五个好", "n_docs"] == 2
    assert set(fixture_slogans.loc["五个好", "variants"].split(" | ")) == {"五个好", "五個好"}
    # quoted twice... once in quotes and once in running text: the recount finds both
    assert fixture_slogans.loc["三联共建", "n_mentions"] == 2
    # a formula inside a quoted formula is not a mention of its own
    assert "五桥带五区" not in fixture_slogans.index


def test_fixed_phrases_and_nesting(fixture_slogans):
    row = fixture_slogans.loc["战斗堡垒"]
    assert row["kind"] == "phrase" and row["n_docs"] == 2
    assert set(row["variants"].split(" | ")) == {"战斗堡垒", "戰鬥堡壘"}
    # 创先争优 counts inside “创先争优,为民服务”, and the compound is a slogan of its own
    assert fixture_slogans.loc["创先争优", "n_mentions"] == 1
    assert fixture_slogans.loc["创先争优、为民服务", "kind"] == "quoted"


@pytest.mark.parametrize(
    "not_a_slogan",
    [
        "一个半月",  # duration (stop-list)
        "三个月",  # duration
        "九年九月",  # date 二00九年九月七日
        "一心一意",  # idiom
        "一心一意谋",
        "关于加强基层统战组织建设的意见",  # 《document title》
        "工商业联合会",  # organisation name
        "根",  # scare quote, too short
        "谈工作必谈发展、谈发展必谈经济、谈经济必谈项目",  # quoted sentence, too long
        "城镇登记失业率控制在4.5%以内",  # numeric target
    ],
)
def test_precision_rules(fixture_slogans, not_a_slogan):
    assert not_a_slogan not in fixture_slogans.index
    assert not any(k.startswith(not_a_slogan) for k in fixture_slogans.index if len(k) < 6)


def test_duplicates_excluded_by_default(patterns):
    paragraphs, documents = slogan_corpus()
    default = extract_slogans(paragraphs, documents, patterns).set_index("slogan")
    assert "双基四落实" not in default.index
    assert not default["doc_ids"].str.contains("S2").any()
    everything = extract_slogans(paragraphs, documents, patterns, include_duplicates=True)
    everything = everything.set_index("slogan")
    assert everything.loc["升级晋档、科学发展", "n_docs"] == 3
    assert everything.loc["双基四落实", "doc_ids"] == "S2"


def test_min_docs_keeps_recurring_only(patterns):
    paragraphs, documents = slogan_corpus()
    no_formulations = replace(patterns, formulations=FormulationRules(enabled=False))
    recurring = extract_slogans(paragraphs, documents, no_formulations, min_docs=2)
    assert set(recurring["slogan"]) == {"五个好", "升级晋档、科学发展", "战斗堡垒"}
    assert recurring["recurring"].all()
    # with formulations, the parts of the quoted pair that the corpus quotes in two documents
    # and the domain dictionary lists are formulations of their own, counted everywhere
    with_f = extract_slogans(paragraphs, documents, patterns, min_docs=2).set_index("slogan")
    assert set(with_f.index) - set(recurring["slogan"]) == {"升级晋档", "科学发展"}
    assert (with_f.loc[["升级晋档", "科学发展"], "kind"] == "formulation").all()


def test_mention_offsets_point_at_the_original_text(patterns):
    paragraphs, documents = slogan_corpus()
    mentions = slogan_mentions(paragraphs, patterns, documents=documents)
    assert len(mentions) > 10
    texts = paragraphs.set_index(["doc_id", "para_id"])
    for m in mentions.itertuples():
        row = texts.loc[(m.doc_id, m.para_id)]
        assert row["text_original"][m.start : m.end] == m.surface_original
        assert row["text"][m.start : m.end] == m.surface
        assert normalise_slogan(m.surface, patterns) == m.slogan
    assert mentions.duplicated(["doc_id", "para_id", "start", "end", "slogan"]).sum() == 0


def test_deterministic(patterns):
    paragraphs, documents = slogan_corpus()
    a = extract_slogans(paragraphs, documents, patterns)
    b = extract_slogans(paragraphs.sample(frac=1, random_state=3), documents, patterns)
    pd.testing.assert_frame_equal(a, b)


def test_empty_input_gives_empty_table(patterns):
    paragraphs, _ = slogan_corpus()
    out = extract_slogans(paragraphs.iloc[:0], None, patterns)
    assert out.empty and list(out.columns[: len(SLOGAN_COLUMNS)]) == SLOGAN_COLUMNS


# --------------------------------------------------------------------------- editable file


def test_editing_the_yaml_changes_the_result(tmp_path):
    text = SLOGANS_FILE.read_text(encoding="utf-8").replace("  - 战斗堡垒\n", "")
    edited = load_slogan_patterns(write(tmp_path, "slogans.yaml", text))
    paragraphs, documents = slogan_corpus()
    out = extract_slogans(paragraphs, documents, edited)
    assert "战斗堡垒" not in set(out["slogan"])


def _broken(tmp_path, old: str, new: str):
    text = SLOGANS_FILE.read_text(encoding="utf-8")
    assert old in text
    path = write(tmp_path, "slogans.yaml", text.replace(old, new, 1))
    line = text.replace(old, new, 1)[: text.index(old)].count("\n") + 1
    return path, line


def test_bad_regex_names_file_line_and_pattern(tmp_path):
    path, line = _broken(tmp_path, "(?:思路|战略|", "(?:思路|战略|(")
    with pytest.raises(InputFileError) as err:
        load_slogan_patterns(path)
    msg = str(err.value)
    assert f"slogans.yaml:{line}:" in msg and "invalid regular expression" in msg


def test_yaml_syntax_error_names_the_line(tmp_path):
    path, line = _broken(
        tmp_path, "  min_chars: 3\n  max_chars: 16", "  min_chars: [3\n  max_chars: 16"
    )
    with pytest.raises(InputFileError) as err:
        load_slogan_patterns(path)
    assert "slogans.yaml:" in str(err.value) and "invalid YAML" in str(err.value)


def test_wrong_type_names_the_key(tmp_path):
    path, line = _broken(tmp_path, "  max_chars: 16", "  max_chars: sixteen")
    with pytest.raises(InputFileError) as err:
        load_slogan_patterns(path)
    assert f"slogans.yaml:{line}:" in str(err.value) and "quoted.max_chars" in str(err.value)


def test_missing_section_is_reported(tmp_path):
    src = tmp_path / "src.yaml"
    shutil.copy(SLOGANS_FILE, src)
    text = src.read_text(encoding="utf-8")
    cut = text[: text.index("numbered:")] + "phrases: [战斗堡垒]\n"
    with pytest.raises(InputFileError, match="missing key 'numbered"):
        load_slogan_patterns(write(tmp_path, "slogans.yaml", cut))


# --------------------------------------------------------------------------- data/raw


@pytest.fixture(scope="module")
def raw_slogans(raw_corpus):
    return extract_slogans(raw_corpus.paragraphs, raw_corpus.documents).set_index("slogan")


def test_raw_corpus_known_slogans(raw_slogans):
    for key in (
        "升级晋档、科学发展",
        "三联共建",
        "五个好",
        "战斗堡垒",
        "双基四落实",
        "312工作思路",
    ):
        assert key in raw_slogans.index, key
    variants = set(raw_slogans.loc["升级晋档、科学发展", "variants"].split(" | "))
    assert {"升級晉檔,科學發展", "升級晉檔、科學發展"} <= variants
    assert "升級晉檔" in raw_slogans.loc["升级晋档、科学发展", "example"]


def test_raw_corpus_recurring_slogans_span_documents(raw_slogans):
    assert raw_slogans.loc["五个好", "doc_ids"] == "000;001"
    assert set(raw_slogans.loc["战斗堡垒", "doc_ids"].split(";")) == {"000", "003", "004"}
    assert raw_slogans.loc["又好又快", "n_docs"] >= 2
    recurring = set(raw_slogans.index[raw_slogans["recurring"]])
    assert {"五个好", "战斗堡垒", "又好又快", "科学发展观"} <= recurring


def test_raw_corpus_duplicate_article_excluded(raw_corpus, raw_slogans):
    dup = raw_corpus.documents.loc[raw_corpus.documents["duplicate_of"] != "", "doc_id"]
    assert set(dup) == {"002-2"}
    assert not raw_slogans["doc_ids"].str.contains("002-2").any()
    assert raw_slogans.loc["双基四落实", "doc_ids"] == "002-1"
    both = extract_slogans(raw_corpus.paragraphs, raw_corpus.documents, include_duplicates=True)
    assert both.set_index("slogan").loc["双基四落实", "doc_ids"] == "002-1;002-2"


def test_recount_rules_inside_other_quotes(patterns):
    paragraphs = pd.DataFrame(
        {
            "doc_id": ["A", "A", "B"],
            "para_id": [0, 1, 0],
            "text": [
                "开展“五个一”活动。",
                "统筹推进“五个一批”,制作“为民服务干群连心卡”。",
                "推进“三联共建、结对帮扶”和“三联共建”。",
            ],
        }
    )
    paragraphs["text_original"] = paragraphs["text"]
    got = extract_slogans(paragraphs, None, patterns).set_index("slogan")
    assert got.loc["五个一", "n_mentions"] == 1  # not again inside “五个一批”
    assert got.loc["为民服务", "doc_ids"] == "A"  # a fixed phrase counts anywhere
    assert got.loc["三联共建", "n_mentions"] == 2  # a whole part of the longer quote


def _random_text(rng, n: int) -> str:
    alphabet = list(
        "一二三四五六七八九十两双第百千万零〇几个大五规划建设工作活动村品桥区抓突破"
    ) + list('0123456789０１,，、;； 　\n“”"《》。')
    return "".join(rng.choice(alphabet, size=n).tolist())


@pytest.mark.parametrize("seed", range(5))
def test_first_character_first_regexes_find_the_same_matches(patterns, seed):
    """The numbered patterns as loaded (a leading one-character lookbehind moved behind the
    first character class: the fast form) find exactly what the patterns of slogans.yaml
    compiled as written find, at the text's start too."""
    import re

    import numpy as np
    import yaml

    from analysis.measures.slogans import _expand, _first_character_first

    rng = np.random.default_rng(seed)
    text = _random_text(rng, 20_000)
    data = yaml.safe_load(patterns.path.read_text(encoding="utf-8"))["numbered"]
    written = [re.compile(_expand(p["regex"], data["numerals"])) for p in data["patterns"]]
    loaded = [pat.regex for pat in patterns.numbered]
    assert len(loaded) == len(written)
    assert sum(a.pattern != b.pattern for a, b in zip(loaded, written, strict=True)) >= 5
    extra = [re.compile(r"(?<![第\d])[一二三]个"), re.compile(r"(?<![第])十五"),
             re.compile(r"(?<![第])[一二]?个"), re.compile(r"(?<!x)\d+")]  # fmt: skip
    pairs = [*zip(loaded, written, strict=True), *((_first_character_first(r), r) for r in extra)]
    for fast, rx in pairs:
        for t in (text, "三个创新" + text, "十三五规划"):
            assert [(m.span(), m.group()) for m in fast.finditer(t)] == [
                (m.span(), m.group()) for m in rx.finditer(t)
            ]
    assert sum(fast is not rx for fast, rx in pairs[len(loaded) :]) == 2  # two extra rewritten


@pytest.mark.parametrize("seed", range(5))
def test_separator_normalised_offsets_equal_a_character_by_character_rewrite(patterns, seed):
    import numpy as np

    from analysis.measures.slogans import _original_offsets, _separator_normalised

    rng = np.random.default_rng(seed)
    big = " " + _random_text(rng, 5_000) + "， "
    seps = set(patterns.separators) | set(",，、;；")
    # plain rewrite: maximal runs of whitespace (not line breaks) and separators with at most
    # one non-whitespace separator become one 、
    out, index, i = [], [], 0
    while i < len(big):
        j = i
        while j < len(big) and big[j] != "\n" and (big[j].isspace() or big[j] in seps):
            j += 1
        if j > i and sum(not c.isspace() for c in big[i:j]) <= 1:
            out.append("、")
            index.append(i)
            i = j
        elif j > i:
            out.extend(big[i:j])
            index.extend(range(i, j))
            i = j
        else:
            out.append(big[i])
            index.append(i)
            i += 1
    text, shifted = _separator_normalised(big, patterns)
    assert text == "".join(out)
    assert _original_offsets(np.arange(len(text)), shifted).tolist() == index


def test_batch_formulas_and_digit_coded_programmes(patterns):
    """“三个一批” is a formula (N batches), not the quantity 一批; quoted digits name a programme
    also with a qualifier before the head (“2468”民生保障计划), never across 等."""
    text = (
        "落实“三个一批”要求，一批项目开工。实施“2468”民生保障计划和“579”强基行动，"
        "推进“136”等重点工程，新建一批学校。"
    )
    paragraphs = pd.DataFrame(
        {"doc_id": ["A"], "para_id": [0], "text": [text], "text_original": [text]}
    )
    found = set(slogan_mentions(paragraphs, patterns)["slogan"])
    assert {"三个一批", "2468民生保障计划", "579强基行动"} <= found
    assert not any(k.startswith("136") or k == "一批" for k in found)


def test_unquoted_policy_slogans_of_one_report_are_found(patterns):
    """A single report that writes national slogans without quotes (河长制, 放管服, 六稳 …) and
    local numbered formulas of the N化同步 / N强支部 shape: found without any recurrence."""
    from fixtures_themes import documents_from, paragraphs_from

    docs = {
        "R1": [
            "全面推行河長制和林長制，深化放管服改革，推廣一網通辦。",
            "紮實做好六穩工作、全面落實六保任務，推進四化同步，創建三強黨支部12個。",
            "全县兩不愁三保障突出问题全面清零，表彰五好家庭30户。",
        ]
    }
    keys = set(
        extract_slogans(paragraphs_from(docs), documents_from(docs), patterns, min_docs=1).slogan
    )
    expected = {"河长制", "林长制", "放管服", "一网通办", "六稳", "六保", "四化同步", "三强",
                "两不愁三保障", "五好"}  # fmt: skip
    assert expected <= keys, expected - keys
    assert not {"三强党", "五好家", "四化同步创"} & keys
