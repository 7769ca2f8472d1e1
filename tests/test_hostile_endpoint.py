"""`migkg serve` against hostile and unlucky clients, as a real server process on loopback.

Each class of failure from issue 15: workers that die, SERVICE reaching out, deep and large
queries, lying Content-Length headers, control characters in the path, formulas in CSV, and
a server stopped by a signal. Every answer must be a plain message (never a traceback), and
the endpoint must go on answering afterwards.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from support import ROOT
from support.servers import Listener, free_port

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MAX_QUERY_BYTES = 100_000  # below the 1 MB body cap, so the query-size limit itself can be reached


def start(port: int, *args: str, env: dict | None = None, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "migkg", "serve", "--port", str(port), *args],
        env={**os.environ, "MIGKG_HOME": str(ROOT), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),  # a file, not a pipe: a pipe nobody reads could fill and block the server
    )


def wait_ready(proc: subprocess.Popen, port: int, log: Path, seconds: float = 120) -> str:
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + seconds
    while True:
        try:
            urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2)
            return base
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError(log.read_text()[-2000:])
            time.sleep(0.3)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    port, dist, log = free_port(), tmp / "dist", tmp / "serve.log"
    proc = start(
        port,
        *("--timeout", "5", "--max-rows", "500", "--workers", "2", "--dist", str(dist)),
        env={"MIGKG_MAX_QUERY_BYTES": str(MAX_QUERY_BYTES)},
        log=log,
    )
    base = wait_ready(proc, port, log)
    yield {"base": base, "port": port, "dist": dist, "proc": proc, "log": log}
    proc.terminate()
    proc.wait(15)
    assert "Traceback" not in log.read_text(errors="replace")  # not even in the server's own log


# --- helpers ------------------------------------------------------------------------------


def http(url: str, data: bytes | None = None, ctype: str | None = None, method: str | None = None):
    req = urllib.request.Request(url, data=data, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def q(base: str, query: str, **params) -> str:
    return base + "/sparql?" + urllib.parse.urlencode({"query": query, **params})


def raw(port: int, request: bytes, close_write: bool = False, timeout: float = 10) -> tuple[int, bytes]:
    """Send bytes as they are; the status and body of the answer. Waits for the server to close."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(request)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := s.recv(65536):  # a server waiting for more body would time out here
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def plain(status: int, body: bytes, expected: int | tuple, words: str) -> None:
    """An error answer as the issue demands: the status, a message that says what is wrong, no traceback."""
    assert status in (expected if isinstance(expected, tuple) else (expected,)), (status, body[:500])
    assert words.encode() in body, body[:500]
    assert b"Traceback" not in body and b'File "' not in body


def still_answers(base: str) -> None:
    status, body = http(q(base, "ASK {}"))
    assert status == 200 and b"true" in body, (status, body[:300])


