"""bench chains (issue 14, "spend sweeps where they pay"): the chain snapshots are the fits of
that many sweeps, and its stopping-rule mirror stops where the real rule stops."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.bench.chains import chain_table, checkpoints, follow_chains, stop_at
from analysis.topics import build_bow
from analysis.topics.engines import Convergence, lda_tomotopy


def _units(n=240, seed=7):
    rng = np.random.default_rng(seed)
    vocab = [[f"{t}词{i}" for i in range(25)] for t in "甲乙丙"]
    units = {}
    for u in range(n):
        topic = vocab[u % 3]
        other = vocab[(u + 1) % 3]
        words = list(rng.choice(topic, 12)) + list(rng.choice(other, 3))
        units[f"d{u // 10}#{u % 10}"] = words
    return build_bow(pd.Series(units), min_df=2, max_df=0.9)


SEED, K = 3, 3


def _fit_under(rule, bow):
    """The real fit (at most 100 sweeps) under ``rule``: ``(topic_word, info)``."""
    topic_word, _, info = lda_tomotopy.fit(
        bow, k=K, seed=SEED, alpha=0.1, eta=0.01, iterations=100, word_prior=None,
        convergence=rule, learn_alpha=False,
    )  # fmt: skip
    return topic_word, info


def test_stop_at_reads_a_trace_as_the_rule_does():
    rule = Convergence(tol=5e-3, every=10, min_iterations=20)
    trace = {10: -9.0, 20: -8.5, 30: -8.45, 40: -8.44, 50: -8.439}
    assert stop_at(trace, rule) == 40  # 30 -> 40 changes by 0.12 %, 20 -> 30 by 0.59 %
    assert stop_at({10: -9.0, 20: -8.0, 30: -7.0}, rule) is None
    # never before min_iterations, even when flat from the start
    assert (
        stop_at(
            {s: -8.0 for s in range(10, 60, 10)}, Convergence(tol=1e-3, every=10, min_iterations=40)
        )
        == 40
    )


def test_checkpoints_hold_every_rule_block_up_to_50_and_end_at_the_maximum():
    assert checkpoints(200, 10) == [10, 20, 30, 40, 50, 70, 100, 150, 200]
    assert checkpoints(35, 5) == [5, 10, 15, 20, 25, 30, 35]


def test_snapshots_are_the_fits_and_the_mirror_stops_where_the_rule_stops():
    bow = _units()
    rule = Convergence(tol=0.02, every=10, min_iterations=20)
    topic_word, info = _fit_under(rule, bow)
    run = info["iterations_run"]
    seed = SEED
    snapshots, lls = follow_chains(
        bow, k=K, seeds=[seed], marks=checkpoints(100, rule.every), alpha=0.1, eta=0.01
    )
    assert run < 100  # the rule stopped the real fit early ...
    assert stop_at(lls[seed], rule) == run  # ... where the mirror stops the chain
    np.testing.assert_allclose(snapshots[(seed, run)], topic_word, rtol=0, atol=1e-12)
    assert lls[seed][run] == info["ll_per_word"]


def test_chain_table_compares_with_the_own_final_snapshot_and_other_seeds():
    bow = _units()
    marks = [10, 20, 30]
    snapshots, lls = follow_chains(bow, k=3, seeds=[1, 2], marks=marks, alpha=0.1, eta=0.01)
    table = chain_table(bow, snapshots, lls)
    assert list(table.columns) == [
        "seed", "sweeps", "ll_per_word", "npmi", "diversity", "cos_to_final_mean",
        "cos_to_final_min", "cos_other_seeds",
    ]  # fmt: skip
    assert len(table) == 6
    final = table[table["sweeps"] == 30]
    np.testing.assert_allclose(final["cos_to_final_mean"], 1.0)
    assert table["cos_other_seeds"].between(0, 1).all()
    one, one_lls = follow_chains(bow, k=3, seeds=[1], marks=marks, alpha=0.1, eta=0.01)
    assert chain_table(bow, one, one_lls)["cos_other_seeds"].isna().all()


def test_the_mirror_reads_every_block_also_between_sparse_snapshots():
    # checkpoints(100, 10) snapshots 10..50, 70, 100: a chain that the rule stops after 60 sweeps
    # was reported as "does not stop" (the trace lacked 60); with ll_every the trace has every
    # block, and the table still has one row per snapshot
    bow = _units()
    rule = Convergence(tol=0.5, every=10, min_iterations=60)
    _, info = _fit_under(rule, bow)
    assert info["iterations_run"] == 60
    marks = checkpoints(100, rule.every)
    assert 60 not in marks
    seed = SEED
    snapshots, lls = follow_chains(
        bow, k=K, seeds=[seed], marks=marks, alpha=0.1, eta=0.01, ll_every=rule.every
    )
    assert stop_at(lls[seed], rule) == 60
    assert lls[seed][60] == info["ll_per_word"]
    assert sorted(s for _, s in snapshots) == marks
    assert sorted(chain_table(bow, snapshots, lls)["sweeps"]) == marks
