"""``python -m analysis bench figures [--corpus DIR] [--repeat N]``: cold and warm regeneration.

Runs the real command, ``python -m analysis figures --data DIR --out TMP``, in fresh processes
(so imports, font registration, worker start-up and the cache are part of the cost), and prints
for each run the CPU seconds of the process and of its children (the render worker), the
wall time and the peak resident memory:

- **cold**: an empty cache directory (``ANALYSIS_CACHE`` pointed at a new temporary folder) and
  an empty output folder — everything is ingested, tokenized, fitted, drawn and saved;
- **warm**: the same cache and output folder again, nothing changed (best of ``--repeat``) —
  the run reads ``MANIFEST.json``, verifies the files' SHA-256 and exits
  (:mod:`analysis.figures.current`);
- **redraw**: the same cache into a *new* output folder — every output is written and every
  figure drawn again from cached tokens and topic models (what a change to the figure code
  costs).

Issue-14 targets on the five seed files (``data/raw``, the default): cold ≤ 25 CPU seconds,
warm ≤ 2 CPU seconds; each is printed with MET / not met. CPU seconds (``RUSAGE_CHILDREN`` of
this process around the run: the ``figures`` process plus the workers it waited for) are the
measure because the machine's cores may be shared; wall time is printed, not judged.
Benchmarks print what they measure; they never assert on time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: issue 14, "Seeds": CPU seconds of a cold and of a warm ``make figures`` on data/raw.
TARGETS = {"cold": 25.0, "warm": 2.0}


def run_figures(data: str | Path, out: str | Path, cache: str | Path) -> dict[str, object]:
    """One ``figures`` run in a fresh process with the cache folder ``cache``.

    Returns:
        dict with ``cpu`` (the run + its workers: RUSAGE_CHILDREN), ``wall``, ``peak`` (MB, the
        largest child so far), ``summary`` (first stdout line) and ``stderr``.
    """
    env = {**os.environ, "ANALYSIS_CACHE": str(cache), "TQDM_DISABLE": "1"}
    env.pop("ANALYSIS_NO_CACHE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "figures", "--data", str(data), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit(f"figures run failed (exit {proc.returncode})")
    summary = proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""
    # ru_maxrss of the children is the largest process so far (Linux: KB, macOS: bytes)
    peak = after.ru_maxrss / (2**20 if sys.platform == "darwin" else 1024)
    return {"cpu": cpu, "wall": wall, "peak": peak, "summary": summary, "stderr": proc.stderr}


def run(args: argparse.Namespace) -> int:
    """Print cold, warm and redraw costs of the full regeneration on ``args.corpus``."""
    data = str(args.corpus)
    repeat = max(1, int(getattr(args, "repeat", 3) or 1))
    print(
        f"bench figures: {data}  (python -m analysis figures, fresh process per run; "
        f"{os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.1f})"
    )
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp:
        tmp_path = Path(tmp)
        cache, out = tmp_path / "cache", tmp_path / "out"
        rows = [("cold", run_figures(data, out, cache))]
        warm = [run_figures(data, out, cache) for _ in range(repeat)]
        rows.append(("warm", min(warm, key=lambda r: r["cpu"])))
        rows.append(("redraw", run_figures(data, tmp_path / "out2", cache)))
    print(f"{'run':<8}{'CPU s':>8}{'wall s':>8}{'peak MB':>9}  {'target':<16}summary")
    for name, r in rows:
        target = f"<= {TARGETS[name]:g} CPU s" if name in TARGETS else ""
        print(
            f"{name:<8}{r['cpu']:>8.1f}{r['wall']:>8.1f}{r['peak']:>9.0f}  {target:<16}"
            f"{r['summary']}"
        )
    for name, r in rows:
        if name in TARGETS:
            met = "MET" if r["cpu"] <= TARGETS[name] else "not met"
            print(
                f"target {name} make figures on {data}: {r['cpu']:.1f} CPU s "
                f"(<= {TARGETS[name]:g}) -> {met}"
            )
    print(
        "cold = empty cache and output; warm = same cache and output, nothing changed (best of "
        f"{repeat}); redraw = same cache, new output folder (every output written again). "
        "CPU = the figures process + its render worker; peak MB = largest process so far."
    )
    return 0
