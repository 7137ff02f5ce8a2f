"""The reuse-and-diffusion stage end to end: corpus → reuse, templates, diffusion tables.

``python -m analysis reuse --data DIR --out DIR`` loads and cleans the raw folder itself (the
corpus stage), then writes ``reuse_pairs.csv``, ``reuse_documents.csv``,
``reuse_templates.csv``, ``reuse_template_spans.csv``, ``slogan_diffusion.csv``,
``slogan_adoption.csv`` and ``slogan_first_by_level.csv`` into ``--out``.

    >>> from analysis.measures.reuse_stage import reuse_tables
    >>> tables = reuse_tables(an.load_corpus(), seed=1)
"""

from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


def reuse_tables(
    corpus,
    *,
    seed: int = 20240601,
    template_docs: int = 5,
    diffusion: bool = True,
    force: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every table of the stage for a :class:`analysis.Corpus` (cached stages inside).

    Args:
        corpus: the loaded corpus (``documents``, ``paragraphs``).
        seed: MinHash seed.
        template_docs: k, the documents a template passage must recur in.
        diffusion: also extract slogans and compute the diffusion tables (slower).
        force: recompute the cached stages.

    Returns:
        ``{"reuse_pairs", "reuse_documents", "reuse_templates", "reuse_template_spans"}`` and,
        with ``diffusion``, ``{"slogan_diffusion", "slogan_adoption", "slogan_first_by_level"}``
        (columns in the docstrings of the functions that make them).
    """
    from analysis.measures import diffusion as dif
    from analysis.measures import reuse as rz

    docs, paras = corpus.documents, corpus.paragraphs
    pairs = rz.text_reuse(paras, docs, seed=seed, force=force)
    spans = rz.template_spans(paras, docs, min_docs=template_docs, force=force)
    out = {
        "reuse_pairs": pairs,
        "reuse_documents": rz.reuse_documents(pairs, paras, docs),
        "reuse_templates": rz.reuse_templates(spans),
        "reuse_template_spans": spans,
    }
    if diffusion:
        import analysis as an

        mentions = an.slogan_mentions(an.analysis_paragraphs(corpus))
        table = dif.slogan_diffusion(mentions, docs)
        out["slogan_diffusion"] = table
        out["slogan_adoption"] = dif.adoption_curves(
            mentions, docs, slogans=table["slogan"].head(8).tolist()
        )
        out["slogan_first_by_level"] = dif.first_appearance_by_level(mentions, docs)
    return out


def cli_reuse(args: argparse.Namespace) -> int:
    """``python -m analysis reuse``: run the corpus stage, then write the reuse tables."""
    import analysis as an

    t0 = time.perf_counter()
    corpus = an.load_corpus(args.data, workers=getattr(args, "workers", 1) or 1)
    t1 = time.perf_counter()
    tables = reuse_tables(
        corpus,
        seed=args.seed,
        template_docs=args.template_docs,
        diffusion=not args.no_diffusion,
        force=args.force,
    )
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from analysis.figures.save import write_table

    for name, frame in tables.items():
        write_table(frame, out / f"{name}.csv")  # atomic, same CSV format as `make figures`
    pairs = tables["reuse_pairs"]
    docs = tables["reuse_documents"]
    n_pass = int((pairs["kind"] == "passage").sum())
    print(
        f"{len(corpus.documents)} documents (corpus {t1 - t0:.1f} s, reuse "
        f"{time.perf_counter() - t1:.1f} s): {n_pass:,} shared passages, "
        f"{int((pairs['kind'] == 'near_duplicate').sum())} near-duplicate documents, "
        f"{len(tables['reuse_templates'])} templates (k = {args.template_docs}); "
        f"median share found in earlier documents {docs['share_earlier'].median():.3f}"
    )
    print(f"tables written to {out}: {', '.join(f'{n}.csv' for n in tables)}")
    return 0
