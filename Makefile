# bigmodel-lab: the two commands are `make book` and `make test` (see README.md).
# Both create .venv on first use and reinstall only when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Executed notebooks must print the same text on every run: no progress bars, fixed hashing,
# and a non-interactive plotting backend.
RUN_ENV := BIGMODEL_LAB_PROGRESS=0 PYTHONHASHSEED=0 MPLBACKEND=Agg
NOTEBOOKS := $(sort $(wildcard notebooks/*.md))

.PHONY: help install test book lab notebooks lint clean

help:
	@echo "make book       build the Jupyter Book into book/_build/html (installs what it needs)"
	@echo "make test       run the whole suite: package tests, nbval over every notebook, checks"
	@echo "make lab        open the notebooks in JupyterLab"
	@echo "make notebooks  re-execute every notebook and write its paired .ipynb (after editing a .md)"

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

test: install
	$(RUN_ENV) $(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=900 -p no:cacheprovider

book: install
	$(RUN_ENV) $(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml \
		--path-output book --warningiserror --keep-going
	@echo "Open book/_build/html/index.html"

lab: install
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab]"
	$(BIN)/jupyter lab notebooks

# Re-execute each edited MyST notebook and (re)write its paired .ipynb with outputs.
notebooks: install
	cd notebooks && for nb in $(notdir $(NOTEBOOKS)); do \
		$(RUN_ENV) ../$(BIN)/jupytext --to ipynb --update --execute $$nb || exit 1; \
	done

lint: install
	$(BIN)/ruff check bigmodel_lab tests benchmarks
	$(BIN)/ruff format --check bigmodel_lab tests benchmarks

clean:
	rm -rf book/_build .pytest_cache
