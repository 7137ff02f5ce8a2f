"""Figure registry, plot functions, saving, manifest and index — on small synthetic inputs.

The same registry is built on the real ``data/raw`` corpus by ``test_figures_glyphs.py``.
"""

from __future__ import annotations

import io
import json
import warnings

import fixtures_figures as F
import matplotlib as mpl
import pandas as pd
import pytest
from matplotlib.figure import Figure

from analysis.figures import (
    FIGURES,
    TABLES,
    FigureContext,
    StageUnavailable,
    build_all,
    make_figure,
    plots_corpus,
    plots_keywords,
    plots_themes,
    plots_topics,
)
from analysis.figures.save import save_figure
from analysis.figures.style import OKABE_ITO, figure_style
from analysis.hashing import content_hash
from analysis.study import Study


class FixtureContext(Study):
    """A study whose results are the synthetic fixtures; ``missing`` inputs are unavailable."""

    def __init__(self, *, missing: tuple[str, ...] = (), overrides: dict | None = None, **kw):
        super().__init__("tests-fixture", **kw)
        self._fixture = {**F.inputs(), **(overrides or {})}
        self._missing = set(missing)

    def source_fingerprint(self):
        return content_hash([self._fixture, self.seed, sorted(self._missing)])

    def get(self, name):
        if name in self._missing:
            raise StageUnavailable(f"{name} is not implemented yet")
        if name == "corpus":
            raise StageUnavailable("no corpus in the fixture")
        return self._fixture[name]


def _texts(fig: Figure) -> str:
    return " ".join(t.get_text() for t in fig.findobj(mpl.text.Text))


def _draw_without_missing_glyphs(fig: Figure) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


# --------------------------------------------------------------------------- registry
def test_registry_has_the_eleven_figures_in_order():
    assert list(FIGURES)[:11] == [
        "corpus_overview",
        "tfidf_terms",
        "doc_similarity",
        "slogan_matrix",
        "theme_profile",
        "theme_position",
        "k_selection",
        "topic_terms",
        "doc_topics",
        "topic_stability",
        "seeded_topics",
    ]


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_declares_known_inputs_and_one_sentence(name):
    spec = FIGURES[name]
    assert spec.description.strip() and "\n" not in spec.description
    assert spec.inputs
    for inp in spec.inputs:
        assert inp in Study.results(), f"{name}: unknown input {inp}"


def test_tables_are_registered():
    assert "corpus" in TABLES


def test_unknown_figure_name_is_a_clear_error():
    with pytest.raises(KeyError, match="unknown figure"):
        make_figure("no_such_figure", FixtureContext())


@pytest.mark.parametrize("name", list(FIGURES))
def test_every_figure_builds_from_fixtures_with_chinese_glyphs(name):
    with figure_style():
        fig = make_figure(name, FixtureContext())
        assert isinstance(fig, Figure)
        _draw_without_missing_glyphs(fig)


@pytest.mark.parametrize("name", [n for n, s in FIGURES.items() if not s.multi_panel])
def test_single_panel_figures_draw_into_a_given_ax(name):
    host = Figure()
    ax = host.add_subplot()
    assert make_figure(name, FixtureContext(), ax=ax) is host
    assert ax.has_data() or ax.images or ax.patches


def test_multi_panel_figure_refuses_an_ax():
    ax = Figure().add_subplot()
    with pytest.raises(ValueError, match="several panels"):
        make_figure("tfidf_terms", FixtureContext(), ax=ax)


# --------------------------------------------------------------------------- plot functions
def test_theme_labels_are_bilingual():
    labels = plots_themes.theme_labels(F.THEMES)
    fig = plots_themes.plot_theme_profile(F.THEME_SCORES, labels, F.DOCUMENTS)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert ticks == [
        "Party building 党建",
        "Investment attraction 招商引资",
        "Infrastructure 基础设施",
    ]


def test_similarity_boxes_both_cells_of_each_near_duplicate_pair():
    fig = plots_keywords.plot_similarity(F.SIMILARITY, F.DOCUMENTS)
    boxes = [p for p in fig.axes[0].patches if p.get_edgecolor()[:3] != (0, 0, 0)]
    assert len(boxes) == 2
    no_dups = plots_keywords.plot_similarity(F.SIMILARITY, F.DOCUMENTS.assign(duplicate_of=""))
    assert not no_dups.axes[0].patches


def test_slogan_counts_count_variants_in_document_text():
    counts = plots_themes.slogan_document_counts(F.SLOGANS, F.ANALYSED)
    c = counts.set_index(["slogan", "doc_id"])["mentions"]
    assert c[("三大基地", "002-1")] == 1 and c[("战斗堡垒", "000")] == 1
    assert set(counts["doc_id"]) == {"000", "001", "002-1"}  # "000|001" was split


