"""Derivations: the CONSTRUCT queries in queries/construct/, run in file-name order."""

from __future__ import annotations

from ..core.queries import QueryCatalog
from ..core.store import KnowledgeGraph


def derive(kg: KnowledgeGraph, catalog: QueryCatalog, skip: frozenset[str] = frozenset()) -> dict[str, int]:
    """Add every derivation's triples to the derived graph (but those named in `skip`); counts per derivation."""
    counts = {}
    for rule in catalog.constructs():
        if rule.name in skip:
            continue
        counts[rule.name] = kg.add_derived(list(kg.query(rule.text)))
    if not skip:
        kg.derived_counts = counts
    return counts
