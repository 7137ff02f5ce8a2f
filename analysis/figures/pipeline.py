"""``python -m analysis figures``: rebuild every table and figure, the manifest and the index.

One function, :func:`build_all`, walks the registry: tables first, then figures. Three levels
of "do not redo what is current" (all content-keyed, none trusts a file merely existing):

1. the stages cache their own heavy results (tokens; topic models through
   :mod:`analysis.cache`), keyed by text, lexicon bytes, options, code and library versions;
2. an output whose input hash (content of the stage values it reads) and figure-code hash equal
   those in ``MANIFEST.json``, and whose files still have the SHA-256 recorded there, is not
   redrawn / rewritten (a truncated, edited or missing file is rebuilt);
3. when the *source fingerprint* (bytes of the data folder, the lexicons and the package code,
   library versions, seed) equals the manifest's, no stage is computed at all.

An output whose upstream stage is missing is ``skipped`` with a logged reason; one the corpus
cannot support (no dates, no ``level`` column) is ``not applicable``; ``force`` redraws all.
Every file is written atomically (:mod:`analysis.atomic`); bad input or an unwritable output
folder stops the run with one line (:class:`~analysis.errors.AnalysisError`), not a traceback
per output.
The CLI draws figures in one worker process and in the main process, taking turns.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pandas as pd

from analysis import hashing
from analysis.atomic import file_sha256, remove_stale_temporaries
from analysis.errors import AnalysisError
from analysis.options import Lexicons
from analysis.study import NotApplicable, StageUnavailable, Study

from .current import print_report, record_run, study_options
from .manifest import (
    display_path,
    output_code_hash,
    package_versions,
    read_manifest,
    write_index,
    write_manifest,
)
from .registry import FIGURES, TABLES, OutputSpec
from .render import Renderer
from .save import FORMATS
from .style import figure_style

log = logging.getLogger(__name__)


def build_all(
    ctx: Study,
    out_dir: str | Path,
    *,
    only: Sequence[str] | None = None,
    force: bool = False,
    formats: Sequence[str] = FORMATS,
    progress: bool = True,
    render_workers: int = 0,
    render_share: bool = False,
) -> pd.DataFrame:
    """Build tables and figures from ``ctx`` into ``out_dir`` (tables in ``out_dir/tables``).

    Args:
        ctx: the :class:`analysis.Study` (one raw folder, lexicon folder and options).
        out_dir: output folder; ``MANIFEST.json`` and ``README.md`` are written there.
        only: names of figures/tables to build (default all); others keep their manifest entry.
        force: re-render figures even when their inputs are unchanged.
        formats: figure formats (PNG for viewing, SVG for papers).
        progress: show a progress bar.
        render_workers: draw and save figures in this many worker processes (spawned) while
            the next inputs are computed; 0 draws in this process. The CLI uses 2; a script
            that passes >0 needs the usual ``if __name__ == "__main__":`` guard.
        render_share: with ``render_workers`` > 0, this process draws its share of the
            figures too (:class:`~analysis.figures.render.Renderer`, ``share``; off by
            default: why is written there).

    Returns:
        DataFrame[kind, name, status, seconds, reason] — status ``built`` / ``unchanged`` /
        ``not applicable`` (the corpus lacks what it needs, e.g. dates) / ``skipped`` (an
        upstream stage is missing) / ``failed``.
    """
    from . import catalog  # noqa: F401  (registers the outputs)

    specs = _select(only)  # an unknown name fails before anything is created
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for folder in (out, out / "tables"):  # what a killed run (kill -9) could leave behind
        remove_stale_temporaries(folder)
    old = read_manifest(out)
    versions = package_versions()
    manifest: dict[str, Any] = {
        "data_dir": display_path(ctx.data_dir),
        "seed": ctx.seed,
        "packages": versions,
        "code_hash": hashing.package_digest(),
        "lexicons": display_path(ctx.lexicon_dir),
        "options": ctx.options.key(),
        "font": _font_name(),
        "figures": dict(old.get("figures", {})) if only else {},
        "tables": dict(old.get("tables", {})) if only else {},
    }
    if only and old.get("data_dir") not in (None, manifest["data_dir"]):
        manifest["figures"], manifest["tables"] = {}, {}
    fingerprint = ctx.source_fingerprint()
    manifest["source_fingerprint"] = fingerprint
    if not force and old.get("source_fingerprint") == fingerprint and _all_current(old, specs, out):
        # nothing the outputs depend on changed: no stage is computed at all
        rows = []
        for spec in specs:
            key = "tables" if spec.kind == "table" else "figures"
            previous = old[key][spec.name]
            manifest[key][spec.name] = {**previous, "status": _manifest_status(previous["status"])}
            status = "not applicable" if previous["status"] == "not applicable" else "unchanged"
            rows.append(
                {
                    "kind": spec.kind,
                    "name": spec.name,
                    "seconds": 0.0,
                    "status": status,
                    "reason": previous.get("reason", ""),
                }
            )
        manifest["figures"] = {**old["figures"], **manifest["figures"]}
        manifest["tables"] = {**old["tables"], **manifest["tables"]}
        write_manifest(manifest, out)
        write_index(manifest, out, order=list(FIGURES))
        if not only:
            record_run(out, [(spec.kind, spec.name) for spec in specs])
        log.info("inputs, code and library versions unchanged: nothing to rebuild")
        return pd.DataFrame(rows, columns=["kind", "name", "status", "seconds", "reason"])
    rows = []
    pending: list[tuple[str, Future, float]] = []
    bar = _progress(specs, progress)
    with figure_style(), Renderer(render_workers, share=render_share) as renderer:
        for spec in bar:
            if hasattr(bar, "set_postfix_str"):
                bar.set_postfix_str(spec.name)
            t0 = time.perf_counter()
            key = "tables" if spec.kind == "table" else "figures"
            previous = old.get(key, {}).get(spec.name)
            try:
                entry, fig = _build_one(spec, ctx, out, previous, force=force, formats=formats)
                if fig is not None:  # drawn and saved by the renderer (maybe in a worker)
                    pending.append((spec.name, renderer.submit(fig, out, spec.name, formats), t0))
                    _release(fig)
            except NotApplicable as exc:
                log.info("not applicable to this corpus: %s %s: %s", spec.kind, spec.name, exc)
                entry = {"status": "not applicable", "reason": str(exc)}
            except StageUnavailable as exc:
                log.warning("skipped %s %s: %s", spec.kind, spec.name, exc)
                entry = {"status": "skipped", "reason": str(exc)}
            except AnalysisError:  # bad input / unwritable output: stop with one line
                raise
            except Exception as exc:  # one broken output must not hide the others
                log.exception("failed %s %s", spec.kind, spec.name)
                entry = {"status": "failed", "reason": f"{type(exc).__name__}: {exc}"}
            entry = {
                "description": spec.description,
                "title": spec.title,
                "inputs": list(spec.inputs),
                **entry,
            }
            if entry["status"] in ("built", "unchanged"):
                entry["packages"] = versions
            # the manifest describes the outputs, not this run: current files are "built"
            manifest[key][spec.name] = {**entry, "status": _manifest_status(entry["status"])}
            rows.append(
                {
                    "kind": spec.kind,
                    "name": spec.name,
                    "status": entry["status"],
                    "seconds": round(time.perf_counter() - t0, 3),
                    "reason": entry.get("reason", ""),
                }
            )
        for name, future, t0 in pending:
            row = next(r for r in rows if r["kind"] == "figure" and r["name"] == name)
            try:
                renderer.result(future)
                _record_hashes(manifest["figures"][name], out)
            except AnalysisError:  # e.g. the output folder became unwritable
                raise
            except Exception as exc:  # a figure that cannot be drawn fails alone
                reason = f"{type(exc).__name__}: {exc}"
                log.error("failed to save figure %s: %s", name, reason)
                manifest["figures"][name].pop("packages", None)
                manifest["figures"][name].update(status="failed", reason=reason)
                row.update(status="failed", reason=reason)
            row["seconds"] = round(time.perf_counter() - t0, 3)
    write_manifest(manifest, out)
    write_index(manifest, out, order=list(FIGURES))
    if not only:
        record_run(out, [(spec.kind, spec.name) for spec in specs])
    return pd.DataFrame(rows, columns=["kind", "name", "status", "seconds", "reason"])


def _select(only: Sequence[str] | None) -> list[OutputSpec]:
    everything = list(TABLES.values()) + list(FIGURES.values())
    if not only:
        return everything
    unknown = sorted(set(only) - {s.name for s in everything})
    if unknown:
        from analysis.errors import AnalysisError

        raise AnalysisError(
            f"unknown output(s) {', '.join(unknown)}; figures: {', '.join(FIGURES)}; "
            f"tables: {', '.join(TABLES)}"
        )
    return [s for s in everything if s.name in set(only)]


def _build_one(
    spec: OutputSpec,
    ctx: Study,
    out: Path,
    previous: dict | None,
    *,
    force: bool,
    formats: Sequence[str],
) -> tuple[dict[str, Any], Any]:
    """Write a table, or build (not save) a figure: ``(manifest entry, Figure or None)``."""
    for name in spec.inputs:  # raises StageUnavailable / NotApplicable with the reason
        ctx.get(name)
    digest = ctx.digest(spec.inputs)
    code = output_code_hash(spec)
    entry: dict[str, Any] = {
        "input_hash": digest,
        "seeds": ctx.seeds(spec.inputs),
        "code_hash": code,
    }
    if spec.kind == "table":
        if not force and _unchanged(previous, digest, code, out):
            entry.update(
                files=previous["files"],
                rows=previous.get("rows", {}),
                sha256=previous["sha256"],
                status="unchanged",
            )
            return entry, None
        written = spec.func(ctx, out / "tables")
        entry["files"] = [Path(os.path.relpath(p, out)).as_posix() for p in written]
        entry["rows"] = {Path(p).name: _count_rows(p) for p in written}
        entry["status"] = "built"
        _record_hashes(entry, out)
        return entry, None
    entry["files"] = [f"{spec.name}.{fmt}" for fmt in formats]
    if not force and _unchanged(previous, digest, code, out, files=entry["files"]):
        entry.update(sha256=previous["sha256"], status="unchanged")
        return entry, None
    entry["status"] = "built"
    return entry, spec.func(ctx, ax=None)


def _manifest_status(status: str) -> str:
    return "built" if status == "unchanged" else status


def _release(fig) -> None:
    """Close a figure that a stage created through pyplot (ours never register with pyplot)."""
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(fig)


def _all_current(old: dict[str, Any], specs: list[OutputSpec], out: Path) -> bool:
    """Every selected output was built by the last run and its files are still there."""
    for spec in specs:
        entry = old.get("tables" if spec.kind == "table" else "figures", {}).get(spec.name)
        if entry and entry.get("status") == "not applicable":
            continue
        if not entry or entry.get("status") not in ("built", "unchanged"):
            return False
        if not entry.get("files") or not _files_intact(entry, out, entry["files"]):
            return False
    return True


def _record_hashes(entry: dict[str, Any], out: Path) -> None:
    """Store the SHA-256 of every written file in the manifest entry (verified next run)."""
    entry["sha256"] = {f: file_sha256(out / f) for f in entry.get("files", [])}


def _files_intact(entry: dict[str, Any], out: Path, files: list[str]) -> bool:
    """Every file exists and has the SHA-256 the manifest recorded when it was written."""
    recorded = entry.get("sha256") or {}
    for f in files:
        path = out / f
        if f not in recorded or not path.is_file():
            return False
        if file_sha256(path) != recorded[f]:
            log.warning("%s differs from the file this run wrote last time; rebuilding", path)
            return False
    return True


def _unchanged(
    previous: dict | None, digest: str, code: str, out: Path, *, files: list[str] | None = None
) -> bool:
    """Same input hash and code hash as the last run, and every file as it was written."""
    if not previous or previous.get("status") not in ("built", "unchanged"):
        return False
    files = files if files is not None else previous.get("files", [])
    return (
        previous.get("input_hash") == digest
        and previous.get("code_hash") == code
        and bool(files)
        and _files_intact(previous, out, files)
    )


def _count_rows(path: str | Path) -> int | None:
    p = Path(path)
    if p.suffix == ".csv":
        import csv

        with p.open(encoding="utf-8", newline="") as fh:
            return max(0, sum(1 for _ in csv.reader(fh)) - 1)
    if p.suffix == ".parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(p).metadata.num_rows
    return None


def _font_name() -> str:
    from analysis.fonts import cjk_font_family

    return cjk_font_family()


def _progress(specs: list[OutputSpec], enabled: bool):
    """A one-line progress bar in a terminal; none in a notebook without ipywidgets (where
    tqdm would warn "IProgress not found" and print every update as a new line) or when
    ``TQDM_DISABLE`` is set."""
    import sys

    if not enabled or os.environ.get("TQDM_DISABLE"):
        return specs
    if "ipykernel" in sys.modules:
        try:
            import ipywidgets  # noqa: F401
        except ImportError:
            return specs
        from tqdm.notebook import tqdm
    else:
        from tqdm import tqdm
    return tqdm(specs, desc="figures & tables", unit="output", leave=False)


def study_from_args(args: argparse.Namespace) -> Study:
    """The :class:`analysis.Study` described by the command line (``--data``, ``--lexicons``,
    ``--seed``, ``--genre``, ``--workers``, ``--scheduler``, ``--force``)."""
    options = study_options(args)
    lexicons = getattr(args, "lexicons", None)
    return Study(args.data, lexicons=Lexicons(lexicons) if lexicons else None, options=options)


def cli_figures(args: argparse.Namespace) -> int:
    """Entry point of ``python -m analysis figures`` (args: data, out, only, lexicons, seed,
    genre, workers, scheduler, force); every option reaches the stages through the Study."""
    for noisy in (
        "matplotlib",
        "fontTools",
        "PIL",
        "jieba",
        "gensim",
        "numba",
        "analysis.topics",
        "analysis.cache",
        "analysis.text.tokens",
        "analysis.measures.timeseries",
        "analysis.text.lexicons",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # one line per run with the topic stage's CPU seconds per step (read by `bench sweep`)
    from analysis.topics.pipeline import cpu_log

    cpu_log.setLevel(logging.INFO)
    t0 = time.perf_counter()
    study = study_from_args(args)
    # figures are drawn in one worker process and in this one, taking turns (on 2 cores as
    # fast as two workers, without the second worker's imports and pickling; see Renderer)
    workers = 1 if (os.cpu_count() or 1) > 1 else 0
    report = build_all(
        study,
        args.out,
        only=args.only,
        force=args.force,
        render_workers=workers,
        render_share=True,
    )
    if getattr(args, "xlsx", False):
        from analysis.tables import write_workbook

        book = write_workbook(Path(args.out) / "tables", Path(args.out) / "tables.xlsx")
        print(f"wrote {book} (one sheet per table; not reproducible to the byte, not committed)")
    print_report(report.to_dict("records"), args.out, time.perf_counter() - t0)
    return 1 if (report["status"] == "failed").any() else 0
