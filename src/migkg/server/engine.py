"""Query execution in worker processes, so a query over the time limit can really be stopped.

pyoxigraph cannot interrupt a running query from another thread; a worker process can be
terminated. Each worker loads the built graph once (N-Triples) and answers one query at a time.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import QueryError
from ..project import PREFIXES
from ..sparql_safety import check_outbound, check_read_only
from .formats import FORMATS, NotAcceptable, negotiate, serialize_boolean, serialize_rows, serialize_triples


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def _term(t: tuple) -> ox.Term:
    if t[0] == "iri":
        return ox.NamedNode(t[1])
    _, value, datatype, language = t
    return ox.Literal(value, language=language) if language else ox.Literal(value, datatype=ox.NamedNode(datatype))


def execute(
    store: ox.Store,
    query: str,
    accept: str,
    fmt: str | None,
    max_rows: int,
    bindings: dict[str, tuple] | None = None,
    allow_service: bool | list[str] = False,
) -> Answer:
    try:
        check_read_only(query)
    except QueryError as e:
        return _text(403, f"{e.message}: this endpoint is read-only")
    try:
        check_outbound(query, allow=allow_service)
    except QueryError as e:
        return _text(400, e.message)
    try:
        subs = {ox.Variable(k): _term(v) for k, v in (bindings or {}).items()} or None
        result = store.query(query, use_default_graph_as_union=True, substitutions=subs)
    except SyntaxError as e:
        return _text(400, f"malformed query: {e}")
    except RuntimeError as e:  # e.g. a bound variable the query does not select
        return _text(400, f"cannot run the query: {e}")
    except OSError as e:
        return _text(500, f"query failed: {e}")
    try:
        if isinstance(result, ox.QueryBoolean):
            name = negotiate(accept, "results", fmt)
            return Answer(200, FORMATS[name][0], serialize_boolean(bool(result), name))
        if isinstance(result, ox.QuerySolutions):
            name = negotiate(accept, "results", fmt)
            variables = [v.value for v in result.variables]
            rows = []
            for solution in result:
                rows.append([solution[v] for v in variables])
                if len(rows) > max_rows:
                    return _text(
                        400,
                        f"result limit exceeded: the answer has more than {max_rows} rows, this "
                        "server's limit; add LIMIT or narrow the query",
                    )
            return Answer(
                200,
                FORMATS[name][0] + ("; charset=utf-8" if name in ("csv", "tsv") else ""),
                serialize_rows(variables, rows, name),
            )
        name = negotiate(accept, "graph", fmt)
        triples = []
        for t in result:
            triples.append(t)
            if len(triples) > max_rows:
                return _text(400, f"result limit exceeded: the answer has more than {max_rows} triples")
        return Answer(200, FORMATS[name][0], serialize_triples(triples, name, PREFIXES))
    except NotAcceptable as e:
        return _text(406, str(e))
    except OSError as e:
        return _text(500, f"query failed: {e}")


def _worker(conn, graph_file: str, allow_service) -> None:
    store = ox.Store()
    store.bulk_load(path=graph_file, format=ox.RdfFormat.N_TRIPLES)
    conn.send("ready")
    while True:
        job = conn.recv()
        if job is None:
            return
        answer = execute(store, *job, allow_service=allow_service)
        conn.send((answer.status, answer.content_type, answer.body))


class _Worker:
    def __init__(self, ctx, graph_file: Path, allow_service):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker, args=(child, str(graph_file), allow_service), daemon=True)
        self.process.start()
        if not self.conn.poll(120) or self.conn.recv() != "ready":
            raise RuntimeError("a query worker did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)


class QueryEngine:
    """A small pool of query workers with a per-query timeout and a result-row cap."""

    def __init__(
        self,
        graph_file: Path,
        workers: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10000,
        allow_service: bool | list[str] = False,
    ):
        self.graph_file, self.timeout, self.max_rows = graph_file, timeout, max_rows
        self.allow_service = allow_service
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: list[_Worker] = []
        self._lock = threading.Lock()
        for _ in range(workers):
            self._add()

    def _add(self) -> None:
        w = _Worker(self._ctx, self.graph_file, self.allow_service)
        with self._lock:
            self._all.append(w)
        self._idle.put(w)

    def run(self, query: str, accept: str = "", fmt: str | None = None, bindings: dict | None = None) -> Answer:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return _text(503, f"the server is busy (all workers ran longer than {self.timeout:g} s); try again")
        worker.conn.send((query, accept, fmt, self.max_rows, bindings))
        if worker.conn.poll(self.timeout):
            status, content_type, body = worker.conn.recv()
            self._idle.put(worker)
            return Answer(status, content_type, body)
        # Over the time limit: stop that worker and start a fresh one in the background.
        worker.stop()
        with self._lock:
            self._all.remove(worker)
        threading.Thread(target=self._add, daemon=True).start()
        return _text(
            503,
            f"time limit exceeded: the query ran longer than {self.timeout:g} s, this server's "
            "limit; simplify the query or add LIMIT",
        )

    def close(self) -> None:
        with self._lock:
            workers = list(self._all)
        for w in workers:
            w.stop()
