"""Handing the graph to owlready2 and HermiT.

HermiT only accepts datatypes of the OWL 2 datatype map, which leaves out xsd:date,
xsd:gYearMonth, xsd:gYear and xsd:duration. For reasoning, the dates are rewritten as
xsd:dateTime at midnight and durations as plain strings; no axiom of the ontology constrains
their values, so this changes no inference.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox

from ..core import ids

XSD = "http://www.w3.org/2001/XMLSchema#"
_DATETIME = ox.NamedNode(XSD + "dateTime")


def java_available() -> bool:
    return shutil.which("java") is not None


def _reasoner_term(term: ox.Term) -> ox.Term:
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "date":
        return ox.Literal(term.value[:10] + "T00:00:00", datatype=_DATETIME)
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "gYear":
        return ox.Literal(term.value[:4] + "-01-01T00:00:00", datatype=_DATETIME)
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "gYearMonth":
        return ox.Literal(term.value[:7] + "-01T00:00:00", datatype=_DATETIME)
    if isinstance(term, ox.Literal) and term.datatype.value == XSD + "duration":
        return ox.Literal(term.value)  # outside the datatype map too; no axiom reads it
    return term


def write_reasoner_view(triples: list[ox.Triple], path: Path) -> None:
    """N-Triples (which owlready2 reads) with dates mapped into the OWL 2 datatype map, and
    without the statistical observations.

    Observations entail nothing: no axiom of the ontology names a Data Cube term or gives a
    measure a domain, range or characteristic (tests/test_ontology.py keeps it so). Left in, their
    ~90,000 triples kept HermiT busy for more than a quarter of an hour.
    """
    mapped = [
        ox.Triple(t.subject, t.predicate, _reasoner_term(t.object))
        for t in triples
        if not t.subject.value.startswith(ids.OBSERVATIONS)
    ]
    ox.serialize(mapped, path, format=ox.RdfFormat.N_TRIPLES)


def load_world(triples: list[ox.Triple]):
    """An owlready2 World holding the given triples."""
    import owlready2

    world = owlready2.World()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "migkg.nt"
        write_reasoner_view(triples, path)
        world.get_ontology(path.as_uri()).load(format="ntriples")
    return world


def check_consistency(triples: list[ox.Triple]) -> None:
    """Run HermiT; raises owlready2.OwlReadyInconsistentOntologyError if inconsistent."""
    import owlready2

    world = load_world(triples)
    owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
