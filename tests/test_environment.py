"""environment.yml (conda users) and pyproject.toml must list the same dependencies."""

from __future__ import annotations

import re

import pytest
import yaml

from analysis import paths


def _name(spec: str) -> str:
    return re.split(r"[<>=!~;\s]", spec, maxsplit=1)[0].lower().replace("_", "-")


def test_environment_yml_matches_pyproject():
    tomllib = pytest.importorskip("tomllib")  # stdlib from Python 3.11
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = set(project["dependencies"]) | set(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text("utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    listed = {s for s in pip if not s.startswith("-e")}
    assert {_name(s): s for s in listed} == {_name(s): s for s in wanted}


def test_ci_runs_the_readme_test_command():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    readme = (paths.ROOT / "README.md").read_text("utf-8")
    assert "make test" in readme and "make figures" in readme
