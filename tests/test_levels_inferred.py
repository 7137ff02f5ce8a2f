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
