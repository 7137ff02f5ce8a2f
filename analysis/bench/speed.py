"""``python -m analysis bench speed [--corpus DIR] [--sample-chars N] [--k K] [--iterations N] [--ingest-only]``.

The issue-14 targets that concern ingestion and the raw → topics path, measured in ONE process
and printed with the measured figure and whether each target is met (never asserted):

* **ingestion** (:func:`analysis.corpus.load_corpus`: decode + clean + structure + metadata +
  dedup, one process) in raw characters per CPU second; target ≥ 2 M. One-time set-up (the
  gazetteer, jieba's dictionary, OpenCC) is measured separately and reported.
* **references in the same process** on the first ``--sample-chars`` characters of the cleaned
  paragraphs: plain ``jieba.lcut`` and raw ``rjieba.cut`` (characters per CPU second), so the
  ingestion rate can be read against the tokenizer's cost on the same machine and load.
* **raw → topics**: ingestion + the topic tokenizer (no cache) + bag of words + ONE final
  tomotopy fit at ``--k`` topics and ``--iterations`` Gibbs sweeps (the K sweep, stability and
  seeded fits of the full analysis are NOT included: they are the topic stage's own benchmark).
  Target ≤ 30 CPU seconds with peak memory < 1.5 GB. **tomotopy alone** (the same units added
  to a bare ``tomotopy.LDAModel`` and trained the same sweeps) is the reference for the fit.

CPU seconds are ``time.process_time()`` (this process only; the machine may be loaded, so wall
time is printed but not judged); peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import logging
import resource
import sys
import time
from collections.abc import Callable

INGEST_TARGET = 2_000_000  # characters per CPU second
TOPICS_CPU_TARGET = 30.0  # CPU seconds, raw -> topics
PEAK_TARGET_MB = 1536  # 1.5 GB


def peak_mb() -> float:
    """The process's peak resident set size so far, in MB (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024


def measure(fn: Callable[[], object]) -> tuple[float, float, object]:
    """``(cpu_seconds, wall_seconds, result)`` of one call."""
    c0, w0 = time.process_time(), time.perf_counter()
    result = fn()
    return time.process_time() - c0, time.perf_counter() - w0, result


def verdict(met: bool) -> str:
    return "MET" if met else "not met"


def _setup() -> None:
    """Per-process set-up that ingestion pays once (reported, not counted in the rate)."""
    from analysis.corpus.clean import load_chrome_patterns
    from analysis.corpus.gazetteer import default_gazetteer, jieba_words
    from analysis.corpus.genre import load_genre_profiles
    from analysis.corpus.script import _converter, _simplified_only_table

    default_gazetteer()
    jieba_words()
    _converter("t2s")
    _simplified_only_table()
    load_chrome_patterns()  # compiled once per process and file content
    load_genre_profiles()


def _tomotopy_alone(texts: list[list[str]], *, k: int, iterations: int, seed: int) -> None:
    import tomotopy as tp

    model = tp.LDAModel(k=k, alpha=0.1, eta=0.01, seed=seed, min_cf=0, min_df=0, rm_top=0)
    for text in texts:
        if text:
            model.add_doc(text)
    model.train(0, workers=1)
    model.train(iterations, workers=1, parallel=tp.ParallelScheme.NONE)


