# Two entry points: `make demo` runs huibao on the bundled samples and serves Datasette;
# `make test` runs the whole test suite. Each creates the virtual environment it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test lint bench quality audit lock clean

demo: $(VENV)/.runtime
	$(BIN)/huibao demo

test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# Parse and tagging figures against the hand-made gold (needs ../shared).
quality: $(VENV)/.runtime
	$(BIN)/python tools/quality.py $(QUALITY_ARGS)

bench: $(VENV)/.runtime
	$(BIN)/python bench/run.py $(BENCH_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(PIP) install -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(PIP) install -r requirements-dev.lock
	touch $@

# Known vulnerabilities in the pinned dependencies (needs the internet: PyPI's advisory data).
audit:
	$(PYTHON) -m venv .audit-venv && .audit-venv/bin/pip install -q pip-audit
	.audit-venv/bin/pip-audit --no-deps --disable-pip -r requirements.lock -r requirements-dev.lock

# Re-resolve the pins from pyproject.toml into a fresh environment.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install -q -e '.[test]'
	.lock-venv/bin/pip freeze --exclude-editable | grep -v -E '^(pytest|hypothesis|ruff|iniconfig|sortedcontainers|reportlab)==' > requirements.lock.new
	@echo "review requirements.lock.new, then move it over requirements.lock"
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .huibao .audit-venv
