"""Each named research query, run on a small fixture graph, returns exactly its expected table.

Layout: tests/fixtures/cq/<query>/<case>/ holds params.json (optional), input.ttl (optional,
added to the shared world/base.ttl) and expected.csv. `pytest --regenerate` rewrites every
expected.csv from the current queries; review the diff before committing.
"""

from __future__ import annotations

import json

import pytest

from migkg.steps.derive import derive
from migkg.core.queries import QueryCatalog
from migkg.core.results import Table, to_csv

from support import FIXTURES, PROJECT, kg_with

CATALOG = QueryCatalog(PROJECT)
CASES = sorted(p for p in (FIXTURES / "cq").glob("*/*") if p.parent.name != "world")


def run_case(case):
    files = [FIXTURES / "cq" / "world" / "base.ttl"] + sorted(case.glob("*.ttl"))
    kg = kg_with(*files)
    derive(kg, CATALOG)
    query = CATALOG.get(case.parent.name)
    params = json.loads((case / "params.json").read_text()) if (case / "params.json").exists() else {}
    return to_csv(Table.from_solutions(kg.query(query.text, query.bind(params))))


def test_every_research_query_has_a_case():
    tested = {c.parent.name for c in CASES}
    untested = [q.name for q in CATALOG.research() if q.name not in tested]
    assert not untested, f"research queries without a fixture case: {untested}"


def test_every_query_declares_title_and_binds_only_its_own_variables():
    for q in CATALOG.research():
        assert q.title and q.description, q.name
        for p in q.params:
            assert f"?{p.name}" in q.text, f"{q.name}: parameter {p.name} is not a variable of the query"


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_query_case(case, regenerate):
    got = run_case(case)
    if regenerate:  # golden files are written by the code, never edited by hand
        (case / "expected.csv").write_text(got, encoding="utf-8")
        return
    assert got == (case / "expected.csv").read_text(encoding="utf-8")


def test_queries_over_treaty_status_declare_it():
    """The currency note is declared in the header; a query reading treaty data must say so."""
    for q in CATALOG.research():
        reads_treaties = any(t in q.text for t in ("TreatyAction", "mtdsgNumber", "partyTo", "actionKind", "PartyStatus"))
        assert (q.currency == "treaty-status") == reads_treaties, q.name
