"""The warm-run shortcut of ``python -m analysis figures`` (analysis.figures.current).

An output folder is fabricated the way a complete run leaves it (manifest header from today's
hashes, files with their SHA-256, index page, run record); every change that must rebuild
makes :func:`current_report` answer ``None``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import hashing, paths
from analysis.atomic import file_sha256
from analysis.figures.current import current_report, record_run
from analysis.figures.manifest import display_path, write_manifest
from analysis.options import StudyOptions

OUTPUTS = [("table", "counts"), ("figure", "overview"), ("figure", "by_level")]


def _fabricate(tmp_path: Path, options: StudyOptions) -> tuple[Path, Path]:
    data = tmp_path / "raw"
    data.mkdir()
    (data / "a.txt").write_text("各位代表：今年全镇招商引资取得新进展。\n", encoding="utf-8")
    out = tmp_path / "out"
    (out / "tables").mkdir(parents=True)
    (out / "tables" / "counts.csv").write_text("doc_id,n\n000,3\n", encoding="utf-8")
    (out / "overview.png").write_bytes(b"\x89PNG fake")
    (out / "README.md").write_text("# Figures and tables\n", encoding="utf-8")
    manifest = {
        "data_dir": display_path(data),
        "lexicons": display_path(paths.LEXICONS),
        "seed": options.seed,
        "options": options.key(),
        "packages": hashing.library_versions(),
        "code_hash": hashing.package_digest(),
        "source_fingerprint": hashing.source_fingerprint(data, paths.LEXICONS, options.key()),
        "font": "Noto Sans CJK SC",
        "tables": {
            "counts": {
                "status": "built",
                "files": ["tables/counts.csv"],
                "sha256": {"tables/counts.csv": file_sha256(out / "tables" / "counts.csv")},
            }
        },
        "figures": {
            "overview": {
                "status": "built",
                "files": ["overview.png"],
                "sha256": {"overview.png": file_sha256(out / "overview.png")},
            },
            "by_level": {"status": "not applicable", "reason": "documents have no 'level'"},
        },
    }
    write_manifest(manifest, out)
    record_run(out, OUTPUTS)
    return data, out


@pytest.fixture
def folders(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSIS_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("ANALYSIS_NO_CACHE", raising=False)
    options = StudyOptions()
    data, out = _fabricate(tmp_path, options)
    return data, out, options


def _report(data, out, options):
    return current_report(data, out, lexicon_dir=paths.LEXICONS, options=options)


def test_unchanged_complete_run_is_current_in_registry_order(folders):
    rows = _report(*folders)
    assert [(r["kind"], r["name"], r["status"]) for r in rows] == [
        ("table", "counts", "unchanged"),
        ("figure", "overview", "unchanged"),
        ("figure", "by_level", "not applicable"),
    ]
    assert rows[2]["reason"] == "documents have no 'level'"


@pytest.mark.parametrize(
    "change",
    ["output", "table", "index", "data", "data_added", "manifest", "no_record"],
)
def test_any_change_sends_the_run_through_the_pipeline(folders, change):
    data, out, options = folders
    if change == "output":
        (out / "overview.png").write_bytes(b"\x89PNG edited")
    elif change == "table":
        (out / "tables" / "counts.csv").unlink()
    elif change == "index":
        (out / "README.md").write_text("# edited by hand\n", encoding="utf-8")
    elif change == "data":
        (data / "a.txt").write_text("各位代表：今年全县招商引资取得新进展。\n", encoding="utf-8")
    elif change == "data_added":
        (data / "b.txt").write_text("新的报告。\n", encoding="utf-8")
    elif change == "manifest":  # e.g. a run with --only rewrote it: no record for these bytes
        manifest = json.loads((out / "MANIFEST.json").read_text(encoding="utf-8"))
        manifest["figures"]["overview"]["title"] = "Overview"
        write_manifest(manifest, out)
    elif change == "no_record":
        for record in (Path(paths.cache_dir()) / "figures").glob("*.json"):
            record.unlink()
    assert _report(data, out, options) is None


def test_other_options_or_lexicons_are_not_current(folders, tmp_path):
    data, out, options = folders
    assert _report(data, out, options.replace(seed=options.seed + 1)) is None
    assert _report(data, out, options.replace(genre="work_report")) is None
    other = tmp_path / "lexicons"
    other.mkdir()
    assert current_report(data, out, lexicon_dir=other, options=options) is None


def test_workers_and_force_do_not_change_what_is_current(folders):
    data, out, options = folders
    assert _report(data, out, options.replace(workers=2)) is not None


def test_no_cache_disables_the_shortcut(folders, monkeypatch):
    monkeypatch.setenv("ANALYSIS_NO_CACHE", "1")
    assert _report(*folders) is None


def test_warm_cli_run_prints_the_summary_without_heavy_imports(folders):
    data, out, _ = folders
    code = (
        "import sys; from analysis.cli import main; "
        f"rc = main(['figures', '--data', {str(data)!r}, '--out', {str(out)!r}]); "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'pandas', 'numpy', 'matplotlib', 'scipy', 'jieba', 'tomotopy'}); "
        "print('RC', rc, 'HEAVY', heavy)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=paths.ROOT
    )
    assert "3 outputs into" in proc.stdout
    assert "1 not applicable, 2 unchanged" in proc.stdout
    assert "not applicable: figure by_level — documents have no 'level'" in proc.stdout
    assert "RC 0 HEAVY []" in proc.stdout
