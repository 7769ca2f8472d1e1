"""The ontology: metadata, bilingual labels and definitions, owlready2 loading, HermiT consistency."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from migkg.steps.owl import check_consistency, java_available, load_world
from migkg.core.project import ONTOLOGY_NS

from support import PROJECT

ONTOLOGY_IRI = rdflib.URIRef("https://w3id.org/migkg/ontology")


@pytest.fixture(scope="module")
def onto() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in PROJECT.ontology_files():
        g.parse(f)
    return g


def own_terms(g: rdflib.Graph):
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted({s for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(ONTOLOGY_NS)})


def test_ontology_metadata(onto):
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.creator, DCTERMS.license, OWL.versionIRI, OWL.versionInfo):
        assert onto.value(ONTOLOGY_IRI, prop) is not None, f"ontology lacks {prop}"
    version = str(onto.value(ONTOLOGY_IRI, OWL.versionInfo))
    assert str(onto.value(ONTOLOGY_IRI, OWL.versionIRI)).endswith(version), "versionIRI and versionInfo disagree"


def test_terms_cover_the_model(onto):
    names = {str(t).removeprefix(ONTOLOGY_NS) for t in own_terms(onto)}
    for expected in (
        "State",
        "InternationalOrganization",
        "Convention",
        "Protocol",
        "NonBindingInstrument",
        "TreatyAction",
        "StatementOnAction",
        "RegionalConsultativeProcess",
        "InterRegionalForum",
        "Membership",
        "Arrangement",
        "ArrangementParty",
        "StatusChange",
        "Transfer",
        "Source",
    ):
        assert expected in names


def test_every_term_has_english_and_chinese_label_and_definition(onto):
    terms = own_terms(onto)
    assert len(terms) > 50
    for t in terms:
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in onto.objects(t, prop) if isinstance(o, rdflib.Literal)}
            assert {"en", "zh"} <= langs, f"{t} lacks an English or Chinese {prop}"


def test_every_concept_has_bilingual_label_and_notation(onto):
    concepts = list(onto.subjects(RDF.type, SKOS.Concept))
    assert concepts
    for c in concepts:
        langs = {o.language for o in onto.objects(c, RDFS.label)}
        assert {"en", "zh"} <= langs, c
        assert onto.value(c, SKOS.notation) is not None, c


def test_loads_in_owlready2(project_kg):
    world = load_world(project_kg.triples())
    names = {c.name for c in world.classes()}
    assert {"State", "TreatyAction", "Membership", "Transfer"} <= names


@pytest.mark.java
@pytest.mark.skipif(not java_available(), reason="HermiT needs a Java runtime, and none is on PATH")
def test_hermit_detects_an_inconsistency(project_kg):
    """A resource typed both State and InternationalOrganization (declared disjoint) must be caught."""
    import owlready2
    import pyoxigraph as ox

    bad = ox.NamedNode("https://w3id.org/migkg/id/test/both")
    rdf_type = ox.NamedNode(str(RDF.type))
    extra = [
        ox.Triple(bad, rdf_type, ox.NamedNode(ONTOLOGY_NS + "State")),
        ox.Triple(bad, rdf_type, ox.NamedNode(ONTOLOGY_NS + "InternationalOrganization")),
    ]
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        check_consistency(project_kg.triples() + extra)


def test_no_axiom_constrains_a_statistical_observation(project_kg):
    """HermiT is given the graph without its observations (steps/reason.py): sound only while the
    ontology says nothing about them beyond declarations and annotations. So no ontology triple
    has a property or class the observations use as its object, and as subject only these."""
    import rdflib

    allowed = {str(rdflib.RDF.type), str(rdflib.RDFS.label), str(rdflib.RDFS.comment),
               "http://www.w3.org/2004/02/skos/core#definition",
               "http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure"}
    used = {r["p"].value for r in project_kg.query(
        "SELECT DISTINCT ?p WHERE { ?o a <http://purl.org/linked-data/cube#Observation> ; ?p ?v }")}
    used |= {r["c"].value for r in project_kg.query(
        "SELECT DISTINCT ?c WHERE { ?o a <http://purl.org/linked-data/cube#Observation> ; a ?c }")}
    assert len(used) > 5
    onto = rdflib.Graph()
    for f in PROJECT.ontology_files():
        onto.parse(f)
    for term in used:
        ref = rdflib.URIRef(term)
        assert {str(p) for p, _ in onto.predicate_objects(ref)} <= allowed, term
        assert not [s for s, p in onto.subject_predicates(ref) if p != rdflib.RDF.type], term
