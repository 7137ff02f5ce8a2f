"""``python -m analysis bench chains [--corpus DIR] [--k K] [--runs SEEDS] [--iterations MAX]
[--seed S]``: where Gibbs sweeps pay.

Issue 14 asks to "spend sweeps where they pay" and to report what a shortcut changes. This
benchmark follows one tomotopy chain per seed on the topic stage's own units (ingestion, the
topic tokenizer, paragraph units, ``min_df=2``, ``max_df=0.5``; α symmetric and fixed, as on a
large corpus) up to ``--iterations`` sweeps, and at checkpoints (10, 20, …, 50, 70, 100, 150,
200, …) prints per seed: log-likelihood per word, NPMI, diversity, the Hungarian-matched topic-word
cosine to the same seed's final snapshot (how far the chain still has to move) and to the other
seeds at the same checkpoint (how much a seed changes the topics). It also prints where the
default stopping rule (:data:`analysis.topics.engines.DEFAULT_CONVERGENCE`) stops each chain.
Training in blocks samples exactly as one call (tomotopy keeps its random state), so the snapshot
after ``s`` sweeps is the fit run for ``s`` sweeps with that seed.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence

import numpy as np
import pandas as pd

DEFAULT_SEED = 20240601
CHECKPOINTS = (10, 20, 30, 40, 50, 70, 100, 150, 200, 300, 500, 1000)


def checkpoints(max_sweeps: int, every: int) -> list[int]:
    """The snapshot sweeps up to ``max_sweeps`` (always ending at it), multiples of ``every``
    (the stopping rule's block) so the rule's own checks are among them."""
    marks = {c for c in CHECKPOINTS if c < max_sweeps}
    marks |= set(range(every, min(max_sweeps, 50) + 1, every))
    return sorted(c for c in marks | {max_sweeps} if c <= max_sweeps)


def stop_at(ll_trace: dict[int, float], rule) -> int | None:
    """Sweeps after which ``rule`` (a :class:`~analysis.topics.engines.Convergence`) stops a
    chain whose log-likelihood per word after ``s`` sweeps is ``ll_trace[s]``, or None when it
    does not stop within the trace. Mirrors :func:`analysis.topics.engines.lda_tomotopy.train`:
    blocks of ``rule.every`` sweeps, read and compared by the rule's own ``reads``/``stops``."""
    previous = None
    for done in range(rule.every, max(ll_trace) + 1, rule.every):
        if done not in ll_trace:
            return None
        if not rule.reads(done):
            continue
        if rule.stops(done, ll_trace[done], previous):
            return done
        previous = ll_trace[done]
    return None


def _matched_cosine(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    from scipy.optimize import linear_sum_assignment

    from analysis.topics.stability import topic_similarity

    sim = topic_similarity(a, b)
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean()), float(sim[rows, cols].min())


def follow_chains(
    bow,
    *,
    k: int,
    seeds: Sequence[int],
    marks: Sequence[int],
    alpha: float,
    eta: float,
    ll_every: int = 0,
) -> tuple[dict, dict]:
    """Train one chain per seed to ``max(marks)`` sweeps. Returns ``(snapshots, lls)``:
    ``snapshots[(seed, s)]`` the (k, V) topic-word matrix over ``bow.vocab`` after ``s``
    sweeps (``s`` in ``marks``), ``lls[seed][s]`` the log-likelihood per word, at the marks
    and, with ``ll_every``, also after every multiple of it (so that :func:`stop_at` can read
    every block of the stopping rule, not only the snapshots')."""
    from analysis.topics.engines import lda_tomotopy

    snapshots, lls = {}, {}
    for seed in seeds:
        model = lda_tomotopy.initialised_model(
            bow, k=k, alpha=alpha, eta=eta, seed=seed, learn_alpha=False
        )
        done, lls[seed] = 0, {}
        blocks = set(range(ll_every, max(marks) + 1, ll_every)) if ll_every > 0 else set()
        for mark in sorted(set(marks) | blocks):
            lda_tomotopy.train(model, mark - done, None)
            done = mark
            lls[seed][mark] = float(model.ll_per_word)
            if mark not in marks:
                continue
            snapshots[(seed, mark)] = lda_tomotopy.topic_word(model, bow.vocab)
    return snapshots, lls


def chain_table(bow, snapshots: dict, lls: dict, *, top_n: int = 10) -> pd.DataFrame:
    """One row per seed and checkpoint: ``seed, sweeps, ll_per_word, npmi, diversity,
    cos_to_final_mean, cos_to_final_min, cos_other_seeds`` (the last: mean over the other seeds
    of the matched mean cosine at the same checkpoint; blank with one seed)."""
    from analysis.topics.coherence import _top_words, diversity, npmi

    seeds = list(lls)
    rows = []
    for seed in seeds:
        marks = sorted(s for sd, s in snapshots if sd == seed)
        final = snapshots[(seed, marks[-1])]
        for mark in marks:
            tw = snapshots[(seed, mark)]
            mean, low = _matched_cosine(tw, final)
            others = [_matched_cosine(tw, snapshots[(o, mark)])[0] for o in seeds if o != seed]
            rows.append(
                {
                    "seed": seed,
                    "sweeps": mark,
                    "ll_per_word": lls[seed][mark],
                    "npmi": float(np.nanmean(npmi(_top_words(tw, bow.vocab, top_n), bow.texts))),
                    "diversity": diversity(tw),
                    "cos_to_final_mean": mean,
                    "cos_to_final_min": low,
                    "cos_other_seeds": float(np.mean(others)) if others else float("nan"),
                }
            )
    return pd.DataFrame(rows)


def run(args: argparse.Namespace) -> int:
    """Print the chain table and where the default stopping rule stops (returns 0)."""
    from analysis.bench.speed import _bag, _tokens
    from analysis.corpus.build import analysis_paragraphs, load_corpus
    from analysis.text.tokens import TokenizerOptions
    from analysis.topics.backends import DEFAULT_ALPHA, DEFAULT_ETA
    from analysis.topics.engines import DEFAULT_CONVERGENCE

    logging.getLogger("analysis.corpus").setLevel(logging.ERROR)
    k = args.k or 20
    max_sweeps = args.iterations or 200
    base = args.seed if args.seed is not None else DEFAULT_SEED
    seeds = [base + i for i in range(max(1, args.runs or 3))]
    loaded = load_corpus(args.corpus)
    paragraphs = analysis_paragraphs(loaded, include_titles=False)[["doc_id", "para_id", "text"]]
    bow = _bag(_tokens(paragraphs, TokenizerOptions(remove_generic=True)))
    rule = DEFAULT_CONVERGENCE
    marks = checkpoints(max_sweeps, rule.every)
    print(f"corpus: {args.corpus}: {len(bow.unit_ids):,} units, V = {len(bow.vocab):,}, "
          f"{int(bow.counts.sum()):,} tokens; K = {k}, alpha {DEFAULT_ALPHA} fixed, "
          f"eta {DEFAULT_ETA}, seeds {seeds}, one chain of {max_sweeps} sweeps each")  # fmt: skip
    cpu = time.process_time()
    snapshots, lls = follow_chains(
        bow, k=k, seeds=seeds, marks=marks, alpha=DEFAULT_ALPHA, eta=DEFAULT_ETA,
        ll_every=rule.every,
    )  # fmt: skip
    table = chain_table(bow, snapshots, lls)
    print(f"  {time.process_time() - cpu:.1f} CPU s for the chains and the table")
    with pd.option_context("display.width", 200, "display.max_rows", 500):
        print(table.round(4).to_string(index=False))
    print(f"default stopping rule: {rule.describe(max_sweeps)}")
    for seed in seeds:
        stop = stop_at(lls[seed], rule)
        where = f"stops after {stop} sweeps" if stop else f"does not stop within {max_sweeps}"
        print(f"  seed {seed}: {where}")
    print("cos_to_final: Hungarian-matched topic-word cosine to the same seed's last snapshot "
          "(mean / the least-converged topic); cos_other_seeds: the same against the other "
          "seeds at that checkpoint. Where cos_to_final_mean is below cos_other_seeds, more "
          "sweeps move the topics more than another seed would; a rising cos_other_seeds means "
          "longer chains also make the topics more reproducible across seeds.")  # fmt: skip
    return 0
