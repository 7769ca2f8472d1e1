"""OWL 2 DL reasoning with owlready2 and HermiT: consistency, and the defined classes.

The build derives the same class memberships with SPARQL (queries/construct/40-defined-classes.rq)
so that it never needs Java; `migkg reason` checks them with a real DL reasoner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .derive import derive
from ..core.errors import MigkgError
from .owl import java_available, load_world
from ..core.project import ONTOLOGY_NS, Project
from ..core.queries import QueryCatalog
from ..core.store import KnowledgeGraph

DEFINED = [
    "PartyToBothRefugeeInstruments",
    "PartyToRefugeeConventionOnly",
    "PartyToRefugeeProtocolOnly",
    "SignatoryWithoutConsent",
    "ForumMemberWithoutRefugeeObligation",
    "ReceivingStateNotPartyToRefugeeConvention",
]
SPARQL_PATH_RULE = "40-defined-classes"


class Inconsistent(MigkgError):
    exit_code = 1

    def __init__(self, explanations: list[tuple[str, str, str]]):
        super().__init__(
            "the ontology and graph are inconsistent (HermiT)",
            hint="fix the resources named above; each line names the axiom they violate",
        )
        self.explanations = explanations


@dataclass
class ReasoningResult:
    members: dict[str, set[str]]  # defined class name -> individual IRIs
    seconds: dict[str, float] = field(default_factory=dict)


def sparql_members(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Defined-class memberships as the build's SPARQL path computes them."""
    out = {}
    for name in DEFINED:
        rows = kg.query(f"SELECT ?s WHERE {{ ?s a <{ONTOLOGY_NS}{name}> }}")
        out[name] = {r["s"].value for r in rows}
    return out


def explain(kg: KnowledgeGraph, project: Project) -> list[tuple[str, str, str]]:
    """Run the diagnostic queries in queries/reason/: (rule, node, message) for each clash found."""
    found = []
    for path in sorted((project.queries_dir / "reason").glob("*-clash.rq")):
        for r in kg.query(path.read_text(encoding="utf-8")):
            found.append((path.stem.removesuffix("-clash"), r["node"].value, r["message"].value))
    return sorted(set(found))


def reason(project: Project, kg: KnowledgeGraph | None = None, extra_triples=()) -> ReasoningResult:
    if not java_available():
        raise MigkgError(
            "HermiT needs a Java runtime, and none is on PATH", hint="install Java 11 or newer (e.g. openjdk-17-jre)"
        )
    import owlready2

    seconds = {}
    t0 = time.perf_counter()
    if kg is None:
        kg = KnowledgeGraph.from_project(project)
    # The reasoner infers the defined classes itself: the SPARQL path's answers are left out.
    derive(kg, QueryCatalog(project), skip=frozenset({SPARQL_PATH_RULE}))
    triples = kg.triples() + list(extra_triples)
    seconds["load and derive"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    world = load_world(triples)
    seconds["owlready2 load"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        extra_kg = KnowledgeGraph()
        extra_kg.store.extend(kg.store)
        if extra_triples:
            extra_kg.add_derived(extra_triples)
        raise Inconsistent(explain(extra_kg, project)) from None
    seconds["HermiT"] = time.perf_counter() - t0
    members = {}
    for name in DEFINED:
        cls = world[ONTOLOGY_NS + name]
        members[name] = {i.iri for i in cls.instances()} if cls is not None else set()
    return ReasoningResult(members, seconds)
