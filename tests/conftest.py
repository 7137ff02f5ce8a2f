"""Shared fixtures (the real corpus, loaded once per test session) and the parallel test layout.

``make test`` runs the suite on two processes (pytest-xdist ``-n 2 --dist loadfile``): each test
file is one unit of work, run on one worker, so its module fixtures are built once. Every test
still runs alone, serially, with plain ``pytest``.
"""

from __future__ import annotations

import json
import os

import matplotlib
import pytest

from analysis.topics.engines import TOMOTOPY_ISA

# A test that imports tomotopy directly must get the build the package asks for (see
# analysis.topics.engines.import_tomotopy): the first import in a process fixes it.
os.environ.setdefault("TOMOTOPY_ISA", TOMOTOPY_ISA)

matplotlib.use("Agg")  # headless everywhere, before any pyplot import

#: Tiny topic settings for every FigureContext of the session — the end-to-end build on
#: data/raw, the CLI subprocess and the notebooks' kernels (which inherit the environment, so
#: they hit the topic cache the first build filled). The full K sweep (K = 3…10, 3 seeds,
#: 5 stability runs, 1,000 sweeps) is what `make figures` runs; its pieces are tested on the
#: small fixtures of test_topics*.py.
TEST_TOPIC_OPTIONS = {"ks": [3, 4], "n_seeds": 2, "n_stability": 2, "iterations": 200}
os.environ.setdefault("ANALYSIS_TOPIC_OPTIONS", json.dumps(TEST_TOPIC_OPTIONS))
os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in test output or kernels

#: Test files handed to the xdist workers first, most CPU first, so that the last files to run
#: are short and both workers finish together; files not named here follow in file order.
#: test_notebooks comes after test_figures_glyphs, which fills the run's shared cache with the
#: data/raw stage results the notebooks read (same data, same options).
HEAVY_FIRST = (
    "test_figures_glyphs",
    "test_figures",
    "test_notebooks",
    "test_removed_lines_audit",
    "test_study",
    "test_parallel",
    "test_faults",
)


def pytest_collection_modifyitems(config, items):
    """Heavy test files first (a stable sort: the order within a file is unchanged).

    The order is the same in every process, as xdist requires.
    """
    rank = {name: i for i, name in enumerate(HEAVY_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.stem, len(rank)))


@pytest.fixture(scope="session", autouse=True)
def _isolated_cache(tmp_path_factory):
    """Tests never read or write the developer's .cache/: each run gets a fresh one.

    Under xdist the workers of one run share it (entries are written atomically and verified
    on read), so a stage computed on one worker is not recomputed on the other.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        cache = tmp_path_factory.getbasetemp().parent / "cache"
        cache.mkdir(exist_ok=True)
    else:
        cache = tmp_path_factory.mktemp("cache")
    os.environ["ANALYSIS_CACHE"] = str(cache)
    yield


@pytest.fixture(scope="session")
def raw_corpus():
    """The project's corpus (data/raw) as loaded by the package."""
    from analysis.corpus import load_corpus

    return load_corpus()
