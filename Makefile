# The README's two commands are `make site` and `make test`; everything else is a convenience.
#
# Everything runs from a project virtual environment (.venv, git-ignored) that this Makefile
# creates itself, so it works on a stock Debian/Ubuntu Python (PEP 668: pip refuses to install
# outside a virtual environment) and where only `python3` exists. Stamp files keyed on
# pyproject.toml and package-lock.json make a re-run skip what is already installed.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PIP = $(BIN)/python -m pip install --quiet --disable-pip-version-check
PYTEST_ARGS ?= -q

.PHONY: site test install install-test lint js-test bench serve vendor-xapi runtime-bundle

# The virtual environment itself (Debian/Ubuntu: `apt-get install python3-venv` if this fails).
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) -e '.[test]'
	touch $@ $(VENV)/.installed

# The pinned JavaScript test packages (package-lock.json), without running install scripts.
node_modules/.lmsctl-installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

site: install
	$(BIN)/python -m lmsctl.cli build

serve: install
	$(BIN)/python -m lmsctl.cli serve

lint: install-test
	$(BIN)/python -m ruff check lmsctl tests benchmarks
	$(BIN)/python -m mypy

# Every tests/js/**/*.test.mjs with Node's own test runner (none yet is fine).
js-test: node_modules/.lmsctl-installed
	@files=$$(find tests/js -name '*.test.mjs' 2>/dev/null | sort | tr '\n' ' '); \
	if [ -n "$$files" ]; then echo "node --test $$files"; node --test $$files; \
	else echo "no JavaScript tests in tests/js/"; fi

test: install-test js-test lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m benchmarks.bench_validate
	$(BIN)/python -m benchmarks.bench_lint
	$(BIN)/python -m benchmarks.bench_build
	$(BIN)/python -m benchmarks.bench_history
	$(BIN)/python -m benchmarks.bench_reader
	$(BIN)/python -m benchmarks.bench_analytics
	$(BIN)/python -m benchmarks.bench_lrs
	$(BIN)/python -m benchmarks.bench_export
	$(BIN)/python -m benchmarks.bench_page_load
	$(BIN)/python -m benchmarks.bench_rebuild
	$(BIN)/python -m benchmarks.bench_checks_cache
	$(BIN)/python -m benchmarks.bench_search
	$(BIN)/python -m benchmarks.bench_serve

# Update the vendored @xapi/xapi (lmsctl/runtime/vendor/xapi/) from the version package.json pins.
vendor-xapi:
	scripts/vendor-xapi.sh

# Rebuild the runtime's committed classic-script bundles (lmsctl/runtime/bundle/,
# lmsctl/targets/scorm/launch/bundle/) from its ES module sources with the pinned esbuild, after
# changing any of them; tests/test_runtime_bundle.py fails while they are stale.
runtime-bundle: node_modules/.lmsctl-installed
	node scripts/bundle-runtime.mjs
