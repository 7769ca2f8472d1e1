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


def parties_as_of(ws, instrument: str, day: str) -> tuple[set[str], set[str]]:
    """The actors the named query `parties-as-of` counts as parties on `day` (by ISO code, else name),
    and those it lists only as uncertain: what the page tests compare the pages with."""
    t = ws.query("parties-as-of", {"instrument": instrument, "date": day}).table()
    col = {c: i for i, c in enumerate(t.columns)}
    who = [(r[col["iso3"]] or r[col["name_en"]], r[col["status"]]) for r in t.rows]
    party = {w for w, s in who if s == "party"}
    return party, {w for w, s in who if s == "uncertain"} - party
