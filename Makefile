# Self-documenting Makefile: `make help` lists the targets.
# The README's two commands are `make figures` and `make test`; each builds .venv on its own.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DATA   ?= data/raw
OUT    ?= figures
BENCH_DATA ?= $(if $(wildcard ../shared/corpora/cn-gov-work-reports),../shared/corpora/cn-gov-work-reports,$(DATA))

.DEFAULT_GOAL := help
.PHONY: help venv figures test corpus lab lint bench clean-cache

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

venv: $(STAMP) ## Create .venv and install the package with its dependencies

figures: $(STAMP) ## Regenerate every table and figure from $(DATA) into $(OUT)
	$(PY) -m analysis figures --data $(DATA) --out $(OUT)

test: $(STAMP) ## Run the test suite (includes notebooks and the glyph test)
	$(PY) -m pytest -q

corpus: $(STAMP) ## Only the corpus tables (documents, paragraphs, quality)
	$(PY) -m analysis corpus --data $(DATA) --out $(OUT)/tables

lab: $(STAMP) ## Start JupyterLab with the package importable
	$(VENV)/bin/jupyter lab notebooks/

lint: $(STAMP) ## ruff lint and format check
	$(VENV)/bin/ruff check analysis tests
	$(VENV)/bin/ruff format --check analysis tests

bench: $(STAMP) ## Benchmarks (print measured ratios; never assert on time)
	$(PY) -m analysis bench tokenize
	$(PY) -m analysis bench topics
	$(PY) -m analysis bench figures
	$(PY) -m analysis bench speed --corpus $(BENCH_DATA)

clean-cache: ## Remove the content-keyed cache (.cache/)
	rm -rf .cache
