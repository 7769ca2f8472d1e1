"""Starting the endpoint: build the graph, start the query workers, serve HTTP with waitress.

Whatever ends the server (Ctrl-C, SIGTERM, an error), the query workers are stopped and the
temporary build folder is removed; a worker also dies with the server when the server is
killed outright (see engine.py).
"""

from __future__ import annotations

import logging
import signal
import socket
import sys
import tempfile
import threading
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pyoxigraph as ox
from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser, ParsingError
from waitress.task import WSGITask

from ..build import build
from ..core.errors import MigkgError
from ..core.project import Project
from ..core.queries import QueryCatalog
from ..outputs import void
from ..outputs.graphfiles import GRAPH_OUTPUTS
from .app import MAX_BODY, Site, make_app
from .engine import QueryEngine


# --- HTTP: waitress, changed so that the app answers bad requests itself --------------------
#
# waitress reads a whole request, body included, before the app sees it, and answers the
# malformed ones itself. The endpoint's contract (tests/test_hostile_endpoint.py) is the app's
# answers: a bad or too large Content-Length refused at once, a body that ends early reported,
# each as a plain message. The changes below use waitress's own hooks (its parser, task and
# channel classes); they are written against the pinned waitress 3.0.2.


class _Request(HTTPRequestParser):
    """waitress's request parser, leaving the Content-Length checks to the app.

    waitress answers a Content-Length it cannot use (not a whole number, or over its limit)
    with a message of its own; the app's messages say what to send instead. Such a request is
    handed to the app without a body, and the app refuses it at once (400 or 413) without
    waiting for, or reading, a body over the limit.
    """

    def parse_header(self, header_plus):
        try:
            super().parse_header(header_plus)
        except ParsingError as e:
            if str(e) != "Content-Length is invalid":  # waitress checks it last: all else is parsed
                raise
            self.content_length, self.body_rcv = 0, None
            return
        if self.content_length > MAX_BODY:
            self.body_rcv.getbuf().close()
            self.content_length, self.body_rcv = 0, None


class _Answer(WSGITask):
    """One answer per connection, then the connection is closed, as the standard library's server
    did. Required where the app answers without reading the body (over the limit, a bad
    Content-Length): the bytes left on the connection must not be read as a next request."""

    def build_response_header(self):
        self.set_close_on_finish()  # sends Connection: close
        return super().build_response_header()


# After its answer a connection is read (and the bytes dropped) for at most this long, or this much.
LINGER_SECONDS = 2.0
LINGER_BYTES = 4 * MAX_BODY


class _Connection(HTTPChannel):
    parser_class = _Request
    task_class = _Answer
    linger_until = None  # set once the answer is sent and the connection is being closed

    def handle_read(self):
        """As waitress's, except when the client stops sending in the middle of a body: then the
        app gets the part that came (and says how much that was) instead of the connection
        being closed without an answer."""
        if self.linger_until is not None:
            self._drop_input()
            return
        request = self.request
        if request is None or not request.headers_finished or request.chunked or request.body_rcv is None:
            return super().handle_read()
        try:
            data = self.socket.recv(self.adj.recv_bytes)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self.handle_close()
            return
        if data:
            self.last_activity = time.time()
            self.received(data)
            return
        with self.requests_lock:  # end of input: the request is as complete as it will get
            request.completed = True
            self.request = None
            self.requests.append(request)
            if len(self.requests) == 1:
                self.server.add_task(self)

    # A lingering close. Closing a socket with unread input (a body the app refused without
    # reading it) resets the connection, and a client still sending loses the answer. So the
    # sending side is ended first (the client reads the answer, then end of input), and what
    # the client still sends is read and dropped until it closes, for LINGER_SECONDS at most.

    def handle_close(self):
        if self.linger_until is not None or not self.connected:
            return super().handle_close()
        try:
            self.socket.shutdown(socket.SHUT_WR)
        except OSError:  # already gone
            return super().handle_close()
        self.linger_until, self.lingered = time.monotonic() + LINGER_SECONDS, 0

    def _drop_input(self):
        try:
            data = self.socket.recv(self.adj.recv_bytes)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        self.lingered += len(data)
        if not data or self.lingered > LINGER_BYTES or time.monotonic() > self.linger_until:
            super().handle_close()

    def readable(self):
        return True if self.linger_until is not None else super().readable()

    def writable(self):
        if self.linger_until is not None:  # nothing to send; "writable" once only to end the wait
            return time.monotonic() > self.linger_until
        return super().writable()

    def handle_write(self):
        if self.linger_until is not None:
            return super().handle_close()
        return super().handle_write()


