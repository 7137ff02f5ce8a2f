"""Scale benchmark: ``python -m analysis bench scale --corpus DIR [--workers N]``.

Runs the pipeline raw folder → cleaned paragraphs → tokens → TF-IDF → LDA (K = 20) on ¼, ½ and
all of a corpus (a seeded, nested sample of its files), each size in a *fresh subprocess* so
its memory is measured alone, and prints per stage the wall time, the CPU time (the run plus
its pool workers) and the peak resident memory of the process tree (sampled every 50 ms with
psutil), then the growth ratios between sizes. Further subprocesses run ingestion and
tokenization of the whole corpus with one worker, for the measured speed-up of the pool.

Stages: ``ingest`` (:func:`analysis.scale.parallel.ingest_files`, near-duplicates and manifest
included) → ``tokenize`` (:func:`analysis.scale.parallel.tokenize_parallel` on the same warm pool)
→ ``units`` (tokens per document) → ``tfidf`` (:func:`analysis.measures.keywords.tfidf_matrix`) →
``parquet`` (tokens written once) → ``lda`` (:func:`analysis.scale.streaming.fit_streaming_lda`,
online LDA streamed from that file).

Nothing is asserted: the benchmark prints measured figures and the targets next to them.
Each size runs once (the point is the growth, and the whole corpus is expensive); ``--repeat N``
alternates N 1-worker and N N-worker runs of ingest+tokenize on the whole corpus for the
speed-up and keeps the fastest of each, because a shared machine makes single runs noisy (the
CPU seconds printed beside each wall time show how much of a slow run was waiting).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STAGES = ("ingest", "tokenize", "units", "tfidf", "parquet", "lda")
TARGET_SECONDS = 120.0
TARGET_MEMORY_GB = 4.0
FRACTIONS = (0.25, 0.5, 1.0)
SAMPLE_SEED = 20240601
K = 20
LDA_UNIT = "document"
LDA_PASSES = 2
LDA_CHUNKSIZE = 256


# --------------------------------------------------------------------------------------------
# measurement helpers
# --------------------------------------------------------------------------------------------


class TreeMemory:
    """Samples the resident memory of this process plus all its descendants in a thread."""

    def __init__(self, interval: float = 0.05) -> None:
        import psutil

        self._proc = psutil.Process()
        self._interval = interval
        self._peak = 0
        self._max = 0
        self._generation = 0  # bumped by reset(): a sample taken before it is not this stage's
        self._main = 0  # peak RSS of this process alone
        self._children = 0  # peak of the summed RSS of its descendants
        self._by_pid: dict[int, tuple[str, int]] = {}  # each descendant: (name, peak RSS)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> int:
        import psutil

        try:
            main = self._proc.memory_info().rss
            children = self._proc.children(recursive=True)
        except psutil.Error:
            main, children = 0, []
        rest = 0
        for p in children:
            try:
                rss = p.memory_info().rss
                name = self._by_pid[p.pid][0] if p.pid in self._by_pid else _proc_name(p)
            except psutil.Error:
                continue
            rest += rss
            with self._lock:
                peak = self._by_pid.get(p.pid, (name, 0))[1]
                self._by_pid[p.pid] = (name, max(peak, rss))
        with self._lock:
            self._main = max(self._main, main)
            self._children = max(self._children, rest)
        return main + rest

    def per_process(self) -> dict:
        """Peak RSS of this process, of the summed descendants, and of each descendant
        (``pid name``: bytes) since :meth:`start`."""
        with self._lock:
            return {
                "main": self._main,
                "children": self._children,
                "by_process": {f"{pid} {n}": r for pid, (n, r) in sorted(self._by_pid.items())},
            }

    def _loop(self) -> None:
        while not self._stop.is_set():
            generation = self._generation
            sample = self._sample()
            with self._lock:
                self._max = max(self._max, sample)
                if generation == self._generation:
                    self._peak = max(self._peak, sample)
            self._stop.wait(self._interval)

    def start(self) -> TreeMemory:
        self._thread.start()
        return self

    def reset(self) -> None:
        sample = self._sample()
        with self._lock:
            self._generation += 1
            self._peak = sample

    def peak(self) -> int:
        """Peak since the last :meth:`reset`."""
        sample = self._sample()
        with self._lock:
            self._peak = max(self._peak, sample)
            self._max = max(self._max, self._peak)
            return self._peak

    def overall(self) -> int:
        """Peak since :meth:`start`."""
        return max(self._max, self.peak())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _proc_name(p: Any) -> str:
    """A short label of a descendant process (a Dask nanny/worker, a pool worker …)."""
    try:
        cmd = " ".join(p.cmdline())
    except Exception:  # noqa: BLE001 - a process that went away or hides its command line
        return p.name()
    for key in ("nanny", "worker", "spawn", "forkserver", "resource_tracker"):
        if key in cmd:
            return key
    return p.name()


def cpu_seconds() -> float:
    """User + system CPU seconds of this process, its live descendants (pool workers) and its
    reaped children (psutil)."""
    import psutil

    me = psutil.Process()
    t = me.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in me.children(recursive=True):
        try:
            c = child.cpu_times()
        except psutil.Error:
            continue
        total += c.user + c.system
    return total


@contextmanager
def stage(name: str, results: dict, mem: TreeMemory) -> Iterator[None]:
    """Time a stage; record wall seconds, CPU seconds (incl. pool workers, which are joined at
    the end of each stage) and peak tree RSS into ``results[name]``."""
    mem.reset()
    t0, c0 = time.perf_counter(), cpu_seconds()
    yield
    results[name] = {
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": cpu_seconds() - c0,
        "peak_rss": mem.peak(),
    }


def sample_files(files: list[Path], fraction: float, *, seed: int = SAMPLE_SEED) -> list[Path]:
    """A seeded file sample; samples of growing fractions are nested (¼ ⊂ ½ ⊂ all).

    Returns:
        The sampled files in name order.
    """
    order = list(files)
    random.Random(seed).shuffle(order)
    n = max(1, round(fraction * len(order)))
    return sorted(order[:n])


# --------------------------------------------------------------------------------------------
# the child: one size, one process
# --------------------------------------------------------------------------------------------


def pipeline(spec: dict) -> dict:
    """Run the stages on the files of ``spec`` in this process; return measurements.

    Stages: ``ingest`` (process pool) → ``tokenize`` (same warm pool; near-duplicates
    excluded) → ``units`` (token lists per document) → ``tfidf`` (:func:`analysis.measures.keywords.
    tfidf_matrix`) → ``parquet`` (tokens written to Parquet) → ``lda`` (online LDA streamed
    from the Parquet file, :func:`analysis.scale.streaming.fit_streaming_lda`, K = ``k``).

    ``spec`` keys: ``files`` (list of paths), ``corpus`` (folder, for the manifest),
    ``workers``, ``stages`` (stop after ``ingest``/``tokenize``/``tfidf``; default all), ``k``,
    ``tmp`` (folder for the Parquet file).
    """
    import numpy as np

    from analysis.corpus.build import analysis_paragraphs
    from analysis.corpus.io import read_manifest
    from analysis.scale import parallel, streaming

    files = [Path(f) for f in spec["files"]]
    workers = int(spec["workers"])
    wanted = spec.get("stages") or ["ingest", "tokenize", "tfidf", "lda"]
    out: dict[str, Any] = {"stages": {}, "workers": workers, "n_files": len(files)}
    mem = TreeMemory().start()
    try:
        with parallel.process_pool(workers) as pool:
            with stage("ingest", out["stages"], mem):
                manifest = read_manifest(spec["corpus"])
                frames = parallel.ingest_files(files, workers=workers, manifest=manifest, pool=pool)
            paragraphs = analysis_paragraphs(frames)  # near-duplicates excluded
            out["n_documents"] = len(frames.documents)
            out["n_paragraphs"] = len(paragraphs)
            out["n_chars"] = int(paragraphs["text"].str.len().sum())
            out["n_duplicates"] = int((frames.documents["duplicate_of"] != "").sum())
            del frames
            if "tokenize" not in wanted:
                return out
            with stage("tokenize", out["stages"], mem):
                tokens = parallel.tokenize_parallel(paragraphs, workers=workers, pool=pool)
        out["n_tokens"] = len(tokens)
        if "tfidf" not in wanted:
            return out
        from analysis.measures.keywords import tfidf_matrix
        from analysis.text.tokens import unit_tokens

        with stage("units", out["stages"], mem):
            units = unit_tokens(tokens, LDA_UNIT)
        with stage("tfidf", out["stages"], mem):
            x, _, vocab = tfidf_matrix(units)
        out["tfidf_shape"] = list(x.shape)
        del x, units
        if "lda" not in wanted:
            return out
        path = Path(spec.get("tmp") or tempfile.gettempdir()) / f"tokens-{os.getpid()}.parquet"
        try:
            with stage("parquet", out["stages"], mem):
                streaming.write_tokens_parquet(tokens, path)
            del tokens
            with stage("lda", out["stages"], mem):
                result = streaming.fit_streaming_lda(
                    path,
                    k=int(spec.get("k", K)),
                    seed=1,
                    unit=LDA_UNIT,
                    passes=LDA_PASSES,
                    chunksize=LDA_CHUNKSIZE,
                )
        finally:
            path.unlink(missing_ok=True)
        out["lda"] = {
            "backend": result.backend,
            "unit": LDA_UNIT,
            "passes": LDA_PASSES,
            "chunksize": LDA_CHUNKSIZE,
            "n_units": len(result.unit_ids),
            "vocab": len(result.vocab),
            "rows_sum_to_1": bool(np.allclose(result.doc_topic.sum(axis=1), 1.0)),
        }
        return out
    finally:
        out["peak_rss"] = mem.overall()
        mem.stop()
        import resource

        out["ru_maxrss_self"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        out["ru_maxrss_children"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024


def copies_flagged(documents) -> Any:
    """True for documents marked as a near-duplicate of a document from *another copy* of the
    same source file (``copy_of`` equal, ``source_file`` different): a perturbation that was
    too weak. Duplicates inside one file (``002-1``/``002-2``) or between different source
    files (present in the original corpus) are not counted.

    Returns:
        Boolean Series aligned with ``documents``.
    """
    copy_of = dict(zip(documents["doc_id"], documents["copy_of"].astype(str), strict=True))
    source = dict(zip(documents["doc_id"], documents["source_file"].astype(str), strict=True))
    parent = documents["duplicate_of"].fillna("").astype(str)
    return (parent != "") & (
        (parent.map(copy_of) == documents["doc_id"].map(copy_of))
        & (parent.map(source) != documents["source_file"].astype(str))
    )


def pipeline_large(spec: dict) -> dict:
    """Raw → topics with :func:`analysis.scale.large.raw_to_topics` in this process; return
    measurements (stages ``ingest_tokenize``, ``finish``, ``lda``; the executor is closed after
    the first, so later stages do not carry idle workers).

    ``spec`` keys: ``files``, ``manifest`` (CSV path; rows of other files are ignored),
    ``executor`` (``"processes"`` or ``"dask"``), ``workers``, ``k``, ``tmp`` (folder for the
    partitioned output, removed afterwards).
    """
    import shutil

    import numpy as np
    import pandas as pd

    from analysis.scale.large import LDA_DEFAULTS, raw_to_topics
    from analysis.scale.parallel import make_executor

    files = [Path(f) for f in spec["files"]]
    manifest = None
    if spec.get("manifest"):
        manifest = pd.read_csv(spec["manifest"], dtype=str, keep_default_na=False)
        manifest = manifest[manifest["file"].isin({f.name for f in files})]
    out: dict[str, Any] = {"stages": {}, "workers": int(spec["workers"]), "n_files": len(files)}
    out["executor"] = spec["executor"]
    mem = TreeMemory().start()
    run_dir = Path(tempfile.mkdtemp(prefix="analysis-large-", dir=spec.get("tmp")))

    @contextmanager
    def timer(name: str) -> Iterator[None]:
        with stage(name, out["stages"], mem):
            yield

    try:
        executor = make_executor(spec["executor"], workers=int(spec["workers"]))
        with executor:
            run = raw_to_topics(
                files, run_dir, executor=executor, manifest=manifest, k=int(spec.get("k", K)),
                seed=1, timer=timer, close_executor=True,
            )  # fmt: skip
        docs = run.documents
        parts = run.partitions
        out["n_documents"] = len(docs)
        out["n_kept"] = run.n_kept
        out["n_duplicates"] = len(run.duplicates)
        if "copy_of" in docs:  # a multiplied corpus: one copy flagged as duplicate of another
            out["n_duplicates_same_source"] = int(copies_flagged(docs).sum())
        out["n_chars"] = int(parts["n_chars"].sum())
        out["n_tokens"] = int(parts["n_tokens"].sum())
        out["n_partitions"] = len(parts)
        result = run.result
        out["lda"] = {
            "backend": result.backend,
            **LDA_DEFAULTS,
            "n_units": len(result.unit_ids),
            "vocab": len(result.vocab),
            "rows_sum_to_1": bool(np.allclose(result.doc_topic.sum(axis=1), 1.0)),
        }
        return out
    finally:
        out["peak_rss"] = mem.overall()
        mem.stop()
        per = mem.per_process()
        out["peak_rss_main"], out["peak_rss_children"] = per["main"], per["children"]
        out["peak_rss_by_process"] = per["by_process"]
        shutil.rmtree(run_dir, ignore_errors=True)


def _child_main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    import logging

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("distributed").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    result = pipeline_large(spec) if spec.get("mode") == "large" else pipeline(spec)
    result["total_seconds"] = time.perf_counter() - t0
    result["loadavg"] = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def run_child(spec: dict, *, timeout: float | None = 1800) -> dict:
    """Run :func:`pipeline` for ``spec`` in a fresh interpreter and return its measurements.

    Also records the child's own maximum RSS as seen by this process
    (``resource.getrusage(RUSAGE_CHILDREN)`` delta; Linux/macOS).
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as fh:
        json.dump(spec, fh)
        spec_path = fh.name
    try:
        t0 = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "analysis.bench.scale", spec_path],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        wall = time.perf_counter() - t0
    finally:
        os.unlink(spec_path)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = "\n".join(proc.stderr.splitlines()[-20:])
        raise RuntimeError(f"benchmark child failed (exit {proc.returncode}):\n{tail}")
    result = json.loads(lines[-1][len("RESULT ") :])
    result["process_seconds"] = wall
    return result


