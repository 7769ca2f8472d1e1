"""graph/SEEDS.md, the inventory of what the two seed papers name, stays in sync with the graph.

Each inventory row names one thing a paper names and, in its `graph` column, either the IRIs
that hold it (in backticks, prefixed as in the project or in full; a trailing * covers every
IRI that starts so) or `not in graph:` with the reason. Checked both ways: every IRI listed
exists in the built graph, and everything in the graph that cites a seed paper as its source
is listed. Every claim file is listed in the claims section.
"""

from __future__ import annotations

import re

import pytest

from migkg.steps.derive import derive
from migkg.core.project import ID_NS, PREFIXES
from migkg.core.queries import QueryCatalog

from support import PROJECT

SEEDS = PROJECT.graph_dir / "SEEDS.md"
PAPERS = {"seed-000": ID_NS + "source/seed-000", "seed-003": ID_NS + "source/seed-003"}
# Prefixes the inventory may use besides the project's own.
EXTRA = {
    name: ID_NS + name.replace("_", "-") + "/"
    for name in (
        "forum",
        "organization",
        "arrangement",
        "transfer",
        "basis",
        "membership",
        "economy",
        "place",
        "meeting",
        "court",
        "court_event",
        "forum_output",
        "instrument_call",
        "classification",
        "migration_role_attribution",
        "status_change",
        "dataset",
    )
}
# As the graph files themselves write them.
EXTRA |= {"basis": ID_NS + "legal-basis/", "classification": ID_NS + "forum-classification/"}
_CELL_IRI = re.compile(r"`([^`\s]+)`")


def _expand(token: str) -> str:
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    if token.startswith(("http://", "https://")):
        return token
    prefix, sep, local = token.partition(":")
    ns = {**EXTRA, **PREFIXES}.get(prefix)
    if not sep or ns is None:
        raise AssertionError(f"SEEDS.md: '{token}' is not a known prefixed name or IRI")
    return ns + local


def _rows() -> list[tuple[str, list[str], str]]:
    """(section, cells, graph cell) for every row of a table with a `graph` column."""
    rows, section, header = [], "", None
    for line in SEEDS.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section, header = line[3:].strip(), None
            continue
        if not line.startswith("|"):
            header = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if set(line) <= set("|-: "):
            continue
        if "graph" in header:  # tables without a graph column (the claims) are not inventory rows
            rows.append((section, cells, cells[header.index("graph")] if len(cells) > header.index("graph") else ""))
    return rows


@pytest.fixture(scope="module")
def subjects():
    from migkg.core.store import KnowledgeGraph

    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    found = {q.subject.value for q in kg.store if hasattr(q.subject, "value")}
    cited = {}
    for paper, iri in PAPERS.items():
        text = f"SELECT DISTINCT ?s WHERE {{ ?s <https://w3id.org/migkg/ontology#source> <{iri}> }}"
        cited[paper] = {row["s"].value for row in kg.query(text)}
    return found, cited


def _listed() -> list[str]:
    return [_expand(t) for _, _, cell in _rows() for t in _CELL_IRI.findall(cell)]


def test_the_inventory_exists_and_covers_both_papers():
    sections = {s for s, _, _ in _rows()}
    assert any("000" in s for s in sections) and any("003" in s for s in sections), sections


def test_every_row_has_an_iri_or_a_reason():
    bad = [
        cells
        for section, cells, cell in _rows()
        if not _CELL_IRI.search(cell) and not re.match(r"not in graph:\s*\S", cell)
    ]
    assert not bad, f"rows with neither an IRI nor 'not in graph: reason': {bad[:5]}"


def test_every_listed_iri_is_in_the_graph(subjects):
    found, _ = subjects
    missing = []
    for iri in _listed():
        if iri.endswith("*"):
            if not any(s.startswith(iri[:-1]) for s in found):
                missing.append(iri)
        elif iri not in found:
            missing.append(iri)
    assert not missing, f"SEEDS.md lists IRIs the graph does not hold: {missing}"


def test_everything_that_cites_a_paper_is_listed(subjects):
    _, cited = subjects
    listed = _listed()
    exact = set(listed)
    stems = tuple(i[:-1] for i in listed if i.endswith("*"))
    unlisted = sorted(s for paper in cited.values() for s in paper if s not in exact and not s.startswith(stems))
    assert not unlisted, f"resources citing a seed paper but missing from SEEDS.md: {unlisted[:20]}"


def test_every_claim_is_listed():
    text = SEEDS.read_text(encoding="utf-8")
    claims = sorted(p.stem for p in (PROJECT.queries_dir / "claims").glob("*.rq"))
    missing = [c for c in claims if f"`{c}`" not in text]
    assert not missing, f"claims not listed in SEEDS.md: {missing}"