def workers_of(pid: int) -> set[int]:
    """The living query worker processes of a server: children running multiprocessing's spawn_main."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[1]) == pid and b"spawn_main" in cmdline:
            found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def until(condition, seconds: float, what: str):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def recovered(base: str, seconds: float = 40) -> None:
    """Queries succeed again; every answer on the way is a clean 500/503 message."""

    def ok() -> bool:
        status, body = http(q(base, COUNT))
        if status != 200:
            plain(status, body, (500, 503), "worker")
        return status == 200

    until(ok, seconds, "the endpoint answering again")
    for _ in range(3):
        assert http(q(base, COUNT))[0] == 200


# --- 1. workers that die are replaced ------------------------------------------------------


def test_killed_idle_workers_are_replaced(server):
    base, pid = server["base"], server["proc"].pid
    before = until(lambda: workers_of(pid) if len(workers_of(pid)) == 2 else None, 30, "two workers")
    for w in before:
        os.kill(w, signal.SIGKILL)
    until(lambda: not any(alive(w) for w in before), 10, "the killed workers gone")
    recovered(base)
    after = until(lambda: workers_of(pid) if len(workers_of(pid)) == 2 else None, 30, "two workers again")
    assert not after & before
    still_answers(base)


def test_worker_killed_while_answering(server):
    base, pid = server["base"], server["proc"].pid
    until(lambda: len(workers_of(pid)) == 2, 30, "two workers")
    answer = {}
    slow = threading.Thread(target=lambda: answer.update(r=http(q(base, SLOW))))
    slow.start()
    time.sleep(1.5)  # the slow query is running in one of them
    for w in workers_of(pid):
        os.kill(w, signal.SIGKILL)
    slow.join(30)
    plain(*answer["r"], 500, "worker stopped while answering")
    recovered(base)
    until(lambda: len(workers_of(pid)) == 2, 30, "two workers again")


def test_worker_that_cannot_start(server):
    """A replacement that fails to start: a clear 503 at once, a line in the log, and recovery later."""
    base, pid, graph = server["base"], server["proc"].pid, server["dist"] / "migkg.nt"
    until(lambda: len(workers_of(pid)) == 2, 30, "two workers")
    hidden = graph.with_name("migkg.nt.away")
    graph.rename(hidden)
    try:
        for w in workers_of(pid):
            os.kill(w, signal.SIGKILL)

        def refused():
            status, body = http(q(base, COUNT))
            return (status, body) if b"no query worker is running" in body else None

        status, body = until(refused, 30, "a 503 saying no worker is running")
        plain(status, body, 503, "try again later")
        assert str(server["dist"]).encode() not in body  # the server's paths stay in its log
        # (the first failed start may be a worker this test killed while it was starting)
        until(lambda: "a query worker did not start: cannot load" in server["log"].read_text(), 30, "the log line")
    finally:
        hidden.rename(graph)
    recovered(base, seconds=60)  # the keeper retries with a growing pause


# --- 2. the guard runs before dispatch; SERVICE never reaches out ----------------------------


REACHING_OUT = [  # each must be refused (400, or 403 for an update)
    "SELECT * WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    r"PREFIX ex: <http://e/> SELECT * WHERE { ex:a\# ?p ?o . SERVICE <http://127.0.0.1:PORT/> {?s ?p ?o} }",
    r"SELECT * WHERE { \u0053ERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053\u0045\u0052\u0056\u0049\u0043\u0045 <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "SELECT * WHERE { SeRvIcE <http://localhost:PORT/sparql> { ?s ?p ?o } }",
    "PREFIX loc: <http://127.0.0.1:PORT/> SELECT * WHERE { SERVICE loc: { ?s ?p ?o } }",
    "BASE <http://127.0.0.1:PORT/> SELECT * WHERE { SERVICE <> { ?s ?p ?o } }",
    "SELECT * WHERE { BIND(<http://127.0.0.1:PORT/> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:PORT/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { ?x ?y ?z OPTIONAL { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } } LIMIT 1",
    "SELECT * WHERE { ?x ?y ?z FILTER EXISTS { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } } LIMIT 1",
    "SELECT * WHERE { ?x ?y ?z FILTER NOT EXISTS { SERVICE <http://127.0.0.1:PORT/> { ?x ?y ?z } } } LIMIT 1",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } } LIMIT 1",
    "SELECT * WHERE { MINUS { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "SELECT * WHERE { GRAPH ?g { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "SELECT * WHERE { SERVICE <http://e/> { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } } }",
    "ASK { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "DESCRIBE ?s WHERE { SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o } }",
    "LOAD <http://127.0.0.1:PORT/>",
    "LOAD SILENT <http://127.0.0.1:PORT/> INTO GRAPH <http://e/g>",
]
HARMLESS = [  # the address only appears in a comment, string, IRI or dataset clause: answered, no request
    "SELECT * WHERE { ?s ?p ?o # SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o }\n } LIMIT 1",
    "SELECT * WHERE { BIND('SERVICE <http://127.0.0.1:PORT/> { ?s ?p ?o }' AS ?x) }",
    'SELECT * WHERE { BIND("""x\nSERVICE <http://127.0.0.1:PORT/> {}""" AS ?x) }',
    "SELECT * WHERE { <http://127.0.0.1:PORT/SERVICE> ?p ?o }",
    "SELECT * FROM <http://127.0.0.1:PORT/> WHERE { ?s ?p ?o } LIMIT 1",
    "SELECT * FROM NAMED <http://127.0.0.1:PORT/> WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 1",
    "DESCRIBE <http://127.0.0.1:PORT/>",
]


