"""The migkg command line: a thin layer over the library."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table as RichTable

from . import __version__
from .build import BuildFailed, build as run_build
from .steps.derive import derive
from .core.errors import MigkgError
from .core.project import find_project
from .core.queries import QueryCatalog
from .outputs.report import currency_note
from .core.execution import Abandoned, Bounds, stream_rows
from .core.results import FORMATS, Table, to_csv, to_json, to_markdown, write_stream
from .core.sparql_safety import check_query
from .core.store import KnowledgeGraph
from .steps.validate import Violation, validate as run_validate

app = typer.Typer(
    name="migkg",
    help="migkg: a knowledge graph of international migration governance. "
    "Build the graph, validate data, and run research queries.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# emoji=False: rich would print "migkg:date:" in a message as "migkg📅".
out = Console(soft_wrap=True, emoji=False)
err = Console(stderr=True, soft_wrap=True, emoji=False)
DEFAULT_BOUNDS = Bounds()


def _fail(e: MigkgError) -> None:
    err.print(f"error: {e.message}", style="bold red", highlight=False, markup=False)
    if e.hint:
        err.print(f"  hint: {e.hint}", highlight=False, markup=False)
    raise typer.Exit(e.exit_code)


def _print_violations(violations: list[Violation]) -> None:
    for v in violations:
        err.print(f"{v.location()}: [{v.rule}] {v.node}: {v.message}", highlight=False, markup=False)


@app.command()
def build(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the built graph and report into.")] = Path(
        "dist"
    ),
) -> None:
    """Load, validate and derive; write the merged graph (Turtle, N-Triples, JSON-LD) and report.md."""
    try:
        project = find_project()
        with err.status("building") as status:
            result = run_build(project, out_dir, step=lambda s: status.update(s))
    except BuildFailed as e:
        _print_violations(e.violations)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    err.print(f"built {result.triples} triples into {out_dir}/", highlight=False)
    for f in result.files:
        out.print(str(f), highlight=False)


@app.command()
def validate(
    paths: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Data files to check together with the project graph. Default: the project's own files."),
    ] = None,
) -> None:
    """Check data against the SHACL shapes and the quality checks. Exit 0 clean, 1 violations, 2 error."""
    try:
        project = find_project()
        kg = KnowledgeGraph.from_project(project, extra=paths or [])
        violations = run_validate(kg, project)
    except MigkgError as e:
        _fail(e)
    if violations:
        _print_violations(violations)
        err.print(f"{len(violations)} violation(s)", style="bold red")
        raise typer.Exit(1)
    err.print("no violations", style="green")


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see 'migkg queries') or a path to a .rq file.")],
    param: Annotated[
        Optional[list[str]], typer.Option("--param", "-p", help="A parameter as NAME=VALUE; repeat for more.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = "table",
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
    try:
        if fmt not in FORMATS:
            raise MigkgError(f"unknown format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}")
        values = {}
        for p in param or []:
            key, sep, value = p.partition("=")
            if not sep or not key:
                raise MigkgError(f"--param '{p}' is not NAME=VALUE")
            values[key.strip()] = value
        project = find_project()
        q = QueryCatalog(project).resolve(name)
        if endpoint:
            from .remote.endpoint import remote_query

            table = remote_query(endpoint, q, values)
            _print_table(table, fmt, q.title or q.name, spreadsheet_safe)
            return
        bindings = q.bind(values)
        check_query(q.text, allow_service or False)  # before the minutes of loading, not after
        kg = KnowledgeGraph.from_project(project)
        derive(kg, QueryCatalog(project))
        note = currency_note(kg, project) if q.currency == "treaty-status" else None
        bounds = Bounds(timeout=timeout or None, max_rows=max_rows or None)
        columns, rows = stream_rows(lambda: kg.query(q.text, bindings, allow_outbound=allow_service or False), bounds)
        if note:
            err.print(note, style="dim", highlight=False, markup=False)
        if fmt == "table":
            _print_table(Table(columns, list(rows)), fmt, q.title or q.name)
        else:
            write_stream(columns, rows, fmt, sys.stdout, spreadsheet=spreadsheet_safe)
    except MigkgError as e:
        sys.stdout.flush()
        _fail(e)


def _print_table(table: Table, fmt: str, title: str, spreadsheet_safe: bool = False) -> None:
    if fmt == "csv":
        sys.stdout.write(to_csv(table, spreadsheet=spreadsheet_safe))
    elif fmt == "json":
        sys.stdout.write(to_json(table))
    elif fmt == "md":
        sys.stdout.write(to_markdown(table))
    else:
        rt = RichTable(title=title, title_justify="left")
        for c in table.columns:
            rt.add_column(c, overflow="fold")
        for r in table.rows:
            rt.add_row(*r)
        out.print(rt, markup=False, highlight=False)
        err.print(f"{len(table.rows)} row(s)")


@app.command("queries")
def list_queries() -> None:
    """List the named research queries with their titles and parameters."""
    try:
        catalog = QueryCatalog(find_project())
        rt = RichTable(title="Named research queries (queries/cq/)", title_justify="left")
        rt.add_column("name", style="bold")
        rt.add_column("title")
        rt.add_column("parameters")
        for q in catalog.research():
            params = "\n".join(
                f"{p.name} ({p.type}{', optional' if p.optional else ''}{', default ' + p.default if p.default else ''}) {p.doc}".strip()
                for p in q.params
            )
            rt.add_row(q.name, q.title, params or "-")
    except MigkgError as e:
        _fail(e)
    out.print(rt, markup=False, highlight=False)


import_app = typer.Typer(
    help="Import public reference tables into the project's graph files (marked GENERATED).", no_args_is_help=True
)
app.add_typer(import_app, name="import")


@import_app.command("countries")
def import_countries_cmd(
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
    from .importers.untc import ImportFailed

    try:
        project = find_project()
        path, n = write_countries(project, table or default_countries_csv(project), out_file)
    except ImportFailed as e:
        for p in e.problems:
            err.print(str(p), highlight=False, markup=False)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    err.print(f"wrote {n} states to {path}", highlight=False)


@import_app.command("untc")
def import_untc_cmd(
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
    from .importers.untc import ImportFailed

    try:
        project = find_project()
        written = write_untc(project, tables, countries or default_countries_csv(project), out_dir)
    except ImportFailed as e:
        for p in e.problems:
            err.print(str(p), highlight=False, markup=False)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    for w in written:
        out.print(str(w), highlight=False)


@app.command()
def viz(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write the pages into.")] = Path("dist"),
    state: Annotated[
        Optional[list[str]],
        typer.Option("--state", help="Also write an ego page for this state (ISO alpha-3); repeatable."),
    ] = None,
) -> None:
    """Write the interactive network pages (offline, self-contained) and index.html."""
    from .outputs.pages import write_pages

    try:
        project = find_project()
        with err.status("drawing networks") as status:
            status.update("loading and deriving")
            kg = KnowledgeGraph.from_project(project)
            derive(kg, QueryCatalog(project))
            written = write_pages(kg, project, out_dir, state or [], step=lambda s: status.update(s))
    except MigkgError as e:
        _fail(e)
    for w in written:
        out.print(str(w), highlight=False)


@app.command()
def analyze(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write analysis.md and analysis/*.csv into.")] = Path(
        "dist"
    ),
) -> None:
    """Centrality, forum overlap (Jaccard) and communities of the networks, as CSV and Markdown."""
    from .outputs.pages import write_analysis

    try:
        project = find_project()
        kg = KnowledgeGraph.from_project(project)
        derive(kg, QueryCatalog(project))
        written = write_analysis(kg, project, out_dir)
    except MigkgError as e:
        _fail(e)
    for w in written:
        out.print(str(w), highlight=False)


crosscheck_app = typer.Typer(help="Compare the graph with other linked-data sources.", no_args_is_help=True)
app.add_typer(crosscheck_app, name="crosscheck")

EndpointOpt = Annotated[str, typer.Option("--endpoint", help="SPARQL endpoint to ask (default: Wikidata's).")]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="Answer from the on-disk cache only; no request is sent.")]
CacheOpt = Annotated[
    Optional[Path], typer.Option("--cache", help="Cache folder (default: .cache/wikidata in the project).")
]
TimeoutOpt = Annotated[float, typer.Option("--timeout", help="Seconds to wait for each answer.")]


def _client(endpoint: str, offline: bool, cache: Optional[Path], timeout: float):
    from .remote.client import ClientConfig, SparqlClient

    project = find_project()
    return SparqlClient(
        ClientConfig(
            endpoint=endpoint, offline=offline, timeout=timeout, cache_dir=cache or project.root / ".cache" / "wikidata"
        )
    )


@crosscheck_app.command("wikidata")
def crosscheck_wikidata(
    endpoint: EndpointOpt = "https://query.wikidata.org/sparql",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the report.")] = Path("dist/crosscheck"),
    offline: OfflineOpt = False,
    cache: CacheOpt = None,
    timeout: TimeoutOpt = 60.0,
) -> None:
    """Compare our treaty actions with Wikidata's P1891/P6193; write Markdown, CSV and QuickStatements."""
    from datetime import date

    from .remote.crosscheck import run_crosscheck

    try:
        project = find_project()
        client = _client(endpoint, offline, cache, timeout)
        kg = KnowledgeGraph.from_project(project)
        with err.status(f"asking {endpoint}"):
            written = run_crosscheck(kg, project, client, out_dir, date.today())
    except MigkgError as e:
        _fail(e)
    for line in client.log:
        err.print(line, style="dim", highlight=False, markup=False)
    for w in written:
        out.print(str(w), highlight=False)


