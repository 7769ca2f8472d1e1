"""A workspace: one command's shared state, each part made once and only when asked for.

The command line makes one per command (click's `ctx.obj`) and hands it to the
subcommand; a Python user makes one with `Workspace.open()`. Whatever asks first for the
graph, the derived facts, the networks or the currency note causes it to be computed;
whatever asks again gets the same object. So a build derives once, draws the networks
once and runs the analyses once, and the graph files, the report and the pages all
render from those results.

    >>> ws = Workspace.open()
    >>> ws.catalog.get("participation").title
    'Treaty participation, one row per action'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from .core.errors import MigkgError, QueryError
from .core.execution import Bounds, stream_rows
from .core.params import parse_assignments
from .core.project import Project, find_project
from .core.queries import NamedQuery, QueryCatalog
from .core.results import Table, cell_text, cell_value
from .core.sparql_safety import check_query
from .core.store import KnowledgeGraph
from .outputs import coverage, worldmap
from .outputs.analytics import analyses
from .outputs.networks import Network, NetworkBuilder
from .outputs.viewdata import ViewData
from .outputs.report import MIGRATION_QUERIES, REPORT_TABLES, ReportInputs
from .steps.claims import Finding, check_all, findings_table
from .steps.derive import derive
from .steps.validate import Violation, validate

Step = Callable[[str], None]
_TREATY_KEYS = "SELECT ?key WHERE { ?t <https://w3id.org/migkg/ontology#instrumentKey> ?key }"
_TREATY_BY_KEY = "ASK { ?t <https://w3id.org/migkg/ontology#instrumentKey> ?x }"
_TREATY_BY_IRI = "ASK { ?x <https://w3id.org/migkg/ontology#instrumentKey> ?k }"


@dataclass
class Answer:
    """A query's answer as it arrives: columns, then rows of cell text; `note` says how current it is."""

    query: NamedQuery
    columns: list[str]
    rows: Iterator[list[str]]
    note: str | None = None

    @property
    def title(self) -> str:
        return self.query.title or self.query.name

    def table(self) -> Table:
        """All rows at once (for a terminal table or a DataFrame)."""
        return Table(self.columns, list(self.rows))