def test_service_never_reaches_out(server):
    base, listener = server["base"], Listener()
    for text in REACHING_OUT + HARMLESS:
        query = text.replace("PORT", str(listener.port))
        for status, body in (
            http(q(base, query)),
            http(base + "/sparql", data=query.encode(), ctype="application/sparql-query"),
            http(
                base + "/sparql",
                data=urllib.parse.urlencode({"query": query}).encode(),
                ctype="application/x-www-form-urlencoded",
            ),
        ):
            assert status == (200 if text in HARMLESS else 403 if "LOAD" in text else 400), (query, status, body[:300])
            assert b"Traceback" not in body
    time.sleep(0.5)  # a connection attempt would have been accepted by now
    assert listener.connections == 0
    status, body = http(q(base, REACHING_OUT[0].replace("PORT", str(listener.port))))
    plain(status, body, 400, "refused: the query asks for SERVICE")
    plain(*http(q(base, "LOAD <http://127.0.0.1:1/>")), 403, "read-only")
    listener.close()
    still_answers(base)


# --- 3. deep and large queries ---------------------------------------------------------------


def test_deep_and_large_queries_are_refused(server):
    base = server["base"]
    deep = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    assert 10_000 <= len(deep) < 11_000
    status, body = http(base + "/sparql", data=deep.encode(), ctype="application/sparql-query")
    plain(status, body, 400, "nested more than")
    parens = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"
    plain(*http(q(base, parens)), 400, "nested more than")

    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (MAX_QUERY_BYTES + 10)  # under the body cap, over the query limit
    plain(*http(base + "/sparql", data=big.encode(), ctype="application/sparql-query"), 413, "MIGKG_MAX_QUERY_BYTES")
    huge = "ASK {} #" + "x" * 1_100_000  # over the body cap
    status, body = http(base + "/sparql", data=huge.encode(), ctype="application/sparql-query")
    plain(status, body, 413, "larger than this server accepts")
    plain(*http(q(base, "SELEC ?x WHERE {}")), 400, "malformed query")
    still_answers(base)


# --- 4. lying Content-Length -----------------------------------------------------------------


def post(length: str, body: bytes = b"ASK {}") -> bytes:
    return (
        b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: " + length.encode() + b"\r\n\r\n" + body
    )


def test_bad_content_length(server):
    port, base = server["port"], server["base"]
    # The connection stays open: a server that read "to the end" would hang here.
    plain(*raw(port, post("-1")), 400, "Content-Length")
    plain(*raw(port, post("-1", b"ASK {}" + b" " * 2_000_000)), 400, "Content-Length")
    plain(*raw(port, post("abc")), 400, "whole number")
    plain(*raw(port, post("6 6")), 400, "whole number")
    plain(*raw(port, post("")), 400, "exactly one 'query'")
    # Over the cap: refused at once, without waiting for (or reading) the body.
    plain(*raw(port, post("2000000", b"")), 413, "larger than this server accepts")
    plain(*raw(port, post("9" * 40, b"")), 413, "larger than this server accepts")
    # Shorter than announced, then the client stops sending.
    plain(*raw(port, post("10"), close_write=True), 400, "ended after 6 of the 10 bytes")
    # Only the announced bytes are read: the rest is not part of the query.
    status, body = raw(port, post("6", b"ASK {}GARBAGE"))
    assert status == 200 and b"true" in body
    still_answers(base)


# --- 5. bad paths, hidden files, and the last-resort guard ----------------------------------


def get_raw(port: int, path: bytes) -> tuple[int, bytes]:
    return raw(port, b"GET " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")


def test_bad_paths_and_hidden_files(server):
    port, base, dist = server["port"], server["base"], server["dist"]
    for path in (b"/pages/%00", b"/downloads/migkg.ttl%00.txt", b"/id/state/%00", b"/sparql%00", b"/%1b[31m"):
        plain(*get_raw(port, path), 400, "control character")
    plain(*get_raw(port, b"/pages/a\x00b"), 400, "control character")  # a raw NUL byte, not percent-encoded
    plain(*get_raw(port, b"/id/%FF%FE"), 400, "not valid UTF-8")
    for path in (b"/pages/../../../etc/passwd", b"/downloads/%2e%2e/%2e%2e/etc/passwd", b"/downloads/", b"/nowhere"):
        status, body = get_raw(port, path)
        assert status == 404 and b"Traceback" not in body, (path, status, body[:200])

    (dist / ".secret").write_text("staging\n")
    (dist / ".migkg-stage-1").mkdir(exist_ok=True)
    (dist / ".migkg-stage-1" / "migkg.ttl").write_text("half-built\n")
    (dist / "visible.txt").unlink(missing_ok=True)
    (dist / "visible.txt").symlink_to(".secret")
    hidden = ("/downloads/.secret", "/downloads/.migkg-stage-1/migkg.ttl", "/pages/./.secret", "/downloads/visible.txt")
    for path in hidden:
        plain(*http(base + path), 404, "no such file")
    assert http(base + "/downloads/migkg.ttl")[0] == 200

    # A fault on the server's side (here a symlink loop in the built folder) is a plain 500
    # with one line in the log, whatever raised it.
    (dist / "loop.ttl").unlink(missing_ok=True)
    (dist / "loop.ttl").symlink_to("loop.ttl")
    plain(*http(base + "/downloads/loop.ttl"), 500, "internal error; the server logged it")
    assert "internal error on GET '/downloads/loop.ttl'" in server["log"].read_text()
    still_answers(base)


# --- 6. formulas in CSV and TSV --------------------------------------------------------------

CELLS = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("=1+1" "plain") ("@SUM(A1)" "-2") ("+x" "\\tx") } }'


