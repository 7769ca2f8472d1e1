"""Starting the endpoint: build the graph, start the query workers, serve HTTP.

Whatever ends the server (Ctrl-C, SIGTERM, an error), the query workers are stopped and the
temporary build folder is removed; a worker also dies with the server when the server is
killed outright (see engine.py).
"""

from __future__ import annotations

import signal
import tempfile
import threading
from contextlib import ExitStack, contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pyoxigraph as ox

from ..build import build
from ..core.project import Project
from ..core.queries import QueryCatalog
from .app import Site, make_app
from .engine import QueryEngine

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET = ox.NamedNode("https://w3id.org/migkg/dataset")


class ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):  # one line per request is noise in a terminal; errors still reach the client
        pass


def dataset_description(store: ox.Store, base: str, triples: int) -> list[ox.Triple]:
    n = lambda iri: ox.NamedNode(iri)  # noqa: E731
    t = [
        ox.Triple(DATASET, RDF_TYPE, n(VOID + "Dataset")),
        ox.Triple(DATASET, RDF_TYPE, n(DCAT + "Dataset")),
        ox.Triple(
            DATASET,
            n(DCT + "title"),
            ox.Literal("migkg: a knowledge graph of international migration governance", language="en"),
        ),
        ox.Triple(DATASET, n(DCT + "title"), ox.Literal("migkg：国际移民治理知识图谱", language="zh")),
        ox.Triple(DATASET, n(DCT + "license"), n("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(
            DATASET,
            n(VOID + "triples"),
            ox.Literal(str(triples), datatype=n("http://www.w3.org/2001/XMLSchema#integer")),
        ),
        ox.Triple(DATASET, n(VOID + "sparqlEndpoint"), n(base + "/sparql")),
        ox.Triple(DATASET, n(VOID + "uriSpace"), ox.Literal("https://w3id.org/migkg/id/")),
        ox.Triple(DATASET, n(VOID + "vocabulary"), n("https://w3id.org/migkg/ontology#")),
    ]
    for name, media in (
        ("migkg.ttl", "text/turtle"),
        ("migkg.nt", "application/n-triples"),
        ("migkg.jsonld", "application/ld+json"),
    ):
        dist = n(f"{base}/downloads/{name}")
        t += [
            ox.Triple(DATASET, n(VOID + "dataDump"), dist),
            ox.Triple(DATASET, n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCAT + "mediaType"), ox.Literal(media)),
            ox.Triple(dist, n(DCAT + "downloadURL"), dist),
        ]
    # The derived per-treaty coverage (as-of dates) belongs to the description too.
    for q in store.quads_for_pattern(DATASET, None, None):
        t.append(ox.Triple(q.subject, q.predicate, q.object))
        if isinstance(q.object, ox.NamedNode) and q.predicate.value == VOID + "subset":
            t += [ox.Triple(x.subject, x.predicate, x.object) for x in store.quads_for_pattern(q.object, None, None)]
    return sorted(set(t), key=str)


def prepare(
    project: Project,
    dist: Path,
    base: str,
    workers: int,
    timeout: float,
    max_rows: int,
    allow_service=False,
    step=lambda s: None,
) -> Site:
    result = build(project, dist, step=step)
    graph_file = dist / "migkg.nt"
    step("loading the endpoint's store")
    store = ox.Store()
    store.bulk_load(path=str(graph_file), format=ox.RdfFormat.N_TRIPLES)
    step("starting query workers")
    engine = QueryEngine(graph_file, workers=workers, timeout=timeout, max_rows=max_rows, allow_service=allow_service)
    try:
        named = {q.name: q for q in QueryCatalog(project).research()}
        return Site(engine, store, dist, named, dataset_description(store, base, result.triples))
    except BaseException:  # the caller never gets the engine to close
        engine.close()
        raise


@contextmanager
def _signals_ignored():
    """Ignore Ctrl-C and SIGTERM for a short, bounded block (main thread only).

    Handlers rather than a signal mask: a mask holds only the calling thread, and any other
    thread (request threads, the worker keeper) would receive the signal for the process.
    """
    try:
        old = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


@contextmanager
def sigterm_exits():
    """Make SIGTERM end the server by an exception, as Ctrl-C does, so the cleanup below runs.

    Only where the default (die at once) is in force: a handler the caller installed is kept.
    """
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def serve(
    project: Project,
    host: str,
    port: int,
    dist: Path | None,
    workers: int,
    timeout: float,
    max_rows: int,
    allow_service=False,
    step=lambda s: None,
    ready=lambda url: None,
) -> None:
    base = f"http://{host}:{port}"
    with sigterm_exits():
        cleanup = ExitStack()
        try:
            # Entered in this order, undone in reverse: HTTP socket, then workers, then the folder.
            if dist is None:
                dist = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="migkg-serve-")))
            site = prepare(project, dist, base, workers, timeout, max_rows, allow_service, step)
            cleanup.callback(site.engine.close)
            httpd = cleanup.enter_context(
                make_server(host, port, make_app(site), server_class=ThreadingServer, handler_class=QuietHandler)
            )
            ready(base)
            httpd.serve_forever()
        finally:
            with _signals_ignored():  # an impatient second Ctrl-C must not leave workers or the folder behind
                cleanup.close()
