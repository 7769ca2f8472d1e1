"""Derived facts come from the events by rule: party status since a consent, ended by a denunciation."""

from __future__ import annotations

from migkg.steps.derive import derive
from migkg.core.queries import QueryCatalog
from migkg.core.store import KnowledgeGraph

from support import FIXTURES, PROJECT, kg_with

MIGKG = "https://w3id.org/migkg/ontology#"
STATE = "https://w3id.org/migkg/id/state/"


def party_rows(kg):
    q = f"""SELECT ?actor ?treaty ?since ?until WHERE {{
      ?actor <{MIGKG}hasPartyStatus> ?s . ?s <{MIGKG}treaty> ?treaty ; <{MIGKG}since> ?since .
      OPTIONAL {{ ?s <{MIGKG}until> ?until }} }}"""
    return sorted(
        (
            r["actor"].value.rsplit("/", 1)[-1],
            r["treaty"].value.rsplit("/", 1)[-1],
            r["since"].value,
            r["until"].value if r["until"] else None,
        )
        for r in kg.query(q)
    )


def current_parties(kg):
    q = f"SELECT ?a ?t WHERE {{ ?a <{MIGKG}partyTo> ?t }}"
    return sorted((r["a"].value.rsplit("/", 1)[-1], r["t"].value.rsplit("/", 1)[-1]) for r in kg.query(q))


def test_party_status_follows_consents_and_denunciations():
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    counts = derive(kg, QueryCatalog(PROJECT))
    assert counts["10-party-status"] > 0
    assert party_rows(kg) == [
        ("AAA", "V-99", "1992-03-15", None),
        ("BBB", "V-99", "1994-07-01", "2001-01-10"),  # acceded, then denounced
        ("BBB", "V-99", "2010-02-02", None),  # acceded again
        ("CCC", "V-98", "1996-04-04", None),
        ("org", "V-98", "1999-09-09", None),
    ]
    # Signatures alone (CCC on V-99) never make a party.
    assert current_parties(kg) == [("AAA", "V-99"), ("BBB", "V-99"), ("CCC", "V-98"), ("org", "V-98")]


def test_no_party_status_is_entered_by_hand(project_kg):
    """partyTo and PartyStatus exist only in the derived graph, never in a graph file."""
    q = f"""SELECT ?s WHERE {{ {{ ?s <{MIGKG}partyTo> ?o }} UNION {{ ?s a <{MIGKG}PartyStatus> }}
                                UNION {{ ?s <{MIGKG}hasPartyStatus> ?o }} }}"""
    assert list(project_kg.query(q)) == []


def test_project_party_status_matches_snapshot():
    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    parties = current_parties(kg)
    # The United States acceded to the 1967 Protocol but is not party to the 1951 Convention.
    assert ("USA", "V-5") in parties and ("USA", "V-2") not in parties


def test_dataset_description_records_as_of_per_treaty():
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(kg, QueryCatalog(PROJECT))
    q = f"""SELECT ?treaty ?n ?latest WHERE {{
      <https://w3id.org/migkg/dataset> <http://rdfs.org/ns/void#subset> ?c .
      ?c <{MIGKG}treaty> ?treaty ; <{MIGKG}laterActionCount> ?n . OPTIONAL {{ ?c <{MIGKG}latestUpdateDate> ?latest }} }}"""
    rows = sorted((r["treaty"].value.rsplit("/", 1)[-1], r["n"].value, r["latest"].value) for r in kg.query(q))
    # No untc-V-99 source exists in the fixture, so every action counts as "later"; the newest is 2010-02-02.
    assert rows == [("V-98", "2", "1999-09-09"), ("V-99", "6", "2010-02-02")]


def _roles(kg: KnowledgeGraph) -> set[tuple[str, str, str, str]]:
    q = """PREFIX migkg: <https://w3id.org/migkg/ontology#>
    SELECT ?actor ?role ?year ?threshold WHERE { ?a a migkg:DerivedRoleAttribution ; migkg:roleOf ?actor ;
        migkg:migrationRole ?role ; migkg:asOfDate ?year ; migkg:threshold ?threshold }"""
    return {(r["actor"].value.rsplit("/", 1)[-1], r["role"].value.rsplit("/", 1)[-1], r["year"].value, r["threshold"].value)
            for r in kg.query(q)}


def test_roles_from_statistics_follow_the_thresholds():
    """Aland 12.5% migrants, emigrants 2%; Borduria 2% and 15%; Carpania 15% and 15% (2015: 9%, no emigrants)."""
    catalog = QueryCatalog(PROJECT)
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(kg, catalog)
    assert _roles(kg) == {("AAA", "destination", "2010", "10"), ("BBB", "origin", "2010", "10"),
                          ("CCC", "destination", "2010", "10"), ("CCC", "origin", "2010", "10")}
    stricter = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(stricter, catalog, params={"min_migrant_share": "13", "min_emigrant_share": "8.5"})
    assert _roles(stricter) == {("BBB", "origin", "2010", "8.5"), ("CCC", "destination", "2010", "13"),
                                ("CCC", "origin", "2010", "8.5")}
    assert not [q for q in stricter.store if q.graph_name.value.endswith("/parameters")]  # the values are removed


def test_an_unknown_derivation_parameter_is_an_error():
    import pytest

    from migkg.core.errors import QueryError

    with pytest.raises(QueryError, match="min_share"):
        derive(kg_with(FIXTURES / "cq" / "world" / "base.ttl"), QueryCatalog(PROJECT), params={"min_share": "5"})


def test_derived_roles_conform_to_the_role_shape():
    """Validation runs before derivation, so the derived attributions are checked here against the shapes."""
    from migkg.steps.validate import shacl_violations

    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(kg, QueryCatalog(PROJECT))
    assert _roles(kg)
    assert [v for v in shacl_violations(kg, PROJECT.shapes_file) if "migration-role-attribution/derived" in v.node] == []
