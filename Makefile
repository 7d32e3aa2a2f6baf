# Two entry points for a fresh machine (see README): `make sample` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: sample test setup clean

sample: setup
	$(BIN)/tuphap build --all

test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	bash scripts/install-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf outputs/[0-9]*