# --------------------------------------------------------------------------------------------
# reporting (pure)
# --------------------------------------------------------------------------------------------


def gb(n: float) -> str:
    return f"{n / 2**30:.2f}"


def growth_exponent(t_small: float, t_big: float, n_small: float, n_big: float) -> float:
    """``b`` in ``t ∝ n^b`` between two sizes (1 = linear)."""
    if min(t_small, t_big, n_small, n_big) <= 0 or n_big == n_small:
        return float("nan")
    return math.log(t_big / t_small) / math.log(n_big / n_small)


def _total(size: dict, key: str = "seconds") -> float:
    return float(sum(v[key] for v in size["stages"].values()))


def format_report(sizes: list[dict], speedup: dict | None, *, workers: int) -> str:
    """The printed report: per-size stage table, growth ratios, speed-up, targets.

    Args:
        sizes: child results (one per corpus fraction, smallest first) with ``fraction``.
        speedup: child result of the 1-worker ingest/tokenize run on the largest size.
        workers: workers of the pool in ``sizes``.

    Returns:
        The report text.
    """
    names = [n for n in STAGES if n in sizes[-1]["stages"]]
    lines = [
        f"per-stage wall seconds [CPU seconds incl. pool workers] and peak GB (RSS of the "
        f"process tree); ingest/tokenize on {workers} worker(s); LDA K={K}, online gensim "
        f"streamed from Parquet, {LDA_PASSES} passes, unit={LDA_UNIT}",
    ]
    head = f"{'size':>5} {'files':>5} {'Mchars':>6} {'Mtok':>5} | "
    head += " | ".join(f"{n:^17}" for n in names) + f" | {'total':^15} | {'peak GB':>7}"
    lines.append(head)
    for s in sizes:
        st = s["stages"]
        row = f"{s['fraction']:>5.2f} {s['n_files']:>5} {s['n_chars'] / 1e6:>6.2f} "
        row += f"{s.get('n_tokens', 0) / 1e6:>5.2f} | "
        row += " | ".join(
            f"{st[n]['seconds']:5.1f} [{st[n]['cpu_seconds']:5.1f}] {st[n]['peak_rss'] / 2**30:4.2f}"
            for n in names
        )
        row += f" | {_total(s):6.1f} [{_total(s, 'cpu_seconds'):6.1f}] | {gb(s['peak_rss']):>7}"
        lines.append(row)
    lines += [
        "",
        "growth between sizes: ratio of wall time (exponent b in t ∝ chars^b; 1 = linear)",
    ]
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        n_ratio = b["n_chars"] / a["n_chars"]
        parts = [f"{a['fraction']:.2f}→{b['fraction']:.2f}: chars ×{n_ratio:.2f}"]
        for n in [*names, "total"]:
            ta = _total(a) if n == "total" else a["stages"][n]["seconds"]
            tb = _total(b) if n == "total" else b["stages"][n]["seconds"]
            exp = growth_exponent(ta, tb, a["n_chars"], b["n_chars"])
            parts.append(f"{n} ×{tb / ta:.2f} (b={exp:.2f})")
        ca, cb = _total(a, "cpu_seconds"), _total(b, "cpu_seconds")
        parts.append(f"CPU total ×{cb / ca:.2f}")
        parts.append(f"peak memory ×{b['peak_rss'] / a['peak_rss']:.2f}")
        lines.append("  " + "; ".join(parts))
    if speedup:
        one, many = speedup["one"], speedup["many"]
        lines += [
            "",
            f"process-pool speed-up on the whole corpus (1 worker vs {workers}; fastest of "
            f"{len(one['samples']['ingest'])} / {len(many['samples']['ingest'])} run(s))",
        ]
        for n in ("ingest", "tokenize"):
            t1, tn = one["stages"][n]["seconds"], many["stages"][n]["seconds"]
            c1, cn = one["stages"][n]["cpu_seconds"], many["stages"][n]["cpu_seconds"]
            lines.append(
                f"  {n:<9} 1 worker {t1:6.1f} s [{c1:6.1f} CPU]   {workers} workers {tn:6.1f} s "
                f"[{cn:6.1f} CPU]   speed-up ×{t1 / tn:.2f}   (samples {one['samples'][n]} / "
                f"{many['samples'][n]})"
            )
    full = sizes[-1]
    total, peak = _total(full), full["peak_rss"]
    lines += [
        "",
        f"target time   < {TARGET_SECONDS:.0f} s : {total:.1f} s -> "
        f"{'MET' if total < TARGET_SECONDS else 'MISSED'}",
        f"target memory < {TARGET_MEMORY_GB:.0f} GB: {gb(peak)} GB -> "
        f"{'MET' if peak < TARGET_MEMORY_GB * 2**30 else 'MISSED'}",
    ]
    load = full.get("loadavg")
    if load:
        lines.append(
            f"machine load average during the largest run: {load:.2f} on {os.cpu_count()} CPU(s)"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------


def _stages_line(result: dict) -> str:
    st = result["stages"]
    return ", ".join(f"{k} {v['seconds']:.1f}s" for k, v in st.items())


def best_of(runs: list[dict]) -> dict:
    """Per stage, the run with the least wall time (for a noisy shared machine)."""
    best = {"stages": {}, "samples": {}}
    for name in [n for n in runs[0]["stages"] if all(n in r["stages"] for r in runs)]:
        vals = [r["stages"][name] for r in runs]
        best["stages"][name] = min(vals, key=lambda v: v["seconds"])
        best["samples"][name] = [round(v["seconds"], 1) for v in vals]
    return best


def run(args: argparse.Namespace) -> int:
    """``python -m analysis bench scale``: see the module docstring.

    ``--workers`` sets the pool size (default: all cores); ``--repeat`` the number of
    alternating 1-worker / N-worker rounds of ingest+tokenize on the whole corpus for the
    speed-up (the fastest of each is kept: the machine may be shared).
    """
    from analysis.corpus.io import list_raw_files
    from analysis.scale import parallel

    if getattr(args, "multiply", None):
        return run_multiplied(args)
    corpus = Path(args.corpus)
    files = list_raw_files(corpus)
    workers = parallel.resolve_workers(getattr(args, "workers", None))
    rounds = max(1, int(getattr(args, "repeat", 1) or 1))
    fractions = getattr(args, "fractions", None) or FRACTIONS
    print(
        f"scale benchmark: {corpus} ({len(files)} files), {workers} worker(s), "
        f"{os.cpu_count()} CPU(s) visible; seeded nested file samples (seed {SAMPLE_SEED})",
        flush=True,
    )
    sizes = []
    for frac in fractions:
        spec = {
            "files": [str(f) for f in sample_files(files, frac)],
            "corpus": str(corpus),
            "workers": workers,
            "k": K,
        }
        result = run_child(spec)
        result["fraction"] = frac
        sizes.append(result)
        print(
            f"  size {frac:.2f}: {_stages_line(result)}; peak {gb(result['peak_rss'])} GB",
            flush=True,
        )
    speedup = None
    if workers > 1 and not getattr(args, "no_speedup", False):
        spec = {
            "files": [str(f) for f in sample_files(files, fractions[-1])],
            "corpus": str(corpus),
            "stages": ["ingest", "tokenize"],
        }
        ones, many = [], [sizes[-1]]
        for i in range(rounds):
            ones.append(run_child({**spec, "workers": 1}))
            print(f"  round {i + 1}: 1 worker: {_stages_line(ones[-1])}", flush=True)
            if i + 1 < rounds:
                many.append(run_child({**spec, "workers": workers}))
                print(f"  round {i + 2}: {workers} workers: {_stages_line(many[-1])}", flush=True)
        speedup = {"one": best_of(ones), "many": best_of(many)}
    print()
    print(format_report(sizes, speedup, workers=workers))
    return 0


# --------------------------------------------------------------------------------------------
# N× the corpus: ``bench scale --multiply 2 4 10 [--mode local|dask|both]``
# --------------------------------------------------------------------------------------------

MULTIPLY_SEED = 20240601
LARGE_STAGES = ("ingest_tokenize", "finish", "lda")
MODES = {"local": "processes", "dask": "dask"}


def prepare_multiplied(corpus: Path, folder: Path, factor: int, *, seed: int = MULTIPLY_SEED):
    """Generate (or reuse) the ``factor``× copy of ``corpus`` in ``folder``
    (:func:`analysis.scale.multiply.multiply_corpus`); reused when ``folder/STAMP.json`` names
    the same corpus, seed, generator code and at least this factor.

    Returns:
        ``(originals, seconds spent generating)``: the corpus's raw files (copy ``c`` of file
        ``f`` is ``folder / copy_name(f, c)``).
    """
    from analysis.corpus.io import list_raw_files

    originals = list_raw_files(corpus)
    stamp_path = folder / "STAMP.json"
    import hashlib

    from analysis.scale import multiply

    code = hashlib.sha256(Path(multiply.__file__).read_bytes()).hexdigest()[:16]
    want = {"corpus": str(corpus.resolve()), "seed": seed, "n_files": len(originals), "code": code}
    if stamp_path.exists():
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        if {k: stamp.get(k) for k in want} == want and stamp.get("factor", 0) >= factor:
            return originals, 0.0
    t0 = time.perf_counter()
    multiply.multiply_corpus(corpus, folder, factor=factor, seed=seed, files=originals)
    stamp_path.write_text(json.dumps({**want, "factor": factor}), encoding="utf-8")
    return originals, time.perf_counter() - t0


def multiplied_files(folder: Path, originals: list[Path], factor: int) -> list[str]:
    """The raw files of the ``factor``× corpus (copies 0 … factor−1 of each file), sorted by
    name (the copies of a file are contiguous)."""
    from analysis.scale.multiply import copy_name

    return sorted(str(folder / copy_name(f, c)) for f in originals for c in range(factor))


def format_large_report(runs: list[dict], *, target_factor: int = 10) -> str:
    """Report of the N× runs: per factor and mode the stages, kept documents, peak memory and
    the < 4 GB target; growth between factors and the extrapolation to ``target_factor``.

    Args:
        runs: child results of :func:`pipeline_large` with ``factor`` and ``mode`` added.

    Returns:
        The report text.
    """
    lines = [
        "raw -> topics on N x the corpus: wall s [CPU s incl. workers] per stage; peak GB = RSS "
        f"of the process tree (client + workers); LDA K={K}, online gensim streamed from the "
        "token partitions, near-duplicates skipped",
        f"{'N':>3} {'mode':<6} {'files':>6} {'Mchars':>7} {'docs':>6} {'kept':>6} {'Mtok':>6} | "
        + " | ".join(f"{n:^20}" for n in LARGE_STAGES)
        + f" | {'total':^17} | peak GB | < {TARGET_MEMORY_GB:.0f} GB",
    ]
    for r in runs:
        st = r["stages"]
        peak = r["peak_rss"]
        row = (
            f"{r['factor']:>3} {r['mode']:<6} {r['n_files']:>6} {r['n_chars'] / 1e6:>7.1f} "
            f"{r['n_documents']:>6} {r['n_kept']:>6} {r['n_tokens'] / 1e6:>6.1f} | "
        )
        row += " | ".join(
            f"{st[n]['seconds']:6.0f} [{st[n]['cpu_seconds']:6.0f}] {st[n]['peak_rss'] / 2**30:4.2f}"
            if n in st
            else f"{'n/a':^20}"
            for n in LARGE_STAGES
        )
        row += f" | {_total(r):7.0f} [{_total(r, 'cpu_seconds'):7.0f}] | {gb(peak):>7} | "
        row += "MET" if peak < TARGET_MEMORY_GB * 2**30 else "NOT MET"
        lines.append(row)
    lines.append("")
    lines.append("documents kept after near-duplicate detection (copies flagged as duplicates of")
    lines.append("another copy of the same file = perturbation too weak):")
    for r in runs:
        lines.append(
            f"  {r['factor']:>3}x {r['mode']:<6}: {r['n_kept']} of {r['n_documents']} kept; "
            f"{r['n_duplicates']} near-duplicates, of which {r.get('n_duplicates_same_source', 0)}"
            " between copies of one file"
        )
    if any("peak_rss_main" in r for r in runs):
        lines += ["", "peak RSS per process (GB; psutil samples every 50 ms; total = the tree):"]
    for r in runs:
        if "peak_rss_main" in r:
            each = sorted(r.get("peak_rss_by_process", {}).values(), reverse=True)
            lines.append(
                f"  {r['factor']:>3}x {r['mode']:<6}: main {gb(r['peak_rss_main'])}, "
                f"descendants together {gb(r['peak_rss_children'])} (largest each: "
                + ", ".join(gb(v) for v in each[:4])
                + f"), total {gb(r['peak_rss'])}"
            )
    by_mode: dict[str, list[dict]] = {}
    for r in runs:
        by_mode.setdefault(r["mode"], []).append(r)
    lines += ["", "growth between factors (exponent b in t ∝ chars^b; 1 = linear):"]
    for mode, rs in by_mode.items():
        rs = sorted(rs, key=lambda r: r["factor"])
        for a, b in zip(rs[:-1], rs[1:], strict=True):
            parts = [
                f"{mode} {a['factor']}x→{b['factor']}x: chars ×{b['n_chars'] / a['n_chars']:.2f}"
            ]
            for key, label in (("seconds", "wall"), ("cpu_seconds", "CPU")):
                ta, tb = _total(a, key), _total(b, key)
                exp = growth_exponent(ta, tb, a["n_chars"], b["n_chars"])
                parts.append(f"{label} ×{tb / ta:.2f} (b={exp:.2f})")
            parts.append(f"peak ×{b['peak_rss'] / a['peak_rss']:.2f}")
            lines.append("  " + "; ".join(parts))
        big = rs[-1]
        if len(rs) > 1 and big["factor"] < target_factor:
            a = rs[-2]
            scale = target_factor / big["factor"]
            est = []
            for key, label in (("seconds", "wall"), ("cpu_seconds", "CPU")):
                ta, tb = _total(a, key), _total(big, key)
                exp = growth_exponent(ta, tb, a["n_chars"], big["n_chars"])
                est.append(f"{label} ≈ {tb * scale**exp:.0f} s")
            b_mem = growth_exponent(a["peak_rss"], big["peak_rss"], a["n_chars"], big["n_chars"])
            est.append(f"peak ≈ {big['peak_rss'] * scale**b_mem / 2**30:.2f} GB")
            lines.append(
                f"  extrapolated to {target_factor}x ({mode}, from the last two factors): "
                + ", ".join(est)
            )
    load = runs[-1].get("loadavg") if runs else None
    if load:
        lines.append(f"machine load average at the end: {load:.2f} on {os.cpu_count()} CPU(s)")
    return "\n".join(lines)


def run_multiplied(args: argparse.Namespace) -> int:
    """``bench scale --multiply N [N …] [--mode local|dask|both] [--multiply-dir DIR]``.

    Builds the largest N× copy of ``--corpus`` once (seeded, :mod:`analysis.scale.multiply`;
    into ``--multiply-dir`` to keep and reuse it, else a temporary folder removed at the end —
    never into the corpus), then for each N and mode runs raw → topics
    (:func:`pipeline_large`) in a fresh subprocess: ``local`` = a process pool of ``--workers``
    (default 2) on this machine, ``dask`` = a LocalCluster of ``--workers`` single-threaded
    worker processes. ``--log-json FILE`` appends each run's measurements as one JSON line
    (``python -m analysis.bench.scale --report FILE`` prints the report of all lines of a file,
    e.g. of runs made by separate invocations).
    """
    import shutil

    factors = sorted(set(int(f) for f in args.multiply))
    if factors[0] < 1:
        raise SystemExit("error: --multiply must be at least 1")
    modes = ["local", "dask"] if getattr(args, "mode", "both") in (None, "both") else [args.mode]
    workers = int(args.workers or 2)
    corpus = Path(args.corpus)
    keep = getattr(args, "multiply_dir", None)
    folder = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="analysis-multiplied-"))
    try:
        originals, gen = prepare_multiplied(corpus, folder, factors[-1])
        how = f"generated in {gen:.0f} s" if gen else "reused"
        print(
            f"scale benchmark on {factors} x {corpus} ({len(originals)} files): copies in {folder}"
            f" ({how}; seed {MULTIPLY_SEED}); modes "
            f"{modes}, {workers} workers; {os.cpu_count()} CPU(s) visible",
            flush=True,
        )
        runs = []
        for factor in factors:
            for mode in modes:
                spec = {
                    "mode": "large",
                    "files": multiplied_files(folder, originals, factor),
                    "manifest": str(folder / "manifest.csv"),
                    "executor": MODES[mode],
                    "workers": workers,
                    "k": K,
                    "tmp": getattr(args, "tmp", None),
                }
                result = run_child(spec, timeout=None)
                result.update(factor=factor, mode=mode)
                runs.append(result)
                if getattr(args, "log_json", None):  # one JSON line per run, appended
                    with open(args.log_json, "a", encoding="utf-8") as fh:
                        fh.write(json.dumps(result) + "\n")
                cpu = ", ".join(f"{k} {v['cpu_seconds']:.0f}" for k, v in result["stages"].items())
                print(
                    f"  {factor}x {mode}: wall {_stages_line(result)}; CPU s {cpu}; "
                    f"{result['n_kept']} of {result['n_documents']} documents kept; "
                    f"peak {gb(result['peak_rss'])} GB",
                    flush=True,
                )
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    print(format_large_report(runs))
    return 0


def report_from_log(path: str | Path) -> str:
    """:func:`format_large_report` of the runs logged with ``--log-json`` (by factor, mode)."""
    runs = [json.loads(ln) for ln in Path(path).read_text(encoding="utf-8").splitlines() if ln]
    return format_large_report(sorted(runs, key=lambda r: (r["factor"], r["mode"])))


if __name__ == "__main__":  # benchmark child: python -m analysis.bench.scale SPEC.json
    if sys.argv[1:2] == ["--report"]:
        print(report_from_log(sys.argv[2]))
        sys.exit(0)
    sys.exit(_child_main(sys.argv[1:]))
