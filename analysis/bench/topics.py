"""``python -m analysis bench topics [--corpus DIR] [--repeat N] [--workers N]``.

Fits every backend (tomotopy, gensim, scikit-learn) on the same paragraph units, the same bag of
words and the same K in one run, single worker per fit, and prints fit time and NPMI (plus c_v
on small corpora, u_mass, diversity) per backend, averaged over ``--repeat`` seeds. Ingestion
and tokenization use ``--workers`` processes; they are timed separately and excluded.

Settings scale with the corpus (printed with the results): small corpora (< 5,000 units, e.g.
``data/raw``) use K = 8, ``min_df`` 2 and each backend's default iterations; large ones (e.g.
the 874 government work reports) use K = 30, ``min_df`` 10, online variational Bayes in
mini-batches of 2,000 units for gensim and scikit-learn (the usual setting at that size) and
the backend spec's ``large_iterations`` (Gibbs sweeps / passes), chosen on a 10 % sample so that each backend
fits in roughly a minute on one core.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

log = logging.getLogger(__name__)

LARGE_UNITS = 5000


def load_units(corpus: str | Path, *, workers: int):
    """Paragraph units of a raw folder, tokenized as for topic models (generic words off)."""
    from analysis.corpus.build import analysis_paragraphs
    from analysis.corpus.io import list_raw_files, read_manifest
    from analysis.scale import parallel
    from analysis.text.tokens import TokenizerOptions, unit_tokens

    files = list_raw_files(corpus)
    frames = parallel.ingest_files(files, workers=workers, manifest=read_manifest(corpus))
    paragraphs = analysis_paragraphs(frames, include_titles=False)
    tokens = parallel.tokenize_parallel(
        paragraphs, workers=workers, options=TokenizerOptions(remove_generic=True)
    )
    return unit_tokens(tokens, "paragraph"), int(paragraphs["text"].str.len().sum())


def method(backend: str, *, large: bool) -> str:
    """How a backend fits, as the table prints it: Gibbs sampling (tomotopy), online variational
    Bayes (streaming backends always; the others on a large corpus) or batch VB."""
    from analysis.topics.backends import BACKEND_SPECS

    if backend.startswith("tomotopy"):
        return "Gibbs"
    streaming = BACKEND_SPECS[backend].fit_source is not None
    return "online VB" if large or streaming else "batch VB"


def run(args: argparse.Namespace) -> int:
    from analysis.scale.parallel import resolve_workers
    from analysis.topics import BACKENDS, DEFAULT_BACKEND, build_bow, fit_topics
    from analysis.topics.backends import BACKEND_SPECS

    workers = resolve_workers(args.workers)
    repeat = max(1, int(args.repeat or 1))
    t0 = time.perf_counter()
    units, n_chars = load_units(args.corpus, workers=workers)
    t_load = time.perf_counter() - t0
    large = len(units) >= LARGE_UNITS
    k = 30 if large else 8
    min_df = 10 if large else 2
    t0 = time.perf_counter()
    bow = build_bow(units, min_df=min_df, max_df=0.5)
    t_bow = time.perf_counter() - t0
    measures = ("npmi", "u_mass", "diversity") if large else ("npmi", "c_v", "u_mass", "diversity")
    print(f"corpus: {args.corpus}")
    print(
        f"  {n_chars:,} chars -> {len(bow.unit_ids):,} paragraph units, "
        f"{int(bow.counts.sum()):,} tokens, V = {len(bow.vocab):,} (min_df {min_df}, max_df 0.5)"
    )
    print(f"  ingest+tokenize {t_load:.1f} s ({workers} workers), bag of words {t_bow:.1f} s")
    print(f"  K = {k}, seeds 0..{repeat - 1}, one worker per fit, alpha 0.1, eta 0.01")
    rows = []
    for backend in BACKENDS:
        iters = BACKEND_SPECS[backend].large_iterations if large else None
        fits = []
        for seed in range(repeat):
            r = fit_topics(
                bow, k=k, backend=backend, seed=seed, iterations=iters, measures=measures
            )
            fits.append(r)
            log.info("%s seed %d: %.1f s, npmi %.4f", backend, seed, r.metrics["fit_seconds"],
                     r.metrics["npmi"])  # fmt: skip
        rows.append((backend, fits[0].params["iterations"], fits))
    mode = {b: method(b, large=large) for b, _, _ in rows}
    print(f"\n  {'backend':<16} {'method':<10} {'iters':>5} {'fit s':>8} {'npmi':>16} "
          f"{'c_v':>7} {'u_mass':>7} {'divers.':>7}")  # fmt: skip
    best = max(statistics.mean(r.metrics["npmi"] for r in fits) for _, _, fits in rows)
    for backend, iters, fits in rows:
        t = statistics.median(r.metrics["fit_seconds"] for r in fits)
        npmi = [r.metrics["npmi"] for r in fits]
        sd = statistics.stdev(npmi) if len(npmi) > 1 else 0.0
        cv = statistics.mean(r.metrics.get("c_v", float("nan")) for r in fits)
        um = statistics.mean(r.metrics["u_mass"] for r in fits)
        dv = statistics.mean(r.metrics["diversity"] for r in fits)
        mark = " *default" if backend == DEFAULT_BACKEND else ""
        print(f"  {backend:<16} {mode[backend]:<10} {iters:>5} {t:>8.2f} {statistics.mean(npmi):>9.4f} ±{sd:.4f} "
              f"{cv:>7.3f} {um:>7.2f} {dv:>7.3f}{mark}")  # fmt: skip
    default = next(f for b, _, f in rows if b == DEFAULT_BACKEND)
    gap = statistics.mean(r.metrics["npmi"] for r in default) - best
    print(f"\n  default ({DEFAULT_BACKEND}) NPMI minus best NPMI: {gap:+.4f}")
    return 0
