"""Issue 14 (sweeps where they pay): stability from the K sweep's fits, the bench sample."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fixtures_topics import fixture_units

from analysis.bench.sweep import build_sample, select_reports, topic_stage_seconds
from analysis.tables import COLUMN_GLOSSARY
from analysis.topics import backends as backends_module
from analysis.topics import pipeline
from analysis.topics.select import select_k


@pytest.fixture(scope="module")
def units() -> pd.Series:
    return fixture_units()


def test_select_k_returns_its_fits_on_request(units):
    table, fits = select_k(units, ks=[3, 4], seeds=[0, 1], iterations=100, return_fits=True)
    assert set(fits) == {("tomotopy", k, s) for k in (3, 4) for s in (0, 1)}
    for (_, k, seed), r in fits.items():
        assert r.k == k and r.seed == seed
        row = table[(table["k"] == k) & (table["seed"] == seed)].iloc[0]
        assert row["npmi"] == pytest.approx(r.metrics["npmi"])
    plain = select_k(units, ks=[3, 4], seeds=[0, 1], iterations=100)
    assert plain.equals(table)


def _count_fits(monkeypatch) -> list[int]:
    calls: list[int] = []
    real = backends_module.fit_topics

    def counting(*args, **kwargs):
        calls.append(kwargs.get("k", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "fit_topics", counting)
    return calls


def test_stability_from_sweep_fits_costs_no_refit(units, monkeypatch):
    calls = _count_fits(monkeypatch)
    out = pipeline._run_topic_analysis(units, ks=(3, 4, 5), n_seeds=3, seed=5, iterations=150)
    assert len(calls) == 1  # the final model; the sweep's fits are reused for stability
    stab, choice = out["topic_stability"], out["topic_choice"].iloc[0]
    assert len(stab) == out["chosen_k"] and (stab["n_runs"] == 4).all()
    note = choice["stability_runs"]
    assert (
        note.startswith("3 K-sweep fit(s)") and "seeds 5–7" in note and "90 % of the units" in note
    )
    assert (stab["stability_runs"] == note).all()
    assert choice["mean_stability"] == pytest.approx(stab["stability"].mean())
    assert stab["stability"].between(0, 1).all()


def test_refit_stability_keeps_the_earlier_rule(units, monkeypatch):
    calls = _count_fits(monkeypatch)
    out = pipeline._run_topic_analysis(
        units, ks=(3, 4, 5), n_seeds=2, n_stability=4, seed=5, iterations=150, stability="refit"
    )
    assert len(calls) == 1 + 3  # final model + refits with seeds 6, 7, 8 on all units
    stab = out["topic_stability"]
    assert (stab["n_runs"] == 4).all()
    assert stab["stability_runs"].iloc[0].startswith("3 refit(s)")
    with pytest.raises(ValueError, match="stability must be one of"):
        pipeline._run_topic_analysis(units, ks=(3, 4), stability="bootstrap")


def test_same_seed_gives_identical_tables_with_sweep_stability(units):
    a = pipeline._run_topic_analysis(units, ks=(3, 4), n_seeds=2, seed=9, iterations=100)
    b = pipeline._run_topic_analysis(units, ks=(3, 4), n_seeds=2, seed=9, iterations=100)
    for name in ("topic_k_selection", "topic_choice", "topic_stability", "topics", "doc_topics"):
        pd.testing.assert_frame_equal(a[name], b[name])


def test_new_columns_are_in_the_glossary():
    assert "stability_runs" in COLUMN_GLOSSARY


def test_topic_stage_cpu_log_is_parsed():
    log = (
        "x\ntopic stage CPU seconds: k_sweep=10.5 final=2.0 stability=0.0\n"
        "topic stage CPU seconds: k_sweep=1.5 seeded=3.0\n"
    )
    assert topic_stage_seconds(log) == {"k_sweep": 12.0, "final": 2.0, "stability": 0.0,
                                        "seeded": 3.0}  # fmt: skip


def _lengths(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({
        "file": [f"{i:03d}.txt" for i in range(n)],
        "chars": rng.integers(1_000, 5_000, size=n),
        "region": [f"r{i % 5}" for i in range(n)],
        "year": [str(2000 + i // 5) for i in range(n)],
    })  # fmt: skip


def test_select_reports_is_seeded_and_meets_the_character_target():
    lengths = _lengths()
    a = select_reports(lengths, n=10, chars=38_000, seed=1)
    b = select_reports(lengths, n=10, chars=38_000, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["per_file"] == 1 and a["file"].is_unique and len(a) == 10
    assert abs(a["chars"].sum() - 38_000) < 0.05 * 38_000
    assert a["chars"].mean() > lengths["chars"].mean()  # the target needs the longer reports
    other = select_reports(lengths, n=10, chars=38_000, seed=2)
    assert set(other["file"]) != set(a["file"])


def test_select_reports_joins_reports_when_n_cannot_reach_the_target():
    lengths = _lengths()
    top10 = lengths["chars"].nlargest(10).sum()
    joined = select_reports(lengths, n=10, chars=top10 * 1.5, seed=1)
    assert joined.attrs["per_file"] == 2
    assert len(joined) == 20 and joined.groupby("group").size().eq(2).all()
    assert joined["file"].is_unique


def test_build_sample_writes_files_and_manifest_and_leaves_the_source(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for i in range(12):
        (src / f"{i:02d}.txt").write_text(f"第{i}号报告\n" + "政府工作。" * (50 + 10 * i), "utf-8")
    pd.DataFrame({"file": [f"{i:02d}.txt" for i in range(12)], "region": "r",
                  "year": [str(2000 + i) for i in range(12)]}).to_csv(src / "manifest.csv",
                                                                      index=False)  # fmt: skip
    before = sorted((p.name, p.stat().st_mtime_ns) for p in src.iterdir())
    manifest = build_sample(src, tmp_path / "out", n=3, chars=10_000, seed=4)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in src.iterdir()) == before
    written = sorted(p.name for p in (tmp_path / "out").glob("*.txt"))
    assert written == list(manifest["file"]) and len(written) == 3
    assert manifest["source_files"].str.count(r"\+").eq(manifest.attrs["per_file"] - 1).all()
    sizes = [len((tmp_path / "out" / f).read_text("utf-8")) for f in manifest["file"]]
    assert sizes == list(manifest["chars"])
    assert pd.read_csv(tmp_path / "out" / "manifest.csv")["file"].tolist() == written
