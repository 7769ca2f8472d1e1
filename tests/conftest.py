"""Shared helpers: the real project, small graphs built from fixture files, and the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from migkg.core.project import Project
from migkg.core.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
PROJECT = Project(ROOT)


def pytest_addoption(parser):
    parser.addoption(
        "--regenerate",
        action="store_true",
        help="rewrite the golden files (tests/fixtures/cq/*/*/expected.csv) from the current code instead of "
        "comparing with them; review the diff before committing",
    )


@pytest.fixture()
def regenerate(request) -> bool:
    return request.config.getoption("--regenerate")


def kg_with(*files: Path) -> KnowledgeGraph:
    """The ontology and vocabularies plus the given data files (not the project's graph)."""
    kg = KnowledgeGraph()
    kg.load_files(PROJECT.ontology_files())
    kg.load_files(files)
    return kg


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m migkg ...` as a user would, in a separate process."""
    full_env = {**os.environ, "MIGKG_HOME": str(ROOT), "COLUMNS": "200", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "migkg", *args],
        cwd=cwd or ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def project() -> Project:
    return PROJECT


@pytest.fixture(scope="session")
def project_kg() -> KnowledgeGraph:
    return KnowledgeGraph.from_project(PROJECT)
