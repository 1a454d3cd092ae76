# ecoute — the two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-fast bench eval clean screenshots

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) ## Create the virtual environment and install ecoute with its test tools.

run: install ## Import and analyse the demo corpus into the embedded database, then serve the web app.
	$(BIN)/ecoute demo
	$(BIN)/ecoute serve --host $(HOST) --port $(PORT)

test: install ## Run the whole test suite (SQLite and PostgreSQL, slow tests included).
	$(BIN)/python -m pytest -q

test-fast: install ## The quick tests only, while developing.
	$(BIN)/python -m pytest -q -m "not slow"

screenshots: install ## Browser tests that write a screenshot of each page into docs/screenshots/.
	ECOUTE_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q -m browser tests/web

bench: install ## Benchmarks; writes docs/benchmarks.md.
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache

eval: install ## Quality figures of the real pipeline; writes docs/evaluation.md.
	$(BIN)/python eval/run.py
