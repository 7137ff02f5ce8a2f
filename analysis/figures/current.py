"""Is an output folder current? Answered from ``MANIFEST.json`` and file hashes alone.

``python -m analysis figures`` asks this before anything else: when the source fingerprint
(bytes of the data folder, the lexicons, the gazetteer and the package code, library versions,
the options that change results), every other field of the manifest's header, and the SHA-256
of every file the last complete run wrote (``MANIFEST.json`` records them; the index page
``README.md`` through the run record below) are unchanged, the run prints its summary and
exits. Nothing heavy is imported (no pandas, matplotlib or stage code), no input is validated
again (the same bytes passed validation by the same code when the manifest was written) and no
file is rewritten: a warm ``make figures`` costs a fraction of a CPU second.

A *run record* in the cache (``<ANALYSIS_CACHE>/figures/<SHA-256 of MANIFEST.json>.json``),
written after every complete run, lists the outputs of the registry in order and the SHA-256
of the index page written with that manifest. Without it (first run with a new cache,
``ANALYSIS_NO_CACHE``, a run with ``--only``) the full pipeline decides, which still computes
no stage when nothing changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from analysis import hashing, paths
from analysis.atomic import atomic_write, file_sha256, remove_stale_temporaries
from analysis.options import Lexicons, StudyOptions

from .manifest import INDEX_NAME, MANIFEST_NAME, display_path

log = logging.getLogger(__name__)

RECORD_DIR = "figures"
RECORD_VERSION = 1


def study_options(args: argparse.Namespace) -> StudyOptions:
    """The :class:`StudyOptions` of a ``figures`` command line (``--seed``, ``--genre``,
    ``--workers``, ``--scheduler``, ``--force``, ``--exclude-templates``)."""
    return StudyOptions(
        seed=args.seed,
        genre=getattr(args, "genre", "auto"),
        workers=getattr(args, "workers", 1),
        scheduler=getattr(args, "scheduler", None),
        force=bool(getattr(args, "force", False)),
        exclude_templates=getattr(args, "exclude_templates", None),
    )


def _record_path(manifest_bytes: bytes) -> Path:
    return paths.cache_dir() / RECORD_DIR / f"{hashlib.sha256(manifest_bytes).hexdigest()}.json"


def record_run(out_dir: str | Path, outputs: Sequence[tuple[str, str]]) -> None:
    """Remember a complete run into ``out_dir``: the registry's outputs ``(kind, name)`` in
    order and the SHA-256 of the index page, keyed by the bytes of the manifest just written.
    Best effort: an unwritable cache only means the next run takes the longer way."""
    if os.environ.get("ANALYSIS_NO_CACHE"):
        return
    out = Path(out_dir)
    try:
        manifest_bytes = (out / MANIFEST_NAME).read_bytes()
        record = {
            "version": RECORD_VERSION,
            "outputs": [list(o) for o in outputs],
            "index_sha256": file_sha256(out / INDEX_NAME),
        }
        atomic_write(_record_path(manifest_bytes), json.dumps(record, indent=1) + "\n")
    except Exception as exc:  # noqa: BLE001 - the record is an optimisation only
        log.debug("could not record the figures run: %s", exc)


def current_report(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    lexicon_dir: str | Path | None = None,
    options: StudyOptions | None = None,
) -> list[dict[str, Any]] | None:
    """The report rows of a run that has nothing to do, or ``None`` when something must be
    (re)built or cannot be verified this way.

    Current means: a run record exists for the bytes of ``MANIFEST.json``; the manifest's
    source fingerprint, data and lexicon folders, seed, options, package versions and code hash
    equal today's; the bundled CJK font is installed (its family, recorded in the manifest, is
    fixed by the ``mplfonts`` version); every output the registry lists is ``built`` (files
    whose SHA-256 equal the recorded ones) or ``not applicable``; the index page is the one
    written with this manifest.

    Returns:
        rows ``{kind, name, status, seconds, reason}`` in registry order (tables, then
        figures), status ``unchanged`` or ``not applicable`` — as :func:`build_all` reports.
    """
    if os.environ.get("ANALYSIS_NO_CACHE"):
        return None
    out = Path(out_dir)
    try:
        manifest_bytes = (out / MANIFEST_NAME).read_bytes()
        record = json.loads(_record_path(manifest_bytes).read_text(encoding="utf-8"))
        manifest = json.loads(manifest_bytes)
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return None
    options = options or StudyOptions()
    lexicons = Path(lexicon_dir) if lexicon_dir is not None else Lexicons().folder
    expected = {
        "data_dir": display_path(data_dir),
        "lexicons": display_path(lexicons),
        "seed": options.seed,
        "options": options.key(),
        "packages": hashing.library_versions(),
        "code_hash": hashing.package_digest(),
        "source_fingerprint": hashing.source_fingerprint(data_dir, lexicons, options.key()),
    }
    for key, value in expected.items():
        if manifest.get(key) != json.loads(json.dumps(value)):
            return None
    from analysis.fonts import bundled_font_path

    if not manifest.get("font") or bundled_font_path() is None:
        return None  # a system font: its family is only known by asking matplotlib
    rows = []
    for kind, name in record.get("outputs", []):
        entry = manifest.get("tables" if kind == "table" else "figures", {}).get(name)
        if not isinstance(entry, dict):
            return None
        if entry.get("status") == "not applicable":
            rows.append(_row(kind, name, "not applicable", entry.get("reason", "")))
            continue
        if entry.get("status") != "built" or not _files_intact(out, entry):
            return None
        rows.append(_row(kind, name, "unchanged", entry.get("reason", "")))
    try:
        if not rows or file_sha256(out / INDEX_NAME) != record.get("index_sha256"):
            return None
    except OSError:
        return None
    for folder in (out, out / "tables"):  # what a killed run (kill -9) could leave behind
        remove_stale_temporaries(folder)
    return rows


def _row(kind: str, name: str, status: str, reason: str) -> dict[str, Any]:
    return {"kind": kind, "name": name, "status": status, "seconds": 0.0, "reason": reason}


def _files_intact(out: Path, entry: dict[str, Any]) -> bool:
    files, recorded = entry.get("files") or [], entry.get("sha256") or {}
    try:
        return bool(files) and all(
            f in recorded and file_sha256(out / f) == recorded[f] for f in files
        )
    except OSError:
        return False


def print_report(rows: list[dict[str, Any]], out: str | Path, seconds: float) -> None:
    """The summary ``python -m analysis figures`` prints: counts per status, then one line
    per output that was skipped, failed or is not applicable."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    print(f"{len(rows)} outputs into {out} in {seconds:.1f} s: {summary}")
    for row in rows:
        if row["status"] in ("skipped", "failed", "not applicable"):
            print(f"  {row['status']}: {row['kind']} {row['name']} — {row['reason']}")


def cli_figures_current(args: argparse.Namespace) -> int | None:
    """``python -m analysis figures`` when nothing changed: print the summary and return 0;
    ``None`` (run the pipeline) otherwise, and always with ``--force``, ``--only`` or
    ``--xlsx``."""
    if args.force or args.only or getattr(args, "xlsx", False):
        return None
    t0 = time.perf_counter()
    rows = current_report(
        args.data,
        args.out,
        lexicon_dir=getattr(args, "lexicons", None),
        options=study_options(args),
    )
    if rows is None:
        return None
    log.info("inputs, code and library versions unchanged: nothing to rebuild")
    print_report(rows, args.out, time.perf_counter() - t0)
    return 0
