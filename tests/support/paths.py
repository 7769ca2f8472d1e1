"""Where the project and the test fixtures are."""

from __future__ import annotations

from pathlib import Path

from migkg.core.project import Project

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
PROJECT = Project(ROOT)
