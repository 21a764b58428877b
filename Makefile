# Two entry points for a fresh machine: `make demo` and `make test`.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The oldest anthropic release we support (1.x has no native OpenTelemetry spans).
ANTHROPIC_OLDEST ?= anthropic==1.0.0

.PHONY: install demo test lint browser test-anthropic-oldest

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

# The console's real-browser test drives Debian's chromium (no browser download).
browser:
	@test -x /usr/bin/chromium || { \
	  command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) ; } || \
	  echo "note: /usr/bin/chromium missing; the browser test will fail (apt-get install chromium)"

test: install lint browser
	$(BIN)/pytest

# The instrument against the oldest supported SDK, in its own environment.
test-anthropic-oldest:
	$(PY) -m venv .venv-oldest
	.venv-oldest/bin/pip install -q --upgrade pip
	.venv-oldest/bin/pip install -q -e '.[test]' '$(ANTHROPIC_OLDEST)'
	.venv-oldest/bin/pytest tests/instrument tests/sample_data/test_mock_anthropic.py
