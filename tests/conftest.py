"""pytest's hooks and shared fixtures; the helpers themselves live in tests/support/."""

from __future__ import annotations

import pytest

from migkg.core.project import Project
from migkg.core.store import KnowledgeGraph

from support import PROJECT


def pytest_addoption(parser):
    parser.addoption(
        "--regenerate",
        action="store_true",
        help="rewrite the golden files (tests/fixtures/cq/*/*/expected.csv, src/migkg/core/vocab.py) from the current code "
        "instead of "
        "comparing with them; review the diff before committing",
    )


@pytest.fixture()
def regenerate(request) -> bool:
    return request.config.getoption("--regenerate")


@pytest.fixture(scope="session")
def project() -> Project:
    return PROJECT


@pytest.fixture(scope="session")
def project_kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_project(PROJECT)
