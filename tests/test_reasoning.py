"""OWL 2 DL reasoning: HermiT and the build's SPARQL path agree on the defined classes of the
real graph; specific states are classified as the data says; a contradiction is explained."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from migkg.steps.derive import derive
from migkg.steps.owl import java_available
from migkg.core.queries import QueryCatalog
from migkg.steps.reason import Inconsistent, reason, sparql_members
from migkg.core.store import KnowledgeGraph

from support import FIXTURES, PROJECT, kg_with

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

needs_java = pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime, and none is on PATH")
S = "https://w3id.org/migkg/id/state/"


@pytest.fixture(scope="module")
def sparql_path():
    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    return sparql_members(kg, QueryCatalog(PROJECT))


def test_build_path_classifies_real_states(sparql_path):
    assert S + "CHN" in sparql_path["PartyToBothRefugeeInstruments"]
    assert S + "USA" in sparql_path["PartyToRefugeeProtocolOnly"]  # acceded to the 1967 Protocol only
    assert S + "MDG" in sparql_path["PartyToRefugeeConventionOnly"]  # Madagascar: 1951 Convention only
    assert S + "IDN" in sparql_path["ForumMemberWithoutRefugeeObligation"]  # Bali Process co-chair
    assert S + "AUS" not in sparql_path["ForumMemberWithoutRefugeeObligation"]
    assert S + "USA" not in sparql_path["PartyToBothRefugeeInstruments"]


@needs_java
@pytest.mark.java
def test_hermit_agrees_with_the_build(sparql_path):
    # Also the project's consistency check: reason() raises Inconsistent if HermiT finds the
    # ontology and data (derived facts included) inconsistent. One HermiT run over the real graph
    # takes about a minute, so the suite makes only this one.
    result = reason(PROJECT)
    assert result.members == sparql_path


@needs_java
@pytest.mark.java
def test_contradiction_is_reported_with_the_individuals_and_axiom():
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    # Aland is party to V-99 by its 1992 ratification; asserting the opposite contradicts
    # owl:propertyDisjointWith between partyTo and notPartyTo.
    bad = ox.Triple(
        ox.NamedNode(S + "AAA"),
        ox.NamedNode("https://w3id.org/migkg/ontology#notPartyTo"),
        ox.NamedNode("https://w3id.org/migkg/id/instrument/V-99"),
    )
    with pytest.raises(Inconsistent) as e:
        reason(PROJECT, kg=kg, extra_triples=[bad])
    assert ("disjoint-properties", S + "AAA") in {(rule, node) for rule, node, _ in e.value.explanations}
    assert any("propertyDisjointWith" in message for _, _, message in e.value.explanations)


@pytest.mark.parametrize("rule", ["disjoint-classes", "disjoint-properties", "functional-property"])
def test_each_explanation_query_fires_on_its_bad_example(rule):
    from migkg.steps.reason import explain

    kg = kg_with(FIXTURES / "reason" / f"{rule}.ttl")
    assert any(r == rule and n.startswith("https://w3id.org/migkg/id/test/") for r, n, _ in explain(kg, QueryCatalog(PROJECT)))
    clean = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    assert [x for x in explain(clean, QueryCatalog(PROJECT)) if x[0] == rule] == []
