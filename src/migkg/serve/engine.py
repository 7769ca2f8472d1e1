"""Query execution in worker processes, so a query over the time limit can really be stopped.

pyoxigraph cannot interrupt a running query from another thread; a worker process can be
terminated. Each worker loads the built graph once (N-Triples) and answers one query at a time.

The pool heals itself: a worker that dies (a crash, `kill -9`, the OOM killer) or runs over
the time limit is retired, and one long-lived keeper thread starts its successor, so a request
never waits for a worker to start unless no other worker is free. Every query is checked in
the server process before it is sent to a worker (updates and SERVICE refused), and once more
in the worker, which is the process that would act on it.
"""

from __future__ import annotations

import ctypes
import multiprocessing as mp
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import MigkgError, OutboundRequestRefused, QueryError, UpdateRefused
from ..core.limits import LimitExceeded, limits
from ..core.project import PREFIXES
from ..core.sparql_safety import check_query, measure_query
from .formats import (
    FORMATS,
    NotAcceptable,
    TooManyRows,
    negotiate,
    serialize_boolean,
    serialize_solutions,
    serialize_triples,
)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


class WorkerFailed(MigkgError):
    """A query worker could not be started."""


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode())


def _log(message: str) -> None:
    print(f"migkg serve: {message}", file=sys.stderr, flush=True)


def _with_hint(e: MigkgError) -> str:
    return e.message + (f"\nhint: {e.hint}" if e.hint else "")


def refusal(query: str, allow_service: bool | list[str] = False, parse: bool = True) -> Answer | None:
    """The answer for a query that must not run (an update, SERVICE, over a limit, not checkable), else None.

    Status codes: 403 for an update, 400 for SERVICE, 413 for a query text over the size limit,
    400 for one nested too deeply or that cannot be parsed. `parse=False` does only the cheap
    measurements: the parse can take seconds on a long query, so it runs in the worker, where
    the time limit can stop it, and always before the worker's engine sees the query.
    """
    try:
        if parse:
            check_query(query, allow=allow_service)
        else:
            measure_query(query)
    except UpdateRefused as e:
        return _text(403, f"{e.message}: this endpoint is read-only")
    except OutboundRequestRefused as e:
        return _text(400, _with_hint(e))
    except LimitExceeded as e:
        too_large = len(query.encode("utf-8", "surrogatepass")) > limits().max_query_bytes
        return _text(413 if too_large else 400, f"refused: {_with_hint(e)}")
    except QueryError as e:
        return _text(400, f"malformed query: {_with_hint(e)}")
    except MigkgError as e:  # e.g. a limit set to nonsense in the server's environment
        return _text(500, f"the server is misconfigured: {e.message}")
    return None


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
    spreadsheet: bool = False,
    allow_service: bool | list[str] = False,
) -> Answer:
    refused = refusal(query, allow_service)
    if refused:
        return refused
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
            return Answer(200, FORMATS[name][0], serialize_boolean(result, name))
        if isinstance(result, ox.QuerySolutions):
            name = negotiate(accept, "results", fmt)
            try:
                body = serialize_solutions(result, name, max_rows, spreadsheet=spreadsheet)
            except TooManyRows:
                return _text(
                    400,
                    f"result limit exceeded: the answer has more than {max_rows} rows, this "
                    "server's limit; add LIMIT or narrow the query",
                )
            return Answer(200, FORMATS[name][0] + ("; charset=utf-8" if name in ("csv", "tsv") else ""), body)
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


_PR_SET_PDEATHSIG = 1