@app.command()
def link(
    endpoint: EndpointOpt = "https://query.wikidata.org/sparql",
    out_file: Annotated[
        Optional[Path], typer.Option("--out", help="Graph file to write (default: graph/wikidata-links.ttl).")
    ] = None,
    offline: OfflineOpt = False,
    cache: CacheOpt = None,
    timeout: TimeoutOpt = 60.0,
) -> None:
    """Find Wikidata entities for instruments, forums and organisations that have none (exact English label)."""
    from datetime import date

    from .remote.links import resolve, write_links

    try:
        project = find_project()
        client = _client(endpoint, offline, cache, timeout)
        kg = KnowledgeGraph.from_project(project)
        result = resolve(kg, project, client)
        target = out_file or project.graph_dir / "wikidata-links.ttl"
        write_links(result, endpoint, target, date.today())
    except MigkgError as e:
        _fail(e)
    for line in client.log:
        err.print(line, style="dim", highlight=False, markup=False)
    for iri, items in result.ambiguous.items():
        err.print(f"ambiguous: {iri}: {', '.join(items)} (not linked)", highlight=False, markup=False)
    for iri in result.unmatched:
        err.print(f"no match: {iri}", highlight=False, markup=False)
    err.print(
        f"linked {len(result.linked)}, ambiguous {len(result.ambiguous)}, unmatched {len(result.unmatched)}; wrote {target}"
    )


