"""The Study object: options reach the stages, lexicon folders matter, code changes rebuild.

The two end-to-end tests run on two seed reports (not the whole of ``data/raw``) and never fit
topic models, so they stay cheap.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

import analysis as an
from analysis import hashing, paths
from analysis.cli import main as cli_main
from analysis.options import LEXICON_FILES, Lexicons, StudyOptions
from analysis.study import Study

TESTS = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("raw")
    for f in sorted(paths.RAW.glob("00[01]_*.txt")):
        shutil.copy(f, folder / f.name)
    return folder


@pytest.fixture(scope="module")
def custom_lexicons(tmp_path_factory) -> Path:
    """A copy of data/lexicons with one change in each file a stage reads."""
    lex = tmp_path_factory.mktemp("lexicons")
    for f in paths.LEXICONS.iterdir():
        shutil.copy(f, lex / f.name)
    themes = yaml.safe_load((lex / "themes.yaml").read_text(encoding="utf-8"))
    themes["themes"] = themes["themes"][1:]  # drop the first theme (party_building)
    (lex / "themes.yaml").write_text(yaml.safe_dump(themes, allow_unicode=True), encoding="utf-8")
    chrome = yaml.safe_load((lex / "chrome.yaml").read_text(encoding="utf-8"))
    chrome["line"]["navigation"].append("战斗堡垒")  # a body sentence becomes "chrome"
    # (long sentences are never chrome unless their category is allowed to match them)
    chrome["long_sentence_categories"] = [*chrome.get("long_sentence_categories", []), "navigation"]
    (lex / "chrome.yaml").write_text(yaml.safe_dump(chrome, allow_unicode=True), encoding="utf-8")
    slogans = yaml.safe_load((lex / "slogans.yaml").read_text(encoding="utf-8"))
    slogans["phrases"] = [p for p in slogans["phrases"] if p != "创先争优"]
    (lex / "slogans.yaml").write_text(yaml.safe_dump(slogans, allow_unicode=True), encoding="utf-8")
    with (lex / "stopwords.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n党员\n")
    with (lex / "generic_words.txt").open("a", encoding="utf-8") as fh:
        fh.write("\n招商引资\n")
    return lex


def test_options_are_frozen_validated_and_documented():
    opts = StudyOptions(workers=2, topics={"ks": [3, 4]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        opts.seed = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        opts.topics["ks"] = [5]  # type: ignore[index]
    with pytest.raises(ValueError, match="seed"):
        StudyOptions(topics={"seed": 1})
    with pytest.raises(ValueError, match="executor"):
        StudyOptions(executor="threads")
    with pytest.raises(ValueError, match="tokenizer option"):
        Study(paths.RAW, options=StudyOptions(tokenizer={"no_such_option": 1}))
    assert opts.key()["topics"] == {"ks": [3, 4]} and "workers" not in opts.key()
    for f in dataclasses.fields(StudyOptions):
        assert f"{f.name}:" in StudyOptions.__doc__, f"StudyOptions.{f.name} is not documented"
    assert an.DEFAULT_SEED == StudyOptions().seed == Study().seed


def test_every_lexicon_file_is_read_from_the_study_folder(tmp_path):
    lex = Lexicons(tmp_path)
    study = Study(paths.RAW, lexicons=tmp_path)
    opts = study.tokenizer_options(remove_generic=True)
    assert opts.userdict == lex.userdict == tmp_path / "userdict.txt"
    assert opts.stopwords.parent == opts.generic_words.parent == opts.delete_list.parent == tmp_path
    assert opts.remove_generic
    assert set(LEXICON_FILES.values()) <= {p.name for p in paths.LEXICONS.iterdir()}


def test_a_different_lexicon_folder_changes_every_stage(data, custom_lexicons):
    default, custom = Study(data), Study(data, lexicons=custom_lexicons)
    assert "party_building" in set(default.themes["theme"])
    assert "party_building" not in set(custom.themes["theme"])
    assert "party_building" not in set(custom.theme_scores["theme"])
    # chrome.yaml: a body line of 000 now counts as chrome and is gone from the paragraphs
    assert custom.quality["chrome_lines"].sum() > default.quality["chrome_lines"].sum()
    assert not custom.all_paragraphs["text"].str.contains("战斗堡垒").any()
    assert default.all_paragraphs["text"].str.contains("战斗堡垒").any()
    # stopwords.txt and generic_words.txt reach the tokenizer and the topic units
    assert "党员" in set(default.tokens["token"]) and "党员" not in set(custom.tokens["token"])
    topic_words = {t for toks in custom.topic_units for t in toks}
    assert "招商引资" in set(custom.tokens["token"]) and "招商引资" not in topic_words
    # slogans.yaml: a dropped fixed phrase is no longer counted as one
    phrase = default.slogans[default.slogans["slogan"] == "创先争优"]
    assert not phrase.empty and (phrase["kind"] == "phrase").any()
    custom_phrase = custom.slogans[custom.slogans["slogan"] == "创先争优"]
    assert custom_phrase.empty or not (custom_phrase["kind"] == "phrase").any()


def test_cli_lexicons_option_changes_the_tables(data, custom_lexicons, tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    only = ["--only", "corpus", "themes", "slogans", "vocabulary"]
    base = ["figures", "--data", str(data), *only]
    assert cli_main([*base, "--out", str(tmp_path / "a")]) == 0
    assert cli_main([*base, "--out", str(tmp_path / "b"), "--lexicons", str(custom_lexicons)]) == 0

    def table(run: str, name: str) -> pd.DataFrame:
        return pd.read_csv(tmp_path / run / "tables" / f"{name}.csv", dtype=str)

    for name in ("theme_scores", "paragraph_themes", "slogans", "vocabulary", "quality"):
        assert not table("a", name).equals(table("b", name)), f"{name}.csv did not change"
    manifest = json.loads((tmp_path / "b" / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["lexicons"] == str(custom_lexicons.resolve())


def test_force_reaches_the_token_cache_without_environment(data, tmp_path, monkeypatch):
    from analysis.text import tokens as tokens_module

    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path))
    monkeypatch.delenv("ANALYSIS_NO_CACHE", raising=False)
    calls = []
    real = tokens_module._tokenize_frame
    monkeypatch.setattr(tokens_module, "_tokenize_frame", lambda *a: calls.append(1) or real(*a))
    first = Study(data).tokens
    assert len(calls) == 1
    pd.testing.assert_frame_equal(Study(data).tokens, first)  # served from the cache
    assert len(calls) == 1
    forced = Study(data, force=True).tokens
    assert len(calls) == 2
    pd.testing.assert_frame_equal(forced, first)


def test_results_are_computed_once_and_listed(data):
    study = Study(data)
    assert {"corpus", "paragraphs", "tokens", "themes", "slogans", "topics"} <= set(Study.results())
    assert study.computed() == []
    assert study.paragraphs is study.paragraphs
    assert study.computed() == ["corpus", "paragraphs"]
    with pytest.raises(KeyError, match="unknown study result"):
        study.get("no_such_result")


def test_a_new_result_is_one_method():
    from analysis.study import result

    class Extended(Study):
        @result
        def paragraph_count(self) -> int:
            """Number of analysed paragraphs."""
            return len(self.paragraphs)

    assert "paragraph_count" in Extended.results() and "paragraph_count" not in Study.results()
    assert Extended.results()["paragraph_count"].__doc__ == "Number of analysed paragraphs."


def test_cache_keys_follow_the_code_that_computes_them():
    closure = hashing.module_closure("analysis.text.tokens")
    assert "analysis.text.lexicons" in closure and "analysis.figures.catalog" not in closure
    assert "analysis.topics.backends" in hashing.module_closure("analysis.topics.pipeline")


_BUILD = """
import json, sys
sys.path[:0] = [{pkg!r}, {tests!r}]
import analysis
assert analysis.__file__.startswith({pkg!r}), analysis.__file__
import fixtures_figures as F
from analysis import hashing
from analysis.figures import build_all
from analysis.study import Study