def _print_ingestion(args, corpus, files, n_raw, setup, ingest, total, refs, tok) -> None:
    """Print the corpus, the set-up and the ingestion rate against the tokenizer references."""
    cpu_setup, wall_setup = setup
    cpu_ing, wall_ing, peak_ingest = ingest
    cpu_j, cpu_r = refs
    n_para_chars, cpu_tok = tok
    rate = n_raw / cpu_ing if cpu_ing else float("inf")
    n_docs = len(corpus.documents)
    print(f"corpus: {args.corpus}")
    print(f"  {len(files)} files, {n_raw:,} raw characters -> {n_docs} documents, "
          f"{len(corpus.paragraphs):,} paragraphs")  # fmt: skip
    print(f"  one-time set-up (gazetteer, jieba dictionary, OpenCC, chrome and genre patterns): {cpu_setup:.2f} CPU s "
          f"({wall_setup:.1f} s wall), not counted below")  # fmt: skip
    print()
    print("ingestion (decode + clean + structure + metadata + dedup, 1 process)")
    print(f"  {cpu_ing:.2f} CPU s, {wall_ing:.1f} s wall, peak {peak_ingest:,.0f} MB")
    print(f"  {rate / 1e6:.2f} M chars per CPU second (target >= {INGEST_TARGET / 1e6:.0f} M): "
          f"{verdict(rate >= INGEST_TARGET)}")  # fmt: skip
    print(f"  references on {total:,} cleaned characters, same process:")
    print(f"    plain jieba.lcut  {total / cpu_j / 1e6:.2f} M chars/CPU-s  "
          f"(ingestion = {rate * cpu_j / total:.2f}x plain jieba)")  # fmt: skip
    print(f"    raw rjieba.cut    {total / cpu_r / 1e6:.2f} M chars/CPU-s  "
          f"(ingestion = {rate * cpu_r / total:.2f}x raw rjieba)")  # fmt: skip
    print(f"    project tokenizer {n_para_chars / cpu_tok / 1e6:.2f} M chars/CPU-s "
          f"(target: ingestion within 2x of it: "
          f"{verdict(rate * 2 >= n_para_chars / cpu_tok)})")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Measure and print the targets (returns 0; the verdicts are printed, not asserted)."""
    import jieba
    import rjieba

    from analysis.corpus.build import analysis_paragraphs, load_corpus
    from analysis.text.tokens import TokenizerOptions, tokenize, unit_tokens
    from analysis.topics import build_bow, fit_topics

    logging.getLogger("analysis.corpus").setLevel(logging.ERROR)
    jieba.setLogLevel(logging.WARNING)
    sample_chars = int(getattr(args, "sample_chars", None) or 2_000_000)
    k = int(getattr(args, "k", None) or 20)
    iterations = int(getattr(args, "iterations", None) or 200)
    seed = 0

    cpu_setup, wall_setup, _ = measure(_setup)
    cpu_ing, wall_ing, corpus = measure(lambda: load_corpus(args.corpus))
    files = corpus.quality[corpus.quality["doc_id"] == ""]
    n_raw = int(files["n_chars_raw"].sum())
    peak_ingest = peak_mb()

    paragraphs = analysis_paragraphs(corpus, include_titles=False)
    texts, total = [], 0
    for t in paragraphs["text"].tolist():
        if total >= sample_chars:
            break
        texts.append(t)
        total += len(t)
    jieba.lcut("预热")
    rjieba.cut("预热")
    cpu_j, _, _ = measure(lambda: [jieba.lcut(t) for t in texts])
    cpu_r, _, _ = measure(lambda: [rjieba.cut(t) for t in texts])

    options = TokenizerOptions(remove_generic=True)
    tokenize(paragraphs.head(20), options=options, cache=False)  # dictionary set-up, not timed
    cpu_tok, wall_tok, tokens = measure(lambda: tokenize(paragraphs, options=options, cache=False))
    n_para_chars = int(paragraphs["text"].str.len().sum())
    if getattr(args, "ingest_only", False):
        _print_ingestion(
            args, corpus, files, n_raw, (cpu_setup, wall_setup), (cpu_ing, wall_ing, peak_ingest),
            total, (cpu_j, cpu_r), (n_para_chars, cpu_tok),
        )  # fmt: skip
        print("(--ingest-only: bag of words and topic fit not run)")
        return 0
    cpu_bow, wall_bow, bow = measure(
        lambda: build_bow(unit_tokens(tokens, "paragraph"), min_df=2, max_df=0.5)
    )
    cpu_fit, wall_fit, _ = measure(
        lambda: fit_topics(bow, k=k, seed=seed, iterations=iterations, measures=("npmi",))
    )
    cpu_tp, wall_tp, _ = measure(
        lambda: _tomotopy_alone(bow.texts, k=k, iterations=iterations, seed=seed)
    )
    peak_all = peak_mb()
    cpu_total = cpu_ing + cpu_tok + cpu_bow + cpu_fit
    wall_total = wall_ing + wall_tok + wall_bow + wall_fit

    _print_ingestion(
        args, corpus, files, n_raw, (cpu_setup, wall_setup), (cpu_ing, wall_ing, peak_ingest),
        total, (cpu_j, cpu_r), (n_para_chars, cpu_tok),
    )  # fmt: skip
    print()
    print(f"raw -> topics (ingestion + topic tokenizer + bag of words + one tomotopy fit, "
          f"K = {k}, {iterations} sweeps; no K sweep/stability/seeded fits)")  # fmt: skip
    print(f"  {'step':<28}{'CPU s':>9}{'wall s':>9}")
    for name, c, w in (
        ("ingestion", cpu_ing, wall_ing),
        ("tokenize (no cache)", cpu_tok, wall_tok),
        ("bag of words", cpu_bow, wall_bow),
        ("tomotopy fit (fit_topics)", cpu_fit, wall_fit),
        ("total", cpu_total, wall_total),
    ):
        print(f"  {name:<28}{c:>9.2f}{w:>9.1f}")
    print(f"  reference, tomotopy alone on the same units: {cpu_tp:.2f} CPU s "
          f"(fit_topics = {cpu_fit / cpu_tp:.2f}x)")  # fmt: skip
    print(f"  {len(bow.unit_ids):,} units, V = {len(bow.vocab):,}, "
          f"{int(bow.counts.sum()):,} tokens")  # fmt: skip
    print(f"  total {cpu_total:.1f} CPU s (target <= {TOPICS_CPU_TARGET:.0f}): "
          f"{verdict(cpu_total <= TOPICS_CPU_TARGET)}")  # fmt: skip
    print(f"  peak memory {peak_all:,.0f} MB (target < {PEAK_TARGET_MB:,} MB): "
          f"{verdict(peak_all < PEAK_TARGET_MB)}")  # fmt: skip
    print("  growth exponent per doubling: not measured by this command (run it on half and on "
          "the whole corpus and compare)")  # fmt: skip
    return 0
