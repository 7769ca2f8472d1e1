"""The Python API (migkg.open): named queries and SPARQL with bound parameters, typed cells,
DataFrames, networkx and rdflib, over the project's real graph."""

from __future__ import annotations

import sys

import pytest

import migkg
from migkg.api import MigrationGraph
from migkg.core.errors import MigkgError, OutboundRequestRefused, QueryError, UpdateRefused
from migkg.core.results import Table

pd = pytest.importorskip("pandas", reason="pandas is in the test extras (make test installs it)")


@pytest.fixture(scope="module")
def kg(project_ws):
    return MigrationGraph(project_ws)


def test_a_named_query_gives_the_rows_the_command_line_gives_with_numbers_as_numbers(kg, project_ws):
    typed = kg.query("consents-per-year", instrument="V-2")
    text = project_ws.query("consents-per-year", {"instrument": "V-2"}).table()
    assert typed.columns == text.columns == ["instrument", "year", "consents"]
    assert len(typed.rows) == len(text.rows) > 10
    assert all(isinstance(r[2], int) for r in typed.rows)
    assert [[str(c) for c in r] for r in typed.rows] == text.rows
    assert typed.title == "Consents per treaty per year" and (typed.note or "").startswith("treaty status as of:")


def test_to_pandas_keeps_every_row_and_types_the_counts(kg):
    r = kg.query("consents-per-year", instrument="V-2")
    df = r.to_pandas()
    assert list(df.columns) == r.columns and len(df) == len(r.rows)
    assert str(df["consents"].dtype) == "Int64"
    assert int(df["consents"].sum()) == sum(row[2] for row in r.rows)


def test_to_pandas_without_pandas_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    with pytest.raises(MigkgError, match="needs pandas") as e:
        Table(["a"], [["x"]]).to_pandas()
    assert "migkg[pandas]" in e.value.hint


def test_query_parameters_are_checked_as_on_the_command_line(kg):
    with pytest.raises(QueryError, match="iso3"):
        kg.query("participation", iso3="china")
    with pytest.raises(QueryError, match="no treaty with that key"):
        kg.query("participation", instrument="V-99")


def test_sparql_binds_values_as_terms_never_as_text(kg):
    hostile = '" } ; DROP ALL ; SELECT * { "'
    r = kg.sparql("SELECT ?x (STRLEN(?x) AS ?n) WHERE {}", x=hostile)
    assert r.rows == [[hostile, len(hostile)]]
    iri = kg.sparql("SELECT ?s ?key WHERE { ?s <https://w3id.org/migkg/ontology#instrumentKey> ?key }",
                    key="V-2").rows
    assert len(iri) == 1 and iri[0][0].startswith("https://w3id.org/migkg/id/")


def test_sparql_refuses_updates_and_outbound_requests_before_running(kg):
    with pytest.raises(UpdateRefused):
        kg.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(OutboundRequestRefused):
        kg.sparql("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryError, match="cannot bind a list"):
        kg.sparql("SELECT ?x WHERE {}", x=[1, 2])


def test_the_forum_network_links_a_forum_to_the_members_its_query_lists(kg):
    g = kg.networkx("forums")
    bali = "https://w3id.org/migkg/id/forum/bali-process"
    linked = {g.nodes[n].get("key") or n.rsplit("/", 1)[-1] for n in g.predecessors(bali)}
    members = {r[3] for r in kg.query("forum-members", forum="bali-process").rows if r[3]}
    assert members and members <= linked
    assert all("facts" not in a and "sections" not in a for _, a in g.nodes(data=True))
    g.remove_node(bali)  # a copy: the workspace's own network is untouched
    assert bali in kg.networkx("forums")


def test_an_unknown_network_is_a_clear_error(kg):
    with pytest.raises(MigkgError, match="no network called 'ships'"):
        kg.networkx("ships")
    with pytest.raises(MigkgError, match="ISO 3166 alpha-3 code 'XXX'"):
        kg.networkx("XXX")


def test_rdflib_holds_every_triple_of_the_store(kg, project_ws):
    assert len(kg.rdflib()) == len(project_ws.graph)


def test_a_notebook_shows_a_table_with_its_labels_escaped():
    shown = Table(["label"], [["<script>alert(1)</script>"]] * 25)._repr_html_()
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "5 more rows" in shown


def test_open_names_a_folder_that_is_not_a_project(tmp_path):
    with pytest.raises(MigkgError, match="is not a migkg project folder"):
        migkg.open(tmp_path)
