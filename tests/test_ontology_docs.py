"""The ontology's documentation (dist/ontology/): pyLODE's pages in English and Chinese carry each
class's label in that language, the vocabulary page lists every SKOS term, and nothing is loaded."""

from __future__ import annotations

import html
import logging

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from migkg.outputs.ontodocs import _pylode

from support import PROJECT


@pytest.fixture(scope="module")
def docs(project_site):
    return project_site / "ontology"


def _labels(kind, lang: str) -> dict[str, str]:
    g = rdflib.Graph().parse(PROJECT.ontology_dir / "migkg.ttl")
    return {str(s): str(o) for s in g.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)
            for o in g.objects(s, RDFS.label) if o.language == lang}


@pytest.mark.parametrize("lang,page", [("en", "index.html"), ("zh", "index.zh.html")])
def test_each_language_page_names_every_class_and_property_in_that_language(docs, lang, page):
    text = html.unescape((docs / page).read_text(encoding="utf-8"))
    for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty):
        labels = _labels(kind, lang)
        assert labels, kind
        missing = {iri: label for iri, label in labels.items() if label not in text}
        assert not missing, missing
    other = "条约行动" if lang == "en" else "treaty action"
    assert f">{other}<" not in text  # the other language's labels are left out, not run together
    assert f'<html lang="{lang}">' in text


def test_the_vocabulary_page_lists_every_concept_with_both_labels(docs):
    g = rdflib.Graph().parse(PROJECT.ontology_dir / "vocabularies.ttl")
    text = html.unescape((docs / "vocabularies.html").read_text(encoding="utf-8"))
    concepts = list(g.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) > 50
    for c in concepts:
        assert str(g.value(c, SKOS.notation)) in text
        for label in g.objects(c, SKOS.prefLabel):
            assert str(label) in text, (c, label)
    for scheme in g.subjects(RDF.type, SKOS.ConceptScheme):
        assert str(scheme) in text


def test_the_ontology_files_are_published_beside_the_pages(docs):
    for name in ("migkg.ttl", "vocabularies.ttl", "shapes.ttl"):
        assert (docs / name).read_bytes() == (PROJECT.ontology_dir / name).read_bytes()


def test_importing_pylode_leaves_the_logging_setup_alone():
    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    _pylode()
    assert (list(root.handlers), root.level) == before
