"""The generated vocabulary module (src/migkg/core/vocab.py): in step with the ontology, closed, and
naming every migkg: term the project's queries, shapes and graph data use.

`pytest --regenerate` rewrites vocab.py from the ontology instead of comparing; review the diff
before committing.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import OWL, RDF, SKOS

from migkg.core import vocabgen
from migkg.core.project import ID_NS, ONTOLOGY_NS, PREFIXES
from migkg.core.vocab import ACTION_KIND, ARRANGEMENT_STATUS, MIGKG, SCHEMES

from support import ROOT

ONTOLOGY = ROOT / "ontology" / "migkg.ttl"
VOCABULARIES = ROOT / "ontology" / "vocabularies.ttl"


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def vocabularies() -> rdflib.Graph:
    return rdflib.Graph().parse(VOCABULARIES, format="turtle")


def declared_terms(g: rdflib.Graph) -> set[rdflib.URIRef]:
    """The ontology's terms, read from the file here rather than from the generator."""
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual)
    terms = {s for k in kinds for s in g.subjects(RDF.type, k)}
    return {s for s in terms if isinstance(s, rdflib.URIRef) and s.startswith(ONTOLOGY_NS)}


def test_vocab_module_is_generated_from_the_current_ontology(regenerate):
    expected = vocabgen.generate(ONTOLOGY, VOCABULARIES)
    if regenerate:  # the module is written by the generator, never edited by hand
        vocabgen.write(ROOT)
        return
    committed = vocabgen.target(ROOT).read_text(encoding="utf-8")
    assert committed == expected, (
        "src/migkg/core/vocab.py is out of step with ontology/migkg.ttl or ontology/vocabularies.ttl: "
        "run `python -m migkg.core.vocabgen` (or `pytest --regenerate`) and commit the result"
    )


def test_a_declared_term_is_its_iri_and_a_misspelt_one_fails(ontology, vocabularies):
    state = rdflib.URIRef(ONTOLOGY_NS + "State")
    assert (state, RDF.type, OWL.Class) in ontology  # a real term, as the file declares it
    assert (rdflib.URIRef(ONTOLOGY_NS + "actionKind"), RDF.type, OWL.ObjectProperty) in ontology
    assert MIGKG.State == state and MIGKG["State"] == state
    assert MIGKG.actionKind == rdflib.URIRef(ONTOLOGY_NS + "actionKind")
    assert state in MIGKG and rdflib.URIRef(ONTOLOGY_NS + "Stat") not in MIGKG
    with pytest.raises(AttributeError, match="Stat"):
        MIGKG.Stat
    with pytest.raises(AttributeError):
        MIGKG["actionkind"]

    ratification = rdflib.URIRef(ID_NS + "action-kind/ratification")
    assert (ratification, SKOS.inScheme, rdflib.URIRef(ID_NS + "action-kind")) in vocabularies
    assert ACTION_KIND.ratification == ratification
    in_force = rdflib.URIRef(ID_NS + "arrangement-status/in-force")
    assert (in_force, RDF.type, SKOS.Concept) in vocabularies
    assert ARRANGEMENT_STATUS["in-force"] == in_force
    with pytest.raises(AttributeError):
        ACTION_KIND.ratifcation
    with pytest.raises(AttributeError):
        ARRANGEMENT_STATUS.in_force  # the key is the IRI's local name, hyphen and all
    assert ox.NamedNode(ACTION_KIND.ratification).value == str(ratification)  # the bridge to pyoxigraph


def test_every_declared_term_and_only_those_are_in_the_namespace(ontology):
    declared = declared_terms(ontology)
    assert len(declared) > 100
    for term in declared:
        name = term.removeprefix(ONTOLOGY_NS)
        assert MIGKG[name] == term
        if vocabgen.attribute_name(name):
            assert getattr(MIGKG, name) == term
    listed = {MIGKG[n] for n in (*MIGKG.__annotations__, *MIGKG._extras) if not n.startswith("_")}
    assert listed == declared


def test_every_concept_scheme_has_a_closed_namespace_of_its_concepts(vocabularies):
    schemes = set(vocabularies.subjects(RDF.type, SKOS.ConceptScheme))
    assert set(SCHEMES) == schemes
    for scheme, ns in SCHEMES.items():
        concepts = set(vocabularies.subjects(SKOS.inScheme, scheme))
        assert concepts, scheme
        assert {ns[n] for n in (*ns.__annotations__, *ns._extras) if not n.startswith("_")} == concepts
        for c in concepts:
            assert c in ns
            assert ns[str(vocabularies.value(c, SKOS.notation))] == c  # the notation is the key


# --- every migkg: term the project uses is declared ---------------------------------------------

# Just enough of SPARQL's lexical grammar to find IRIs and prefixed names outside strings and comments.
_SPARQL_TOKEN = re.compile(
    r'(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|' r"'''(?:[^'\\]|\\.|'(?!''))*''')"
    r'|(?P<string>"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*')"
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<prefix>(?i:PREFIX)\s+(?P<pfx>[A-Za-z][\w.-]*)?:\s*<(?P<ns>[^<>\s]*)>)"
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?<![\w?$:])(?P<p>[A-Za-z](?:[\w.-]*\w)?)?:(?P<local>[\w-](?:[\w.-]*[\w-])?)?"
)


