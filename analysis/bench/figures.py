"""``python -m analysis bench figures [--corpus DIR] [--repeat N]``: cold and warm regeneration.

Runs the real command, ``python -m analysis figures --data DIR --out TMP``, in fresh processes
(so imports, font registration and the cache are part of the time), and prints:

- **cold**: an empty cache directory (``ANALYSIS_CACHE`` pointed at a new temporary folder) and
  an empty output folder — everything is tokenized, fitted and drawn;
- **warm**: the same cache and output folder again — cached tokens and topic models are read,
  unchanged figures are not redrawn (input hashes in ``MANIFEST.json``);
- **warm, --force-free redraw**: the same cache into a *new* output folder — every figure is
  drawn again from cached stage results (what a change to the figure code costs).

Wall time of the best of ``--repeat`` warm runs is printed next to the process CPU time of the
child. Goals (issue 5): cold < 20 s, warm < 3 s on a 2-core machine. Benchmarks print what they
measure; they never assert on time.
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

GOALS = {"cold": 20.0, "warm": 3.0}


def _run(data: str, out: Path, cache: Path) -> tuple[float, float, str]:
    """Wall seconds, child CPU seconds and the summary line of one ``figures`` run."""
    env = {**os.environ, "ANALYSIS_CACHE": str(cache), "TQDM_DISABLE": "1"}
    env.pop("ANALYSIS_NO_CACHE", None)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "analysis", "figures", "--data", data, "--out", str(out)],
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
    return wall, cpu, summary


def run(args: argparse.Namespace) -> int:
    """Print cold, warm and redraw times of the full regeneration on ``args.corpus``."""
    data = str(args.corpus)
    repeat = max(1, int(getattr(args, "repeat", 3) or 1))
    print(
        f"bench figures: {data}  (python -m analysis figures, fresh process per run; "
        f"{os.cpu_count()} CPUs visible, load average {os.getloadavg()[0]:.1f})"
    )
    with tempfile.TemporaryDirectory(prefix="bench-figures-") as tmp:
        tmp_path = Path(tmp)
        cache, out = tmp_path / "cache", tmp_path / "out"
        rows = [("cold", *_run(data, out, cache))]
        warm = [_run(data, out, cache) for _ in range(repeat)]
        rows.append(("warm", *min(warm)))
        rows.append(("redraw", *_run(data, tmp_path / "out2", cache)))
    print(f"{'run':<8}{'wall s':>8}{'cpu s':>8}{'goal':>8}  summary")
    for name, wall, cpu, summary in rows:
        goal = f"< {GOALS[name]:.0f}" if name in GOALS else ""
        print(f"{name:<8}{wall:>8.1f}{cpu:>8.1f}{goal:>8}  {summary}")
    print(
        "cold = empty cache and output; warm = same cache and output (best of "
        f"{repeat}); redraw = same cache, new output folder (every figure drawn)."
    )
    return 0
