"""``python -m analysis bench faults``: probe the suite with bad inputs and faults, print the result.

Each probe builds a tiny corpus in a temporary folder, injects one fault (a real one where the
machine allows: killed processes, Ctrl-C, concurrent writers; a patched writer for a full disk
or a read-only folder, since root ignores file permissions) and checks that it is handled:
nothing lost, nothing overwritten, one clear line. Prints one row per probe and a total; exit
code 1 when a probe is not handled.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

from analysis import paths

REPORT = (
    "一、基本情况\n本镇二〇一九年全面推进乡村振兴，招商引资取得新进展，基础设施建设稳步推进。\n"
    "二、主要做法\n加强党的建设，发挥基层党组织战斗堡垒作用，党员先锋模范作用明显。\n"
)


def _corpus(folder: Path, n: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"{i:03d}_r.txt").write_text(f"某镇第{i}份工作报告\n" + REPORT, encoding="utf-8")
    return folder


def _cli(argv: list[str]) -> tuple[int, str]:
    from analysis.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    return code, err.getvalue()


def _one_line(code: int, err: str, *needles: str) -> str:
    lines = [x for x in err.splitlines() if x.startswith("error:")]
    assert code == 2, f"exit code {code}"
    assert "Traceback" not in err, "traceback printed"
    assert len(lines) == 1, f"{len(lines)} error lines"
    for needle in needles:
        assert needle in lines[0], f"{needle!r} not in {lines[0]!r}"
    return lines[0][:110]


@contextlib.contextmanager
def _patched_writer(write: Callable[[Path, bytes], None]):
    from analysis import atomic

    saved = atomic._write_bytes
    atomic._write_bytes = write
    try:
        yield
    finally:
        atomic._write_bytes = saved


# -- probes: each returns a short description of what happened; AssertionError = not handled
def probe_short_report(tmp: Path) -> str:
    from analysis.corpus.build import process_file

    text = ("本镇全面推进乡村振兴招商引资取得新进展基础设施建设稳步推进群众满意度不断提高" * 2)[:41]
    (tmp / "a.txt").write_text(text + "\n", encoding="utf-8")
    docs, *_ = process_file(tmp / "a.txt", "a")
    assert len(docs) == 1, "one-line report dropped"
    return "41-character one-line report kept as a document"


def probe_out_in_data(tmp: Path) -> str:
    data = _corpus(tmp / "raw")
    (data / "README.md").write_text("mine", encoding="utf-8")
    line = _one_line(*_cli(["figures", "--data", str(data), "--out", str(data)]), "inside --data")
    assert (data / "README.md").read_text(encoding="utf-8") == "mine"
    return line


def probe_manifest_values(tmp: Path) -> str:
    from analysis.corpus import load_corpus

    data = _corpus(tmp / "raw", n=3)
    (data / "manifest.csv").write_text(
        "file,year\n000_r.txt,2019年\n001_r.txt,二〇二〇年\n002_r.txt,去年\n", encoding="utf-8"
    )
    (data / "002_r.txt").write_text("某镇2015年工作报告\n" + REPORT, encoding="utf-8")
    docs = load_corpus(data).documents.set_index("source_file")
    years = [docs.loc[f"00{i}_r.txt", "year"] for i in range(3)]
    assert years == [2019, 2020, 2015], years
    assert docs.loc["002_r.txt", "manifest_problems"], "unparsed value not reported"
    return "2019年→2019, 二〇二〇年→2020, 去年 reported, text year 2015 kept"


def probe_full_disk_mid_write(tmp: Path) -> str:
    from analysis.atomic import atomic_write
    from analysis.errors import OutputFileError

    target = tmp / "t.csv"
    atomic_write(target, "old\n")

    def half(path: Path, blob: bytes) -> None:
        path.write_bytes(blob[:2])
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    with _patched_writer(half):
        try:
            atomic_write(target, "new content\n")
        except OutputFileError as exc:
            message = str(exc)
        else:
            raise AssertionError("no error raised")
    assert target.read_text() == "old\n", "old file damaged"
    assert [p.name for p in tmp.iterdir()] == ["t.csv"], "temporary left behind"
    return message[-60:]


def probe_truncated_output(tmp: Path) -> str:
    from analysis.figures.context import FigureContext
    from analysis.figures.pipeline import build_all

    data = _corpus(tmp / "raw")
    out = tmp / "out"
    build_all(FigureContext(data), out, only=["corpus"], progress=False)
    table = out / "tables" / "documents.csv"
    good = table.read_bytes()
    table.write_bytes(good[:20])
    report = build_all(FigureContext(data), out, only=["corpus"], progress=False)
    assert report["status"].tolist() == ["built"], report["status"].tolist()
    assert table.read_bytes() == good
    return "truncated documents.csv failed its MANIFEST hash and was rebuilt"


def probe_bad_manifests(tmp: Path) -> str:
    data = _corpus(tmp / "raw")
    seen = []
    for content in (b"", bytes(range(256)), b"file,year\na.txt,1,2\n"):
        (data / "manifest.csv").write_bytes(content)
        seen.append(_one_line(*_cli(["corpus", "--data", str(data), "--out", str(tmp / "o")])))
    return f"{len(seen)} bad manifests (0-byte, binary, ragged): one line each"


def probe_unwritable_out(tmp: Path) -> str:
    data = _corpus(tmp / "raw")

    def refuse(path: Path, blob: bytes) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    with _patched_writer(refuse):
        code, err = _cli(["corpus", "--data", str(data), "--out", str(tmp / "o")])
    return _one_line(code, err, "permission denied")


def probe_latin1_terminal(tmp: Path) -> str:
    data = _corpus(tmp / "raw")
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run(
        [sys.executable, "-m", "analysis", "kwic", "党建", "--data", str(data)],
        cwd=paths.ROOT, env={**env, "PYTHONUTF8": "0"}, capture_output=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr[-200:]
    return "kwic on a Latin-1 terminal: Chinese printed as escapes, no UnicodeEncodeError"


def probe_huge_frequency(tmp: Path) -> str:
    from analysis.errors import InputErrors
    from analysis.validate import check_inputs

    lex = _lexicons(tmp)
    with (lex / "userdict.txt").open("a", encoding="utf-8") as fh:
        fh.write("示范带 99999999999999999999999999\n")
    try:
        check_inputs(lexicon_dir=lex)
    except InputErrors as exc:
        (problem,) = exc.errors
        assert "userdict.txt:" in str(problem) and "out of range" in str(problem)
        return str(problem).rsplit("/", 1)[-1][:80]
    raise AssertionError("accepted")


def _lexicons(tmp: Path) -> Path:
    lex = tmp / "lexicons"
    lex.mkdir()
    for f in paths.LEXICONS.iterdir():
        (lex / f.name).write_bytes(f.read_bytes())
    return lex


def probe_bad_lexicon_under_figures(tmp: Path) -> str:
    lex = _lexicons(tmp)
    (lex / "themes.yaml").write_text("themes:\n  - id: Bad Id\n", encoding="utf-8")
    saved = paths.LEXICONS
    paths.LEXICONS = lex
    try:
        data = _corpus(tmp / "raw")
        code, err = _cli(["figures", "--data", str(data), "--out", str(tmp / "o")])
    finally:
        paths.LEXICONS = saved
    line = _one_line(code, err, "themes.yaml:2")
    assert not (tmp / "o").exists(), "outputs written before validation"
    return line.rsplit("/", 1)[-1]


def probe_degenerate_corpus(tmp: Path) -> str:
    from analysis.figures.context import FigureContext, NotApplicable

    data = tmp / "raw"
    data.mkdir()
    (data / "big.txt").write_text("某镇工作报告\n" + REPORT.replace("\n", "") * 200, "utf-8")
    try:
        FigureContext(data).get("topic_model")
    except NotApplicable as exc:
        return f"not applicable ({str(exc)[:70]}…)"
    raise AssertionError("topic model fitted to one paragraph")


def probe_swapped_cache_entry(tmp: Path) -> str:
    import pandas as pd

    from analysis.cache import cache_path, cached_frame

    a, b = {"k": "a"}, {"k": "b"}
    cached_frame(a, lambda: pd.DataFrame({"x": ["A"]}), "probe", root=tmp)
    cached_frame(b, lambda: pd.DataFrame({"x": ["B"]}), "probe", root=tmp)
    pa, pb = cache_path(a, "probe", root=tmp), cache_path(b, "probe", root=tmp)
    blob = pa.read_bytes()
    pa.write_bytes(pb.read_bytes())
    pb.write_bytes(blob)
    got = cached_frame(a, lambda: pd.DataFrame({"x": ["A"]}), "probe", root=tmp)
    assert got["x"].tolist() == ["A"], "swapped entry served"
    return "entry recorded another key: recomputed"


def probe_concurrent_writers(tmp: Path) -> str:
    from analysis.atomic import atomic_write

    target, versions = tmp / "o.csv", [b"x" * 100_000, b"y" * 150_000]
    atomic_write(target, versions[0])
    stop, seen = threading.Event(), set()

    def writer(blob: bytes) -> None:
        while not stop.is_set():
            atomic_write(target, blob)

    threads = [threading.Thread(target=writer, args=(v,)) for v in versions]
    for t in threads:
        t.start()
    end = time.monotonic() + 0.5
    reads = 0
    while time.monotonic() < end:
        seen.add(target.read_bytes())
        reads += 1
    stop.set()
    for t in threads:
        t.join()
    assert seen <= set(versions), "a mixed or truncated file was read"
    return f"{reads} reads during two writers: only complete versions"


_KILL_DRIVER = textwrap.dedent(
    """
    import sys, time
    from concurrent.futures import wait
    from analysis.figures.render import Renderer
    import matplotlib.figure as mf
    if __name__ == "__main__":
        with Renderer(2) as renderer:
            fig = mf.Figure()
            fig.add_subplot().plot([1, 2])
            wait([renderer.submit(fig, sys.argv[1], "f", ("png",))])
            print("ready", flush=True)
            time.sleep(120)
    """
)


def _descendants(pid: int) -> set[int]:
    table = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()
                table[int(d)] = (int(stat[1]), stat[0])
    found, stack = set(), [pid]
    while stack:
        parent = stack.pop()
        kids = [p for p, (pp, state) in table.items() if pp == parent and state not in "ZX"]
        found.update(kids)
        stack.extend(kids)
    return found


def _alive(pid: int) -> bool:
    with contextlib.suppress(OSError, IndexError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] not in "ZX"
    return False


def _driver(tmp: Path, source: str, *args: str, **kw) -> subprocess.Popen:
    script = tmp / "driver.py"
    script.write_text(source, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), *args], cwd=paths.ROOT, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw,
    )  # fmt: skip


def probe_sigkill(tmp: Path) -> str:
    if not Path("/proc/self/stat").exists():
        return "skipped (needs /proc)"
    proc = _driver(tmp, _KILL_DRIVER, str(tmp))
    try:
        assert proc.stdout.readline().strip() == "ready", "driver did not start"
        children = _descendants(proc.pid)
        proc.kill()
        proc.wait()
        end = time.monotonic() + 20
        while time.monotonic() < end and any(_alive(p) for p in children):
            time.sleep(0.2)
        left = [p for p in children if _alive(p)]
        assert not left, f"{len(left)} orphan(s) alive after 20 s"
    finally:
        proc.kill()
    return f"kill -9 of the parent: {len(children)} worker/tracker processes all exited"


_CTRL_C_DRIVER = textwrap.dedent(
    """
    import sys, time
    import analysis.corpus.build
    from analysis import cli
    from analysis.workers import spawn_pool

    def slow(args):
        with spawn_pool(2) as pool:
            list(pool.map(time.sleep, [0.01, 0.01]))
            print("ready", flush=True)
            time.sleep(60)

    if __name__ == "__main__":
        analysis.corpus.build.cli_corpus = slow
        sys.exit(cli.main(["corpus", "--data", sys.argv[1], "--out", sys.argv[2]]))
    """
)


def probe_ctrl_c(tmp: Path) -> str:
    data = _corpus(tmp / "raw")
    proc = _driver(tmp, _CTRL_C_DRIVER, str(data), str(tmp / "o"), start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "ready", "driver did not start"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 130, f"exit code {proc.returncode}"
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err[-300:]
    return err.strip()[:80]


def probe_progress(tmp: Path) -> str:
    import logging

    from analysis.progress import Progress

    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda r: records.append(r.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("analysis.progress")
    logger.addHandler(handler)
    level, propagate = logger.level, logger.propagate
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        p = Progress(2, every=0.0)
        p.update(chars=500)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    assert records and "characters/s" in records[0]
    return records[0][:80]


PROBES: dict[str, Callable[[Path], str]] = {
    "1 short one-line report": probe_short_report,
    "2 --out inside --data": probe_out_in_data,
    "3 Chinese manifest years": probe_manifest_values,
    "4 full disk mid-write": probe_full_disk_mid_write,
    "4 truncated output": probe_truncated_output,
    "4 concurrent writers": probe_concurrent_writers,
    "5 bad manifests": probe_bad_manifests,
    "6 unwritable --out": probe_unwritable_out,
    "6 Latin-1 terminal": probe_latin1_terminal,
    "7 SIGKILL of the parent": probe_sigkill,
    "7 Ctrl-C": probe_ctrl_c,
    "8 huge userdict frequency": probe_huge_frequency,
    "9 bad lexicon under figures": probe_bad_lexicon_under_figures,
    "11 degenerate corpus": probe_degenerate_corpus,
    "12 swapped cache entry": probe_swapped_cache_entry,
    "progress": probe_progress,
}


def run(args: argparse.Namespace) -> int:
    """Run every probe in its own temporary folder; print tried / handled."""
    import logging

    logging.getLogger().setLevel(logging.CRITICAL)  # probes provoke warnings on purpose
    saved_cache = os.environ.get("ANALYSIS_CACHE")
    handled = 0
    with tempfile.TemporaryDirectory(prefix="faults-") as root:
        os.environ["ANALYSIS_CACHE"] = str(Path(root) / "cache")
        try:
            for i, (name, probe) in enumerate(PROBES.items()):
                tmp = Path(root) / f"p{i}"
                tmp.mkdir()
                t0 = time.perf_counter()
                try:
                    detail, ok = probe(tmp), True
                except Exception as exc:  # noqa: BLE001 - a probe that fails is reported
                    detail, ok = f"NOT HANDLED: {type(exc).__name__}: {exc}", False
                handled += ok
                seconds = time.perf_counter() - t0
                print(f"{'ok ' if ok else 'BAD'} {name:<28} {seconds:5.1f} s  {detail}")
        finally:
            if saved_cache is None:
                os.environ.pop("ANALYSIS_CACHE", None)
            else:
                os.environ["ANALYSIS_CACHE"] = saved_cache
    print(f"{len(PROBES)} probes tried, {handled} handled")
    print(json.dumps({"tried": len(PROBES), "handled": handled}))
    return 0 if handled == len(PROBES) else 1
