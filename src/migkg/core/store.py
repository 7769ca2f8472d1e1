"""The embedded store: ontology and graph files loaded into pyoxigraph, one named graph per file."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import QueryError
from .project import ONTOLOGY_NS, Project
from .rdfio import IllTypedLiteral, file_graph_iri, ill_typed_literals, read_quads
from .sparql_safety import check_outbound

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
DERIVED_GRAPH = ox.NamedNode("https://w3id.org/migkg/graph/derived")
ONTOLOGY = ox.NamedNode(ONTOLOGY_NS[:-1])  # the ontology's own IRI: its namespace without the '#'
OWL_VERSION_IRI = ox.NamedNode("http://www.w3.org/2002/07/owl#versionIRI")
# For export: the triples of all files, split by whether they hold a blank node.
_WITHOUT_BLANKS = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(!isBlank(?s) && !isBlank(?o)) }"
_WITH_BLANKS = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) }"


class KnowledgeGraph:
    """An in-memory pyoxigraph store that remembers which file each triple came from."""

    def __init__(self) -> None:
        self.store = ox.Store()
        self.files: dict[str, Path] = {}  # named-graph IRI -> file
        self.ill_typed: list[IllTypedLiteral] = []
        self.derived_counts: dict[str, int] | None = None  # set once every derivation has run (steps.derive)

    # --- loading -----------------------------------------------------------

    def load_file(self, path: Path) -> int:
        quads = read_quads(path)
        self.ill_typed += ill_typed_literals(path, quads)
        self.files[file_graph_iri(path).value] = path
        self.store.extend(quads)
        return len(quads)

    def load_files(self, paths: Iterable[Path]) -> int:
        return sum(self.load_file(p) for p in paths)

    @classmethod
    def from_project(cls, project: Project, extra: Iterable[Path] = ()) -> "KnowledgeGraph":
        kg = cls()
        kg.load_files(project.ontology_files())
        kg.load_files(project.graph_files())
        kg.load_files(extra)
        return kg

    # --- querying ----------------------------------------------------------

    def query(
        self, text: str, bindings: Mapping[str, ox.Term] | None = None, allow_outbound: bool | Iterable[str] = False
    ):
        """Run SPARQL over the union of all loaded files; parameters are bound, never pasted."""
        check_outbound(text, allow=allow_outbound)
        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self.store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        except SyntaxError as e:
            raise QueryError(f"the query is not valid SPARQL: {e}") from None
        except RuntimeError as e:  # Oxigraph: a bound variable that the query does not select
            raise QueryError(
                f"a parameter cannot be bound: {e}",
                hint="a parameter declared in the query's header must be a variable the query selects",
            ) from None
        except OSError as e:  # reading the store, or an allowed SERVICE that failed
            raise QueryError(f"the query failed: {e}") from None

    def ontology_version(self) -> str:
        """The migkg ontology's owl:versionIRI in this graph, or "" if it has none."""
        for q in self.store.quads_for_pattern(ONTOLOGY, OWL_VERSION_IRI, None):
            return q.object.value
        return ""

    def add_derived(self, triples: Iterable[ox.Triple]) -> int:
        quads = [ox.Quad(t.subject, t.predicate, t.object, DERIVED_GRAPH) for t in triples]
        self.store.extend(quads)
        return len(quads)

    def files_of(self, node: str, predicate: ox.Term | None = None, obj: ox.Term | None = None) -> list[Path]:
        """The files in which a node appears as a subject (of the given predicate and object, if any)."""
        subject = ox.BlankNode(node[2:]) if node.startswith("_:") else ox.NamedNode(node)
        graphs = {
            q.graph_name.value
            for q in self.store.quads_for_pattern(subject, predicate, obj, None)
            if isinstance(q.graph_name, ox.NamedNode)
        }
        return sorted(self.files[g] for g in graphs if g in self.files)

    # --- exporting ---------------------------------------------------------

    def ntriples(self) -> bytes:
        """All distinct triples as N-Triples lines in sorted order, blank nodes canonically labelled.

        The work stays in Oxigraph and on byte strings: building a million Python objects to sort
        them took most of the build's time at scale. Only triples with a blank node are
        canonicalised (RDFC-1.0); the others cannot change a blank node's canonical label.
        """
        nt = ox.RdfFormat.N_TRIPLES
        lines = set(self.store.query(_WITHOUT_BLANKS, use_default_graph_as_union=True).serialize(format=nt).split(b"\n"))
        blanks = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in self.store.query(_WITH_BLANKS, use_default_graph_as_union=True))
        blanks.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        lines.update(ox.serialize((q.triple for q in blanks), format=nt).split(b"\n"))
        lines.discard(b"")
        return b"".join(line + b"\n" for line in sorted(lines))

    def triples(self) -> list[ox.Triple]:
        """All distinct triples, in a stable order, with blank nodes canonically labelled."""
        return [q.triple for q in ox.parse(self.ntriples(), format=ox.RdfFormat.N_TRIPLES)]

    def __len__(self) -> int:
        return self.ntriples().count(b"\n")

    def to_rdflib(self, graphs: Iterable[Path] | None = None, skip_prefix: str | None = None) -> rdflib.Graph:
        """An rdflib copy, for the tools built on rdflib (pySHACL, serialisers); without the triples
        whose subject's IRI starts with `skip_prefix`, if given."""
        g = rdflib.Graph()
        # rdflib logs a traceback for each ill-typed literal; those are reported once, with
        # file and line, by rdfio.ill_typed_literals, so its own warning is silenced here.
        logging.getLogger("rdflib.term").setLevel(logging.ERROR)
        wanted = None if graphs is None else {file_graph_iri(p) for p in graphs}
        for q in self.store:
            if skip_prefix and isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(skip_prefix):
                continue
            if wanted is None or q.graph_name in wanted:
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return g


def to_rdflib(term: ox.Term) -> rdflib.term.Node:
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == XSD_STRING:  # rdflib compares plain and xsd:string literals as different
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    raise TypeError(f"unsupported term {term!r}")


def solution_value(row: ox.QuerySolution, name: str) -> ox.Term | None:
    """A variable's value in a result row, or None if unbound or not selected."""
    try:
        return row[name]
    except KeyError:
        return None
