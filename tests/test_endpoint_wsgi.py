"""The endpoint's WSGI application called in-process, on a small graph (no build, no HTTP server),
and the waitress server that `migkg serve` puts in front of it, on a free loopback port.

tests/test_endpoint.py and tests/test_hostile_endpoint.py run the real `migkg serve` over the
project's graph; these check the same behaviours quickly, one request at a time, through
wsgiref's validator so that the application also keeps to the WSGI specification.
"""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from wsgiref.util import setup_testing_defaults
from wsgiref.validate import validator

import pyoxigraph as ox
import pytest
import rdflib
from waitress import wasyncore

from support import FIXTURES, PROJECT
from migkg.core.queries import QueryCatalog
from migkg.serve.app import MAX_BODY, Site, make_app
from migkg.serve.engine import QueryEngine
from migkg.serve.formats import TooManyRows, serialize_solutions
from migkg.serve.run import bind, close_server, endpoint_description, http_server

M = "https://w3id.org/migkg/ontology#"
STATE = "https://w3id.org/migkg/id/state/"
ISO = f"SELECT ?iso WHERE {{ ?s <{M}iso3166Alpha3> ?iso }} ORDER BY ?iso"
MAX_ROWS = 20
BASE = "http://testserver"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A Site over the synthetic world of the query tests (three states, two treaties), with one
    query worker; the worker loads the graph file as the real server's workers do."""
    dist = tmp_path_factory.mktemp("wsgi-dist")
    graph = dist / "migkg.nt"
    quads = ox.parse(path=str(FIXTURES / "cq" / "world" / "base.ttl"), format=ox.RdfFormat.TURTLE)
    graph.write_bytes(ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES))
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.N_TRIPLES)
    engine = QueryEngine(graph, workers=1, timeout=10, max_rows=MAX_ROWS, start_timeout=60)
    named = {q.name: q for q in QueryCatalog(PROJECT).research()}
    void = endpoint_description(store, BASE, len(store))
    yield Site(engine, store, dist, named, void)
    engine.close()


@pytest.fixture(scope="module")
def app(site):
    return validator(make_app(site))


def call(app, path="/", query=None, method="GET", body=b"", headers=None):
    """One request: (status, headers as a dict with lower-case names, body)."""
    environ = {}
    setup_testing_defaults(environ)
    environ.update(
        REQUEST_METHOD=method,
        PATH_INFO=path,
        QUERY_STRING=urllib.parse.urlencode(query or {}),
        CONTENT_LENGTH=str(len(body)) if body else "",
    )
    environ["wsgi.input"] = io.BytesIO(body)
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key in ("CONTENT_TYPE", "CONTENT_LENGTH") else "HTTP_" + key] = value
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"], started["headers"] = status, response_headers
        return lambda data: None

    result = app(environ, start_response)
    try:
        data = b"".join(result)
    finally:
        result.close()
    return int(started["status"].split()[0]), {k.lower(): v for k, v in started["headers"]}, data


def sparql(app, query, accept=None, **params):
    return call(app, "/sparql", {"query": query, **params}, headers={"Accept": accept} if accept else None)


# --- SELECT and ASK in every results format -------------------------------------------------


def test_select_json(app):
    status, headers, body = sparql(app, ISO)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert headers["access-control-allow-origin"] == "*"
    assert int(headers["content-length"]) == len(body)
    answer = json.loads(body)
    assert answer["head"]["vars"] == ["iso"]
    assert [b["iso"] for b in answer["results"]["bindings"]] == [
        {"type": "literal", "value": code} for code in ("AAA", "BBB", "CCC")
    ]


def test_select_csv_and_tsv(app):
    status, headers, body = sparql(app, ISO, accept="text/csv")
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    assert body == b"iso\r\nAAA\r\nBBB\r\nCCC\r\n"  # the SPARQL 1.1 CSV format: CRLF line ends
    status, headers, body = sparql(app, ISO, format="tsv")
    assert status == 200 and headers["content-type"] == "text/tab-separated-values; charset=utf-8"
    assert body.decode().splitlines() == ["?iso", '"AAA"', '"BBB"', '"CCC"']


