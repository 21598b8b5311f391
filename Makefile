# Two commands matter: `make lab` and `make test`. Each sets itself up on a fresh machine that has
# Python 3.11 with pip and venv. `make help` lists every target.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
LOCK    := requirements.lock
DEV_LOCK := requirements-dev.lock
PIP     := $(BIN)/python -m pip install --quiet --disable-pip-version-check
NBS     ?= notebooks/*.ipynb
PYTEST_ARGS ?=

# Plots in the kernels must be inline; a stray MPLBACKEND would change the outputs.
unexport MPLBACKEND

.PHONY: help lab test test-browser unit nbval lint refresh bench site lock clean

help: ## list every target
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /\1\t/' | \
		while IFS=$$'\t' read -r target text; do printf "make %-13s %s\n" "$$target" "$$text"; done
	@echo "variables: NBS='notebooks/00_welcome.ipynb ...' (lint, refresh), PYTEST_ARGS, BENCH_ARGS, PYTHON=python3.11"

# --- the environment ------------------------------------------------------------------------------------
# $(STAMP): Python 3.11 (checked first), .venv, exactly the runtime lock (course_utils' needs + JupyterLab),
# then course_utils itself (editable). $(DEV_STAMP) adds the dev lock (tests, browser, bench, linters).
# Both locks are written by pip-compile from pyproject.toml: `make lock`.
$(STAMP): $(LOCK) pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) not found: this course needs Python 3.11 (make PYTHON=...)" >&2; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) tools/check_python.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python tools/check_python.py
	$(PIP) -r $(LOCK)
	$(PIP) --no-deps -e .
	@touch $@

$(DEV_STAMP): $(STAMP) $(DEV_LOCK)
	$(PIP) -r $(LOCK) -r $(DEV_LOCK)
	@touch $@

# --- JupyterLab -------------------------------------------------------------------------------------------
# No package index is queried behind the student's back, as in the browser tests (tests/browser/lab.py):
# the extension manager is read-only and hidden, no news, no update check. tools/lab_overrides.json also binds
# F8 to the lecture view: presentation mode + single-document mode + no side panel (F8 again: back).
# The slideshow extension (jupyterlab-slideshow, in the lab extra) presents a notebook as slides, widgets live.
LAB_FLAGS := --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate \
	--LabApp.extension_manager=readonly
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
lab: $(STAMP) ## set up .venv if needed and open JupyterLab on notebooks/
	@mkdir -p $(dir $(LAB_OVERRIDES))
	@cp tools/lab_overrides.json $(LAB_OVERRIDES)
	@echo "Starting JupyterLab; open the http://127.0.0.1:...?token=... URL it prints below."
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(LAB_FLAGS) \
		$(if $(filter 0,$(shell id -u)),--allow-root)

# --- tests ------------------------------------------------------------------------------------------------
# Unit tests (ruff included: tests/test_ruff.py) and strict nbval together, one notebook per worker
# (--dist loadfile). The browser tests are a step of their own (make test-browser): here they are skipped.
test: $(DEV_STAMP) ## set up .venv if needed, run unit tests + ruff + strict nbval on every notebook
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)
	@$(BROWSER_NOTE)

# JupyterLab in Debian's headless Chromium (tests/browser/): every notebook runs with Run All Cells and
# every widget responds; then every page of the static site (built first: make site) is checked offline.
# Screenshots in artifacts/browser/ and artifacts/site-browser/. Without Chromium they are skipped (not in CI).
test-browser: $(DEV_STAMP) site ## JupyterLab in headless Chromium (Run All, every widget), then every page of the site
	$(BIN)/python -m pytest tests/browser -m browser -rs $(PYTEST_ARGS)

CHROMIUM_BIN = $${CHROMIUM:-$$(command -v chromium || echo /usr/bin/chromium)}
BROWSER_NOTE = if [ -x "$(CHROMIUM_BIN)" ]; \
	then echo "Browser tests (JupyterLab in headless Chromium) are not part of make test: run make test-browser"; \
	else echo "Browser tests skipped: no Chromium. To enable them: sudo apt-get install chromium, then make test-browser"; fi

unit: $(DEV_STAMP) ## the unit tests only (tests/)
	$(BIN)/python -m pytest -n auto --dist loadfile tests $(PYTEST_ARGS)

nbval: $(DEV_STAMP) ## strict nbval on the notebooks only
	$(BIN)/python -m pytest -n auto --dist loadfile notebooks $(PYTEST_ARGS)

# ruff on the Python code (and the notebooks' code cells), then the notebook lint on $(NBS); both always run.
lint: $(DEV_STAMP) ## ruff on all Python code, then the notebook lint on NBS; prints what it checked
	@$(BIN)/python -m tools.nblint --check-args $(NBS)
	@status=0; \
	echo "ruff check: $$($(BIN)/ruff check --show-files . | grep -c '^/') Python files and notebooks (rules: pyproject.toml [tool.ruff])"; \
	$(BIN)/ruff check --output-format=concise . || status=1; \
	$(BIN)/python -m tools.nblint $(NBS) || status=1; \
	exit $$status

# Re-execute notebooks in place ("Restart Kernel & Run All"), merge each cell's print output into one stream
# (how the kernel splits it depends on timing), shorten stored tracebacks to `ErrorType: message` (no machine
# paths), write the lecture's slide metadata (tools/slides.py), then strip volatile metadata (timings, widget
# state) with nbstripout, keeping outputs, execution counts and cell ids; then lint.
NBSTRIPOUT_ARGS := --keep-output --keep-count --keep-id
refresh: $(DEV_STAMP) ## re-execute notebooks in place, strip volatile metadata, lint (NBS=... for some)
	$(BIN)/python -m tools.nblint --check-args $(NBS)
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace $(NBS)
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --inplace --CoalesceStreamsPreprocessor.enabled=True $(NBS)
	$(BIN)/python -m tools.notebooks shorten-tracebacks $(NBS)
	$(BIN)/python -m tools.slides apply $(NBS)
	$(BIN)/nbstripout $(NBSTRIPOUT_ARGS) $(NBS)
	$(BIN)/python -m tools.nblint $(NBS)

# How fast the course is: suite cost vs a floor, per-notebook time, BoW throughput, widget latency.
# Prints a table and writes artifacts/bench/bench.json (docs/benchmarks.md explains the figures).
bench: $(DEV_STAMP) ## measure the course's speed (table + artifacts/bench/bench.json)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The course as a static site, from the notebooks' stored outputs (nothing re-executed), offline: Jupyter Book 1
# (Sphinx + MyST-NB; docs/site/ holds its config, table of contents and front page). MathJax 3 is copied from
# the django-static-mathjax package in .venv, never fetched from a CDN. Warnings (a broken link) are errors.
SITE_SRC := artifacts/site-src
SITE     := artifacts/site
MATHJAX  = $$($(BIN)/python -c 'import mathjax, pathlib; print(pathlib.Path(mathjax.__file__).parent / "static/mathjax/es5")')
site: $(DEV_STAMP) ## build the course as a static site (artifacts/site/_build/html) from the stored outputs, offline
	rm -rf $(SITE_SRC) $(SITE)
	mkdir -p $(SITE_SRC)/_mathjax
	cp docs/site/_config.yml docs/site/_toc.yml docs/site/index.md notebooks/[0-9][0-9]_*.ipynb $(SITE_SRC)/
	cp -r "$(MATHJAX)" $(SITE_SRC)/_mathjax/mathjax
	$(BIN)/jupyter-book build --warningiserror --keep-going --path-output $(SITE) $(SITE_SRC)
	@echo "The site: $(SITE)/_build/html/index.html (make test-browser serves it on 127.0.0.1 and checks every page)"

# Both locks from pyproject.toml with pip-compile, keeping every pin that still fits (add --upgrade by hand
# to move versions). The dev lock is constrained by the runtime lock, so the two always agree.
# torch: the lock names plain 2.13.0 (pip then takes the CPU wheel already on the machine, or PyPI's);
# a lock that names a CUDA package (nvidia-*, triton) is refused.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --strip-extras --annotation-style=line \
	--no-emit-index-url --no-emit-find-links --no-emit-trusted-host
lock: $(DEV_STAMP) ## regenerate requirements.lock and requirements-dev.lock from pyproject.toml (pip-compile)
	$(PIP_COMPILE) --extra lab -o $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra lab --extra dev -c $(LOCK) -o $(DEV_LOCK) pyproject.toml
	sed -E -i 's/^(torch==[^+ ]+)\+cpu/\1/' $(LOCK) $(DEV_LOCK)
	@! grep -iE '^(nvidia-|triton)' $(LOCK) $(DEV_LOCK) || { echo "a lock names CUDA packages: install the CPU torch first" >&2; exit 1; }
	@echo "written: $(LOCK) ($$(grep -c '==' $(LOCK)) pins), $(DEV_LOCK) ($$(grep -c '==' $(DEV_LOCK)) pins)"

clean: ## remove .venv, caches and artifacts/
	rm -rf $(VENV) .pytest_cache artifacts
