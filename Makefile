# The two commands of the README. Each sets up what it needs, then runs.
#   make build   install into .venv and build the graph into dist/
#   make test    install into .venv (with test tools) and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: build test setup setup-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

setup: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e .

setup-test: $(BIN)/python
	$(BIN)/pip install --quiet -c constraints.txt -e '.[test]'

build: setup
	$(BIN)/migkg build --out dist

test: setup-test
	$(BIN)/python -m pytest

clean:
	rm -rf dist .pytest_cache
