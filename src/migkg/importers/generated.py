"""Writing importer output: sorted, prefixed Turtle, marked as generated, replaced atomically."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_text_atomic
from ..project import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype if ":" not in datatype else datatype))
    return ox.Literal(value)


def turtle_text(triples: list[ox.Triple], header: list[str]) -> str:
    """Turtle with a '# GENERATED' header; triples sorted so a re-run gives identical bytes."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    used = {p: ns for p, ns in PREFIXES.items()}
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    lines = [f"# {h}" if h else "#" for h in header]
    return "\n".join(lines) + "\n\n" + body


def write_generated(path: Path, triples: list[ox.Triple], header: list[str]) -> None:
    write_text_atomic(path, turtle_text(triples, header))
