# Self-documenting Makefile: `make help` lists the targets.
# The README's two commands are `make figures` and `make test`; each builds .venv on its own.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   ?= data/raw
OUT    ?= figures
BENCH_DATA ?= $(if $(wildcard ../shared/corpora/cn-gov-work-reports),../shared/corpora/cn-gov-work-reports,$(DATA))
LOCK   := requirements.lock
# uv only resolves the lock (`make lock`); installs use plain pip.
UV_VERSION := 0.13.9
ARGS   ?=
# make test runs on this many processes (pytest-xdist; TEST_WORKERS=0: one process, no xdist)
TEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help venv lock figures test corpus lab lint bench clean-cache

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

# Exact versions from the lock (same on every fresh clone), then the package itself without
# resolving anything again. pip prints one line per package and a progress bar per download.
$(STAMP): pyproject.toml $(LOCK)
	@echo "Installing the locked dependencies into $(VENV) (a few minutes on a fresh machine)"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --progress-bar on "pip>=24"
	$(PY) -m pip install --progress-bar on -r $(LOCK)
	$(PY) -m pip install --progress-bar on --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the locked dependencies and the package

lock: ## Re-resolve requirements.lock after editing dependencies in pyproject.toml (UPGRADE=1: newest versions)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet "uv==$(UV_VERSION)"
	$(PY) -m uv pip compile pyproject.toml --extra dev --universal --python-version 3.10 \
		--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade) -o $(LOCK)

figures: $(STAMP) ## Regenerate every table and figure from $(DATA) into $(OUT) (FORCE=1: recompute all)
	$(PY) -m analysis figures --data $(DATA) --out $(OUT) $(if $(FORCE),--force)

test: $(STAMP) ## Run the test suite (includes notebooks and the glyph test; TEST_WORKERS=2 processes)
	$(PY) -m pytest -q --durations=15 $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder)

corpus: $(STAMP) ## Only the corpus tables (documents, paragraphs, quality)
	$(PY) -m analysis corpus --data $(DATA) --out $(OUT)/tables

lab: $(STAMP) ## Start JupyterLab with the package importable (ARGS="--no-browser --port 8890")
	$(VENV)/bin/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root) $(ARGS)

lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check analysis tests
	$(VENV)/bin/ruff format --check analysis tests

# Issue-14 benchmarks first (each prints its targets with MET / not met), then the older ones.
# BENCH_DATA falls back to DATA (data/raw) when ../shared/corpora is absent; the cold make figures
# on a 150-report sample (bench sweep) needs a corpus of at least 150 report files.
bench: $(STAMP) ## Benchmarks: each prints what it measures and its targets (MET / not met); never asserts
	$(PY) -m analysis bench figures
	$(PY) -m analysis bench speed --corpus $(BENCH_DATA)
	$(PY) -m analysis bench slogans --corpus $(BENCH_DATA)
	@if [ "$$(ls "$(BENCH_DATA)" | grep -cE '\.(txt|md)$$')" -ge 150 ]; then \
		$(PY) -m analysis bench sweep --corpus $(BENCH_DATA); \
	else echo "bench sweep: skipped, $(BENCH_DATA) has fewer than 150 report files (set BENCH_DATA=DIR)"; fi
	$(PY) -m analysis bench tokenize
	$(PY) -m analysis bench topics

clean-cache: ## Remove the content-keyed cache (.cache/)
	rm -rf .cache
