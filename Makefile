# Every target sets itself up: on a fresh clone `make test` and `make demo` need nothing else.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
PIP    := $(PY) -m pip --quiet --disable-pip-version-check

.PHONY: setup lint generate check typecheck test demo bench clean

setup: $(STAMP)

# Editable install of the checkout. The build backend is setuptools' own (.ci/build_backend.py says why it
# drops the one notice setuptools prints for this layout); the stamp goes with pyproject and that backend.
$(STAMP): pyproject.toml .ci/build_backend.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip
	$(PIP) install -e '.[generator,simulator,aiohttp,batch,mcp,agents-test,publish-test,dev]'
	$(PY) -c 'import spoki_actions' && touch $(STAMP)

lint: setup
	$(VENV)/bin/spoki-actions lint specs

generate: setup
	$(VENV)/bin/spoki-actions generate --specs specs --out generated

check: setup
	$(VENV)/bin/spoki-actions lint specs
	$(VENV)/bin/spoki-actions generate --specs specs --out generated --check
	$(VENV)/bin/ruff check runtime generator simulator batch tools mcp_server tests bench examples
	$(PY) .ci/typing_tree.py .typing && cd .typing && ../$(VENV)/bin/mypy -p spoki_actions

test: setup
	$(PY) -m pytest

demo: setup
	$(PY) examples/demo.py

bench: setup
	$(PY) bench/run_all.py

clean:
	rm -rf $(VENV) .typing build dist .mypy_cache .pytest_cache .ruff_cache
