"""Queries may not reach outside the local graph unless the user allows it."""

from __future__ import annotations

import pytest

from migkg.core.errors import OutboundRequestRefused, QueryError
from migkg.core.sparql_safety import check_outbound, check_read_only, service_targets


@pytest.mark.parametrize(
    "query, expected",
    [
        ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", ["http://example.org/sparql"]),
        ("select * where { service silent <file:///etc/passwd> { ?s ?p ?o } }", ["file:///etc/passwd"]),
        ("PREFIX wd: <http://x/> SELECT * WHERE { SERVICE wd:sparql { ?s ?p ?o } }", ["http://x/sparql"]),
        ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", ["?endpoint"]),
        # The keyword inside a string, an IRI, a comment or a variable name is not a SERVICE clause.
        ('SELECT * WHERE { ?s ?p "SERVICE <http://x>" }', []),
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o } # SERVICE <http://y>", []),
        ("SELECT ?service WHERE { ?service ?p ?o }", []),
        ('SELECT * WHERE { ?s ?p """multi\nSERVICE <http://x>\nline""" }', []),
    ],
)
def test_service_targets(query, expected):
    assert service_targets(query) == expected


def test_outbound_refused_by_default():
    with pytest.raises(OutboundRequestRefused, match="SERVICE file:///etc/passwd"):
        check_outbound("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")


def test_outbound_allow_list():
    q = "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    check_outbound(q, allow=["https://query.wikidata.org/sparql"])
    with pytest.raises(OutboundRequestRefused):
        check_outbound(q, allow=["http://localhost:7878/query"])


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "PREFIX x: <http://x/> CLEAR ALL",
    ],
)
def test_updates_refused(update):
    with pytest.raises(QueryError, match="SPARQL Update"):
        check_read_only(update)


def test_query_mentioning_update_words_is_read_only():
    check_read_only('SELECT ?insert WHERE { ?insert <http://x/DELETE> "LOAD" }')