def test_spreadsheet_safe_option(server):
    base = server["base"]
    status, body = http(q(base, CELLS, format="csv"))
    assert status == 200 and body.decode().splitlines()[1:] == ["=1+1,plain", "@SUM(A1),-2", "+x,\tx"]
    status, body = http(q(base, CELLS, format="csv", **{"spreadsheet-safe": "1"}))
    assert status == 200 and body.decode().splitlines()[1:] == ["'=1+1,plain", "'@SUM(A1),'-2", "'+x,'\tx"]
    status, body = http(q(base, CELLS, format="tsv", **{"spreadsheet-safe": "1"}))
    assert status == 200 and body.decode().splitlines()[1] == "\"'=1+1\"\t\"plain\""
    status, body = http(q(base, CELLS, format="tsv"))
    assert status == 200 and body.decode().splitlines()[1] == '"=1+1"\t"plain"'
    status, body = http(base + "/named/participation?iso3=CHN&format=csv&spreadsheet-safe=1")
    assert status == 200 and b"CHN" in body
    plain(*http(q(base, CELLS, format="csv", **{"spreadsheet-safe": "maybe"})), 400, "spreadsheet-safe=1")
    status, body = http(base + "/")
    assert b"spreadsheet-safe=1" in body
    still_answers(base)


# --- 7. stopping: nothing left behind ------------------------------------------------------


def test_stopping_leaves_nothing_behind(tmp_path):
    """SIGTERM and Ctrl-C (here during the build) remove the temporary folder and stop the
    workers; a server killed outright takes its workers with it. Three servers, started together."""
    runs = {}
    for name in ("term", "int", "kill"):
        tmp = tmp_path / name / "tmp"
        tmp.mkdir(parents=True)
        port, log = free_port(), tmp_path / name / "serve.log"
        args = ("--workers", "2") + (("--dist", str(tmp_path / name / "dist")) if name == "kill" else ())
        runs[name] = (start(port, *args, env={"TMPDIR": str(tmp)}, log=log), port, tmp, log)

    proc, _, tmp, log = runs["int"]
    until(lambda: list(tmp.glob("migkg-serve-*")), 60, "the build folder")
    time.sleep(1)  # well into the build
    proc.send_signal(signal.SIGINT)
    assert proc.wait(30) is not None
    assert not list(tmp.glob("migkg-serve-*")) and "Traceback" not in log.read_text()

    for name in ("term", "kill"):
        proc, port, _, log = runs[name]
        wait_ready(proc, port, log)
    workers = {name: until(lambda p=runs[name][0]: workers_of(p.pid), 10, "workers") for name in ("term", "kill")}

    proc, _, tmp, log = runs["term"]
    assert list(tmp.glob("migkg-serve-*"))
    proc.send_signal(signal.SIGTERM)
    proc.wait(30)
    assert not list(tmp.glob("migkg-serve-*")), list(tmp.iterdir())
    assert not any(alive(w) for w in workers["term"])
    assert "Traceback" not in log.read_text()

    proc, port = runs["kill"][:2]
    # One worker busy with a query that would run for minutes: it must die with the server all the same.
    def busy():  # its connection dies with the server: that is the point, not an error
        try:
            http(q(f"http://127.0.0.1:{port}", SLOW))
        except OSError:
            pass

    threading.Thread(target=busy, daemon=True).start()
    time.sleep(1)
    proc.kill()
    proc.wait(10)
    until(lambda: not any(alive(w) for w in workers["kill"]), 10, "the workers of a killed server gone")
