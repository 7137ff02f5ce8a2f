"""``python -m analysis bench tokenize [--corpus DIR] [--repeat N] [--workers N]``.

Measured in one run on the same paragraphs (cleaning excluded: the corpus is loaded first):

(a) plain ``jieba.lcut`` per paragraph (default dictionary, no filtering): the baseline;
(b) the project's full tokenizer, fast backend (segmentation + filters + offsets + DataFrame),
    no cache, one process;
(c) the project's tokenizer with the pure-Python jieba backend (same dictionary, same filters),
    which is the reference for agreement.

It prints characters per second (wall clock and CPU time), the ratio (b)/(a), and span
agreement 2·|A∩B|/(|A|+|B|) of (b) vs (c) after filtering and of the raw segmentations
(fast vs jieba with the project dictionary; fast vs plain jieba with the default dictionary,
which measures the domain dictionary's effect rather than backend fidelity).
Benchmarks print what they measure; they never assert on time.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)


def _timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """Best wall time and CPU time over ``repeat`` runs, plus the last result."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(max(1, repeat)):
        w0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    return best_wall, best_cpu, result


def _span_keys(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Encode spans as one int64 each (start << 20 | length) for fast set operations."""
    return np.unique((starts.astype(np.int64) << 20) | (ends - starts).astype(np.int64))


def _agreement(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) and not len(b):
        return 1.0
    return 2 * len(np.intersect1d(a, b, assume_unique=True)) / (len(a) + len(b))


def _word_spans(words: Sequence[str], offset: int = 0) -> np.ndarray:
    """Span keys of a word sequence that tiles a text; paragraph separators are left out."""
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=len(words))
    ends = np.cumsum(lengths) + offset
    real = np.fromiter((w != "\n" for w in words), dtype=bool, count=len(words))
    return _span_keys((ends - lengths)[real], ends[real])


def _plain_spans(per_paragraph: list[list[str]], para_starts: np.ndarray) -> np.ndarray:
    keys = [
        _word_spans(words, int(start))
        for words, start in zip(per_paragraph, para_starts, strict=True)
    ]
    return np.unique(np.concatenate(keys)) if keys else np.array([], np.int64)


def _token_spans(tokens: pd.DataFrame, paragraphs: pd.DataFrame) -> np.ndarray:
    lengths = paragraphs["text"].fillna("").str.len().to_numpy(dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    index = pd.MultiIndex.from_arrays(
        [paragraphs["doc_id"].astype(str), paragraphs["para_id"].astype(np.int64)]
    )
    keys = pd.MultiIndex.from_arrays(
        [tokens["doc_id"].astype(str), tokens["para_id"].astype(np.int64)]
    )
    rows = index.get_indexer(keys)
    base = starts[rows]
    return _span_keys(base + tokens["start"].to_numpy(), base + tokens["end"].to_numpy())


def run(args: argparse.Namespace) -> int:
    """Run the tokenizer benchmark and print the figures (returns 0)."""
    import jieba

    from analysis.corpus.build import load_corpus
    from analysis.text.tokens import TokenizerOptions, segment, segmenter, tokenize

    jieba.setLogLevel(logging.WARNING)
    repeat = max(1, int(getattr(args, "repeat", 3) or 1))
    workers = int(getattr(args, "workers", None) or 1)

    w0 = time.perf_counter()
    corpus = load_corpus(args.corpus)
    paragraphs = corpus.paragraphs[["doc_id", "para_id", "text"]].reset_index(drop=True)
    load_s = time.perf_counter() - w0
    texts = paragraphs["text"].fillna("").tolist()
    n_chars = sum(map(len, texts))
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    para_starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    print(f"corpus: {args.corpus}")
    print(
        f"  {corpus.documents.shape[0]} documents, {len(paragraphs):,} paragraphs, "
        f"{n_chars:,} characters (loaded and cleaned in {load_s:.1f} s, not timed below)"
    )

    # set-up, reported but not timed: jieba's prefix dictionary, the merged dictionary, rjieba
    w0 = time.perf_counter()
    jieba.lcut("预热")
    plain_setup = time.perf_counter() - w0
    w0 = time.perf_counter()
    options = TokenizerOptions()
    segmenter("fast", options)
    fast_setup = time.perf_counter() - w0
    w0 = time.perf_counter()
    segmenter("jieba", options)
    tokenize(paragraphs.head(50), backend="fast", cache=False)  # warms the decision table
    ref_setup = time.perf_counter() - w0
    print(
        f"  set-up (not timed): jieba {plain_setup:.1f} s; merged dictionary + rjieba "
        f"{fast_setup:.1f} s; jieba backend {ref_setup:.1f} s"
    )
    print(f"  best of {repeat} run(s); pid {os.getpid()}; 1 process unless stated\n")

    rows = []
    wall_a, cpu_a, plain = _timed(lambda: [jieba.lcut(t) for t in texts], repeat)
    rows.append(("(a) plain jieba.lcut", wall_a, cpu_a, sum(map(len, plain))))

    def fast_run() -> pd.DataFrame:
        return tokenize(paragraphs, backend="fast", options=options, cache=False)

    wall_b, cpu_b, fast_tokens = _timed(fast_run, repeat)
    rows.append(("(b) tokenize, fast backend", wall_b, cpu_b, len(fast_tokens)))

    def ref_run() -> pd.DataFrame:
        return tokenize(paragraphs, backend="jieba", options=options, cache=False)

    wall_c, cpu_c, ref_tokens = _timed(ref_run, 1)
    rows.append(("(c) tokenize, jieba backend", wall_c, cpu_c, len(ref_tokens)))
    if workers > 1:

        def par_run() -> pd.DataFrame:
            return tokenize(
                paragraphs, backend="fast", options=options, cache=False, workers=workers
            )

        wall_p, cpu_p, _ = _timed(par_run, 1)
        rows.append((f"(b) fast backend, {workers} workers", wall_p, float("nan"), len(_)))

    print(f"{'':34}{'wall s':>9}{'chars/s':>14}{'CPU s':>9}{'chars/CPU-s':>14}{'tokens':>12}")
    for name, wall, cpu, n_tok in rows:
        cps_cpu = f"{n_chars / cpu:>14,.0f}" if cpu == cpu else f"{'-':>14}"
        cpu_s = f"{cpu:>9.2f}" if cpu == cpu else f"{'-':>9}"
        print(f"{name:34}{wall:>9.2f}{n_chars / wall:>14,.0f}{cpu_s}{cps_cpu}{n_tok:>12,}")
    print(
        f"\nratio (b)/(a): {wall_a / wall_b:.1f}x wall clock, {cpu_a / cpu_b:.1f}x per CPU "
        f"second (target >= 10x per core)"
    )

    fast_raw = _word_spans(segment(texts, backend="fast", options=options))
    ref_raw = _word_spans(segment(texts, backend="jieba", options=options))
    plain_raw = _plain_spans(plain, para_starts)
    filtered = _agreement(
        _token_spans(fast_tokens, paragraphs), _token_spans(ref_tokens, paragraphs)
    )
    print("token agreement (span F1):")
    print(f"  fast vs jieba backend, filtered tokens (same dictionary): {filtered:.5f}")
    print(f"  fast vs jieba backend, raw segmentation (same dictionary): "
          f"{_agreement(fast_raw, ref_raw):.5f}")  # fmt: skip
    print(f"  fast (project dictionary) vs plain jieba.lcut (default dictionary), raw: "
          f"{_agreement(fast_raw, plain_raw):.5f}")  # fmt: skip
    return 0