def sparql_terms(text: str) -> set[str]:
    """The IRIs in the ontology's namespace a SPARQL text names, in full or by a prefixed name."""
    prefixes = dict(PREFIXES)  # a prefix the query does not declare would be read as the project's
    found = set()
    for m in _SPARQL_TOKEN.finditer(text):
        if m["prefix"]:
            prefixes[m["pfx"] or ""] = m["ns"]
        elif m["iri"]:
            found.add(m["iri"][1:-1])
        elif m["local"] is not None:
            ns = prefixes.get(m["p"] or "")
            if ns is not None:
                found.add(ns + m["local"])
    return {t for t in found if t.startswith(ONTOLOGY_NS)}


def turtle_terms(path: Path) -> set[str]:
    found = set()
    for quad in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
        for t in (quad.subject, quad.predicate, quad.object):
            if isinstance(t, ox.Literal):
                t = t.datatype
            if isinstance(t, ox.NamedNode) and t.value.startswith(ONTOLOGY_NS):
                found.add(t.value)
    return found


def test_the_sparql_scanner_reads_prefixes_iris_and_skips_strings_and_comments():
    text = (
        "PREFIX m: <https://w3id.org/migkg/ontology#>\nPREFIX : <https://w3id.org/migkg/ontology#>\n"
        "# m:InAComment\nSELECT * { ?s a m:State ; :date ?d ; <https://w3id.org/migkg/ontology#count> 3 .\n"
        '  FILTER(?d < "m:InAString" && STR(?s) != """m:InALongString""") ?s migkg:member ?x . }'
    )
    assert sparql_terms(text) == {ONTOLOGY_NS + n for n in ("State", "date", "count", "member")}


def test_every_migkg_term_used_in_queries_shapes_and_graph_is_declared():
    uses: dict[str, set[str]] = defaultdict(set)
    queries = sorted((ROOT / "queries").rglob("*.rq"))
    turtle = [ROOT / "ontology" / "shapes.ttl", *sorted((ROOT / "graph").rglob("*.ttl"))]
    assert queries and len(turtle) > 1
    for q in queries:
        for term in sparql_terms(q.read_text(encoding="utf-8")):
            uses[term].add(str(q.relative_to(ROOT)))
    for f in turtle:
        for term in turtle_terms(f):
            uses[term].add(str(f.relative_to(ROOT)))
    assert len(uses) > 50  # the scan finds the terms in use
    undeclared = {t: sorted(files) for t, files in sorted(uses.items()) if rdflib.URIRef(t) not in MIGKG}
    assert not undeclared, f"migkg: terms used but not declared in ontology/migkg.ttl: {undeclared}"


def test_names_that_are_no_attribute_are_extras_and_undeclared_uses_are_listed(tmp_path):
    (tmp_path / "o.ttl").write_text(
        "@prefix : <https://w3id.org/migkg/ontology#> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        ':Thing a owl:Class ; rdfs:label "a\\nthing"@en , "ein Ding"@de ; rdfs:subClassOf :Used .\n'
        ":class a owl:Class . :in-force a owl:Class . :mro a owl:ObjectProperty .\n"
        ':p a owl:DatatypeProperty ; rdfs:comment """first line\n second line""" .\n',
        encoding="utf-8",
    )
    (tmp_path / "v.ttl").write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/migkg/id/some-kind> a skos:ConceptScheme .\n"
        "<https://w3id.org/migkg/id/some-kind/a-b> a skos:Concept ; "
        "skos:inScheme <https://w3id.org/migkg/id/some-kind> .\n",
        encoding="utf-8",
    )
    source = vocabgen.generate(tmp_path / "o.ttl", tmp_path / "v.ttl")
    assert source == vocabgen.generate(tmp_path / "o.ttl", tmp_path / "v.ttl")
    assert "    Thing: URIRef  # a thing\n" in source  # the English label, on one line
    assert "    p: URIRef  # first line\n" in source
    assert "    # Used in the ontology but not declared there: 1\n    Used: URIRef\n" in source
    module: dict = {}
    exec(compile(source, "vocab.py", "exec"), module)
    ns, kind = module["MIGKG"], module["SOME_KIND"]
    assert set(ns._extras) == {"class", "in-force", "mro"}
    assert ns["class"] == rdflib.URIRef(ONTOLOGY_NS + "class") and ns["mro"] == rdflib.URIRef(ONTOLOGY_NS + "mro")
    assert ns.Thing == rdflib.URIRef(ONTOLOGY_NS + "Thing")
    assert kind["a-b"] == rdflib.URIRef(ID_NS + "some-kind/a-b")
    assert module["SCHEMES"][rdflib.URIRef(ID_NS + "some-kind")] is kind
    with pytest.raises(AttributeError):
        ns.Thin
