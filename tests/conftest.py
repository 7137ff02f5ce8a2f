"""Shared fixtures: the real corpus, loaded once per test session."""

from __future__ import annotations

import os

import matplotlib
import pytest

matplotlib.use("Agg")  # headless everywhere, before any pyplot import


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