class _OneLine(logging.Handler):
    """waitress's warnings and errors as one line each on stderr, never with a traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            e = record.exc_info[1]
            message += f": {type(e).__name__}: {e}"
        print(f"migkg serve: {message}", file=sys.stderr, flush=True)


def _quiet_waitress() -> None:
    log = logging.getLogger("waitress")
    if not any(isinstance(h, _OneLine) for h in log.handlers):
        log.addHandler(_OneLine(logging.WARNING))
    log.propagate = False
    # "Task queue depth is N": a line per request whenever more wait than there are threads.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port (the first address the name has), not yet listening: clients
    are refused, as before, until the endpoint is ready; with port 0 the real port is known.
    Bound before the build, so a busy port or an unknown host costs no time."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except (socket.gaierror, UnicodeError) as e:
        raise MigkgError(f"--host {host!r} is not an address this machine knows: {e}", hint="use 127.0.0.1") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as e:
        sock.close()
        raise MigkgError(f"cannot listen on {host}:{port}: {e.strerror}", hint="choose another --port") from None
    except BaseException:
        sock.close()
        raise
    return sock


def http_server(app, sock: socket.socket, workers: int, channels: dict):
    """A waitress server listening on `sock`; its connections are kept in `channels`."""
    _quiet_waitress()
    server = create_server(
        app,
        map=channels,
        sockets=[sock],
        # A request thread waits while its query runs in a worker; a few more threads than
        # workers keep the pages and preflights answered when every worker is busy.
        threads=4 * workers + 4,
        channel_timeout=30,  # seconds a connection may stay silent (half a request, say)
        max_request_body_size=MAX_BODY + 1,  # larger bodies the app refuses first (see _Request)
        clear_untrusted_proxy_headers=True,  # no proxy is trusted: Forwarded and X-Forwarded-* dropped
        log_socket_errors=False,  # a client that goes away is not the server's error
        expose_tracebacks=False,
        ident="migkg",
    )
    server.channel_class = _Connection
    return server


def close_server(server, channels: dict) -> None:
    """Stop listening, drop the open connections, let waitress's idle threads end."""
    wasyncore.close_all(channels)
    server.task_dispatcher.set_thread_count(0)


def endpoint_description(store: ox.Store, base: str, triples: int) -> list[ox.Triple]:
    """The VoID/DCAT description the endpoint serves: its /sparql and its /downloads/ files."""
    downloads = [void.Distribution(f"{base}/downloads/{name}", fmt.media_type) for name, fmt in GRAPH_OUTPUTS.items()]
    return void.dataset_description(store, triples, downloads, endpoint=base + "/sparql")


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
        return Site(engine, store, dist, named, endpoint_description(store, base, result.triples))
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
    with sigterm_exits():
        cleanup = ExitStack()
        try:
            # Entered in this order, undone in reverse: socket, folder, workers, HTTP server.
            sock = cleanup.enter_context(bind(host, port))
            port = sock.getsockname()[1]  # the real one when 0 was asked for
            base = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
            if dist is None:
                dist = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="migkg-serve-")))
            site = prepare(project, dist, base, workers, timeout, max_rows, allow_service, step)
            cleanup.callback(site.engine.close)
            channels: dict = {}
            server = http_server(make_app(site), sock, workers, channels)
            cleanup.callback(close_server, server, channels)
            ready(base)
            # Not server.run(): it would catch KeyboardInterrupt and SystemExit (so Ctrl-C could
            # not be reported, and SIGTERM would end with status 0) and wait for busy threads.
            wasyncore.loop(timeout=server.adj.asyncore_loop_timeout, map=channels)
        finally:
            with _signals_ignored():  # an impatient second Ctrl-C must not leave workers or the folder behind
                cleanup.close()
