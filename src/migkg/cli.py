"""The migkg command line: declarations over the library.

Each command takes the workspace the app's callback made (click's `ctx.obj`), asks the
library for its result, and shows it through `terminal`. Errors are not handled here: a
library error travels up to `main()`, the one place that turns it into its message, hint
and exit code.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from . import __version__
from .build import build_and_push, build_workspace
from .boundary import run
from .core.execution import Bounds
from .core.results import Format
from .terminal import err, listing, note, out, progress, say, show_answer, show_table
from .workspace import Workspace

app = typer.Typer(
    name="migkg",
    help="migkg: a knowledge graph of international migration governance. "
    "Build the graph, validate data, and run research queries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
DEFAULT_BOUNDS = Bounds()
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _ws(ctx: typer.Context) -> Workspace:
    if not isinstance(ctx.obj, Workspace):  # made on first use, so `--help` works outside a checkout
        root = ctx.obj.get("project") if isinstance(ctx.obj, dict) else None
        ctx.obj = Workspace.open(root)
    return ctx.obj


@app.command()
def build(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the built graph and report into.")] = Path(
        "dist"
    ),
    rules: Annotated[
        Optional[list[str]],
        typer.Option("--rule", help="A derivation's parameter, NAME=VALUE (repeatable), e.g. min_migrant_share=15: "
                     "the thresholds of queries/construct/50-migration-roles-from-statistics.rq."),
    ] = None,
) -> None:
    """Load, validate and derive; write the merged graph (Turtle, N-Triples, JSON-LD) and report.md."""
    from .core.params import parse_assignments

    ws = _ws(ctx)
    ws.rule_params = parse_assignments(rules or [], option="--rule")
    with progress(ws, "building"):
        result = build_workspace(ws, out_dir)
    say(f"built {result.triples} triples into {out_dir}/")
    listing(result.files)


@app.command()
def validate(
    ctx: typer.Context,
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Data files to check together with the project graph. Default: the project's own files."),
    ] = None,
) -> None:
    """Check data against the SHACL shapes and the quality checks. Exit 0 clean, 1 violations, 2 error."""
    from .steps.validate import ViolationsFound

    ws = _ws(ctx)
    ws.extra = list(paths or [])
    if ws.violations:
        raise ViolationsFound(ws.violations)
    say("no violations", style="green")


@app.command()
def query(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A named query (see 'migkg queries') or a path to a .rq file.")],
    param: Annotated[
        Optional[list[str]], typer.Option("--param", "-p", help="A parameter as NAME=VALUE; repeat for more.")
    ] = None,
    fmt: FormatOpt = Format.table,
    allow_service: Annotated[
        Optional[list[str]],
        typer.Option("--allow-service", help="Let SERVICE clauses reach this endpoint (repeatable). Off by default."),
    ] = None,
    endpoint: Annotated[
        Optional[str], typer.Option("--endpoint", help="Run on this SPARQL endpoint instead of the embedded store.")
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0, help="Seconds the query may run; 0 for no limit.")
    ] = DEFAULT_BOUNDS.timeout,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=0, help="Most rows to return (an error past it); 0 for no limit.")
    ] = DEFAULT_BOUNDS.max_rows,
    spreadsheet_safe: Annotated[
        bool,
        typer.Option(
            "--spreadsheet-safe",
            help="CSV only: put ' before cells starting with = + - @ so spreadsheet programs do not run them.",
        ),
    ] = False,
) -> None:
    """Run a named research query, or any SPARQL file, on the project graph (or on --endpoint).

    Rows are written as they arrive (csv, json, md). Exit 0 on success, 2 on any error,
    including a query over --timeout or an answer over --max-rows.
    """
    answer = _ws(ctx).query(
        name,
        param or [],
        Bounds(timeout=timeout or None, max_rows=max_rows or None),
        allow_service or False,
        endpoint,
    )
    show_answer(answer, fmt, spreadsheet_safe)


@app.command("queries")
def list_queries(ctx: typer.Context) -> None:
    """List the named research queries with their titles and parameters."""
    from rich.table import Table as RichTable

    rt = RichTable(title="Named research queries (queries/cq/)", title_justify="left")
    for column in ("name", "title", "parameters"):
        rt.add_column(column, style="bold" if column == "name" else None)
    for q in _ws(ctx).catalog.research():
        rt.add_row(q.name, q.title, "\n".join(p.describe() for p in q.params) or "-")
    out.print(rt, markup=False, highlight=False)


import_app = typer.Typer(
    help="Import public reference tables into the project's graph files (marked GENERATED).", no_args_is_help=True
)
app.add_typer(import_app, name="import")


@import_app.command("countries")
def import_countries_cmd(
    ctx: typer.Context,
    table: Annotated[
        Optional[Path],
        typer.Argument(help="The country-codes CSV. Default: ../shared/reference/countries/country-codes.csv"),
    ] = None,
    out_file: Annotated[
        Optional[Path], typer.Option("--out", help="The graph file to write. Default: graph/countries.ttl")
    ] = None,
) -> None:
    """States with ISO codes, UN M49 areas, names in the six UN languages, GeoNames and Wikidata links."""
    from .importers.run import default_countries_csv, write_countries

    project = _ws(ctx).project
    path, n = write_countries(project, table or default_countries_csv(project), out_file)
    say(f"wrote {n} states to {path}")


@import_app.command("untc")
def import_untc_cmd(
    ctx: typer.Context,
    tables: Annotated[list[Path], typer.Argument(help="UNTC status tables (CSV, named like 5-2.csv or 18-12-a.csv).")],
    countries: Annotated[
        Optional[Path], typer.Option(help="The country-codes CSV used to match participant names.")
    ] = None,
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", help="Folder for the graph files. Default: graph/untc/")
    ] = None,
) -> None:
    """Every signature and consent in UNTC status tables, with reservations and declarations, into graph/untc/."""
    from .importers.run import default_countries_csv, write_untc

    project = _ws(ctx).project
    listing(write_untc(project, tables, countries or default_countries_csv(project), out_dir))


@import_app.command("migration")
def import_migration_cmd(
    ctx: typer.Context,
    stock: Annotated[
        Optional[Path],
        typer.Option("--stock", help="UN DESA's International Migrant Stock 2020 workbook (by destination). "
                     "Default: ../shared/reference/migration/undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"),
    ] = None,
    origins: Annotated[
        Optional[Path],
        typer.Option("--origins", help="UN DESA's 2019 table by origin and destination (CSV, one column per origin). "
                     "Default: ../shared/reference/migration/un_migrant_stock_by_origin_and_destination_2019.csv"),
    ] = None,
    refugees: Annotated[
        Optional[Path],
        typer.Option("--refugees", help="UNHCR refugees and asylum-seekers by origin and country of asylum (CSV). "
                     "Default: ../shared/reference/migration/unhcr_refugees_asylum_seekers_by_origin_destination_1995-2020.csv"),
    ] = None,
    min_corridor: Annotated[
        int, typer.Option("--min-corridor", help="Keep the UN DESA corridors (destination, origin, year) of at least this many persons.")
    ] = 50_000,
    min_refugee_corridor: Annotated[
        int, typer.Option("--min-refugee-corridor", help="Keep the UNHCR corridors of at least this many refugees.")
    ] = 10_000,
    out_dir: Annotated[
        Optional[Path], typer.Option("--out-dir", help="The folder to write the graph files to. Default: graph/migration")
    ] = None,
) -> None:
    """Migrant stock, population, emigrants and refugees per state and M49 area as RDF Data Cube observations (UN DESA, UNHCR)."""
    from .importers.run import MigrationInputs, write_migration

    project = _ws(ctx).project
    inputs = MigrationInputs.default(project, stock=stock, origins=origins, refugees=refugees,
                                     min_corridor=min_corridor, min_refugee_corridor=min_refugee_corridor)
    with err.status("reading the UN DESA and UNHCR files"):
        done = write_migration(project, inputs, out_dir)
    for path, n in done.files.items():
        say(f"wrote {n:,} observations to {path}")
    say(f"{len(done.unmapped)} workbook rows have no area in the graph; see COVERAGE.md")


@app.command()
def viz(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the pages into.")] = Path("dist"),
    state: Annotated[
        Optional[list[str]],
        typer.Option("--state", help="Also write an ego page for this state (ISO alpha-3); repeatable."),
    ] = None,
) -> None:
    """Write the pages (offline, self-contained): front page, map, matrix, timelines, networks, a page per state and forum."""
    from .outputs.site import write_site

    ws = _ws(ctx)
    with progress(ws, "drawing the pages"):
        files = write_site(ws, out_dir, state or [])
    # One line per page at the top; the per-state and per-forum folders as one line each.
    top = sorted({out_dir / f.relative_to(out_dir).parts[0] for f in files})
    listing(f"{p}/ ({sum(1 for f in files if f.parent == p)} pages)" if p.is_dir() else p for p in top)


@app.command()
def analyze(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write analysis.md and analysis/*.csv into.")] = Path(
        "dist"
    ),
) -> None:
    """Centrality, forum overlap (Jaccard) and communities of the networks, as CSV and Markdown."""
    from .outputs.analytics import write_analysis

    ws = _ws(ctx)
    listing(write_analysis(ws.analyses, out_dir))


crosscheck_app = typer.Typer(help="Compare the graph with other linked-data sources.", no_args_is_help=True)
app.add_typer(crosscheck_app, name="crosscheck")

EndpointOpt = Annotated[str, typer.Option("--endpoint", help="SPARQL endpoint to ask (default: Wikidata's).")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Answer from the on-disk cache only; no request is sent.")]
CacheOpt = Annotated[
    Optional[Path], typer.Option("--cache", help="Cache folder (default: .cache/wikidata in the project).")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for each answer.")]
WIKIDATA = "https://query.wikidata.org/sparql"


@contextmanager
def _client(ws: Workspace, endpoint: str, offline: bool, cache: Optional[Path], timeout: float):
    """A client for the endpoint; what it did (cache hits, retries) is shown however the command ends."""
    from .remote.client import ClientConfig, SparqlClient

    cache_dir = cache or ws.project.root / ".cache" / "wikidata"
    client = SparqlClient(ClientConfig(endpoint=endpoint, offline=offline, timeout=timeout, cache_dir=cache_dir))
    try:
        yield client
    finally:
        for line in client.log:
            note(line)


@crosscheck_app.command("wikidata")
def crosscheck_wikidata(
    ctx: typer.Context,
    endpoint: EndpointOpt = WIKIDATA,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("dist/crosscheck"),
    offline: OfflineOpt = False,
    cache: CacheOpt = None,
    timeout: TimeoutOpt = 60.0,
) -> None:
    """Compare our treaty actions with Wikidata's P1891/P6193; write Markdown, CSV and QuickStatements."""
    from .remote.crosscheck import run_crosscheck

    ws = _ws(ctx)
    with _client(ws, endpoint, offline, cache, timeout) as client, err.status(f"asking {endpoint}"):
        written = run_crosscheck(ws.loaded, ws.project, client, out_dir, date.today())
    listing(written)


