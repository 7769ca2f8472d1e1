"""SHACL shapes: one for every class, each bad example violates the constraint it names."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from migkg.core.project import ONTOLOGY_NS
from migkg.steps.validate import shacl_violations

from support import FIXTURES, PROJECT, kg_with

SHAPE_CASES = sorted((FIXTURES / "shapes").glob("*.ttl"))


def expected_component(path) -> str:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), path
    return first.removeprefix("# expect: ").strip()


def test_every_class_has_a_shape():
    onto = rdflib.Graph()
    for f in PROJECT.ontology_files():
        onto.parse(f)
    shapes = rdflib.Graph().parse(PROJECT.shapes_file)
    targeted = set(shapes.objects(None, SH.targetClass))
    missing = []
    for cls in onto.subjects(RDF.type, OWL.Class):
        if not str(cls).startswith(ONTOLOGY_NS):
            continue
        # A class is covered by its own shape or by one of a superclass.
        chain = {cls} | set(onto.transitive_objects(cls, RDFS.subClassOf))
        if not chain & targeted:
            missing.append(str(cls))
    assert not missing, f"classes without a SHACL shape: {missing}"


@pytest.mark.parametrize("case", SHAPE_CASES, ids=lambda p: p.stem)
def test_shape_case(case):
    expected = expected_component(case)
    found = shacl_violations(kg_with(case), PROJECT.shapes_file)
    if expected == "nothing":
        assert found == []
    else:
        assert found, f"{case.name}: no SHACL violation"
        assert f"shacl {expected}" in {v.rule for v in found}, found


def test_no_shape_reaches_a_statistical_observation(project_kg):
    """pySHACL is given the graph without its observations (steps/validate.py); that is only sound
    while no shape targets them, by class or by a property they use."""
    shapes = rdflib.Graph().parse(PROJECT.shapes_file)
    qb = "http://purl.org/linked-data/cube#"
    observation_props = {
        r["p"].value
        for r in project_kg.query(f"SELECT DISTINCT ?p WHERE {{ ?o a <{qb}Observation> ; ?p ?v }}")
    }
    assert observation_props  # the graph has observations, so the test means something
    assert rdflib.URIRef(qb + "Observation") not in set(shapes.objects(None, SH.targetClass))
    for target in (SH.targetSubjectsOf, SH.targetObjectsOf):
        assert not {str(p) for p in shapes.objects(None, target)} & observation_props
    assert not [n for n in shapes.objects(None, SH.targetNode) if str(n).startswith("https://w3id.org/migkg/id/observation/")]
