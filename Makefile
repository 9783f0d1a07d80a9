# Two commands for a fresh machine: `make serve` and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test lint bench bench-large clean browser-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)  ## serve the sample vault on http://127.0.0.1:8000
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: $(STAMP)  ## build the sample vault into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP)  ## the whole suite
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check plugins tests

bench: $(STAMP)  ## build time and peak memory against plain MkDocs (N=1000,10000)
	$(BIN)/python tests/bench/run.py

bench-large: $(STAMP)
	$(BIN)/python tests/bench/run.py --sizes 1000 10000 50000

browser-deps:  ## Debian's Chromium for the browser tests (CI runs this)
	apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null

clean:
	rm -rf site .bench