@app.command()
def serve(
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

    try:
        project = find_project()
        _check_can_listen(host, port)  # before the build, so a busy port costs no time
        with err.status("preparing the endpoint") as status:
            ready = []

            def on_ready(url: str) -> None:
                status.stop()
                err.print(f"serving {url}/sparql (query page at {url}/); Ctrl-C to stop", highlight=False)
                ready.append(url)

            run_server(
                project,
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
    except BuildFailed as e:
        _print_violations(e.violations)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    except OSError as e:
        _fail(MigkgError(f"cannot listen on {host}:{port}: {e.strerror}", hint="choose another --port"))
    except KeyboardInterrupt:
        err.print("stopped")


def _check_can_listen(host: str, port: int) -> None:
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise MigkgError(f"--host {host!r} is not an address this machine knows: {e}", hint="use 127.0.0.1") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as e:
            raise MigkgError(f"cannot listen on {host}:{port}: {e.strerror}", hint="choose another --port") from None


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option("--endpoint", help="The server's Graph Store endpoint, e.g. http://localhost:7878/store")
    ],
    graph: Annotated[
        Optional[str], typer.Option("--graph", help="Named graph IRI to replace (default: the default graph).")
    ] = None,
) -> None:
    """Build the graph and upload it to any SPARQL 1.1 Graph Store (Fuseki, GraphDB, Virtuoso, Oxigraph)."""
    import tempfile

    from .remote.endpoint import push as run_push

    try:
        project = find_project()
        with tempfile.TemporaryDirectory(prefix="migkg-push-") as tmp, err.status("building") as status:
            result = run_build(project, Path(tmp), step=lambda s: status.update(s))
            status.update(f"uploading {result.triples} triples")
            run_push(Path(tmp) / "migkg.nt", endpoint, graph)
    except BuildFailed as e:
        _print_violations(e.violations)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    err.print(
        f"uploaded {result.triples} triples to {endpoint} ({'graph ' + graph if graph else 'default graph'})",
        highlight=False,
    )


