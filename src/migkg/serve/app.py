"""The HTTP side: SPARQL 1.1 Protocol at /sparql, the dataset description, dereferenceable
/id/ IRIs, the query page at /, and the built files. A plain WSGI application."""

from __future__ import annotations

import html
import json
import mimetypes
import re
import sys
from dataclasses import dataclass, field
from http import HTTPStatus
from importlib import resources
from pathlib import Path, PurePosixPath
from urllib.parse import parse_qs

import pyoxigraph as ox

from ..core import ids
from ..core.errors import QueryError
from ..core.project import ID_NS, PREFIXES
from ..core.queries import NamedQuery
from .engine import Answer, QueryEngine
from .formats import FORMATS, NotAcceptable, negotiate, serialize_triples

ASSETS = resources.files(__package__) / "assets"
MAX_BODY = 1_000_000  # bytes of request body accepted; never more is read
SPREADSHEET = "spreadsheet-safe"  # request parameter; a hyphen keeps it apart from named-query parameters
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadRequest(Exception):
    """A request this server will not handle; carries the answer to send."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.answer = _text(status, message)


@dataclass
class Site:
    engine: QueryEngine
    store: ox.Store  # for /id/ pages and the dataset description (cheap, bounded look-ups)
    dist: Path
    named: dict[str, NamedQuery] = field(default_factory=dict)
    void: list[ox.Triple] = field(default_factory=list)


def _cors(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return headers + [
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
        ("Access-Control-Allow-Headers", "Content-Type, Accept"),
    ]


def _respond(start, answer: Answer, extra: list[tuple[str, str]] = ()):
    try:
        reason = HTTPStatus(answer.status).phrase
    except ValueError:
        reason = ""
    headers = _cors([("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))] + list(extra))
    start(f"{answer.status} {reason}", headers)
    return [answer.body]


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


def _read_body(environ) -> bytes:
    """The request body, read only as far as Content-Length says and never past MAX_BODY."""
    raw = (environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        if environ.get("HTTP_TRANSFER_ENCODING"):
            raise BadRequest(
                411, "send the request body with a Content-Length header (chunked bodies are not accepted)"
            )
        return b""
    if not re.fullmatch(r"[0-9]+", raw):
        raise BadRequest(400, f"bad Content-Length header {raw[:40]!r}: it must be a whole number of bytes")
    if len(raw) > 12 or int(raw) > MAX_BODY:  # refused before a byte of it is read
        raise BadRequest(
            413,
            f"the request body ({raw[:20]} bytes) is larger than this server accepts ({MAX_BODY:,} bytes); "
            "send a shorter query",
        )
    length = int(raw)
    body = environ["wsgi.input"].read(length) if length else b""
    if len(body) < length:
        raise BadRequest(
            400, f"the request body ended after {len(body)} of the {length} bytes its Content-Length announced"
        )
    return body


def _spreadsheet(params: dict[str, list[str]]) -> bool:
    value = (params.get(SPREADSHEET) or ["0"])[0].strip().lower()
    if value in ("1", "true", "yes", "on", ""):  # a bare ?spreadsheet-safe means yes
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise BadRequest(400, f"{SPREADSHEET}={value[:40]!r} is not understood; use {SPREADSHEET}=1 or leave it out")


def sparql(site: Site, environ) -> Answer:
    method = environ["REQUEST_METHOD"]
    params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if method == "POST":
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        body = _read_body(environ)
        if ctype == "application/sparql-update":
            return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
        if ctype == "application/sparql-query":
            params.setdefault("query", []).append(body.decode("utf-8", "replace"))
        elif ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(k, []).extend(v)
        else:
            return _text(400, f"unsupported Content-Type '{ctype}' for a SPARQL request")
    elif method != "GET":
        return _text(405, "use GET or POST")
    if "update" in params:
        return _text(403, "SPARQL Update is not allowed: this endpoint is read-only")
    queries = params.get("query", [])
    if len(queries) != 1 or not queries[0].strip():
        return _text(400, "give exactly one 'query' parameter")
    fmt = (params.get("format") or [None])[0]
    return site.engine.run(queries[0], environ.get("HTTP_ACCEPT", ""), fmt or None, spreadsheet=_spreadsheet(params))


def describe(site: Site, path: str, accept: str) -> Answer:
    try:
        node = ids.path(path.removeprefix("/id/"))  # the request's path, checked as an IRI
    except ValueError:
        return _text(404, "not an IRI of this dataset")
    iri = node.value
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in site.store.quads_for_pattern(node, None, None)}, key=str
    )
    if not triples:
        return _text(404, f"nothing is known about <{iri}>")
    if "text/html" in accept:
        return Answer(200, "text/html; charset=utf-8", _html_resource(iri, triples).encode())
    try:
        name = negotiate(accept, "graph", None)
    except NotAcceptable as e:
        return _text(406, str(e))
    return Answer(200, FORMATS[name][0], serialize_triples(triples, name, PREFIXES))


def _local(iri: str) -> str:
    return "/id/" + iri.removeprefix(ID_NS) if iri.startswith(ID_NS) else iri


def _html_resource(iri: str, triples: list[ox.Triple]) -> str:
    rows = []
    for t in triples:
        p = html.escape(t.predicate.value)
        if isinstance(t.object, ox.NamedNode):
            href = _local(t.object.value)
            o = (
                f'<a href="{html.escape(href, quote=True)}">{html.escape(t.object.value)}</a>'
                if href.startswith(("/", "http://", "https://"))
                else html.escape(t.object.value)
            )
        else:
            lang = (
                f" <small>@{html.escape(t.object.language)}</small>"
                if isinstance(t.object, ox.Literal) and t.object.language
                else ""
            )
            o = html.escape(t.object.value) + lang
        rows.append(f"<tr><td>{p}</td><td>{o}</td></tr>")
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + html.escape(iri) + "</title>"
        "<style>body{font-family:system-ui,sans-serif;margin:1.5em}td{padding:.2em .8em;vertical-align:top}</style>"
        "</head><body><p><a href='/'>migkg</a></p><h1>"
        + html.escape(iri)
        + "</h1><table>"
        + "".join(rows)
        + "</table><p>Also as <a href='?format=turtle'>Turtle</a> (send Accept: text/turtle or application/ld+json).</p></body></html>"
    )


def _hidden(parts) -> bool:
    # Dot names are the build's staging and probe folders (and editors' and VCS files): never published.
    return any(p.startswith(".") for p in parts)


def static(site: Site, path: str) -> Answer:
    name = path.removeprefix("/pages/").removeprefix("/downloads/")
    if _hidden(PurePosixPath(name).parts):
        return _text(404, "no such file")
    root = site.dist.resolve()
    target = (root / name).resolve()
    if root not in target.parents or _hidden(target.relative_to(root).parts) or not target.is_file():
        return _text(404, "no such file")
    ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix == ".ttl":
        ctype = "text/turtle"
    return Answer(200, ctype + ("; charset=utf-8" if ctype.startswith("text/") else ""), target.read_bytes())


def home(site: Site) -> Answer:
    examples = [
        {
            "name": q.name,
            "title": q.title,
            "description": q.description,
            "text": q.text,
            "params": [
                {"name": p.name, "type": p.type, "optional": p.optional, "default": p.default or "", "doc": p.doc}
                for p in q.params
            ],
        }
        for q in site.named.values()
    ]
    data = (
        json.dumps(examples, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    )
    page = (ASSETS / "index.html").read_text("utf-8").replace("@@EXAMPLES@@", data)
    return Answer(200, "text/html; charset=utf-8", page.encode())


def named(site: Site, environ, name: str) -> Answer:
    """Run a named query with parameters bound on the server (never pasted into the text)."""
    q = site.named.get(name)
    if q is None:
        return _text(404, f"no named query '{name}'")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    params = {k: v[0] for k, v in query.items() if k not in ("format", SPREADSHEET) and v and v[0] != ""}
    try:
        bindings = q.bind(params)
    except QueryError as e:
        return _text(400, str(e))
    fmt = (query.get("format") or [None])[0] or None
    return site.engine.run(
        q.text,
        environ.get("HTTP_ACCEPT", ""),
        fmt,
        bindings={k: _term_tuple(v) for k, v in bindings.items()},
        spreadsheet=_spreadsheet(query),
    )


def _term_tuple(t: ox.Term) -> tuple:
    if isinstance(t, ox.NamedNode):
        return ("iri", t.value)
    return ("literal", t.value, t.datatype.value if not t.language else None, t.language)


def _path(environ) -> str:
    """The request path as text. WSGI hands it over as bytes in Latin-1; the IRIs here are UTF-8."""
    raw = environ.get("PATH_INFO") or "/"
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise BadRequest(400, "the request path is not valid UTF-8 (after percent-decoding)") from None
    if _CONTROL.search(path):
        raise BadRequest(400, "the request path contains a control character (such as NUL); remove it")
    return path


def route(site: Site, environ) -> Answer | None:
    """The answer to one request, or None for a CORS preflight."""
    path = _path(environ)
    method = environ["REQUEST_METHOD"]
    if method == "OPTIONS":
        return None
    if path == "/sparql":
        return sparql(site, environ)
    if method != "GET":
        return _text(405, "this resource is read-only: use GET")
    fmt = (parse_qs(environ.get("QUERY_STRING", "")).get("format") or [None])[0]
    if path == "/":
        return home(site)
    if path in ("/.well-known/void", "/void"):
        try:
            name = negotiate(environ.get("HTTP_ACCEPT", ""), "graph", fmt)
        except NotAcceptable as e:
            return _text(406, str(e))
        return Answer(200, FORMATS[name][0], serialize_triples(site.void, name, PREFIXES))
    if path.startswith("/id/"):
        accept = FORMATS.get(fmt, ("", ""))[0] if fmt else environ.get("HTTP_ACCEPT", "")
        return describe(site, path, accept)
    if path.startswith("/named/"):
        return named(site, environ, path.removeprefix("/named/"))
    if path.startswith(("/pages/", "/downloads/")):
        return static(site, path)
    return _text(404, "not found; the SPARQL endpoint is at /sparql")


def make_app(site: Site):
    def app(environ, start):
        try:
            answer = route(site, environ)
        except BadRequest as e:
            answer = e.answer
        except Exception as e:  # a bug: the client gets a plain 500, the log one line, nobody a traceback
            where = f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO', '')!r}"[:200]
            print(f"migkg serve: internal error on {where}: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            answer = _text(500, "internal error; the server logged it")
        if answer is None:
            start("204 No Content", _cors([]))
            return [b""]
        return _respond(start, answer)

    return app
