"""The Python API: the graph opened once, asked by name or in SPARQL, and handed on to pandas,
networkx or rdflib.

    >>> import migkg
    >>> kg = migkg.open()
    >>> china = kg.query("participation", iso3="CHN", instrument="V-2")
    >>> china.columns
    ['iso3', 'instrument', 'action', 'date', 'source', 'precision']
    >>> china.rows[0][:4]
    ['CHN', 'V-2', 'accession', '1982-09-24']

Your own SPARQL, its parameters bound as RDF terms (never pasted into the text):

    >>> kg.sparql('''PREFIX migkg: <https://w3id.org/migkg/ontology#>
    ...   SELECT ?key WHERE { ?t migkg:instrumentKey ?key } ORDER BY ?key LIMIT 1''').rows
    [['C097']]
    >>> kg.sparql("SELECT ?x ?n WHERE { BIND(?x + 1 AS ?n) }", x=58).rows
    [[58, 59]]

Numbers come back as numbers; `.to_pandas()` makes a DataFrame (with `pip install 'migkg[pandas]'`).
The networks the pages draw are networkx graphs:

    >>> forums = kg.networkx("forums")
    >>> bali = forums.nodes["https://w3id.org/migkg/id/forum/bali-process"]
    >>> bali["label_en"], bali["label_zh"], bali["group"]
    ('Bali Process', '巴厘进程', 'forum')
    >>> edges = forums.get_edge_data("https://w3id.org/migkg/id/state/AFG",
    ...                              "https://w3id.org/migkg/id/forum/abu-dhabi-dialogue")
    >>> list(edges.values())
    [{'group': 'member', 'instrument': '', 'forum': 'abu-dhabi-dialogue', 'start': '2008', 'end': ''}]
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .core.errors import MigkgError, QueryError
from .core.execution import Bounds, stream_rows
from .core.results import Table, cell_value
from .core.sparql_safety import check_query
from .workspace import Workspace

log = logging.getLogger("migkg")
NETWORKS = ("treaties", "forums", "arrangements")
# What the pages carry beside the data (side panels, links, drawing widths): left out for analysis.
_PAGE_ONLY = ("facts", "sections", "links", "page", "width")
_XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass
class Result(Table):
    """A query's answer: `columns`, `rows` (numbers as numbers, unbound cells as None), the
    query's `title`, and a `note` on how current the answer is, where the query has one."""

    title: str = ""
    note: str | None = None

    def __repr__(self) -> str:
        return f"<Result {self.title!r}: {len(self.rows)} rows × {len(self.columns)} columns>"


def _term(name: str, value: object) -> ox.Term:
    """A Python value as the RDF term bound to ?name."""
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        return value
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype or _XSD + "string")))
    if isinstance(value, bool):  # before int: a bool is an int in Python
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(_XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(_XSD + "double"))
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "date"))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(
        f"parameter {name}: cannot bind a {type(value).__name__} in SPARQL",
        hint="give a str, int, float, bool, datetime.date, or an IRI as pyoxigraph.NamedNode or rdflib.URIRef",
    )


def _data(attrs: dict) -> dict:
    return {k: v for k, v in attrs.items() if k not in _PAGE_ONLY}


class MigrationGraph:
    """The migkg graph of one project, loaded and derived on first use (see `migkg.open`)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    @classmethod
    def open(cls, project: str | Path | None = None) -> "MigrationGraph":
        root = Path(project) if project is not None else None
        return cls(Workspace.open(root, step=log.info))

    def __repr__(self) -> str:
        return f"<MigrationGraph of {self.workspace.project.root}>"

    @property
    def store(self) -> ox.Store:
        """The pyoxigraph store, derived facts included: one named graph per file."""
        return self.workspace.graph.store

    def queries(self) -> Result:
        """The named research queries, with their titles and parameters."""
        rows = [[q.name, q.title, "; ".join(p.describe() for p in q.params)] for q in self.workspace.catalog.research()]
        return Result(["name", "title", "parameters"], rows, title="Named research queries")

    def query(self, name: str, timeout: float | None = 60.0, **params: object) -> Result:
        """Run a named query (see `queries()`) or a .rq file, its parameters given as keywords.

        The values are checked against the parameters the query declares, as on the command
        line: `kg.query("parties-as-of", date="2010-01-01", instrument="V-2")`.
        """
        answer = self.workspace.query(
            name, {k: str(v) for k, v in params.items()}, Bounds(timeout=timeout, max_rows=None), typed=True
        )
        return Result(answer.columns, list(answer.rows), title=answer.title, note=answer.note)

    def sparql(self, text: str, timeout: float | None = 60.0, **bindings: object) -> Result:
        """Run your own SELECT query; each keyword binds the variable of that name to a value
        (the variable must be one the query selects, as the engine binds only those).

        The query is parsed and refused before it runs if it is an update or reaches out to
        another server (SERVICE).
        """
        check_query(text)
        terms = {k: _term(k, v) for k, v in bindings.items()}
        kg = self.workspace.graph
        columns, rows = stream_rows(lambda: kg.query(text, terms), Bounds(timeout=timeout, max_rows=None), cell_value)
        return Result(columns, list(rows), title="SPARQL")

    def claims(self, today: str | None = None) -> Result:
        """The seed papers' claims, each checked as of the date it speaks of (and as of `today`)."""
        t = self.workspace.claims_table(today)
        return Result(t.columns, t.rows, title="The seed papers' claims, checked against the graph")

    def networkx(self, name: str = "forums"):
        """One of the networks the pages draw, as a networkx MultiDiGraph (a copy, yours to change):
        "treaties" (states to instruments), "forums" (states to forums) or "arrangements",
        or an ISO alpha-3 code for that state's ego network."""
        builder = self.workspace.networks
        if name in NETWORKS:
            drawn = getattr(builder, name)().graph
        elif len(name) == 3 and name.isalpha():
            drawn = self.workspace.ego(name).graph
        else:
            raise MigkgError(
                f"no network called '{name}'", hint=f"use one of {', '.join(NETWORKS)}, or a state's ISO code"
            )
        g = drawn.__class__()
        g.add_nodes_from((n, _data(a)) for n, a in drawn.nodes(data=True))
        g.add_edges_from((u, v, k, _data(a)) for u, v, k, a in drawn.edges(keys=True, data=True))
        return g

    def rdflib(self) -> rdflib.Graph:
        """The whole graph, derived facts included, as an rdflib Graph."""
        return self.workspace.graph.to_rdflib()

    def validate(self) -> list:
        """The SHACL and quality-check violations of the project's files (empty when they conform)."""
        return self.workspace.violations

    def build(self, out: str | Path = "dist") -> Path:
        """Write everything `migkg build` writes into `out`; return the folder."""
        from .build import build_workspace

        return build_workspace(self.workspace, Path(out)).out


def open(project: str | Path | None = None) -> MigrationGraph:  # noqa: A001 -- migkg.open, as in the README
    """Open the graph of the project at `project`, or of the one `migkg` finds: $MIGKG_HOME, the
    checkout you are in, else the data installed with the package."""
    return MigrationGraph.open(project)