@app.command("reason")
def reason_cmd(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = "table",
) -> None:
    """Check consistency with HermiT (OWL 2 DL, needs Java) and list the defined classes' members."""
    from .steps.reason import Inconsistent, reason, sparql_members

    try:
        project = find_project()
        with err.status("reasoning with HermiT (about half a minute)"):
            result = reason(project)
        kg = KnowledgeGraph.from_project(project)
        derive(kg, QueryCatalog(project))
        plain = sparql_members(kg)
    except Inconsistent as e:
        for rule, node, message in e.explanations:
            err.print(f"[{rule}] {node}: {message}", highlight=False, markup=False)
        _fail(e)
    except MigkgError as e:
        _fail(e)
    rows = []
    for name, members in result.members.items():
        codes = sorted(m.rsplit("/", 1)[-1] for m in members)
        agree = "yes" if members == plain[name] else f"no ({len(plain[name])} by SPARQL)"
        rows.append([name, str(len(members)), agree, " ".join(codes)])
    err.print("consistent (HermiT); " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items()), highlight=False)
    _print_table(
        Table(["class", "members", "same as build", "states"], rows), fmt, "Defined classes (inferred by HermiT)"
    )


@app.command()
def claims(
    fmt: Annotated[str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")] = "table",
) -> None:
    """Check the seed papers' factual claims (queries/claims/) against the graph."""
    from .steps.claims import check_all, findings_table

    try:
        if fmt not in FORMATS:
            raise MigkgError(f"unknown format '{fmt}'", hint=f"use one of {', '.join(FORMATS)}")
        project = find_project()
        kg = KnowledgeGraph.from_project(project)
        derive(kg, QueryCatalog(project))
        from datetime import date

        table = findings_table(check_all(kg, project.queries_dir / "claims", today=date.today().isoformat()))
        note = currency_note(kg, project)
    except MigkgError as e:
        _fail(e)
    _print_table(table, fmt, "The seed papers' claims, checked against the graph")
    err.print(note, style="dim", highlight=False, markup=False)


def _version(value: bool) -> None:
    if value:
        out.print(f"migkg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    pass


EXIT_INTERRUPTED = {signal.SIGINT: 130, signal.SIGTERM: 143}  # 128 + the signal's number, as shells report it
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in migkg, not a mistake of the user's


def _on_signal(signum, frame) -> None:
    # Raised where the program is, so every `finally` runs: staged outputs are removed,
    # temporary folders deleted, query workers stopped. Outputs are never left half-moved,
    # because the final renames hold these signals back until they are done.
    raise SystemExit(EXIT_INTERRUPTED[signum])


def _unraisable(hook) -> None:
    """A signal that arrives inside a weakref callback or a __del__ cannot end the program there:
    Python would print "Exception ignored" with a traceback and carry on. Deliver it again
    instead, to be handled at the next point where it can be."""
    exc = hook.exc_value
    if isinstance(exc, SystemExit) and exc.code in EXIT_INTERRUPTED.values():
        signal.raise_signal({code: signum for signum, code in EXIT_INTERRUPTED.items()}[exc.code])
        return
    if isinstance(exc, KeyboardInterrupt):
        signal.raise_signal(signal.SIGINT)
        return
    sys.__unraisablehook__(hook)


def _finish(code: int) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    if Abandoned.any_alive():  # a query still running in native code: do not wait for it
        os._exit(code)
    sys.exit(code)


def main() -> None:
    for signum in EXIT_INTERRUPTED:
        signal.signal(signum, _on_signal)
    sys.unraisablehook = _unraisable
    try:
        app()
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        if code in EXIT_INTERRUPTED.values():
            err.print("interrupted; outputs are as they were before this run", highlight=False)
        _finish(code)
    except KeyboardInterrupt:
        err.print("interrupted; outputs are as they were before this run", highlight=False)
        _finish(EXIT_INTERRUPTED[signal.SIGINT])
    except BrokenPipeError:
        # The reader went away (`migkg query ... | head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        _finish(1)
    except MemoryError:
        err.print("error: out of memory", style="bold red", highlight=False)
        err.print("  hint: lower the input sizes or raise the limits only as far as the machine allows", highlight=False)
        _finish(2)
    except Exception as e:  # a bug: say so plainly; the traceback only on request
        if os.environ.get("MIGKG_DEBUG"):
            raise
        err.print(f"internal error: {type(e).__name__}: {e}", style="bold red", highlight=False, markup=False)
        err.print(
            "  hint: this is a bug in migkg, not in your input; please report it with the command you ran "
            "(MIGKG_DEBUG=1 shows the traceback)",
            highlight=False,
        )
        _finish(EXIT_INTERNAL)
