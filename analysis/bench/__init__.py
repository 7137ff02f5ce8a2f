"""Benchmarks: ``python -m analysis bench {tokenize,topics,figures,scale,slogans,speed,sweep,chains,…}``.

Benchmarks print measured figures and ratios; they never assert on wall time. Each lives in its
own module exposing ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import importlib


def cli_bench(args: argparse.Namespace) -> int:
    module = importlib.import_module(f".{args.what}", __name__)
    return int(module.run(args) or 0)