def test_slogan_matrix_keeps_only_recurring_slogans():
    counts = plots_themes.slogan_document_counts(F.SLOGANS, F.ANALYSED)
    fig = plots_themes.plot_slogan_matrix(F.SLOGANS, counts, F.DOCUMENTS)
    rows = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert sorted(rows) == ["三大基地", "战斗堡垒"]
    assert "002-2" not in _texts(fig)  # the near-duplicate is not a column


def test_removal_table_uses_document_rows_and_drops_zero_kinds():
    table = plots_corpus.removal_table(F.QUALITY)
    assert list(table.index) == ["000", "001", "002-1", "002-2"]
    assert table.loc["002-1", "pinyin_annotations"] == 522
    assert table.loc["000", "chars_removed"] == 40
    fig = plots_corpus.plot_corpus_overview(F.DOCUMENTS, F.QUALITY)
    assert "bad.txt" in _texts(fig)  # skipped files are named


def test_theme_mass_sums_lexicon_probabilities():
    mass = plots_topics.theme_mass(F.TOPIC_WORD, F.VOCAB, F.THEMES)
    assert mass.shape == (3, 3)
    assert mass.loc[0, "infrastructure"] == pytest.approx(F.TOPIC_WORD[0, 5] + F.TOPIC_WORD[0, 6])
    assert (mass.sum(axis=1) <= 1 + 1e-9).all()


def test_topic_names_use_top_terms():
    names = plots_topics.topic_names(F.TOPIC_TERMS, n=2)
    first = F.TOPIC_TERMS[F.TOPIC_TERMS["topic"] == 0].sort_values("rank")["term"].tolist()[:2]
    assert names[0] == "T0 " + "·".join(first)


def test_qualitative_palette_is_okabe_ito():
    from analysis.figures.style import qualitative

    assert qualitative(3) == list(OKABE_ITO[:3])
    assert len(set(qualitative(12))) == 12


# --------------------------------------------------------------------------- saving
def test_saved_files_are_reproducible(tmp_path):
    with figure_style():
        for run in ("a", "b"):
            fig = make_figure("theme_profile", FixtureContext())
            save_figure(fig, tmp_path / run, "theme_profile")
    for ext in ("png", "svg"):
        assert (tmp_path / "a" / f"theme_profile.{ext}").read_bytes() == (
            tmp_path / "b" / f"theme_profile.{ext}"
        ).read_bytes()
    svg = (tmp_path / "a" / "theme_profile.svg").read_text()
    assert "<dc:date>" not in svg


# --------------------------------------------------------------------------- pipeline
FEW = ["corpus_overview", "theme_profile", "topic_terms"]


def _build(tmp_path, ctx=None, **kw):
    kw.setdefault("formats", ("png",))
    return build_all(ctx or FixtureContext(), tmp_path, progress=False, **kw)


def test_build_all_writes_figures_manifest_and_index(tmp_path):
    # PNG only: SVGs of every figure are written by the data/raw build (test_figures_glyphs)
    report = build_all(FixtureContext(), tmp_path, progress=False, formats=("png",))
    built = report[report["kind"] == "figure"]
    assert set(built["status"]) == {"built"}, report
    for name in FIGURES:
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())
    entry = manifest["figures"]["theme_profile"]
    assert entry["description"] == FIGURES["theme_profile"].description
    assert len(entry["input_hash"]) == 64 and entry["seeds"]["master"] == 20240601
    assert entry["packages"]["matplotlib"] == mpl.__version__
    assert manifest["figures"]["topic_terms"]["seeds"]["topic_model_seed"] == 7
    assert manifest["tables"]["corpus"]["status"] == "skipped"
    index = (tmp_path / "README.md").read_text()
    for name, spec in FIGURES.items():
        assert f"![{spec.title}]({name}.png)" in index and spec.description in index


def test_warm_run_skips_unchanged_figures_and_force_rebuilds(tmp_path):
    _build(tmp_path, only=FEW)
    again = _build(tmp_path, only=FEW)
    assert set(again["status"]) == {"unchanged"}
    forced = _build(tmp_path, only=FEW, force=True)
    assert set(forced["status"]) == {"built"}


def test_changed_input_or_seed_rebuilds_only_what_depends_on_it(tmp_path):
    _build(tmp_path, only=FEW)
    scores = F.THEME_SCORES.assign(per_1k_tokens=F.THEME_SCORES["per_1k_tokens"] + 1)
    report = _build(tmp_path, FixtureContext(overrides={"theme_scores": scores}), only=FEW)
    status = report.set_index("name")["status"]
    assert status["theme_profile"] == "built" and status["corpus_overview"] == "unchanged"
    reseeded = _build(tmp_path, FixtureContext(seed=1), only=FEW)
    assert set(reseeded["status"]) == {"built"}


