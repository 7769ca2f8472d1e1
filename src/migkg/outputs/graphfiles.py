"""The merged graph as files: Turtle, N-Triples and JSON-LD, all in one stable order."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..core.project import PREFIXES
from ..core.store import KnowledgeGraph

GRAPH_OUTPUTS = {
    "migkg.ttl": ox.RdfFormat.TURTLE,
    "migkg.nt": ox.RdfFormat.N_TRIPLES,
    "migkg.jsonld": ox.RdfFormat.JSON_LD,
}


def write_graph_files(kg: KnowledgeGraph, folder: Path) -> int:
    """Write the graph in every format of GRAPH_OUTPUTS into `folder`; return the triple count."""
    nt = kg.ntriples()
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    for name, fmt in GRAPH_OUTPUTS.items():
        if fmt == ox.RdfFormat.N_TRIPLES:
            (folder / name).write_bytes(nt)  # already sorted N-Triples
        else:
            ox.serialize(triples, folder / name, format=fmt, prefixes=PREFIXES)
    return len(triples)
