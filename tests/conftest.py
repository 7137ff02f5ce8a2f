"""Shared fixtures: the real corpus, loaded once per test session."""

from __future__ import annotations

import json
import os

import matplotlib
import pytest

matplotlib.use("Agg")  # headless everywhere, before any pyplot import

#: Tiny topic settings for every FigureContext of the session — the end-to-end build on
#: data/raw, the CLI subprocess and the notebooks' kernels (which inherit the environment, so
#: they hit the topic cache the first build filled). The full K sweep (K = 3…10, 3 seeds,
#: 5 stability runs, 1,000 sweeps) is what `make figures` runs; its pieces are tested on the
#: small fixtures of test_topics*.py.
TEST_TOPIC_OPTIONS = {"ks": [3, 4], "n_seeds": 2, "n_stability": 2, "iterations": 200}
os.environ.setdefault("ANALYSIS_TOPIC_OPTIONS", json.dumps(TEST_TOPIC_OPTIONS))
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in test output or kernels


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Tests never read or write the developer's .cache/: each session gets a fresh one."""
    os.environ["ANALYSIS_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    yield


@pytest.fixture(scope="session")
def raw_corpus():
    """The project's corpus (data/raw) as loaded by the package."""
    from analysis.corpus import load_corpus

    return load_corpus()
