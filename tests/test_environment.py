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
    listed = {s for s in pip if not s.startswith(("-e", "-r"))}
    assert {_name(s): s for s in listed} == {_name(s): s for s in wanted}


def test_ci_runs_the_readme_test_command():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    readme = (paths.ROOT / "README.md").read_text("utf-8")
    assert "make test" in readme and "make figures" in readme


def _lock_pins() -> dict[str, list[tuple[str, str]]]:
    """``{name: [(version, marker), …]}`` from requirements.lock (one pin per marker range)."""
    pins: dict[str, list[tuple[str, str]]] = {}
    for line in (paths.ROOT / "requirements.lock").read_text("utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        spec, _, marker = line.partition(";")
        name, sep, version = spec.strip().partition("==")
        assert sep, f"requirements.lock: not an exact pin: {line!r}"
        pins.setdefault(_name(name), []).append((version.strip(), marker.strip()))
    return pins


#: Python versions the lock must cover (requires-python >= 3.10), on the usual platforms.
_PYTHONS = ("3.10.0", "3.11.0", "3.12.0", "3.13.0", "3.14.0")
_PLATFORMS = ("linux", "darwin", "win32")


def test_lock_pins_every_dependency_for_every_supported_python():
    """`make` installs requirements.lock: each pyproject dependency must have exactly one pin per
    supported Python/platform, inside pyproject's range (else run `make lock`)."""
    tomllib = pytest.importorskip("tomllib")
    from packaging.markers import Marker
    from packaging.requirements import Requirement

    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = _lock_pins()
    problems = []
    for spec in wanted:
        req = Requirement(spec)
        name = _name(req.name)
        if name not in pins:
            problems.append(f"{spec}: not in requirements.lock")
            continue
        for py in _PYTHONS:
            for platform in _PLATFORMS:
                env = {
                    "python_full_version": py,
                    "python_version": py.rsplit(".", 1)[0],
                    "sys_platform": platform,
                    "platform_system": {"linux": "Linux", "darwin": "Darwin"}.get(
                        platform, "Windows"
                    ),
                    "implementation_name": "cpython",
                    "platform_python_implementation": "CPython",
                }
                chosen = [v for v, m in pins[name] if not m or Marker(m).evaluate(env)]
                if len(chosen) != 1:
                    problems.append(f"{spec}: {len(chosen)} pins for Python {py} on {platform}")
                elif not req.specifier.contains(chosen[0], prereleases=True):
                    problems.append(f"{spec}: locked {chosen[0]} is outside the range")
    assert not problems, "requirements.lock is stale (run `make lock`):\n" + "\n".join(problems)


def test_make_installs_from_the_lock_and_environment_yml_uses_it():
    makefile = (paths.ROOT / "Makefile").read_text("utf-8")
    assert "-r $(LOCK)" in makefile and "--no-deps -e ." in makefile
    assert "--quiet -e" not in makefile  # the install shows its progress
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text("utf-8"))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d)
    assert "-r requirements.lock" in pip


def test_ci_regenerates_figures_and_fails_on_any_difference():
    ci = (paths.ROOT / ".ci" / "run").read_text()
    assert ci.index("make test") < ci.index("make figures FORCE=1")
    assert "git status --porcelain -- figures" in ci and "exit 1" in ci
    assert "apt-get install" in ci and "|| echo" in ci  # chromium: best effort only
