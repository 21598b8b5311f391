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

.PHONY: lab test unit nbval lint refresh lock clean help
help:
	@echo "make lab      - set up .venv if needed and open JupyterLab on notebooks/"
	@echo "make test     - set up .venv if needed, run unit tests + strict nbval on every notebook"
	@echo "make refresh  - re-execute notebooks in place (NBS=notebooks/00_welcome.ipynb for one)"

# The environment: exactly the versions in requirements.lock, then course_utils itself (editable).
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

lab: $(STAMP)
	@echo "Starting JupyterLab; open the http://127.0.0.1:...?token=... URL it prints below."
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1

# Unit tests and strict nbval together, one notebook per worker (--dist loadfile).
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

unit: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile tests $(PYTEST_ARGS)

nbval: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile notebooks $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/python -m course_utils.nbhygiene lint $(NBS)

# Re-execute notebooks in place ("Restart Kernel & Run All"), then strip volatile metadata.
refresh: $(STAMP)
	$(BIN)/jupyter nbconvert --log-level=WARN --to notebook --execute --inplace $(NBS)
	$(BIN)/python -m course_utils.nbhygiene clean $(NBS)
	$(BIN)/python -m course_utils.nbhygiene lint $(NBS)

# Regenerate the lock from what is installed in .venv (after changing a version on purpose).
lock: $(STAMP)
	{ head -n 2 requirements.lock; $(BIN)/python -m pip freeze --exclude-editable | sed 's/+cpu$$//'; } > requirements.lock.new
	mv requirements.lock.new requirements.lock

clean:
	rm -rf $(VENV) .pytest_cache artifacts
