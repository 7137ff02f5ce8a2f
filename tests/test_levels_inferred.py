"""Theme prevalence by level on a corpus without a manifest ``level``: the level inferred from
the text (``place_level``) stands in, labelled; a manifest level wins; with neither the output
is not applicable."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis import paths
from analysis.measures import timeseries as ts
from analysis.study import NotApplicable, Study

# data/raw: 000 and 003 are township reports (天长镇, 神河镇); 001 and 004 name no place
PLACED, UNPLACED = ("000_", "003_"), ("001_", "004_")


def _corpus(folder: Path, prefixes: tuple[str, ...], manifest: dict[str, str] | None = None):
    folder.mkdir()
    for f in sorted(paths.RAW.glob("*.txt")):
        if f.name.startswith(prefixes):
            shutil.copy(f, folder / f.name)
    if manifest is not None:
        files = sorted(p.name for p in folder.glob("*.txt"))
        level = [next((v for k, v in manifest.items() if f.startswith(k)), "") for f in files]
        pd.DataFrame({"file": files, "level": level}).to_csv(folder / "manifest.csv", index=False)
    return folder


def test_study_uses_inferred_level_without_manifest(tmp_path):
    study = Study(_corpus(tmp_path / "raw", PLACED + UNPLACED))
    docs = study.analysed_documents
    assert "level" not in docs or not docs["level"].notna().any()
    overall = study.prevalence["theme_prevalence_by_level_overall"]
    assert set(overall["level"]) == {"township"}
    assert set(overall["n_docs"]) == {2}
    assert set(overall["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
    assert set(overall["n_docs_without_level"]) == {2}
    study.prevalence_by_level  # noqa: B018  (applicable: no NotApplicable)


def test_study_manifest_level_wins(tmp_path):
    data = _corpus(tmp_path / "raw", PLACED + UNPLACED, manifest={"001_": "county"})
    overall = Study(data).prevalence["theme_prevalence_by_level_overall"]
    assert set(overall["level"]) == {"county"}
    assert set(overall["level_source"]) == {ts.LEVEL_SOURCE_MANIFEST}
    assert set(overall["n_docs_without_level"]) == {3}


def test_study_without_any_level_is_not_applicable(tmp_path):
    study = Study(_corpus(tmp_path / "raw", UNPLACED))
    with pytest.raises(NotApplicable, match="no 'level' .* no level inferred from the text"):
        study.prevalence_by_level  # noqa: B018


# -- the other by-level outputs use the same rule (timeseries.documents_with_level) ----------


def _text(fig) -> str:
    texts = [fig._suptitle] if fig._suptitle else []
    for ax in fig.axes:
        texts += [ax.title, *ax.texts]
    return " ".join(t.get_text().replace("\n", " ") for t in texts)


def test_other_by_level_outputs_use_the_inferred_level(tmp_path):
    from analysis.figures.plots_reuse import plot_first_appearance, plot_reuse_share

    study = Study(_corpus(tmp_path / "raw", PLACED + UNPLACED))
    placed = {"000": "township", "003": "township"}
    # reuse_documents: per document the level inferred from the text, labelled
    reuse = study.reuse_documents.set_index("doc_id")
    assert reuse["level"].to_dict() == {d: placed.get(d, "") for d in reuse.index}
    assert set(reuse["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
    text = _text(plot_reuse_share(study.reuse_documents, min_n=1))
    assert "By level (inferred from the text)" in text
    assert "2 reports without a level left out" in text
    # slogan_first_by_level: the inferred levels, the rest "" (unknown), counted
    first = study.slogan_first_by_level
    assert set(first["level"]) <= {"township", ""} and "township" in set(first["level"])
    assert set(first["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
    assert set(first["n_docs_without_level"]) == {2}
    fig = plot_first_appearance(first, study.slogan_diffusion)
    assert "level inferred from the text" in _text(fig)
    # group_comparison: by the inferred level (one group of 2: the small-N rule still applies)
    comp = study.group_comparison
    assert set(comp["by"]) == {"level"} and set(comp["group"]) == {"township"}
    assert set(comp["level_source"]) == {ts.LEVEL_SOURCE_INFERRED}
    assert set(comp["n_docs_without_level"]) == {2}
    assert comp["note"].str.startswith("not applicable (").all() and comp["p"].isna().all()


def test_other_by_level_outputs_manifest_level_wins(tmp_path):
    from analysis.figures.plots_reuse import plot_reuse_share

    study = Study(_corpus(tmp_path / "raw", PLACED + UNPLACED, manifest={"001_": "county"}))
    reuse = study.reuse_documents.set_index("doc_id")
    assert reuse["level"].to_dict() == {d: "county" if d == "001" else "" for d in reuse.index}
    assert set(reuse["level_source"]) == {ts.LEVEL_SOURCE_MANIFEST}
    assert "By level (from the manifest)" in _text(plot_reuse_share(study.reuse_documents))
    first = study.slogan_first_by_level
    assert set(first["level"]) <= {"county", ""}
    assert set(first["level_source"]) == {ts.LEVEL_SOURCE_MANIFEST}
    assert set(first["n_docs_without_level"]) == {3}
    comp = study.group_comparison
    assert set(comp["group"]) == {"county"}
    assert set(comp["level_source"]) == {ts.LEVEL_SOURCE_MANIFEST}


def test_other_by_level_outputs_without_any_level(tmp_path):
    from analysis.figures.plots_reuse import plot_reuse_share

    study = Study(_corpus(tmp_path / "raw", UNPLACED))
    reuse = study.reuse_documents
    assert set(reuse["level"]) == {""} and set(reuse["level_source"]) == {""}
    assert "no level in the manifest nor inferred from the text" in _text(plot_reuse_share(reuse))
    first = study.slogan_first_by_level
    assert set(first["level"]) <= {""} and set(first["level_source"]) <= {""}
    with pytest.raises(NotApplicable, match="no level or region column"):
        study.group_comparison  # noqa: B018


def test_blank_manifest_level_is_no_level_as_counted():
    # a manifest cell of only spaces counts as "without a level" in n_docs_without_level, so it
    # must not form a level group of its own ("  ") in the by-level tables either
    docs = pd.DataFrame(
        {
            "doc_id": list("abcd"),
            "year": [2010, 2011, 2012, 2013],
            "level": ["city", "  ", "", "county"],
            "place_level": ["township"] * 4,
        }
    )
    scores = pd.DataFrame(
        {"doc_id": list("abcd"), "theme": "t", "hits": 1, "per_1k_tokens": 1.0, "share": 0.1}
    )
    leveled, source, n_without = ts.documents_with_level(docs)
    assert (source, n_without) == (ts.LEVEL_SOURCE_MANIFEST, 2)
    out = ts.prevalence_by_level(scores, docs, per_year=False, n_boot=10)
    assert sorted(out["level"]) == ["city", "county"]
    assert int(out["n_docs"].sum()) == 2
