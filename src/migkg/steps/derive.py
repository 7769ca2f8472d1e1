"""Derivations: the CONSTRUCT queries in queries/construct/, run in file-name order."""

from __future__ import annotations

import pyoxigraph as ox

from ..core import ids
from ..core.errors import QueryError
from ..core.queries import QueryCatalog
from ..core.store import KnowledgeGraph


PARAMETER_GRAPH = ox.NamedNode("https://w3id.org/migkg/graph/parameters")
RDF_VALUE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#value")


def derive(
    kg: KnowledgeGraph, catalog: QueryCatalog, skip: frozenset[str] = frozenset(), params: dict[str, str] | None = None
) -> dict[str, int]:
    """Add every derivation's triples to the derived graph (but those named in `skip`); counts per derivation.

    A derivation may declare parameters (thresholds) with defaults; `params` sets them by name for
    every derivation that declares one of that name. A name no derivation declares is an error.
    """
    params = params or {}
    declared = {p.name for rule in catalog.constructs() for p in rule.params}
    unknown = sorted(set(params) - declared)
    if unknown:
        raise QueryError(f"no derivation has the parameter {', '.join(unknown)}",
                         hint=f"the derivations' parameters are: {', '.join(sorted(declared)) or 'none'}")
    counts = {}
    for rule in catalog.constructs():
        if rule.name in skip:
            continue
        bound = rule.bind({k: v for k, v in params.items() if k in {p.name for p in rule.params}})
        # A CONSTRUCT has no projection for Oxigraph's substitutions to bind, so the values reach
        # the query as data: <id/parameter/NAME> rdf:value V, in a named graph of their own that
        # is removed afterwards (as the claims engine states its evaluation date).
        quads = [ox.Quad(ids.of("parameter", name), RDF_VALUE, value, PARAMETER_GRAPH) for name, value in bound.items()]
        kg.store.extend(quads)
        try:
            counts[rule.name] = kg.add_derived(list(kg.query(rule.text)))
        finally:
            for q in quads:
                kg.store.remove(q)
    if not skip:
        kg.derived_counts = counts
    return counts
