"""The library's documentation runs: every example in a docstring is executed (as pyoxigraph
tests its own documentation), so an example that no longer matches the code fails here."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import migkg

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(migkg.__path__, prefix="migkg.")
    if m.name not in ("migkg.__main__",)  # running it would start the CLI
)


def _has_examples(name: str) -> bool:
    return any(t.examples for t in doctest.DocTestFinder().find(importlib.import_module(name)))


@pytest.mark.parametrize("name", [n for n in MODULES if _has_examples(n)])
def test_examples_in_docstrings_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} example(s) in {name} failed; see the output above"


def test_the_core_modules_document_themselves_with_examples():
    # The modules a Python user starts from each carry at least one runnable example.
    with_examples = {n for n in MODULES if _has_examples(n)}
    assert {"migkg.core.ids", "migkg.core.params", "migkg.core.queries", "migkg.core.results", "migkg.workspace"} <= with_examples
