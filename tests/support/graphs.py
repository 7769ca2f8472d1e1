"""Small graphs for tests: the real ontology and vocabularies, with fixture data instead of the project's."""

from __future__ import annotations

from pathlib import Path

from migkg.core.store import KnowledgeGraph

from .paths import PROJECT


def kg_with(*files: Path) -> KnowledgeGraph:
    """The ontology and vocabularies plus the given data files (not the project's graph)."""
    kg = KnowledgeGraph()
    kg.load_files(PROJECT.ontology_files())
    kg.load_files(files)
    return kg
