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


@pytest.fixture(scope="session")
def project_ws():
    """The project's graph with its derived facts, in a workspace: what the page tests read.

    Shared by the page tests so the graph is loaded and derived once; they only read it.
    """
    from migkg.core.queries import QueryCatalog
    from migkg.steps.derive import derive
    from migkg.workspace import Workspace

    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    return Workspace.of_graph(PROJECT, kg)


@pytest.fixture(scope="session")
def project_site(project_ws, tmp_path_factory):
    """The project's whole site (and China's ego network page), written once for the page tests to open."""
    from migkg.outputs.site import write_site

    out = tmp_path_factory.mktemp("site")
    write_site(project_ws, out, ["CHN"])
    return out


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium per test module (Playwright's sync API allows one running at a time,
    so each module's is closed before the next module starts its own)."""
    from playwright.sync_api import sync_playwright

    from support.browser import launch

    with sync_playwright() as p:
        b = launch(p, "--no-first-run")
        yield b
        b.close()
