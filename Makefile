# Two commands for a fresh machine: `make serve` and `make test`. Everything else builds on them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export NO_MKDOCS_2_WARNING := 1

.PHONY: serve build test test-properdocs lint bench bench-large bench-incremental weight clean browser-deps fidelity-deps vendor commonmark-spec

# PYTHONWARNINGS: setuptools warns about every editable install that maps its package folder; nothing to act on.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# A second environment with ProperDocs, MkDocs 1.6's drop-in fork, for `make test-properdocs`.
PD_VENV := .venv-properdocs
PD_STAMP := $(PD_VENV)/.installed

$(PD_STAMP): pyproject.toml
	$(PYTHON) -m venv $(PD_VENV)
	$(PD_VENV)/bin/pip install --quiet --upgrade pip
	$(PD_VENV)/bin/pip install --quiet -e '.[test,properdocs]'
	touch $(PD_STAMP)

# Zensical, for the test that builds an exported vault with it (tests/export): its own environment,
# since it is another site generator with its own dependencies.
ZS_VENV := .venv-zensical
ZS_STAMP := $(ZS_VENV)/.installed

$(ZS_STAMP): Makefile
	$(PYTHON) -m venv $(ZS_VENV)
	$(ZS_VENV)/bin/pip install --quiet --upgrade pip
	$(ZS_VENV)/bin/pip install --quiet 'zensical==0.0.73'  # 0.0.74 and 0.1 need zensical-ui, not on the registry CI reaches
	touch $(ZS_STAMP)

serve: $(STAMP)  ## serve the sample vault on http://127.0.0.1:8000
	$(BIN)/mkdocs serve -a 127.0.0.1:8000

build: $(STAMP)  ## build the sample vault into site/
	$(BIN)/mkdocs build --strict

test: $(STAMP) $(ZS_STAMP)  ## the whole suite
	$(BIN)/python -m pytest -q

# Every test that builds a site, again with ProperDocs building it (CI runs this after `make test`).
PD_TESTS := tests/foundation tests/links tests/privacy tests/pages tests/incremental
test-properdocs: $(PD_STAMP)  ## the build tests with ProperDocs instead of MkDocs
	VAULT_SITE_GENERATOR=properdocs DISABLE_MKDOCS_2_WARNING=true $(PD_VENV)/bin/python -m pytest -q -m "not browser" $(PD_TESTS)

lint: $(STAMP)
	$(BIN)/ruff check plugins tests

bench: $(STAMP)  ## build time and peak memory against plain MkDocs (N=1000,10000), then query time per template at N and 2N
	$(BIN)/python tests/bench/run.py
	$(BIN)/python tests/bench/templates.py

bench-large: $(STAMP)
	$(BIN)/python tests/bench/run.py --sizes 1000 10000 50000

bench-incremental: $(STAMP)  ## serve --dirty rebuild times after one edit
	$(BIN)/python tests/bench/incremental.py --sizes 1000 10000

weight: $(STAMP)  ## page weight of every sample page on a first visit in Chromium: median and largest
	$(BIN)/python tests/bench/page_weight.py

browser-deps:  ## Debian's Chromium for the browser tests (CI runs this)
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

fidelity-deps:  ## Debian's cmark-gfm, the CommonMark + GFM reference of tests/markdown/test_fidelity.py (CI runs this)
	DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmark-gfm >/dev/null

clean:
	rm -rf site .bench

MERMAID_VERSION := 11.17.2
KATEX_VERSION := 0.16.47
vendor:  ## re-fetch the vendored browser assets from the npm registry (see overrides/assets/vendor/README.md)
	rm -rf .vendor-tmp && mkdir -p .vendor-tmp
	cd .vendor-tmp && npm install --no-audit --no-fund --silent mermaid@$(MERMAID_VERSION) katex@$(KATEX_VERSION)
	cp .vendor-tmp/node_modules/mermaid/dist/mermaid.min.js .vendor-tmp/node_modules/mermaid/LICENSE overrides/assets/vendor/mermaid/
	cp .vendor-tmp/node_modules/katex/dist/katex.min.js .vendor-tmp/node_modules/katex/dist/katex.min.css .vendor-tmp/node_modules/katex/LICENSE overrides/assets/vendor/katex/
	cp .vendor-tmp/node_modules/katex/dist/contrib/auto-render.min.js overrides/assets/vendor/katex/contrib/
	cp .vendor-tmp/node_modules/katex/dist/fonts/*.woff2 overrides/assets/vendor/katex/fonts/
	rm -rf .vendor-tmp

COMMONMARK_SPEC_VERSION := 0.31.2
commonmark-spec:  ## re-fetch the CommonMark spec examples the suite runs (tests/markdown/commonmark_spec/)
	rm -rf .spec-tmp && mkdir -p .spec-tmp
	cd .spec-tmp && npm pack --silent commonmark-spec@$(COMMONMARK_SPEC_VERSION) && tar xzf commonmark-spec-$(COMMONMARK_SPEC_VERSION).tgz
	cp .spec-tmp/package/spec.txt .spec-tmp/package/LICENSE tests/markdown/commonmark_spec/
	rm -rf .spec-tmp
