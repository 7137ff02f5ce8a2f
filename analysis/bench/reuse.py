"""Reuse benchmark: ``python -m analysis bench reuse [--corpus DIR]``.

Loads the corpus once (the 874 work reports of ``../shared/corpora/cn-gov-work-reports`` when
``--corpus`` is left at its default and that folder exists, else ``--corpus``), then runs the
reuse stage — :func:`~analysis.measures.reuse.text_reuse` (all pairs, no cache),
:func:`~analysis.measures.reuse.template_spans` and
:func:`~analysis.measures.reuse.reuse_documents` — on ¼, ½ and all of its documents (a seeded,
nested sample), each size in a fresh subprocess so that its memory is measured alone. Prints
per size the wall time, CPU seconds, peak resident memory (process, sampled every 50 ms) and the
memory already held by the loaded paragraphs, then the growth exponent ``b`` in
``t ∝ chars^b`` between sizes (1 = linear, 2 = quadratic). Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from analysis import paths
from analysis.bench.scale import TreeMemory, cpu_seconds, gb, growth_exponent

FRACTIONS = (0.25, 0.5, 1.0)
SAMPLE_SEED = 20240601
TARGET_SECONDS = 120.0
TARGET_MEMORY_GB = 2.0
SHARED = paths.ROOT.parent / "shared" / "corpora" / "cn-gov-work-reports"


def _child(spec_path: str) -> int:
    import pandas as pd

    from analysis.measures import reuse as rz

    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    docs = pd.read_parquet(spec["documents"])
    paras = pd.read_parquet(spec["paragraphs"])
    keep = set(spec["doc_ids"])
    docs = docs[docs["doc_id"].isin(keep)].reset_index(drop=True)
    paras = paras[paras["doc_id"].isin(keep)].reset_index(drop=True)
    mem = TreeMemory().start()
    base = mem.peak()
    t0, c0 = time.perf_counter(), cpu_seconds()
    pairs = rz.text_reuse(paras, docs, cache=False)
    t1, c1 = time.perf_counter(), cpu_seconds()
    spans = rz.template_spans(paras, docs, cache=False)
    rz.reuse_documents(pairs, paras, docs)
    t2, c2 = time.perf_counter(), cpu_seconds()
    result = {
        "n_docs": len(docs),
        "n_chars": int(paras["text"].str.len().sum()),
        "pairs_seconds": t1 - t0,
        "pairs_cpu": c1 - c0,
        "all_seconds": t2 - t0,
        "all_cpu": c2 - c0,
        "peak_rss": mem.overall(),
        "base_rss": base,
        "n_passages": int((pairs["kind"] == "passage").sum()),
        "n_template_spans": len(spans),
        "loadavg": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    mem.stop()
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def _run_child(spec: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(spec, fh)
        path = fh.name
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.bench.reuse", path],
            capture_output=True, text=True, timeout=3600,
            env={**os.environ, "ANALYSIS_NO_CACHE": "1"},
        )  # fmt: skip
    finally:
        os.unlink(path)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.splitlines()[-15:])
        raise RuntimeError(f"benchmark child failed (exit {proc.returncode}):\n{tail}")
    return json.loads(lines[-1][len("RESULT ") :])


def format_report(sizes: list[dict], corpus: Path) -> str:
    """The printed table: per size, time, CPU, memory; growth between sizes; targets."""
    lines = [
        f"reuse stage on {corpus} (seeded nested samples; each size in a fresh process)",
        f"{'docs':>5} {'M chars':>8} | {'pairs: wall s':>13} {'CPU s':>7} | "
        f"{'all: wall s':>11} {'CPU s':>7} | {'peak GB':>7} {'(data GB)':>9} | "
        f"{'passages':>9} {'load':>5}",
    ]
    for s in sizes:
        lines.append(
            f"{s['n_docs']:>5} {s['n_chars'] / 1e6:>8.2f} | {s['pairs_seconds']:>13.1f} "
            f"{s['pairs_cpu']:>7.1f} | {s['all_seconds']:>11.1f} {s['all_cpu']:>7.1f} | "
            f"{gb(s['peak_rss']):>7} {'(' + gb(s['base_rss']) + ')':>9} | {s['n_passages']:>9,} "
            f"{s['loadavg'] or 0:>5.1f}"
        )
    lines.append("growth exponent b (t ∝ chars^b; 1 = linear, 2 = quadratic), per doubling:")
    for a, b in zip(sizes, sizes[1:]):
        parts = []
        for key in ("pairs_cpu", "all_cpu", "all_seconds"):
            exp = growth_exponent(a[key], b[key], a["n_chars"], b["n_chars"])
            parts.append(f"{key.replace('_', ' ')} b = {exp:.2f}")
        mem = growth_exponent(a["peak_rss"], b["peak_rss"], a["n_chars"], b["n_chars"])
        parts.append(f"peak memory b = {mem:.2f}")
        lines.append(f"  {a['n_docs']} -> {b['n_docs']} docs: " + ", ".join(parts))
    full = sizes[-1]
    lines.append(
        f"target all pairs < {TARGET_SECONDS:.0f} s on 2 cores: {full['all_seconds']:.1f} s wall, "
        f"{full['all_cpu']:.1f} CPU s -> {'MET' if full['all_seconds'] < TARGET_SECONDS else 'MISSED'}"
        f" (wall time on a shared machine: load average {full['loadavg'] or 0:.1f})"
    )
    lines.append(
        f"target memory < {TARGET_MEMORY_GB:.0f} GB: {gb(full['peak_rss'])} GB -> "
        f"{'MET' if full['peak_rss'] < TARGET_MEMORY_GB * 2**30 else 'MISSED'}"
    )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import analysis as an

    corpus_dir = Path(args.corpus)
    if corpus_dir.resolve() == paths.RAW.resolve() and SHARED.is_dir():
        corpus_dir = SHARED
    t0 = time.perf_counter()
    corpus = an.load_corpus(corpus_dir, workers=args.workers or 2)
    print(f"corpus loaded in {time.perf_counter() - t0:.1f} s: {len(corpus.documents)} documents")
    doc_ids = corpus.documents["doc_id"].astype(str).to_numpy()
    order = np.random.default_rng(SAMPLE_SEED).permutation(len(doc_ids))
    sizes = []
    with tempfile.TemporaryDirectory() as tmp:
        d_path, p_path = Path(tmp) / "documents.parquet", Path(tmp) / "paragraphs.parquet"
        corpus.documents.to_parquet(d_path)
        corpus.paragraphs.to_parquet(p_path)
        for frac in FRACTIONS:
            ids = doc_ids[np.sort(order[: max(2, round(len(doc_ids) * frac))])].tolist()
            spec = {"documents": str(d_path), "paragraphs": str(p_path), "doc_ids": ids}
            result = _run_child(spec)
            sizes.append(result)
            print(
                f"  {frac:.2f}: {result['n_docs']} docs, {result['all_seconds']:.1f} s "
                f"[{result['all_cpu']:.1f} CPU s], peak {gb(result['peak_rss'])} GB",
                flush=True,
            )
    print(format_report(sizes, corpus_dir))
    return 0


if __name__ == "__main__":  # pragma: no cover - the benchmark's child process
    sys.exit(_child(sys.argv[1]))
