# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint

$(BIN)/tracevault: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/tracevault

install: $(BIN)/tracevault

demo: install
	$(BIN)/tracevault demo

lint: install
	$(BIN)/ruff check .

test: install lint
	$(BIN)/pytest
