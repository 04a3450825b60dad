# The README's two commands are `make site` and `make test`; everything else is a convenience.
PYTHON ?= python3
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check

.PHONY: site test install install-test lint bench serve vendor-xapi

install:
	$(PIP) -e .

install-test:
	$(PIP) -e '.[test]'

site: install
	$(PYTHON) -m lmsctl.cli build

serve: install
	$(PYTHON) -m lmsctl.cli serve

lint: install-test
	$(PYTHON) -m ruff check lmsctl
	$(PYTHON) -m mypy

test: lint
	node --test tests/js/
	$(PYTHON) -m pytest -q

bench: install-test
	$(PYTHON) -m benchmarks.bench_validate
	$(PYTHON) -m benchmarks.bench_lint
	$(PYTHON) -m benchmarks.bench_build
	$(PYTHON) -m benchmarks.bench_history
	$(PYTHON) -m benchmarks.bench_lrs
	$(PYTHON) -m benchmarks.bench_export
	$(PYTHON) -m benchmarks.bench_page_load

# Update the vendored @xapi/xapi (lmsctl/runtime/vendor/xapi/) from the version package.json pins.
vendor-xapi:
	scripts/vendor-xapi.sh
