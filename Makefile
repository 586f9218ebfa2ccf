# Two commands from a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test test-lexical bench lint format clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project metadata changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,lint,embeddings,serve]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/workbench

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite as users without the optional embeddings get it (CI runs both).
test-lexical: $(STAMP)
	WORKBENCH_EMBEDDINGS=off $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check workbench tests benchmarks
	$(BIN)/ruff format --check workbench tests benchmarks
	$(BIN)/lint-imports

format: $(STAMP)
	$(BIN)/ruff format workbench tests benchmarks
	$(BIN)/ruff check --fix workbench tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/ingest_throughput.py

clean:
	rm -rf $(VENV) build *.egg-info
