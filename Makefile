# Two commands: `make run` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_APP := $(VENV)/.installed-app
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint typecheck unit browser sample clean bench docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP_APP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@ $(STAMP_APP)

## Start the dashboard on http://127.0.0.1:8501 (creates the database from data/sample if there is none).
run: $(STAMP_APP)
	$(BIN)/pmf serve --local

## Lint, type-check and run every test (browser tests need Debian's chromium at /usr/bin/chromium).
test: $(STAMP_TEST) lint typecheck unit

lint: $(STAMP_TEST)
	$(BIN)/ruff check dashboard tests data
	$(BIN)/ruff format --check dashboard tests data
	$(BIN)/lint-imports

typecheck: $(STAMP_TEST)
	$(BIN)/mypy

unit: $(STAMP_TEST)
	$(BIN)/pytest -q

## Benchmarks from one partnership to national scale (bench/README.md): prints a table, writes
## bench-results/bench.json. Data is generated once into bench/cache/. Under ten minutes on 2 cores.
bench: $(STAMP_TEST)
	PMF_LOCAL_MODE=1 $(BIN)/python bench/run.py $(BENCH_ARGS)

## Regenerate docs/upload-format.md and docs/kpis.md (committed) from the contract and the KPI catalogue.
docs: $(STAMP_APP)
	$(BIN)/python -m dashboard.docs_gen

## Regenerate the sample workbooks (committed) from their script.
sample: $(STAMP_APP)
	$(BIN)/python data/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