class Workspace:
    """The project, its query catalogue and the graph, for one command or one Python session."""

    def __init__(self, project: Project, extra: Iterable[Path] = (), step: Step | None = None):
        self.project = project
        self.catalog = QueryCatalog(project)
        self.extra = list(extra)  # data files checked together with the project's own
        self.step: Step = step or (lambda s: None)
        self.rule_params: dict[str, str] = {}  # the derivations' parameters (thresholds), set before deriving
        self._derived_into: KnowledgeGraph | None = None
        self._findings_by_day: dict[str, list[Finding]] = {}

    @classmethod
    def open(cls, root: Path | None = None, extra: Iterable[Path] = (), step: Step | None = None) -> "Workspace":
        """The workspace of the project at `root`, or of the project found as `find_project` finds it."""
        if root is not None and not (Path(root) / "ontology" / "migkg.ttl").is_file():
            raise MigkgError(
                f"{root} is not a migkg project folder: it has no ontology/migkg.ttl",
                hint="give the folder that holds ontology/, graph/ and queries/",
            )
        return cls(Project(Path(root)) if root else find_project(), extra, step)

    @classmethod
    def of_graph(cls, project: Project, kg: KnowledgeGraph, step: Step | None = None) -> "Workspace":
        """A workspace over a graph already loaded (e.g. a test's fixture files), not the project's files.

        If `kg` already holds its derived facts, they are not derived again.
        """
        ws = cls(project, step=step)
        ws.__dict__["loaded"] = kg
        if kg.derived_counts is not None:
            ws.__dict__["derived"] = kg.derived_counts
            ws._derived_into = kg
        return ws

    # --- the graph and what the steps make of it ----------------------------

    @cached_property
    def loaded(self) -> KnowledgeGraph:
        """The ontology, vocabularies and data files, as they are (no derived facts yet)."""
        self.step("loading ontology and graph")
        return KnowledgeGraph.from_project(self.project, extra=self.extra)

    @cached_property
    def violations(self) -> list[Violation]:
        """SHACL and quality-check violations of the files (checked before anything is derived)."""
        kg = self.loaded if self._derived_into is None else KnowledgeGraph.from_project(self.project, self.extra)
        self.step("validating (SHACL shapes and quality checks)")
        return validate(kg, self.catalog, self.project.shapes_file)

    @cached_property
    def derived(self) -> dict[str, int]:
        """Triples added per derivation (queries/construct/), run once into the loaded graph."""
        kg = self.loaded
        self.step("deriving (queries/construct)")
        counts = derive(kg, self.catalog, params=self.rule_params)
        self._derived_into = kg
        return counts

    @property
    def graph(self) -> KnowledgeGraph:
        """The graph with its derived facts: what queries, pages and reports read."""
        self.derived  # noqa: B018 -- derive once, on first use
        return self.loaded

    # --- results every output shares ----------------------------------------

    @cached_property
    def currency(self) -> Table:
        return coverage.instrument_currency(self.graph, self.catalog)

    @cached_property
    def currency_note(self) -> str:
        return coverage.currency_note(self.currency)

    @cached_property
    def view(self) -> ViewData:
        """The rows every picture shows (queries/viz), read once."""
        self.step("reading what the pages show (queries/viz)")
        return ViewData.read(self.graph, self.catalog)

    @cached_property
    def map_coverage(self) -> worldmap.MapCoverage:
        """Which states the map's shapes join, and which not (the map page and the report list it)."""
        return worldmap.coverage(self.view)

    @cached_property
    def networks(self) -> NetworkBuilder:
        return NetworkBuilder(self.view)

    @cached_property
    def pages(self) -> list[Network]:
        """The networks drawn as pages: treaties, forums, arrangements."""
        return [self.networks.treaties(), self.networks.forums(), self.networks.arrangements()]

    def networks_for(self, states: Iterable[str] = ()) -> list[Network]:
        """The pages' networks, and an ego network for each state named (ISO alpha-3)."""
        return self.pages + [self.ego(iso3) for iso3 in states]

    def ego(self, iso3: str) -> Network:
        net = self.networks.ego(iso3.upper())
        if net is None:
            raise MigkgError(
                f"no state with ISO 3166 alpha-3 code '{iso3}' in the graph", hint="use a code such as CHN, AUS or USA"
            )
        return net

    @cached_property
    def analyses(self) -> dict[str, Table]:
        self.step("network analytics")
        by_key = {n.key: n for n in self.pages}
        return analyses(by_key["forums"], by_key["arrangements"])

    def findings(self, today: str | None = None) -> list[Finding]:
        """The seed papers' claims, each as of its own date and as of `today` (default: the real today)."""
        return self._findings(today or date.today().isoformat())

    def _findings(self, today: str) -> list[Finding]:
        if today not in self._findings_by_day:
            self.step("checking the seed papers' claims")
            self._findings_by_day[today] = check_all(self.graph, self.catalog.claims(), today=today)
        return self._findings_by_day[today]

    def claims_table(self, today: str | None = None) -> Table:
        return findings_table(self.findings(today))

    @cached_property
    def report_tables(self) -> dict[str, Table]:
        """The report's tables (queries/report), which the front page also shows."""
        # The currency table is the one the pages and the CLI note already read: not run again.
        return {
            name: self.currency if name == "instrument-currency" else coverage.report_table(self.graph, self.catalog, name)
            for name in REPORT_TABLES
        }

    @cached_property
    def status_figures(self) -> Table:
        """Each headline figure beside the graph's count as of its date (report and front page)."""
        return coverage.status_figures_table(self.graph, self.catalog)

    def report_inputs(self, triples: int, today: str | None = None) -> ReportInputs:
        today = today or date.today().isoformat()
        return ReportInputs(
            tables=self.report_tables,
            status_figures=self.status_figures,
            findings=self.claims_table(today),
            analyses=self.analyses,
            derived=self.derived,
            triples=triples,
            today=today,
            migration={name: self.query(name, params).table() for name, params in MIGRATION_QUERIES.items()},
            map_coverage=self.map_coverage,
        )

    # --- asking questions ----------------------------------------------------

    def treaty_keys(self) -> list[str]:
        return sorted(r["key"].value for r in self.graph.query(_TREATY_KEYS))

    def _check_treaties_exist(self, q: NamedQuery, bindings: dict) -> None:
        """A well-formed treaty key that names no treaty would give an empty answer; say so instead."""
        for p in q.params:
            if p.type not in ("treaty", "instrument") or p.name not in bindings:
                continue
            term = bindings[p.name]
            known = self.graph.query(_TREATY_BY_KEY if p.type == "treaty" else _TREATY_BY_IRI, {"x": term})
            if not known:
                shown = term.value.rsplit("/", 1)[-1]
                raise QueryError(
                    f"--param {p.name}={shown}: no treaty with that key in the graph",
                    hint=f"the keys are: {', '.join(self.treaty_keys())}",
                )

    def query(
        self,
        name_or_file: str,
        values: dict[str, str] | Iterable[str] = (),
        bounds: Bounds = Bounds(),
        allow_service: bool | list[str] = False,
        endpoint: str | None = None,
        typed: bool = False,
    ) -> Answer:
        """Run a named query (or a .rq file) with its parameters bound, here or on `endpoint`.

        `values` is a dict, or NAME=VALUE strings as the command line gives them. The query is
        checked (parameters, SERVICE, updates) before the graph is loaded, so a mistake costs
        no time. `typed` gives numbers as numbers (the Python API's tables), not as text.
        """
        if not isinstance(values, dict):
            values = parse_assignments(values)
        q = self.catalog.find(name_or_file)
        if endpoint:
            from .remote.endpoint import remote_query

            table = remote_query(endpoint, q, values)
            return Answer(q, table.columns, iter(table.rows))
        bindings = q.bind(values)
        check_query(q.text, allow_service)
        kg = self.graph
        self._check_treaties_exist(q, bindings)
        note = self.currency_note if q.currency == "treaty-status" else None
        columns, rows = stream_rows(
            lambda: kg.query(q.text, bindings, allow_outbound=allow_service), bounds, cell_value if typed else cell_text
        )
        return Answer(q, columns, rows, note)
