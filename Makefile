# Two commands matter: `make lab` and `make test`. Each sets itself up on a fresh machine.
SHELL   := /bin/bash
PYTHON  ?= python3
VENV    ?= .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
NBS     ?= notebooks/*.ipynb
PYTEST_ARGS ?=

# Plots in the kernels must be inline; a stray MPLBACKEND would change the outputs.
unexport MPLBACKEND

.PHONY: lab test test-browser unit nbval lint refresh lock bench clean help
help:
	@echo "make lab      - set up .venv if needed and open JupyterLab on notebooks/"
	@echo "make test     - set up .venv if needed, run unit tests + strict nbval on every notebook"
	@echo "make test-browser - every notebook in JupyterLab in headless Chromium: Run All, then every widget"
	@echo "make refresh  - re-execute notebooks in place (NBS=notebooks/00_welcome.ipynb for one)"
	@echo "make bench    - measure the course's speed (table + artifacts/bench/bench.json)"

# The environment: exactly the versions in requirements.lock, then course_utils itself (editable).
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

lab: $(STAMP)
	@echo "Starting JupyterLab; open the http://127.0.0.1:...?token=... URL it prints below."
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 $(if $(filter 0,$(shell id -u)),--allow-root)

# Unit tests and strict nbval together, one notebook per worker (--dist loadfile).
# The browser tests are a step of their own (make test-browser): here they are skipped, with one line.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)
	@$(BROWSER_NOTE)

# JupyterLab in Debian's headless Chromium (tests/browser/): every notebook runs with Run All Cells and
# every widget responds; screenshots in artifacts/browser/. Without Chromium they are skipped (not in CI).
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser -m browser -rs $(PYTEST_ARGS)

CHROMIUM_BIN = $${CHROMIUM:-$$(command -v chromium || echo /usr/bin/chromium)}
BROWSER_NOTE = if [ -x "$(CHROMIUM_BIN)" ]; \
	then echo "Browser tests (JupyterLab in headless Chromium) are not part of make test: run make test-browser"; \
	else echo "Browser tests skipped: no Chromium. To enable them: sudo apt-get install chromium, then make test-browser"; fi

unit: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile tests $(PYTEST_ARGS)

nbval: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile notebooks $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m tools.nblint $(NBS)

# Re-execute notebooks in place ("Restart Kernel & Run All"), then strip volatile metadata (timings,
# widget state) with nbstripout, keeping outputs, execution counts and cell ids; then lint.
NBSTRIPOUT_ARGS := --keep-output --keep-count --keep-id
refresh: $(STAMP)
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace $(NBS)
	$(BIN)/nbstripout $(NBSTRIPOUT_ARGS) $(NBS)
	$(BIN)/python -m tools.nblint $(NBS)

# How fast the course is: suite cost vs a floor, per-notebook time, BoW throughput, widget latency.
# Prints a table and writes artifacts/bench/bench.json (docs/benchmarks.md explains the figures).
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# Regenerate the lock from what is installed in .venv (after changing a version on purpose).
lock: $(STAMP)
	{ head -n 2 requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache artifacts
