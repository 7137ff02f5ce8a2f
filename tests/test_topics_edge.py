"""K at the edge of the searched range: extended within a cap, or flagged."""

from __future__ import annotations

import pandas as pd
import pytest
from fixtures_topics import fixture_units

from analysis.topics.pipeline import _run_topic_analysis, k_edge_note
from analysis.topics.select import K_EXTEND_STEPS, extend_ks, k_edge


def _table(means: dict[int, float]) -> pd.DataFrame:
    rows = [
        {"backend": "b", "k": k, "seed": s, "npmi": m + d}
        for k, m in means.items()
        for s, d in enumerate((-0.01, 0.0, 0.01))
    ]
    return pd.DataFrame(rows)


def test_k_edge_and_extension_steps():
    assert k_edge(_table({3: 0.1, 4: 0.2, 5: 0.3})) == "upper"
    assert k_edge(_table({3: 0.3, 4: 0.2, 5: 0.1})) == "lower"
    assert k_edge(_table({3: 0.1, 4: 0.3, 5: 0.2})) == ""
    assert k_edge(_table({4: 0.1})) == ""
    assert extend_ks([3, 4, 5], "upper") == [6, 7, 8]
    assert extend_ks([10, 15, 20, 25, 30], "upper") == [35, 40, 45]
    assert extend_ks([3, 4, 5], "lower") == [2]
    assert extend_ks([2, 3], "lower") == []
    assert extend_ks([3, 4, 5], "") == []
    assert len(extend_ks([3, 4], "upper")) == K_EXTEND_STEPS


def test_edge_notes_say_what_happened():
    assert k_edge_note([3, 4, 5], [], "", extend_k=True) == ""
    capped = k_edge_note([3, 4, 5], [6, 7, 8], "upper", extend_k=True)
    assert "upper edge" in capped and "3–5" in capped and "3–8" in capped and "cap" in capped
    assert "not extended" in k_edge_note([3, 4, 5], [], "upper", extend_k=False)
    assert "below K = 2" in k_edge_note([2, 3], [], "lower", extend_k=True)
    assert "inside" in k_edge_note([2, 3], [4], "", extend_k=True)


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return fixture_units()


def test_sweep_extends_past_the_upper_edge(units):
    """Four planted topics searched with K = 2, 3: the best K is at the top edge, so the sweep
    continues (4, 5 …) and the final K is chosen from the extended range."""
    out = _run_topic_analysis(units, ks=(2, 3), n_seeds=2, n_stability=2, seed=3)
    choice = out["topic_choice"].iloc[0]
    assert choice["k_searched"] == "2–3"
    assert choice["k_extended"].startswith("4")
    assert set(out["topic_k_selection"]["k"]) > {2, 3}
    assert out["chosen_k"] >= 4
    flagged = _run_topic_analysis(units, ks=(2, 3), n_seeds=2, n_stability=2, seed=3,
                                  extend_k=False)  # fmt: skip
    fc = flagged["topic_choice"].iloc[0]
    assert fc["k_edge"] == "upper" and "not extended" in fc["k_note"]
    assert set(flagged["topic_k_selection"]["k"]) == {2, 3}
