"""Command line: ``python -m analysis <command>``.

Each subcommand is a thin shell over package functions; the work lives in the stage modules.
Options are validated first; ``--out`` may not overlap ``--data``; for every command with
``--data`` the raw folder, its manifest and every lexicon are checked before anything runs.
Bad input raises :class:`analysis.errors.AnalysisError`, printed here as one line per problem
(no traceback, exit code 2); an OS error at the edges (permission, full disk) is printed the
same way; Ctrl-C ends the run with one line (exit code 130).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from . import paths
from .errors import AnalysisError, InputErrors, describe_os_error
from .options import DEFAULT_SEED

log = logging.getLogger("analysis")

# subcommand -> "module:function"; the function takes the parsed argparse.Namespace.
COMMANDS: dict[str, str] = {
    "corpus": "analysis.corpus.build:cli_corpus",
    "figures": "analysis.figures.pipeline:cli_figures",
    "kwic": "analysis.measures.concordance:cli_kwic",
    "vocab": "analysis.text.vocab:cli_vocab",
    "bench": "analysis.bench:cli_bench",
    "reuse": "analysis.measures.reuse_stage:cli_reuse",
    "coding": "analysis.measures.validation:cli_coding",
    "validate": "analysis.measures.validation:cli_validate",
}

#: subcommand -> "module:function" asked before the inputs are validated: it returns an exit
#: code when the command has nothing to do (``figures`` with nothing changed since the last
#: complete run into ``--out``), else ``None`` and the command runs.
SHORTCUTS: dict[str, str] = {
    "figures": "analysis.figures.current:cli_figures_current",
}


def _add_data_out(p: argparse.ArgumentParser, out_default: str) -> None:
    p.add_argument("--data", default=str(paths.RAW), help="folder of raw report files")
    p.add_argument("--out", default=out_default, help="output folder")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Topics, themes and slogans in Chinese local-government reports.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("corpus", help="ingest and clean a raw folder; write corpus tables")
    _add_data_out(p, str(paths.TABLES))
    p.add_argument("--recursive", action="store_true", help="read subfolders of --data too")

    p = sub.add_parser("figures", help="regenerate every table and figure")
    _add_data_out(p, str(paths.FIGURES))
    p.add_argument("--only", nargs="+", metavar="NAME", help="only these figures/tables")
    p.add_argument(
        "--lexicons",
        default=str(paths.LEXICONS),
        metavar="DIR",
        help="lexicon folder (same files as data/lexicons/)",
    )
    p.add_argument("--force", action="store_true", help="ignore the caches and recompute")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="master random seed")
    p.add_argument("--genre", default="auto", help="genre profile (default: from the corpus)")
    p.add_argument(
        "--exclude-templates",
        type=int,
        default=None,
        metavar="K",
        help="blank out passages recurring in >= K documents before themes, keywords and topics",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes or Dask workers for ingestion and tokenization (default 1)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on a Dask scheduler (tcp://host:8786) instead of this machine",
    )
    p.add_argument(
        "--xlsx",
        action="store_true",
        help="also write every table into one Excel workbook, OUT/tables.xlsx (ids as text)",
    )

    p = sub.add_parser("kwic", help="keyword in context, in the original script")
    p.add_argument("term")
    p.add_argument("--data", default=str(paths.RAW))
    p.add_argument("--window", type=int, default=20)
    p.add_argument("--limit", type=int, default=50, help="rows to print (0 = all)")
    p.add_argument("--include-duplicates", action="store_true")
    p.add_argument("--regex", action="store_true", help="treat TERM as a regular expression")

    p = sub.add_parser("vocab", help="candidate dictionary words and collocations")
    p.add_argument("--data", default=str(paths.RAW))
    p.add_argument("--top", type=int, default=50)
    p.add_argument("--min-count", type=int, default=3)

    p = sub.add_parser("reuse", help="text reuse, templates and slogan diffusion tables")
    _add_data_out(p, str(paths.TABLES))
    p.add_argument("--seed", type=int, default=20240601, help="MinHash seed")
    p.add_argument("--template-docs", type=int, default=5, help="k: documents a template recurs in")
    p.add_argument("--no-diffusion", action="store_true", help="skip slogans and diffusion")
    p.add_argument("--workers", type=int, default=1, help="processes for corpus ingestion")
    p.add_argument("--force", action="store_true", help="ignore the cache and recompute")
    p = sub.add_parser("coding", help="coding sheets (.xlsx/.csv) for human validation")
    _add_data_out(p, "coding")
    p.add_argument("--n", type=int, default=20, help="paragraphs per theme and stratum")
    p.add_argument("--seed", type=int, default=20240601, help="sampling seed")
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")

    p = sub.add_parser("validate", help="agreement and precision/recall from filled coding sheets")
    p.add_argument("sheets", nargs="+", metavar="SHEET", help="one filled sheet per coder")
    p.add_argument("--out", default="validation", help="output folder")
    p.add_argument("--intrusion-key", help="intrusion_key.csv written by `coding` (answers)")

    p = sub.add_parser("bench", help="benchmarks: print measured ratios (never assert on time)")
    p.add_argument(
        "what",
        choices=[
            "tokenize", "topics", "figures", "scale", "faults", "slogans", "reuse", "speed",
            "sweep", "chains",
        ],
    )  # fmt: skip
    p.add_argument("--corpus", default=str(paths.RAW), help="folder of raw report files")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument(
        "--sample-chars",
        type=int,
        default=None,
        help="speed: characters for the jieba/rjieba references (default 2,000,000)",
    )
    p.add_argument(
        "--multiply",
        type=int,
        nargs="+",
        default=None,
        metavar="N",
        help="scale: raw -> topics on N x the corpus (seeded perturbed copies), e.g. 2 4 10",
    )
    p.add_argument(
        "--mode",
        choices=["local", "dask", "both"],
        default="both",
        help="scale --multiply: process pool on this machine, Dask LocalCluster, or both",
    )
    p.add_argument(
        "--log-json",
        default=None,
        metavar="FILE",
        help="scale --multiply: append each run's measurements to FILE (one JSON line)",
    )
    p.add_argument(
        "--multiply-dir",
        default=None,
        metavar="DIR",
        help="scale --multiply: keep (and reuse) the copies in DIR (default: temporary)",
    )
    p.add_argument(
        "--k", type=int, default=None, help="speed, chains: topics of the fit (default 20)"
    )
    p.add_argument(
        "--iterations",
        type=int,
        default=None,
        help="speed: Gibbs sweeps of the one fit, a maximum under the stopping rule "
        "(default: tomotopy's large_iterations, 200); chains: sweeps of each chain (200)",
    )
    p.add_argument(
        "--fixed-sweeps",
        action="store_true",
        help="speed: run exactly --iterations sweeps (no convergence-based stopping)",
    )
    p.add_argument(
        "--no-growth",
        action="store_true",
        help="speed: skip the half-corpus run that measures the growth exponent",
    )
    p.add_argument(
        "--sample", type=int, default=None, help="sweep: sample files drawn (default 150)"
    )
    p.add_argument(
        "--chars", type=float, default=None, help="sweep: character target (default 4.5e6)"
    )
    p.add_argument(
        "--seed", type=int, default=None, help="sweep: seed of the sample draw; chains: first seed"
    )
    p.add_argument(
        "--keep",
        default=None,
        help="sweep: keep the sample (KEEP/corpus) and outputs (KEEP/figures)",
    )
    p.add_argument(
        "--ingest-only",
        action="store_true",
        help="speed: only ingestion and the tokenizer references (no bag of words, no topic fit)",
    )
    p.add_argument(
        "--runs",
        type=int,
        default=None,
        help="speed: run half and whole corpus alternately N times, each step's fastest run "
        "counts (default 1; for a loaded machine, whose load drifts between runs); chains: "
        "number of seeds (default 3)",
    )
    return parser


def _resolve(target: str) -> Callable[[argparse.Namespace], int | None]:
    module, func = target.split(":")
    return getattr(importlib.import_module(module), func)


#: numeric options and their smallest allowed value (largest for the seed).
_MINIMUM = {"window": 1, "limit": 0, "top": 1, "min_count": 1, "repeat": 1, "workers": 1,
            "sample_chars": 1, "k": 2, "iterations": 1, "sample": 1, "chars": 1}  # fmt: skip
MAX_SEED = 2**32 - 1  # numpy and tomotopy take 32-bit unsigned seeds


def check_options(args: argparse.Namespace) -> None:
    """Refuse out-of-range options and an ``--out`` overlapping ``--data`` (one line each)."""
    problems = []
    for name, low in _MINIMUM.items():
        value = getattr(args, name, None)
        if value is not None and value < low:
            problems.append(f"--{name.replace('_', '-')} must be at least {low}, got {value}")
    seed = getattr(args, "seed", None)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        problems.append(f"--seed must be between 0 and {MAX_SEED}, got {seed}")
    if problems:
        raise InputErrors([AnalysisError(p) for p in problems])
    if getattr(args, "out", None) is not None and getattr(args, "data", None) is not None:
        from .validate import check_out_dir

        check_out_dir(args.data, args.out)


def _print_error(exc: AnalysisError) -> None:
    for problem in exc.errors if isinstance(exc, InputErrors) else [exc]:
        print(f"error: {problem}", file=sys.stderr)


def _safe_streams() -> None:
    """A terminal that cannot show Chinese (e.g. a Latin-1 locale) gets escapes, not a crash."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _safe_streams()
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        check_options(args)
        if args.command in SHORTCUTS:
            code = _resolve(SHORTCUTS[args.command])(args)
            if code is not None:
                return int(code)
        if getattr(args, "data", None) is not None:  # corpus, figures, kwic, vocab
            from .validate import check_inputs

            check_inputs(
                args.data,
                lexicon_dir=getattr(args, "lexicons", None),
                recursive=getattr(args, "recursive", False),
            )
        return int(_resolve(COMMANDS[args.command])(args) or 0)
    except AnalysisError as exc:
        _print_error(exc)
        return 2
    except OSError as exc:  # an edge the stages did not wrap: still one line, no traceback
        where = exc.filename or "error"
        print(f"error: {where}: {describe_os_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: finished outputs are complete, none is half-written", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
