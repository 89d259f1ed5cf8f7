# Entry points for users, tests and CI (DESIGN.md section 6).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run test bench gen lint breaking clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

run: install
	$(VENV)/bin/mef-center run

test: install
	$(PY) -m pytest -q

bench: install
	$(PY) -m bench

gen: install
	$(PY) scripts/gen_proto.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy mef_grpc gateway
	$(VENV)/bin/buf lint

# Wire and JSON compatibility of the contracts against main (ISV clients rely on both).
breaking: install
	$(VENV)/bin/buf breaking --against '.git#branch=main'

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
