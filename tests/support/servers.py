"""Real servers on loopback for the tests: Oxigraph's SPARQL server, and a misbehaving HTTP server."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, seconds: float = 20) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read().decode()[-500:]}")
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


@contextmanager
def oxigraph_server(tmp: Path, files: list[Path] = (), read_only: bool = True):
    """Oxigraph's own server (from PyPI) on a free loopback port, loaded with the given files."""
    location = tmp / "oxigraph-db"
    if files:
        subprocess.run(
            [OXIGRAPH, "load", "--location", str(location), "--file", *map(str, files)], check=True, capture_output=True
        )
    port = free_port()
    mode = "serve-read-only" if read_only else "serve"
    proc = subprocess.Popen(
        [OXIGRAPH, mode, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Misbehaving(http.server.BaseHTTPRequestHandler):
    """Answers according to a script: a list of ('429', retry_after) | ('500',) | ('sleep', s) | ('bad-json',) | ('raw', bytes) | ('ok', rows)."""

    script: list = []
    seen: list = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _answer(self):
        self.seen.append(self.headers.get("User-Agent", ""))
        step = self.script.pop(0) if len(self.script) > 1 else self.script[0]
        kind = step[0]
        if kind == "429":
            self.send_response(429)
            self.send_header("Retry-After", step[1])
            self.end_headers()
        elif kind == "500":
            self.send_response(500)
            self.end_headers()
        elif kind == "sleep":
            time.sleep(step[1])
            self._json({"head": {"vars": []}, "results": {"bindings": []}})
        elif kind == "raw":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(step[1])))
            self.end_headers()
            self.wfile.write(step[1])
        elif kind == "bad-json":
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.end_headers()
            self.wfile.write(b'{"head": {"vars": ["x"]}, "results": {"bindings": [')
        else:
            self._json({"head": {"vars": ["x"]}, "results": {"bindings": step[1]}})

    def _json(self, body):
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = _answer


@contextmanager
def misbehaving_server(script: list):
    handler = type("Scripted", (Misbehaving,), {"script": list(script), "seen": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    finally:
        server.shutdown()
        server.server_close()


class Listener:
    """A TCP server on a free loopback port that records every connection it accepts."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