def test_unavailable_stage_is_skipped_with_reason(tmp_path):
    report = _build(tmp_path, FixtureContext(missing=("topic_model",)), only=FEW)
    row = report.set_index("name").loc["topic_terms"]
    assert row["status"] == "skipped" and "topic_model" in row["reason"]
    assert report.set_index("name").loc["theme_profile", "status"] == "built"
    assert "*Not built:* topic_model is not implemented yet" in (tmp_path / "README.md").read_text()


def test_only_builds_the_named_outputs_and_keeps_the_others(tmp_path):
    _build(tmp_path, only=FEW)
    report = _build(tmp_path, only=["theme_profile"], force=True)
    assert list(report["name"]) == ["theme_profile"]
    manifest = json.loads((tmp_path / "MANIFEST.json").read_text())
    assert set(manifest["figures"]) == set(FEW)


def test_source_fingerprint_follows_data_lexicons_and_seed(tmp_path):
    data, lex = tmp_path / "raw", tmp_path / "lex"
    data.mkdir()
    lex.mkdir()
    (data / "a.txt").write_text("一、招商引资", encoding="utf-8")
    (lex / "themes.yaml").write_text("x: 1", encoding="utf-8")
    base = FigureContext(data, lexicon_dir=lex).source_fingerprint()
    assert FigureContext(data, lexicon_dir=lex).source_fingerprint() == base
    assert FigureContext(data, lexicon_dir=lex, seed=1).source_fingerprint() != base
    (lex / "themes.yaml").write_text("x: 2", encoding="utf-8")
    changed_lexicon = FigureContext(data, lexicon_dir=lex).source_fingerprint()
    assert changed_lexicon != base
    (data / "a.txt").write_text("一、招商引资。", encoding="utf-8")
    assert FigureContext(data, lexicon_dir=lex).source_fingerprint() != changed_lexicon


def test_unchanged_sources_skip_every_stage(tmp_path):
    class Counting(FixtureContext):
        calls = 0

        def get(self, name):
            Counting.calls += 1
            return super().get(name)

    _build(tmp_path, only=FEW)
    Counting.calls = 0
    report = _build(tmp_path, Counting(), only=FEW)
    assert set(report["status"]) == {"unchanged"} and Counting.calls == 0


def test_only_with_an_unknown_name_fails(tmp_path):
    from analysis.errors import AnalysisError

    with pytest.raises(AnalysisError, match="unknown output"):
        _build(tmp_path, only=["nope"])