def test_select_xml_with_languages_and_unbound_cells(app):
    query = (
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s ?zh WHERE { "
        f"?s <{M}iso3166Alpha3> ?iso OPTIONAL {{ ?s rdfs:label ?zh FILTER(LANG(?zh) = 'zh') }} }} ORDER BY ?iso"
    )
    status, headers, body = sparql(app, query, accept="application/sparql-results+xml")
    assert status == 200 and headers["content-type"] == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    results = ET.fromstring(body).findall("r:results/r:result", ns)
    assert [r.find("r:binding[@name='s']/r:uri", ns).text for r in results] == [
        STATE + c for c in ("AAA", "BBB", "CCC")
    ]
    labels = [r.find("r:binding[@name='zh']/r:literal", ns) for r in results]
    assert labels[0].text == "阿兰" and labels[0].get("{http://www.w3.org/XML/1998/namespace}lang") == "zh"
    assert labels[2] is None  # Carpania has no Chinese label: the cell is left out, not empty


def test_ask(app):
    status, headers, body = sparql(app, f"ASK {{ <{STATE}AAA> ?p ?o }}")
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    status, _, body = sparql(app, f"ASK {{ <{STATE}XXX> ?p ?o }}", format="xml")
    assert status == 200 and b"<boolean>false</boolean>" in body


# --- content negotiation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "accept, media",
    [
        ("", "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/json", "application/sparql-results+json"),
        ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/html, text/tab-separated-values;q=0.9", "text/tab-separated-values"),
    ],
)
def test_accept_header_chooses_the_format(app, accept, media):
    status, headers, _ = sparql(app, ISO, accept=accept or None)
    assert status == 200 and headers["content-type"].split(";")[0] == media


def test_format_parameter_wins_and_unknown_formats_are_refused(app):
    status, headers, _ = sparql(app, ISO, accept="application/sparql-results+xml", format="csv")
    assert status == 200 and headers["content-type"].startswith("text/csv")
    status, headers, body = sparql(app, ISO, accept="image/png")
    assert status == 406 and headers["content-type"] == "text/plain; charset=utf-8" and b"image/png" in body
    status, _, body = sparql(app, ISO, format="turtle")  # a graph format for a SELECT
    assert status == 406 and b"use one of json, xml, csv, tsv" in body


# --- CONSTRUCT, DESCRIBE, the dataset description, /id/ pages -------------------------------


def test_construct_in_turtle_and_ntriples(app):
    query = f"CONSTRUCT {{ ?s <{M}iso3166Alpha3> ?iso }} WHERE {{ ?s <{M}iso3166Alpha3> ?iso }}"
    status, headers, body = sparql(app, query, accept="text/turtle")
    assert status == 200 and headers["content-type"] == "text/turtle"
    g = rdflib.Graph().parse(data=body, format="turtle")
    assert (
        len(g) == 3 and (rdflib.URIRef(STATE + "AAA"), rdflib.URIRef(M + "iso3166Alpha3"), rdflib.Literal("AAA")) in g
    )
    assert b"@prefix state:" in body  # the project's prefixes shorten the answer
    status, headers, body = sparql(app, query, accept="application/n-triples")
    assert status == 200 and headers["content-type"] == "application/n-triples"
    assert len(body.splitlines()) == 3
    status, _, body = sparql(app, query, accept="application/sparql-results+json")
    assert status == 406


def test_dataset_description_and_dereferencing(app):
    status, headers, body = call(app, "/.well-known/void")
    assert status == 200 and headers["content-type"] == "text/turtle"
    g = rdflib.Graph().parse(data=body, format="turtle")
    endpoint = g.value(
        rdflib.URIRef("https://w3id.org/migkg/dataset"), rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
    )
    assert endpoint == rdflib.URIRef(BASE + "/sparql")
    status, headers, body = call(app, "/id/state/AAA", headers={"Accept": "application/ld+json"})
    assert status == 200 and headers["content-type"] == "application/ld+json"
    g = rdflib.Graph().parse(data=body, format="json-ld")
    assert (rdflib.URIRef(STATE + "AAA"), rdflib.URIRef(M + "iso3166Alpha3"), rdflib.Literal("AAA")) in g
    status, headers, body = call(app, "/id/state/AAA", headers={"Accept": "text/html"})
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and "阿兰".encode() in body
    assert call(app, "/id/state/XXX")[0] == 404