class Fixture(Study):
    def get(self, name):
        return F.inputs()[name]
    def source_fingerprint(self):
        return hashing.digest(hashing.content_hash(F.inputs()), hashing.package_digest())

report = build_all(Fixture("fixture"), {out!r}, progress=False, formats=("png",),
                   only={only!r})
print(json.dumps(dict(zip(report["name"], report["status"]))))
"""


def test_editing_a_plotting_function_rebuilds_exactly_the_figures_that_use_it(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(
        paths.PACKAGE_DIR, pkg / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    only = ["theme_profile", "theme_position", "slogan_matrix", "themes_by_year"]
    script = _BUILD.format(pkg=str(pkg), tests=str(TESTS), out=str(tmp_path / "out"), only=only)

    def build() -> dict[str, str]:
        out = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True,
            cwd=tmp_path,
        )  # fmt: skip
        return json.loads(out.stdout.strip().splitlines()[-1])

    assert set(build().values()) == {"built"}

    def edit(module: str, old: str, new: str) -> None:
        path = pkg / "analysis" / "figures" / module
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    # the x-axis label of the theme profile heatmap (plots_themes.plot_theme_profile)
    edit("plots_themes.py", "{n_d} documents (order of documents.csv)", "{n_d} documents")
    status = build()
    assert status.pop("theme_profile") == "built"
    assert set(status.values()) == {"unchanged"}, status
    # a time-series drawing helper (the former timeseries.py plots, now in figures/)
    edit("plots_time.py", "ms=2.5, lw=1.3", "ms=3, lw=1.3")
    status = build()
    assert status.pop("themes_by_year") == "built"
    assert set(status.values()) == {"unchanged"}, status


def test_a_topic_backend_is_one_file(tmp_path):
    """Dropping one spec file into analysis/topics/engines/ makes a working backend."""
    pkg = tmp_path / "pkg"
    shutil.copytree(
        paths.PACKAGE_DIR, pkg / "analysis", ignore=shutil.ignore_patterns("__pycache__")
    )
    (pkg / "analysis" / "topics" / "engines" / "lda_uniform.py").write_text(
        textwrap.dedent(
            '''
            """A toy backend: every topic and unit uniform (for the test only)."""
            import numpy as np

            from . import TopicBackend, normalize


            def fit(bow, *, k, seed, alpha, eta, iterations, word_prior, online=False):
                rng = np.random.default_rng(seed)
                topic_word = rng.random((k, len(bow.vocab)))
                return normalize(topic_word), normalize(np.ones((len(bow.unit_ids), k)))


            SPEC = TopicBackend(name="uniform", fit=fit, distribution="numpy",
                                default_iterations=1, large_iterations=1)
            '''
        ),
        encoding="utf-8",
    )
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(pkg)!r})
        import pandas as pd
        from analysis.topics import BACKENDS, fit_topics
        units = pd.Series([["a", "b", "c"], ["a", "b", "d"], ["c", "d", "a"]] * 4,
                          index=[f"u{{i}}" for i in range(12)])
        r = fit_topics(units, k=2, backend="uniform", seed=1, min_df=1, max_df=1.0)
        print(BACKENDS[-1], r.backend, r.params["library_version"] != "", r.doc_topic.shape)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert out.stdout.split() == ["uniform", "uniform", "True", "(12,", "2)"]
