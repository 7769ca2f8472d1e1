# The two commands of the README. Each sets up what it needs, then runs.
#   make build   install into .venv and build the graph into dist/
#   make test    install into .venv (with test tools and Chromium) and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: build test test-fast setup setup-test browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

setup: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

build: setup
	$(BIN)/migkg build --out dist

# The page tests drive Debian's Chromium (CJK fonts so screenshots show Chinese labels).
browser:
	@command -v chromium >/dev/null 2>&1 && [ -d /usr/share/fonts/opentype/noto ] || { \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

test: setup-test browser
	$(BIN)/python -m pytest

# The edit-test loop: everything but the tests that start processes, servers or a browser.
test-fast: setup-test
	$(BIN)/python -m pytest -m "not slow and not network and not java"

clean:
	rm -rf dist .pytest_cache
