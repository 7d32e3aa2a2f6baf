# Two entry points for a fresh machine (see README): `make sample` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

# The suite on one worker more than the machine has cores: its tests wait on kernels, browsers and
# killed builds, and a third worker on two cores fills those waits. Each test module runs on one worker
# (loadscope: its fixtures are made once), the slowest modules first (tests/conftest.py).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PYTEST_PARALLEL := -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

.PHONY: sample test test-fast setup clean

sample: setup
	$(BIN)/tuphap build --all

# --durations: the ten slowest tests end every run, so the budget (README, Tests) is watched as the suite grows.
test: setup
	$(BIN)/lint-imports
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) --durations=10

# The inner loop: the stages' unit tests, without the modules that run commands, kernels or browsers.
test-fast: setup
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) -m "not slow"

setup: $(VENV)/.installed
	@# The package's bytecode written now (only what changed), whatever PYTHONDONTWRITEBYTECODE says: every
	@# command, build worker and kernel imports it, and compiling its modules again costs each a tenth of a second.
	@$(BIN)/python -m compileall -q lib/tuphap
	@# nbstripout as this clone's git filter (.gitattributes): notebooks are committed without outputs,
	@# counts or run metadata; cell ids, the kernel's name and the language's name are kept as committed.
	@# It runs without the IRI grammar that jsonschema compiles at import (runtime/startup.py): 0.2 s a
	@# notebook instead of 1.2. Set on every run (idempotent); nothing to do outside a git checkout.
	@if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then \
	  strip='"$(abspath $(BIN))/python" -c "import sys; sys.modules.update(rfc3987_syntax=None); from nbstripout import main; main()" --keep-id' && \
	  $(BIN)/nbstripout --install --attributes .gitattributes && \
	  git config filter.nbstripout.clean "$$strip" && \
	  git config diff.ipynb.textconv "$$strip -t" && \
	  git config filter.nbstripout.extrakeys "metadata.language_info.codemirror_mode \
	    metadata.language_info.file_extension metadata.language_info.mimetype \
	    metadata.language_info.nbconvert_exporter metadata.language_info.pygments_lexer \
	    metadata.language_info.version" && \
	  echo "nbstripout: git filter installed in $$(git rev-parse --git-dir)/config"; \
	fi

$(VENV)/.installed: pyproject.toml
	bash scripts/install-system-packages
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf outputs/[0-9]*