def _die_with_server(server_pid: int) -> None:
    """Linux: have the kernel kill this worker when the server goes, even mid-query (a busy worker
    holds the GIL in pyoxigraph and cannot notice by itself). The signal follows the *thread* that
    started the process, which is why all workers are started by the keeper thread."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != server_pid:  # the server went before the request above took effect
        os._exit(0)


def _worker(conn, graph_file: str, allow_service, server_pid: int) -> None:
    # Ctrl-C in a terminal reaches the whole process group; the server stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_server(server_pid)
    try:
        store = ox.Store()
        store.bulk_load(path=graph_file, format=ox.RdfFormat.N_TRIPLES)
    except (OSError, SyntaxError, ValueError) as e:
        conn.send(f"cannot load {graph_file}: {e}")
        return
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server has gone
            return
        if job is None:
            return
        try:
            answer = execute(store, *job, allow_service=allow_service)
        except Exception as e:  # a bug, not the client's fault: one line in the log, a plain 500 to the client
            _log(f"internal error in a query worker: {type(e).__name__}: {e}")
            answer = _text(500, "internal error while running the query; the server logged it")
        conn.send((answer.status, answer.content_type, answer.body))


class _Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, ctx, graph_file: Path, allow_service, start_timeout: float):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(
            target=_worker,
            args=(child, str(graph_file), allow_service, os.getpid()),
            daemon=True,
            name="migkg-query-worker",
        )
        self.process.start()
        child.close()  # the worker holds the other end; closing ours lets a dead worker read as EOF
        try:
            ready = (
                self.conn.recv()
                if self.conn.poll(start_timeout)
                else f"it did not load the graph within {start_timeout:g} s"
            )
        except (EOFError, OSError):
            self.process.join(1)
            ready = f"it ended while starting (exit code {self.process.exitcode})"
        if ready != "ready":
            self.stop()
            raise WorkerFailed(f"a query worker did not start: {ready}")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(2)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(2)
        self.conn.close()


class QueryEngine:
    """A small, self-healing pool of query workers with a per-query timeout and a result-row cap."""

    def __init__(
        self,
        graph_file: Path,
        workers: int = 2,
        timeout: float = 10.0,
        max_rows: int = 10000,
        allow_service: bool | list[str] = False,
        start_timeout: float = 120.0,
    ):
        self.graph_file, self.timeout, self.max_rows = graph_file, timeout, max_rows
        self.allow_service = allow_service
        self.size, self.start_timeout = max(1, workers), start_timeout
        self._ctx = mp.get_context("spawn")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: set[_Worker] = set()  # idle or busy
        self._retired: list[_Worker] = []  # dead or over time, for the keeper to stop
        self._failure: str | None = None  # why the last start failed, until one succeeds
        self._closed = False
        self._changed = threading.Condition()
        self._closing = threading.Event()
        self._keeper = threading.Thread(target=self._keep, name="migkg-worker-keeper", daemon=True)
        self._keeper.start()
        # At start-up a worker that cannot start is a fatal, clear error; later the keeper retries.
        with self._changed:
            self._changed.wait_for(lambda: len(self._live) >= self.size or self._failure is not None)
            failure = self._failure
        if failure:
            self.close()
            raise WorkerFailed(
                failure, hint="check that the built graph is readable and there is memory for the workers"
            )

    # --- the keeper: the only thread that starts and stops worker processes ---------------

    def _keep(self) -> None:
        delay = 1.0
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._closed or self._retired or len(self._live) < self.size)
                retired, self._retired = self._retired, []
                closed = self._closed
            for w in retired:
                w.stop()
            if closed:
                return
            if len(self._live) >= self.size:
                continue
            try:
                w = _Worker(self._ctx, self.graph_file, self.allow_service, self.start_timeout)
            except Exception as e:  # WorkerFailed, or the system refusing a process (OSError)
                message = e.message if isinstance(e, WorkerFailed) else f"a query worker did not start: {e}"
                _log(f"{message}; trying again in {delay:g} s")
                with self._changed:
                    self._failure = message
                    self._changed.notify_all()
                self._closing.wait(delay)
                delay = min(delay * 2, 30.0)
                continue
            delay = 1.0
            with self._changed:
                if self._closed:
                    self._retired.append(w)
                    continue
                self._live.add(w)
                self._failure = None
                self._changed.notify_all()
            self._idle.put(w)

    def _retire(self, worker: _Worker) -> None:
        """Take a worker out of the pool (dead or over time); the keeper stops it and starts another."""
        with self._changed:
            self._live.discard(worker)
            self._retired.append(worker)
            self._changed.notify_all()

    # --- answering ---------------------------------------------------------------------------

    def _take(self) -> _Worker | None:
        """An idle, living worker, waiting at most the time limit; dead ones found on the way are retired."""
        deadline = time.monotonic() + self.timeout
        while True:
            with self._changed:
                if not self._live and self._failure:
                    return None  # nothing will be free soon: say so at once
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                worker = self._idle.get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if worker.process.is_alive():
                return worker
            self._retire(worker)

    def _unavailable(self) -> Answer:
        with self._changed:
            live, failure = len(self._live), self._failure
        if failure and not live:  # the reason, with the server's paths, is in its log, not for the client
            return _text(
                503, "no query worker is running: starting one failed; the server keeps trying; try again later"
            )
        if live < self.size:
            return _text(
                503, "no query worker is free: one is being replaced after it stopped; try again in a few seconds"
            )
        return _text(503, f"the server is busy (all workers ran longer than {self.timeout:g} s); try again")

    def run(
        self,
        query: str,
        accept: str = "",
        fmt: str | None = None,
        bindings: dict | None = None,
        spreadsheet: bool = False,
    ) -> Answer:
        refused = refusal(query, self.allow_service, parse=False)  # size and depth, before any worker sees it
        if refused:
            return refused
        worker = self._take()
        if worker is None:
            return self._unavailable()
        try:
            worker.conn.send((query, accept, fmt, self.max_rows, bindings, spreadsheet))
            if not worker.conn.poll(self.timeout):
                self._retire(worker)
                return _text(
                    503,
                    f"time limit exceeded: the query ran longer than {self.timeout:g} s, this server's "
                    "limit; simplify the query or add LIMIT",
                )
            status, content_type, body = worker.conn.recv()
        except (EOFError, OSError):  # the worker died: killed, crashed or out of memory
            self._retire(worker)
            return _text(
                500,
                "internal error: the query worker stopped while answering (killed, crashed or out of "
                "memory); a new one is starting. Try again in a few seconds; if this query fails again, "
                "simplify it or add LIMIT",
            )
        except BaseException:  # the pipe is in an unknown state: do not hand the worker to anyone else
            self._retire(worker)
            raise
        self._idle.put(worker)
        return Answer(status, content_type, body)

    def close(self) -> None:
        """Stop every worker (also those being started) and the keeper; safe to call twice."""
        with self._changed:
            self._closed = True
            workers = list(self._live) + self._retired
            self._live.clear()
            self._retired = []
            self._changed.notify_all()
        self._closing.set()
        for w in workers:  # all at once, then wait: stopping is quick when not done one by one
            if w.process.is_alive():
                w.process.terminate()
        for w in workers:
            w.stop()
        if self._keeper is not threading.current_thread():
            self._keeper.join(5)
