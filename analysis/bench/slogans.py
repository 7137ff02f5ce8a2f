"""``python -m analysis bench slogans [--corpus DIR] [--workers N]``: slogans, themes, keyness.

Ingests and tokenizes the corpus (cached on disk under ``bench_measures`` in the analysis
cache, keyed by the corpus files and the ingestion/tokenizer source: not part of the targets,
and read back on the next run), then times each
stage of issue 14's target "slogans, themes and keyness on 16 M characters ≤ 15 s each" in this
process: CPU seconds (``time.process_time``), wall seconds and the peak resident memory after
the stage, and prints whether each stage is within :data:`TARGET_SECONDS` CPU seconds.

- slogans: :func:`analysis.slogans.extract_slogans` (quoted, numbered, phrases, formulations);
- themes: :func:`theme_hits`, :func:`paragraph_themes` and :func:`theme_scores` together;
- keyness: :func:`analysis.keywords.keyness_by_group`, each report vs the rest and each
  dominant theme vs the rest, on one shared unit x term count matrix (the ``keyness`` table of
  ``keyword_tables`` without its dispersion columns);
- +dispersion: :func:`analysis.measures.keywords.keyness_table`, timed on its own: the same
  keyness plus :func:`analysis.measures.groups.keyness_dispersion` (the documents-per-term
  columns), i.e. the whole ``keyness`` table as ``make figures`` writes it.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections.abc import Callable
from pathlib import Path

TARGET_SECONDS = 15.0


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn: Callable[[], object]) -> tuple[object, float, float, float]:
    """Run ``fn``; return its result, CPU seconds, wall seconds and peak RSS (MB) after it."""
    c, w = time.process_time(), time.perf_counter()
    out = fn()
    return out, time.process_time() - c, time.perf_counter() - w, _peak_mb()


def _inputs(corpus: str, workers: int):
    """Analysed paragraphs, documents and tokens of ``corpus``, cached on disk (keyed by the
    corpus files and the source of the ingestion and tokenizer code), so that repeated runs
    time the measures alone. Returns them and whether all three came from the cache."""
    from analysis import hashing
    from analysis.cache import cached_frame

    key = {
        "bench": "measures-inputs",
        "corpus": hashing.folder_digest(corpus),
        # the ingestion and tokenizer code and the Study file (not the measures being timed)
        "code": hashing.digest(
            hashing.source_digest(
                "analysis.corpus", "analysis.text.tokens", "analysis.scale.parallel"
            ),
            hashing.file_digest(Path(hashing.__file__).parent / "study.py"),
        ),
        "versions": hashing.library_versions(),
    }
    state: dict = {}
    computed: list[str] = []

    def study():
        if "study" not in state:
            from analysis.study import Study

            state["study"] = Study(corpus, workers=workers)
        return state["study"]

    def part(name, compute):
        def run():
            computed.append(name)
            return compute()

        return cached_frame({**key, "part": name}, run, "bench_measures")

    documents = part("documents", lambda: study().documents)
    paragraphs = part("paragraphs", lambda: study().paragraphs)
    tokens = part("tokens", lambda: study().tokens)
    return paragraphs, documents, tokens, not computed


def keyness_stage(units, paragraph_themes):
    """The timed keyness stage: :func:`analysis.measures.keywords.keyness_by_group`, each
    report vs the rest and each dominant theme vs the rest, on one shared count matrix, with the
    groups of :func:`~analysis.measures.keywords.keyness_table` (the ``keyness`` table's rows
    without its dispersion columns). Returns the two frames."""
    from analysis.measures.keywords import (
        document_groups,
        keyness_by_group,
        theme_groups,
        unit_term_counts,
    )

    counts = unit_term_counts(units)
    return (
        keyness_by_group(units, document_groups(counts.index), n=20, counts=counts),
        keyness_by_group(units, theme_groups(paragraph_themes), n=20, counts=counts),
    )


def run(args: argparse.Namespace) -> int:
    from analysis.measures.keywords import keyness_table
    from analysis.measures.slogans import extract_slogans
    from analysis.measures.themes import load_themes, paragraph_themes, theme_hits, theme_scores
    from analysis.scale import parallel
    from analysis.text.tokens import unit_tokens

    workers = parallel.resolve_workers(args.workers)
    t0 = time.perf_counter()
    paragraphs, documents, tokens, hit = _inputs(args.corpus, workers)
    n_chars = int(paragraphs["text"].str.len().sum())
    print(f"corpus: {args.corpus}")
    print(
        f"  {len(documents):,} documents, {len(paragraphs):,} paragraphs, {n_chars:,} characters; "
        f"ingest + tokenize {'read from the cache' if hit else 'computed and cached'} "
        f"in {time.perf_counter() - t0:.1f} s wall ({workers} workers, not timed)"
    )
    themes = load_themes()
    rows = []

    slogans, cpu, wall, peak = timed(lambda: extract_slogans(paragraphs, documents))
    rows.append(("slogans", cpu, wall, peak, f"{len(slogans):,} slogans"))

    def theme_stage():
        hits = theme_hits(paragraphs, themes)
        pt = paragraph_themes(paragraphs, themes)
        scores = theme_scores(paragraphs, tokens, themes)
        return hits, pt, scores

    (hits, pt, _), cpu, wall, peak = timed(theme_stage)
    rows.append(("themes", cpu, wall, peak, f"{len(hits):,} theme hits"))

    units = unit_tokens(tokens, unit="paragraph")
    (kd, kt), cpu, wall, peak = timed(lambda: keyness_stage(units, pt))
    rows.append(("keyness", cpu, wall, peak, f"{len(kd) + len(kt):,} rows"))

    # with the documents-per-term evidence the keyness table of ``keyword_tables`` carries too
    table, cpu, wall, peak = timed(lambda: keyness_table(units, n=20, paragraph_themes=pt))
    rows.append(
        ("+dispersion", cpu, wall, peak, f"{len(table):,} rows with docs_target, docs_ref, "
         "max_doc_share, dispersed: the keyness table as written")
    )  # fmt: skip

    print(
        f"\n  {'stage':<12} {'CPU s':>8} {'wall s':>8} {'peak MB':>9}  target ≤ {TARGET_SECONDS:.0f} CPU s"
    )
    for name, cpu, wall, peak, what in rows:
        met = "met" if cpu <= TARGET_SECONDS else "NOT met"
        print(f"  {name:<12} {cpu:8.1f} {wall:8.1f} {peak:9.0f}  {met:<8} ({what})")
    st = getattr(slogans, "attrs", {}).get("formulations") or {}
    if st:
        print(f"\n  formulations: {st}")
    return 0