@app.command()
def link(
    ctx: typer.Context,
    endpoint: EndpointOpt = WIKIDATA,
    out_file: Annotated[
        Optional[Path], typer.Option("--out", help="Graph file to write (default: graph/wikidata-links.ttl).")
    ] = None,
    offline: OfflineOpt = False,
    cache: CacheOpt = None,
    timeout: TimeoutOpt = 60.0,
) -> None:
    """Find Wikidata entities for instruments, forums and organisations that have none (exact English label)."""
    from .remote.links import find_links, write_links

    ws = _ws(ctx)
    target = out_file or ws.project.graph_dir / "wikidata-links.ttl"
    with _client(ws, endpoint, offline, cache, timeout) as client:
        result = find_links(ws.loaded, ws.project, client)
        write_links(result, endpoint, target, date.today())
    for iri, items in result.ambiguous.items():
        say(f"ambiguous: {iri}: {', '.join(items)} (not linked)")
    for iri in result.unmatched:
        say(f"no match: {iri}")
    say(f"linked {len(result.linked)}, ambiguous {len(result.ambiguous)}, unmatched {len(result.unmatched)}; wrote {target}")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Interface to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port (0 picks a free one).")] = 8000,
    timeout: Annotated[float, typer.Option(min=0.001, help="Seconds a query may run before it is stopped.")] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", min=1, help="Most result rows (or triples) one query may return.")
    ] = 10000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Query worker processes.")] = 2,
    dist: Annotated[
        Optional[Path], typer.Option("--dist", help="Build into this folder (default: a temporary one).")
    ] = None,
    allow_service: Annotated[
        Optional[list[str]], typer.Option("--allow-service", help="Let SERVICE reach this endpoint (repeatable).")
    ] = None,
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol at /sparql, with a query page at /."""
    from .serve.run import serve as run_server

    ws = _ws(ctx)
    with err.status("preparing the endpoint") as status:

        def on_ready(url: str) -> None:
            status.stop()
            say(f"serving {url}/sparql (query page at {url}/); Ctrl-C to stop")

        run_server(
            ws.project,
            host,
            port,
            dist,
            workers,
            timeout,
            max_rows,
            allow_service or False,
            step=lambda s: status.update(s),
            ready=on_ready,
        )


@app.command()
def push(
    ctx: typer.Context,
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The server's Graph Store endpoint, e.g. http://localhost:7878/store")
    ],
    graph: Annotated[
        Optional[str], typer.Option("--graph", help="Named graph IRI to replace (default: the default graph).")
    ] = None,
) -> None:
    """Build the graph and upload it to any SPARQL 1.1 Graph Store (Fuseki, GraphDB, Virtuoso, Oxigraph)."""
    ws = _ws(ctx)
    with progress(ws, "building"):
        triples = build_and_push(ws, endpoint, graph)
    say(f"uploaded {triples} triples to {endpoint} ({'graph ' + graph if graph else 'default graph'})")


@app.command()
def release(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder that holds the releases; this one goes into "
                                          "OUT/migkg-DATE/.")] = Path("releases"),
    replace: Annotated[bool, typer.Option("--replace", help="Replace a release of the same date, wholly.")] = False,
    previous: Annotated[
        Optional[Path], typer.Option("--previous", help="The release (or build) the notes compare with. "
                                     "Default: the newest older release in --out.")
    ] = None,
) -> None:
    """Write a dated release: graph (Turtle, N-Triples gzip, JSON-LD), CSV tables with a data dictionary,
    ontology, VoID/DCAT with checksums, release notes with the changes since the previous release."""
    from .release import write_release

    ws = _ws(ctx)
    with progress(ws, "releasing"):
        result = write_release(ws, out_dir, replace=replace, previous=previous)
    say(f"released {result.version}: {result.triples} triples, {len(result.files)} files in {result.folder}/")


@app.command()
def diff(
    ctx: typer.Context,
    old: Annotated[Path, typer.Argument(help="The older build or release folder.")],
    new: Annotated[Path, typer.Argument(help="The newer build or release folder.")],
    out_dir: Annotated[
        Optional[Path], typer.Option("--out", help="Also write diff.md and diff.csv into this folder.")
    ] = None,
) -> None:
    """What changed between two builds or releases: treaty actions, memberships, arrangements and their
    status changes, transfers, court events and statistics, added, removed or changed."""
    from .diff import run_diff

    ws = _ws(ctx)
    with err.status("comparing"):
        changes, markdown = run_diff(old, new, ws.catalog, out_dir)
    out.print(markdown, markup=False, highlight=False)
    if out_dir is not None:
        listing([out_dir / "diff.md", out_dir / "diff.csv"])


@app.command("reason")
def reason_cmd(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Check consistency with HermiT (OWL 2 DL, needs Java) and list the defined classes' members."""
    from .steps.reason import compare, reason, sparql_members

    ws = _ws(ctx)
    with err.status("reasoning with HermiT (about half a minute)"):
        result = reason(ws.project)
    # HermiT's run derives without the SPARQL path's answers; the comparison reads the build's own.
    table = compare(result, sparql_members(ws.graph, ws.catalog))
    say("consistent (HermiT); " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()))
    show_table(table, fmt, "Defined classes (inferred by HermiT)")


@app.command()
def claims(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """Check the seed papers' factual claims (queries/claims/) against the graph."""
    ws = _ws(ctx)
    table = ws.claims_table()
    show_table(table, fmt, "The seed papers' claims, checked against the graph")
    note(ws.currency_note)


def _version(value: bool) -> None:
    if value:
        out.print(f"migkg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    project: Annotated[
        Optional[Path],
        typer.Option(
            "--project",
            help="The project folder (with ontology/, graph/, queries/). Default: $MIGKG_HOME, else the "
            "checkout you are in, else the data installed with the package.",
        ),
    ] = None,
) -> None:
    ctx.obj = {"project": project} if project else None


def main() -> None:
    """The `migkg` program: the app inside the one error boundary (see boundary.py)."""
    run(app)
