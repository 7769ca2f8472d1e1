"""The HTTP side: SPARQL 1.1 Protocol at /sparql, the dataset description, dereferenceable
/id/ IRIs, the query page at /, and the built files. A plain WSGI application."""

from __future__ import annotations

import html
import json
import mimetypes
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox

from ..project import ID_NS, PREFIXES
from ..queries import NamedQuery
from .engine import Answer, QueryEngine
from .formats import NotAcceptable, negotiate, serialize_triples

ASSETS = resources.files(__package__) / "assets"
MAX_BODY = 1_000_000  # bytes of query text accepted


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
    reason = {
        200: "OK",
        400: "Bad Request",
        403: "Forbidden",
        404: "Not Found",
        405: "Method Not Allowed",
        406: "Not Acceptable",
        413: "Payload Too Large",
        500: "Internal Server Error",
        503: "Service Unavailable",
    }.get(answer.status, "")
    headers = _cors([("Content-Type", answer.content_type), ("Content-Length", str(len(answer.body)))] + list(extra))
    start(f"{answer.status} {reason}", headers)
    return [answer.body]


def _text(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode())


def _read_body(environ) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY:
        raise ValueError("request body too large")
    return environ["wsgi.input"].read(length) if length else b""


def sparql(site: Site, environ) -> Answer:
    method = environ["REQUEST_METHOD"]
    params = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if method == "POST":
        ctype = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        try:
            body = _read_body(environ)
        except ValueError:
            return _text(413, "the request body is larger than this server accepts")
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
    return site.engine.run(queries[0], environ.get("HTTP_ACCEPT", ""), fmt or None)


def describe(site: Site, path: str, accept: str) -> Answer:
    iri = ID_NS + path.removeprefix("/id/")
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return _text(404, "not an IRI of this dataset")
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
    from .formats import FORMATS

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


def static(site: Site, path: str) -> Answer:
    name = path.removeprefix("/pages/").removeprefix("/downloads/")
    target = (site.dist / name).resolve()
    if site.dist.resolve() not in target.parents or not target.is_file():
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
    params = {
        k: v[0]
        for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        if k != "format" and v and v[0] != ""
    }
    from ..errors import QueryError

    try:
        bindings = q.bind(params)
    except QueryError as e:
        return _text(400, str(e))
    fmt = (parse_qs(environ.get("QUERY_STRING", "")).get("format") or [None])[0]
    return site.engine.run(
        q.text, environ.get("HTTP_ACCEPT", ""), fmt, bindings={k: _term_tuple(v) for k, v in bindings.items()}
    )


def _term_tuple(t: ox.Term) -> tuple:
    if isinstance(t, ox.NamedNode):
        return ("iri", t.value)
    return ("literal", t.value, t.datatype.value if not t.language else None, t.language)


def make_app(site: Site):
    def app(environ, start):
        path = environ.get("PATH_INFO", "/")
        method = environ["REQUEST_METHOD"]
        if method == "OPTIONS":
            start("204 No Content", _cors([]))
            return [b""]
        if path == "/sparql":
            return _respond(start, sparql(site, environ))
        if method != "GET":
            return _respond(start, _text(405, "this resource is read-only: use GET"))
        if path == "/":
            return _respond(start, home(site))
        if path in ("/.well-known/void", "/void"):
            try:
                name = negotiate(
                    environ.get("HTTP_ACCEPT", ""),
                    "graph",
                    (parse_qs(environ.get("QUERY_STRING", "")).get("format") or [None])[0],
                )
            except NotAcceptable as e:
                return _respond(start, _text(406, str(e)))
            from .formats import FORMATS

            return _respond(start, Answer(200, FORMATS[name][0], serialize_triples(site.void, name, PREFIXES)))
        if path.startswith("/id/"):
            accept = environ.get("HTTP_ACCEPT", "")
            fmt = (parse_qs(environ.get("QUERY_STRING", "")).get("format") or [None])[0]
            if fmt:
                from .formats import FORMATS

                accept = FORMATS.get(fmt, ("", ""))[0]
            return _respond(start, describe(site, path, accept))
        if path.startswith("/named/"):
            return _respond(start, named(site, environ, path.removeprefix("/named/")))
        if path.startswith(("/pages/", "/downloads/")):
            return _respond(start, static(site, path))
        return _respond(start, _text(404, "not found; the SPARQL endpoint is at /sparql"))

    return app
