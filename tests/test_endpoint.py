"""`migkg serve` as a real server process, used by real clients (SPARQLWrapper, rdflib's
SPARQLStore, curl-like HTTP, a browser); `push` and `query --endpoint` against Oxigraph's server."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
import rdflib

from support import ROOT, run_cli
from support.browser import CHROMIUM, launch
from support.servers import free_port, oxigraph_server

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

M = "https://w3id.org/migkg/ontology#"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    port = free_port()
    dist = tmp_path_factory.mktemp("serve-dist")
    env = {**os.environ, "MIGKG_HOME": str(ROOT)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "migkg",
            "serve",
            "--port",
            str(port),
            "--timeout",
            "3",
            "--max-rows",
            "500",
            "--workers",
            "2",
            "--dist",
            str(dist),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(proc.stderr.read().decode()[-2000:])
            time.sleep(0.3)
    yield base, dist
    proc.terminate()
    proc.wait(10)


def get(url, accept=None, data=None, ctype=None, method=None):
    req = urllib.request.Request(url, data=data, method=method)
    if accept:
        req.add_header("Accept", accept)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


def q(base, query, **params):
    return base + "/sparql?" + urllib.parse.urlencode({"query": query, **params})


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def test_sparqlwrapper_and_rdflib_clients(endpoint):
    base, dist = endpoint
    from SPARQLWrapper import JSON, SPARQLWrapper

    sw = SPARQLWrapper(base + "/sparql", agent="migkg-tests")
    sw.setQuery(COUNT)
    sw.setReturnFormat(JSON)
    n = int(sw.query().convert()["results"]["bindings"][0]["n"]["value"])
    assert n == len((dist / "migkg.nt").read_text().splitlines())

    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(base + "/sparql", returnFormat="json"))
    rows = list(
        g.query(
            "SELECT ?label WHERE { <https://w3id.org/migkg/id/state/CHN> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = 'zh') }"
        )
    )
    assert [str(r[0]) for r in rows] == ["中国"]


@pytest.mark.parametrize(
    "accept, fmt, ctype",
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        ("text/html", "csv", "text/csv"),  # the format parameter wins
    ],
)
def test_select_formats(endpoint, accept, fmt, ctype):
    base, _ = endpoint
    params = {"format": fmt} if fmt else {}
    status, headers, body = get(
        q(base, "SELECT ?iso WHERE { ?s <%siso3166Alpha3> ?iso } ORDER BY ?iso LIMIT 2" % M, **params), accept
    )
    assert status == 200 and headers["Content-Type"].startswith(ctype)
    assert b"AFG" in body and b"AGO" in body


@pytest.mark.parametrize(
    "accept, parse_as", [("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld")]
)
def test_construct_formats(endpoint, accept, parse_as):
    base, _ = endpoint
    status, headers, body = get(
        q(base, "CONSTRUCT { ?s ?p ?o } WHERE { BIND(<https://w3id.org/migkg/id/state/CHN> AS ?s) ?s ?p ?o }"), accept
    )
    assert status == 200 and headers["Content-Type"].startswith(accept)
    g = rdflib.Graph().parse(data=body, format=parse_as)
    assert (
        rdflib.URIRef("https://w3id.org/migkg/id/state/CHN"),
        rdflib.URIRef(M + "iso3166Alpha3"),
        rdflib.Literal("CHN"),
    ) in g


def test_protocol_errors(endpoint):
    base, _ = endpoint
    status, _, body = get(q(base, "SELEC ?x WHERE {}"))
    assert status == 400 and b"malformed query" in body
    status, _, body = get(q(base, COUNT), accept="image/png")
    assert status == 406
    status, _, body = get(
        base + "/sparql", data=b"INSERT DATA { <http://a> <http://b> <http://c> }", ctype="application/sparql-update"
    )
    assert status == 403 and b"read-only" in body
    status, _, body = get(
        base + "/sparql",
        data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(),
        ctype="application/x-www-form-urlencoded",
    )
    assert status == 403
    status, _, body = get(q(base, "INSERT DATA { <http://a> <http://b> <http://c> }"))
    assert status == 403
    status, _, body = get(q(base, "SELECT * WHERE { SERVICE <http://127.0.0.1:1/x> { ?s ?p ?o } }"))
    assert status == 400 and b"refused" in body
    assert get(q(base, COUNT))[0] == 200  # and the store is unchanged


def test_row_limit_and_time_limit(endpoint):
    base, _ = endpoint
    status, _, body = get(q(base, "SELECT * WHERE { ?s ?p ?o }"))
    assert status == 400 and b"result limit exceeded" in body and b"500 rows" in body
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    status, _, body = get(q(base, slow))
    assert status == 503 and b"time limit exceeded" in body
    assert get(q(base, COUNT))[0] == 200  # a fresh worker took over


def test_cors_void_and_dereferencing(endpoint, project_kg):
    base, _ = endpoint
    status, headers, _ = get(q(base, COUNT))
    assert headers["Access-Control-Allow-Origin"] == "*"
    status, headers, _ = get(base + "/sparql", method="OPTIONS")
    assert status == 204 and "GET" in headers["Access-Control-Allow-Methods"]

    status, headers, body = get(base + "/.well-known/void")
    g = rdflib.Graph().parse(data=body, format="turtle")
    ds = rdflib.URIRef("https://w3id.org/migkg/dataset")
    assert g.value(ds, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")) == rdflib.URIRef(base + "/sparql")
    assert int(g.value(ds, rdflib.URIRef("http://rdfs.org/ns/void#triples"))) > 10000
    treaties = len(list(project_kg.query("SELECT DISTINCT ?t WHERE { ?t <https://w3id.org/migkg/ontology#instrumentKey> [] }")))
    assert len(list(g.objects(ds, rdflib.URIRef("http://rdfs.org/ns/void#subset")))) == treaties > 8  # as-of per treaty

    status, headers, body = get(base + "/id/state/CHN", accept="text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html") and "中国".encode() in body
    status, headers, body = get(base + "/id/state/CHN", accept="application/ld+json")
    assert status == 200 and json.loads(body)
    status, headers, body = get(base + "/id/state/CHN", accept="text/turtle")
    assert status == 200 and b"CHN" in body
    assert get(base + "/id/state/XXX")[0] == 404


def test_twenty_concurrent_clients(endpoint):
    base, _ = endpoint
    iso = ["AUS", "CHN", "USA", "CAN", "PAN", "IDN", "IND", "JPN", "KOR", "NZL"] * 2

    def ask(code):
        query = f"SELECT ?n WHERE {{ ?s <{M}iso3166Alpha3> '{code}' ; <{M}iso3166Numeric> ?n }}"
        status, _, body = get(q(base, query), accept="text/csv")
        return code, status, body.decode().splitlines()[1]

    with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(ask, iso))
    expected = {
        "AUS": "036",
        "CHN": "156",
        "USA": "840",
        "CAN": "124",
        "PAN": "591",
        "IDN": "360",
        "IND": "356",
        "JPN": "392",
        "KOR": "410",
        "NZL": "554",
    }
    assert all(status == 200 for _, status, _ in answers)
    assert {code: n for code, _, n in answers} == expected


def test_named_query_with_bound_parameters(endpoint):
    base, _ = endpoint
    status, _, body = get(base + "/named/participation?iso3=CHN&format=csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert status == 200 and rows[0] == ["iso3", "instrument", "action", "date", "source", "precision"]
    assert {r[0] for r in rows[1:]} == {"CHN"}
    status, _, body = get(base + "/named/participation?" + urllib.parse.urlencode({"iso3": "' } DROP ALL #"}))
    assert status == 400 and b"ISO 3166" in body


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_query_page_in_a_browser(endpoint):
    base, _ = endpoint
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        page = b.new_page()
        errors, outside = [], []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.on("request", lambda r: not r.url.startswith(base) and outside.append(r.url))
        page.goto(base + "/")
        page.select_option("#examples", "participation")
        page.fill("input[data-param=iso3]", "CHN")
        page.click("#run")
        page.wait_for_function("document.querySelectorAll('#results tbody tr').length > 0", timeout=20000)
        cells = page.locator("#results tbody tr td:first-child").all_text_contents()
        assert cells and set(cells) == {"CHN"}
        href = page.locator("#downloads a", has_text="CSV").get_attribute("href")
        assert href.startswith("/named/participation?") and "format=csv" in href
        page.fill("#query", "SELEC broken")
        page.click("#run")
        page.wait_for_function("document.getElementById('status').className === 'error'")
        assert "malformed query" in page.locator("#status").text_content()
        (ROOT / "test-artifacts").mkdir(exist_ok=True)
        page.screenshot(path=str(ROOT / "test-artifacts" / "query-page.png"))
        assert errors == [] or all("400" in e for e in errors)  # the browser logs the failed fetch of a bad query
        assert outside == []
        b.close()


def test_push_and_query_against_oxigraph_server(tmp_path):
    with oxigraph_server(tmp_path, read_only=False) as base:
        r = run_cli("push", "--endpoint", base + "/store")
        assert r.returncode == 0, r.stderr
        built = int(r.stderr.split("uploaded ")[1].split(" ")[0])
        status, _, body = get(q(base.replace("/sparql", ""), COUNT).replace("/sparql?", "/query?"), accept="text/csv")
        assert int(body.decode().splitlines()[1]) == built
        remote = run_cli("query", "participation", "-p", "iso3=CHN", "--format", "csv", "--endpoint", base + "/query")
        local = run_cli("query", "participation", "-p", "iso3=CHN", "--format", "csv")
        assert remote.returncode == 0, remote.stderr
        assert remote.stdout == local.stdout
        named_graph = run_cli("push", "--endpoint", base + "/store", "--graph", "https://w3id.org/migkg/graph/test")
        assert named_graph.returncode == 0, named_graph.stderr
        refused = run_cli(
            "query", "parties-as-of", "-p", "instrument=V-2", "-p", "date=2000-01-01", "--endpoint", base + "/query"
        )
        assert refused.returncode == 2 and "cannot be sent" in refused.stderr


def test_push_to_nowhere_is_a_clear_error():
    r = run_cli("push", "--endpoint", f"http://127.0.0.1:{free_port()}/store")
    assert r.returncode == 2 and "cannot reach" in r.stderr and "Traceback" not in r.stderr