def test_import_has_no_global_side_effects():
    import subprocess
    import sys

    code = (
        "import sys, matplotlib as mpl\n"
        "keys = ['font.family', 'font.sans-serif', 'font.size', 'axes.prop_cycle', 'image.cmap']\n"
        "before = {k: mpl.rcParams[k] for k in keys}\n"
        "import analysis.figures\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "assert {k: mpl.rcParams[k] for k in keys} == before\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_fixture_frames_follow_the_contract():
    assert {"doc_id", "theme", "hits", "per_1k_tokens", "share"} <= set(F.THEME_SCORES.columns)
    assert isinstance(F.SIMILARITY, pd.DataFrame)


# --------------------------------------------------------------------------- many documents
def _many_docs(n: int = 60) -> tuple[pd.DataFrame, pd.DataFrame]:
    import numpy as np

    ids = [f"{i:03d}" for i in range(n)]
    docs = pd.DataFrame(
        {
            "doc_id": ids,
            "title": [f"报告{i}" for i in range(n)],
            "place": "",
            "script": ["simplified", "traditional"] * (n // 2),
            "n_chars": np.linspace(500, 50_000, n).astype(int),
            "duplicate_of": [""] * (n - 1) + ["000"],
        }
    )
    scores = pd.DataFrame(
        [
            (d, t, 1, float(i % 7), 0.3)
            for i, d in enumerate(ids)
            for t in F.THEMES["theme"].unique()
        ],
        columns=["doc_id", "theme", "hits", "per_1k_tokens", "share"],
    )
    return docs, scores


def test_large_corpus_figures_drop_per_document_labels():
    docs, scores = _many_docs()
    quality = pd.DataFrame(
        {
            "source_file": docs["doc_id"] + ".txt",
            "doc_id": docs["doc_id"],
            "status": "ok",
            "chrome_lines": 2,
            "pinyin_annotations": 0,
        }
    )
    with figure_style():
        overview = plots_corpus.plot_corpus_overview(docs, quality)
        assert overview.get_size_inches()[1] <= 3.5  # a histogram, not 60 bars
        assert "60 documents" in _texts(overview) and "in 60 docs" in _texts(overview)
        profile = plots_themes.plot_theme_profile(scores, plots_themes.theme_labels(F.THEMES), docs)
        assert profile.axes[0].get_xticklabels() == []
        sim = pd.DataFrame(0.1, index=docs["doc_id"], columns=docs["doc_id"])
        heat = plots_keywords.plot_similarity(sim, docs)
        assert len(heat.axes[0].get_yticklabels()) == 0 and len(heat.axes[0].texts) == 0
        kw = pd.DataFrame(
            [(d, 1, "招商", 0.5) for d in docs["doc_id"]],
            columns=["doc_id", "rank", "term", "score"],
        )
        terms = plots_keywords.plot_tfidf_terms(kw, docs)
        assert sum(ax.get_visible() for ax in terms.axes) == 16 and "16 of 60" in _texts(terms)
        for fig in (overview, profile, heat, terms):
            _draw_without_missing_glyphs(fig)


def test_worker_rendering_gives_the_same_files(tmp_path):
    """Figures drawn in worker processes are byte-identical to in-process ones."""
    _build(tmp_path / "serial", only=FEW, formats=("png", "svg"))
    _build(tmp_path / "workers", only=FEW, formats=("png", "svg"), render_workers=2)
    _build(tmp_path / "shared", only=FEW, formats=("png", "svg"), render_workers=1,
           render_share=True)  # fmt: skip
    for name in FEW:
        for ext in ("png", "svg"):
            a = (tmp_path / "serial" / f"{name}.{ext}").read_bytes()
            assert a == (tmp_path / "workers" / f"{name}.{ext}").read_bytes(), (name, ext)
            assert a == (tmp_path / "shared" / f"{name}.{ext}").read_bytes(), (name, ext)


def test_shared_rendering_takes_turns_with_the_worker(tmp_path, monkeypatch):
    """Renderer(1, share=True): the worker draws figures 0, 2, 4…, this process 1, 3, 5…"""
    from analysis.figures import render

    here = []
    original = render.save_figure

    def recording(fig, out_dir, name, **kw):
        here.append(name)
        return original(fig, out_dir, name, **kw)

    monkeypatch.setattr(render, "save_figure", recording)
    with render.Renderer(1, share=True) as renderer:
        futures = []
        for i in range(4):
            fig = Figure(figsize=(1, 1))
            fig.add_subplot().plot([0, i])
            futures.append(renderer.submit(fig, tmp_path, f"f{i}", ("png",)))
        assert here == ["f1", "f3"] and futures[1].done() and futures[3].done()
        for future in futures:
            renderer.result(future)
    assert all((tmp_path / f"f{i}.png").stat().st_size > 0 for i in range(4))
    assert render.Renderer(0, share=True).share is False  # no worker: everything here


def test_write_table_keeps_only_named_indexes(tmp_path):
    from analysis.figures.save import write_table

    plain = pd.DataFrame({"k": [8]}, index=pd.Index([0]))  # e.g. after a Parquet round trip
    assert write_table(plain, tmp_path / "a.csv").read_text() == "k\n8\n"
    sim = pd.DataFrame([[1.0]], index=pd.Index(["000"], name="doc_id"), columns=["000"])
    assert write_table(sim, tmp_path / "b.csv").read_text().startswith("doc_id,000\n000,1")
    lists = pd.DataFrame({"doc_ids": [["000", "001"]]})
    assert write_table(lists, tmp_path / "c.csv").read_text() == "doc_ids\n000|001\n"


def test_content_hash_ignores_timings_but_not_results():
    """A refit with the same seed gives the same input hash although its fit time differs."""
    import numpy as np

    from analysis.topics import TopicResult

    def result(seconds: float, top: float) -> TopicResult:
        return TopicResult(
            backend="tomotopy", k=2, seed=1, vocab=["党建", "招商引资"], unit_ids=["a", "b"],
            topic_word=np.array([[top, 1 - top], [0.5, 0.5]]), doc_topic=np.eye(2),
            metrics={"npmi": 0.1, "fit_seconds": seconds},
        )  # fmt: skip

    assert content_hash(result(0.31, 0.9)) == content_hash(result(0.72, 0.9))
    assert content_hash(result(0.31, 0.9)) != content_hash(result(0.31, 0.8))


def test_every_slogan_kind_has_a_legend_label():
    # the slogan matrix colours labels by kind; a kind without a label showed its bare key
    from analysis.figures.plots_themes import _KIND_LABELS
    from analysis.measures.slogans import KINDS

    assert set(KINDS) <= set(_KIND_LABELS)
