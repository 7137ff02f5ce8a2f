"""Every registered figure builds on the real corpus (data/raw) with every Chinese glyph present.

This is what ``make figures`` runs, end to end, in a temporary output folder: a figure that is
skipped (upstream stage missing), fails, or makes matplotlib report a missing glyph fails here.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import warnings

import pytest

from analysis import paths
from analysis.figures import FIGURES, TABLES, FigureContext, build_all

GLYPH_MESSAGE = "missing from font"


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _build_capturing_glyph_warnings(ctx: FigureContext, out, **kw):
    """Run build_all; return (report, glyph messages from warnings *and* logging)."""
    handler = _Collect()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = build_all(ctx, out, progress=False, **kw)
    finally:
        root.removeHandler(handler)
    messages = [str(w.message) for w in caught] + handler.messages
    return report, [m for m in messages if GLYPH_MESSAGE in m]


@pytest.fixture(scope="module")
def raw_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    report, glyphs = _build_capturing_glyph_warnings(FigureContext(paths.RAW), out)
    return out, report, glyphs


#: data/raw has no manifest, hence no administrative level: that one figure cannot apply.
#: Inference outputs need more than 5 reports: theme effects need several dated years, group
#: comparison groups, lexicon suggestions 100,000 tokens for word vectors.
# themes_by_level is drawn on data/raw (levels inferred from the text, place_level), saying
# "not applicable (n = 2 in county, 3 in township)" like themes_by_year does
# group_comparison.csv is written on data/raw (levels inferred from the text), its test
# columns empty: "not applicable (1 group(s) with ≥ 3 documents)"
NOT_APPLICABLE_ON_RAW = {
    "theme_effects",
    "lexicon_suggestions",
}


def test_every_figure_and_table_is_built_on_data_raw(raw_build):
    out, report, _ = raw_build
    status = report.set_index("name")["status"]
    assert set(status[status == "not applicable"].index) == NOT_APPLICABLE_ON_RAW
    bad = report[~report["status"].isin(["built", "not applicable"])]
    assert bad.empty, bad.to_string()
    assert set(report["name"]) == set(FIGURES) | set(TABLES)
    for name in set(FIGURES) - NOT_APPLICABLE_ON_RAW:
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert (out / f"{name}.svg").stat().st_size > 10_000


def test_no_missing_glyph_in_any_figure(raw_build):
    _, _, glyphs = raw_build
    assert glyphs == [], glyphs[:5]


def test_glyph_check_would_catch_a_missing_font(tmp_path):
    """Without the CJK font the same capture reports missing glyphs (the test can fail)."""
    import matplotlib as mpl

    from analysis.figures import make_figure

    ctx = FigureContext(paths.RAW)
    with mpl.rc_context({"font.sans-serif": ["DejaVu Sans"]}):
        fig = make_figure("tfidf_terms", ctx)
        mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"]  # make_figure set the CJK font
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.savefig(tmp_path / "x.png")
    assert any(GLYPH_MESSAGE in str(w.message) for w in caught)


def test_tables_manifest_and_index_on_data_raw(raw_build):
    out, _, _ = raw_build
    for name in (
        "documents",
        "paragraphs",
        "quality",
        "slogans",
        "theme_scores",
        "paragraph_themes",
        "vocabulary",
        "tfidf_keywords",
        "similarity",
        "keyness",
        "topic_k_selection",
        "topics",
        "doc_topics",
        "topic_stability",
        "topic_examples",
    ):
        assert (out / "tables" / f"{name}.csv").exists(), name
    html = (out / "topics.html").read_text(encoding="utf-8")
    assert "http://" not in html.lower().replace("http://www.w3.org", "")
    manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["data_dir"] == "data/raw"
    for name in set(FIGURES) - NOT_APPLICABLE_ON_RAW:
        entry = manifest["figures"][name]
        assert entry["status"] == "built" and len(entry["input_hash"]) == 64
    assert manifest["figures"]["topic_terms"]["seeds"]["topic_model_seed"] == manifest["seed"]
    index = (out / "README.md").read_text(encoding="utf-8")
    assert index.count("![") == len(set(FIGURES) - NOT_APPLICABLE_ON_RAW)
    assert "*Not applicable to this corpus:*" in index


class _NoShortcut(FigureContext):
    """Never matches the last run's source fingerprint: every input is computed and hashed."""

    def source_fingerprint(self) -> str:
        return "changed-" + super().source_fingerprint()


def test_warm_run_reuses_everything(raw_build):
    """Recomputed (cached) inputs hash exactly as the first run's fresh ones did."""
    out, _, _ = raw_build
    report = build_all(_NoShortcut(paths.RAW), out, progress=False)
    status = report.set_index("name")["status"]
    assert set(status[list(NOT_APPLICABLE_ON_RAW)]) == {"not applicable"}
    others = status.drop(list(NOT_APPLICABLE_ON_RAW))
    assert set(others) == {"unchanged"}, others.to_string()
    again = build_all(FigureContext(paths.RAW), out, progress=False)  # fingerprint shortcut
    assert set(again.set_index("name")["status"].drop(list(NOT_APPLICABLE_ON_RAW))) == {"unchanged"}


def test_another_folder_with_a_manifest_gives_the_same_figures(tmp_path):
    data = tmp_path / "reports"
    data.mkdir()
    picked = sorted(paths.RAW.glob("00[0134]_*.txt"))
    for f in picked:
        shutil.copy(f, data / f.name)
    (data / "manifest.csv").write_text(
        "file,title,year,level\n" + f"{picked[0].name},和谐乡镇,2007,township\n", encoding="utf-8"
    )
    ctx = FigureContext(
        data, topic_options={"ks": [3, 4], "n_seeds": 2, "n_stability": 2, "iterations": 200}
    )
    report, glyphs = _build_capturing_glyph_warnings(ctx, tmp_path / "out", formats=("png",))
    small = {"theme_effects", "group_comparison", "lexicon_suggestions"}  # 4 reports: too few
    bad = report[~((report["status"] == "built") | report["name"].isin(small))]
    assert bad.empty, bad.to_string()
    assert glyphs == []
    docs = (tmp_path / "out" / "tables" / "documents.csv").read_text(encoding="utf-8")
    assert "township" in docs


def test_cli_builds_the_named_outputs(tmp_path):
    """``python -m analysis figures --only … --out …`` (what ``make figures`` runs)."""
    import subprocess
    import sys

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "analysis",
            "figures",
            "--only",
            "corpus",
            "corpus_overview",
            "theme_profile",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TQDM_DISABLE": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "3 outputs" in proc.stdout and "3 built" in proc.stdout
    for name in (
        "corpus_overview.png",
        "theme_profile.svg",
        "tables/documents.csv",
        "MANIFEST.json",
        "README.md",
    ):
        assert (tmp_path / name).exists(), name
