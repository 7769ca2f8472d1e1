"""OWL 2 DL reasoning with owlready2 and HermiT: consistency, and the defined classes.

The build derives the same class memberships with SPARQL (queries/construct/40-defined-classes.rq)
so that it never needs Java; `migkg reason` checks them with a real DL reasoner.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pyoxigraph as ox

from .derive import derive
from ..core.errors import MigkgError
from .owl import java_available, load_world
from ..core.project import ONTOLOGY_NS, Project
from ..core.queries import QueryCatalog
from ..core.results import Table
from ..core.store import KnowledgeGraph

# ?class is selected so that it can be bound (Oxigraph binds only variables a query selects).
MEMBERS = "SELECT ?s ?class WHERE { ?s a ?class }"

SPARQL_PATH_RULE = "40-defined-classes"


class Inconsistent(MigkgError):
    exit_code = 1

    def __init__(self, explanations: list[tuple[str, str, str]]):
        super().__init__(
            "the ontology and graph are inconsistent (HermiT)",
            hint="fix the resources named above; each line names the axiom they violate",
        )
        self.explanations = explanations

    def details(self) -> list[str]:
        return [f"[{rule}] {node}: {message}" for rule, node, message in self.explanations]


@dataclass
class ReasoningResult:
    members: dict[str, set[str]]  # defined class name -> individual IRIs
    seconds: dict[str, float] = field(default_factory=dict)


def defined_classes(kg: KnowledgeGraph, catalog: QueryCatalog) -> list[ox.NamedNode]:
    """The ontology's defined classes, read from its axioms (queries/lookup/defined-classes.rq)."""
    return [row["class"] for row in kg.query(catalog.get("lookup/defined-classes").text)]


def local_name(iri: ox.NamedNode) -> str:
    return iri.value.removeprefix(ONTOLOGY_NS)


def sparql_members(kg: KnowledgeGraph, catalog: QueryCatalog) -> dict[str, set[str]]:
    """Defined-class memberships as the build's SPARQL path computes them."""
    return {
        local_name(c): {r["s"].value for r in kg.query(MEMBERS, {"class": c})} for c in defined_classes(kg, catalog)
    }


def explain(kg: KnowledgeGraph, catalog: QueryCatalog) -> list[tuple[str, str, str]]:
    """Run the diagnostic queries in queries/reason/: (rule, node, message) for each clash found."""
    found = []
    for q in catalog.folder("reason"):
        for r in kg.query(q.text):
            found.append((q.name.removesuffix("-clash"), r["node"].value, r["message"].value))
    return sorted(set(found))


def compare(hermit: ReasoningResult, sparql: dict[str, set[str]]) -> Table:
    """Each defined class with its members by HermiT, and whether the build's SPARQL path found the same."""
    rows = []
    for name, members in hermit.members.items():
        codes = sorted(m.rsplit("/", 1)[-1] for m in members)
        same = members == sparql.get(name, set())
        agree = "yes" if same else f"no ({len(sparql.get(name, set()))} by SPARQL)"
        rows.append([name, str(len(members)), agree, " ".join(codes)])
    return Table(["class", "members", "same as build", "states"], rows)


STATISTICAL_ROLES_RULE = "50-migration-roles-from-statistics"


def reason(project: Project, kg: KnowledgeGraph | None = None, extra_triples=()) -> ReasoningResult:
    catalog = QueryCatalog(project)
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
    # Nor are the roles derived from statistics given to it: some 900 attributions of one shape
    # (checked against the SHACL shape by tests/test_derivations.py) that no defined class reads,
    # and which doubled HermiT's time (86 s to 162 s).
    derive(kg, catalog, skip=frozenset({SPARQL_PATH_RULE, STATISTICAL_ROLES_RULE}))
    triples = kg.triples() + list(extra_triples)  # the reasoner's view leaves the observations out (owl.py)
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
        raise Inconsistent(explain(extra_kg, catalog)) from None
    seconds["HermiT"] = time.perf_counter() - t0
    members = {}
    for c in defined_classes(kg, catalog):
        cls = world[c.value]
        members[local_name(c)] = {i.iri for i in cls.instances()} if cls is not None else set()
    return ReasoningResult(members, seconds)