# --- what the endpoint refuses ------------------------------------------------------------------


def test_updates_are_refused(app):
    insert = "INSERT DATA { <http://a> <http://b> <http://c> }"
    status, _, body = call(
        app, "/sparql", method="POST", body=insert.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert status == 403 and b"read-only" in body
    form = urllib.parse.urlencode({"update": insert}).encode()
    status, _, body = call(
        app, "/sparql", method="POST", body=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 403 and b"read-only" in body
    status, _, body = sparql(app, insert)
    assert status == 403 and b"read-only" in body
    assert (
        json.loads(sparql(app, "SELECT (COUNT(*) AS ?n) WHERE { <http://a> ?p ?o }")[2])["results"]["bindings"][0]["n"][
            "value"
        ]
        == "0"
    )


def test_service_is_refused(app):
    status, headers, body = sparql(app, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }")
    assert status == 400 and headers["content-type"] == "text/plain; charset=utf-8"
    assert b"refused: the query asks for SERVICE" in body


def test_malformed_queries_and_bad_requests(app):
    status, _, body = sparql(app, "SELEC ?x WHERE {}")
    assert status == 400 and b"malformed query" in body
    status, _, body = call(app, "/sparql")
    assert status == 400 and b"exactly one 'query'" in body
    status, _, body = call(app, "/sparql", method="POST", body=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert status == 400 and b"unsupported Content-Type" in body
    status, _, body = call(app, "/sparql", method="PUT")
    assert status == 405


def test_bodies_the_app_refuses_without_reading(site):
    """What the waitress front end hands through (see serve/run.py): the app's own messages."""
    raw = make_app(site)  # not through the validator: it would refuse these environs itself

    def post(length: str, more: dict | None = None):
        environ = {}
        setup_testing_defaults(environ)
        environ.update(
            REQUEST_METHOD="POST", PATH_INFO="/sparql", CONTENT_TYPE="application/sparql-query", CONTENT_LENGTH=length
        )
        environ["wsgi.input"] = io.BytesIO(b"ASK {}")
        environ.update(more or {})
        started = {}
        body = b"".join(raw(environ, lambda s, h, e=None: started.update(status=s)))
        return int(started["status"].split()[0]), body

    assert post("6") == (200, b'{"head":{},"boolean":true}')
    status, body = post("abc")
    assert status == 400 and b"whole number" in body
    status, body = post(str(MAX_BODY + 1))
    assert status == 413 and b"larger than this server accepts" in body
    status, body = post("10")
    assert status == 400 and b"ended after 6 of the 10 bytes" in body
    status, body = post("", {"HTTP_TRANSFER_ENCODING": "chunked"})
    assert status == 411


def test_row_limit(app):
    status, _, body = sparql(app, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and f"more than {MAX_ROWS} rows".encode() in body
    status, _, body = sparql(app, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}", accept="text/csv")
    assert status == 200 and len(body.splitlines()) == MAX_ROWS + 1  # exactly the limit is answered
    status, _, body = sparql(app, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert status == 400 and f"more than {MAX_ROWS} triples".encode() in body


def test_spreadsheet_safe_csv(app):
    cells = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("=1+1" "plain") ("@SUM(A1)" "-2") } }'
    status, _, body = sparql(app, cells, format="csv", **{"spreadsheet-safe": "1"})
    assert status == 200 and list(csv.reader(io.StringIO(body.decode()))) == [
        ["a", "b"],
        ["'=1+1", "plain"],
        ["'@SUM(A1)", "'-2"],
    ]
    status, _, body = sparql(app, cells, format="csv")
    assert status == 200 and list(csv.reader(io.StringIO(body.decode())))[1] == ["=1+1", "plain"]
    status, _, body = sparql(app, cells, format="csv", **{"spreadsheet-safe": "maybe"})
    assert status == 400 and b"spreadsheet-safe=1" in body


def test_named_query_with_bound_parameter(app):
    status, headers, body = call(app, "/named/participation", {"iso3": "AAA", "format": "csv"})
    assert status == 200 and headers["content-type"].startswith("text/csv")
    assert next(csv.reader(io.StringIO(body.decode()))) == [
        "iso3",
        "instrument",
        "action",
        "date",
        "source",
        "precision",
    ]
    status, _, body = call(app, "/named/participation", {"iso3": "' } DROP ALL #"})
    assert status == 400 and b"ISO 3166" in body
    assert call(app, "/named/no-such-query")[0] == 404


# --- CORS, methods, paths ---------------------------------------------------------------------


def test_cors_preflight_head_and_unknown_paths(app):
    status, headers, body = call(app, "/sparql", method="OPTIONS")
    assert status == 204 and body == b""
    assert headers["access-control-allow-origin"] == "*" and "POST" in headers["access-control-allow-methods"]
    assert "Content-Type" in headers["access-control-allow-headers"]
    status, headers, body = call(app, "/nowhere")
    assert status == 404 and b"/sparql" in body and headers["access-control-allow-origin"] == "*"
    assert call(app, "/", method="HEAD")[0] == 405  # HEAD is not offered: every resource is GET only
    status, headers, body = call(app, "/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8" and b"participation" in body
    status, _, body = call(app, "/pages/\x00")  # PATH_INFO comes percent-decoded
    assert status == 400 and b"control character" in body


# --- the serialisation of SELECT answers, without workers ---------------------------------------


def test_capped_serialisation_matches_pyoxigraph():
    store = ox.Store()
    store.bulk_load(path=str(FIXTURES / "cq" / "world" / "base.ttl"), format=ox.RdfFormat.TURTLE)
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    n = len(list(store.query(query)))
    for fmt, rf in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("csv", ox.QueryResultsFormat.CSV),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        assert serialize_solutions(store.query(query), fmt, max_rows=n) == store.query(query).serialize(format=rf)
    with pytest.raises(TooManyRows):
        serialize_solutions(store.query(query), "json", max_rows=n - 1)
    empty = serialize_solutions(store.query("SELECT ?x WHERE { FILTER(false) }"), "json", max_rows=0)
    assert json.loads(empty) == {"head": {"vars": ["x"]}, "results": {"bindings": []}}


# --- the waitress server in front of the app --------------------------------------------------


@pytest.fixture()
def server(site):
    sock = bind("127.0.0.1", 0)
    channels: dict = {}
    http = http_server(make_app(site), sock, workers=1, channels=channels)
    loop = threading.Thread(target=wasyncore.loop, kwargs={"timeout": 0.1, "map": channels}, daemon=True)
    loop.start()
    yield sock.getsockname()[1]
    close_server(http, channels)
    loop.join(5)
    assert not loop.is_alive()


def exchange(port: int, request: bytes, close_write: bool = False) -> tuple[bytes, bytes]:
    """The head and body of the answer; returns when the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def post(length: str, body: bytes = b"ASK {}") -> bytes:
    return (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: " + length.encode() + b"\r\n\r\n" + body
    )


def test_waitress_answers_once_per_connection_with_the_apps_messages(server):
    head, body = exchange(server, b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK") and b"Connection: close" in head and b"Server: migkg" in head
    assert json.loads(body) == {"head": {}, "boolean": True}
    head, body = exchange(server, post("abc"))
    assert head.startswith(b"HTTP/1.1 400") and b"whole number" in body and b"waitress" not in body
    head, body = exchange(server, post(str(MAX_BODY + 1), b""))  # answered without waiting for the body
    assert head.startswith(b"HTTP/1.1 413") and b"larger than this server accepts" in body
    big = MAX_BODY + 500_000  # refused at once, and the body still sent is read and dropped:
    head, body = exchange(server, post(str(big), b"#" * big))  # the client gets the answer, not a reset
    assert head.startswith(b"HTTP/1.1 413") and b"larger than this server accepts" in body
    head, body = exchange(server, post("-1", b" " * 2_000_000))
    assert head.startswith(b"HTTP/1.1 400") and b"Content-Length" in body
    head, body = exchange(server, post("10"), close_write=True)
    assert head.startswith(b"HTTP/1.1 400") and b"ended after 6 of the 10 bytes" in body
    head, body = exchange(server, post("6", b"ASK {}GARBAGE"))  # the rest is not read as a request
    assert head.startswith(b"HTTP/1.1 200") and body == b'{"head":{},"boolean":true}'
