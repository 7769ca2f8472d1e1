"""Result formats of the SPARQL 1.1 Protocol and how clients ask for them."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..core.results import spreadsheet_safe

# format parameter -> (media type, kind): kind "results" for SELECT/ASK, "graph" for CONSTRUCT/DESCRIBE
FORMATS = {
    "json": ("application/sparql-results+json", "results"),
    "xml": ("application/sparql-results+xml", "results"),
    "csv": ("text/csv", "results"),
    "tsv": ("text/tab-separated-values", "results"),
    "turtle": ("text/turtle", "graph"),
    "ntriples": ("application/n-triples", "graph"),
    "jsonld": ("application/ld+json", "graph"),
}
BY_MEDIA = {media: name for name, (media, _) in FORMATS.items()}
BY_MEDIA.update({"application/json": "json", "text/xml": "xml", "application/xml": "xml"})
DEFAULT = {"results": "json", "graph": "turtle"}


class NotAcceptable(Exception):
    pass


def negotiate(accept: str, kind: str, explicit: str | None) -> str:
    """The format name to answer with: the `format` parameter wins, then the Accept header."""
    if explicit:
        if explicit not in FORMATS or FORMATS[explicit][1] != kind:
            raise NotAcceptable(
                f"format '{explicit}' is not available for this query; "
                f"use one of {', '.join(n for n, (_, k) in FORMATS.items() if k == kind)}"
            )
        return explicit
    if not accept.strip():
        return DEFAULT[kind]
    ranges = []
    for part in accept.split(","):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        ranges.append((q, media.lower()))
    for q, media in sorted(ranges, key=lambda r: -r[0]):
        if q <= 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            return DEFAULT[kind]
        name = BY_MEDIA.get(media)
        if name and FORMATS[name][1] == kind:
            return name
    raise NotAcceptable(f"none of the media types in Accept: {accept} is available for this query")


def _term_json(t: ox.Term) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    d = {"type": "literal", "value": t.value}
    if t.language:
        d["xml:lang"] = t.language
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        d["datatype"] = t.datatype.value
    return d


def _term_xml(t: ox.Term) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    attrs = ""
    if t.language:
        attrs = f" xml:lang={quoteattr(t.language)}"
    elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        attrs = f" datatype={quoteattr(t.datatype.value)}"
    return f"<literal{attrs}>{escape(t.value)}</literal>"


def _safe_term(t: ox.Term) -> ox.Term:
    """The term with its text made spreadsheet-safe; a program that drops TSV's quotes must not see a formula."""
    if isinstance(t, ox.Literal):
        value = spreadsheet_safe(t.value)
        return ox.Literal(value, language=t.language) if t.language else ox.Literal(value, datatype=t.datatype)
    return t


def serialize_rows(
    variables: list[str], rows: list[list[ox.Term | None]], fmt: str, spreadsheet: bool = False
) -> bytes:
    """SELECT results. `spreadsheet=True` (CSV and TSV only) puts ' before any cell a spreadsheet
    program would run as a formula; by default the data are written unchanged."""
    if fmt == "json":
        bindings = [{v: _term_json(t) for v, t in zip(variables, r) if t is not None} for r in rows]
        return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        out += [f"<variable name={quoteattr(v)}/>" for v in variables]
        out += ["</head>", "<results>"]
        for r in rows:
            out.append(
                "<result>"
                + "".join(
                    f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                    for v, t in zip(variables, r)
                    if t is not None
                )
                + "</result>"
            )
        out += ["</results>", "</sparql>"]
        return "\n".join(out).encode()
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        fix = spreadsheet_safe if spreadsheet else str
        w.writerows([("" if t is None else fix(t.value)) for t in r] for r in rows)
        return buf.getvalue().encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + v for v in variables)]
        fix = (lambda t: spreadsheet_safe(str(_safe_term(t)))) if spreadsheet else str
        lines += ["\t".join("" if t is None else fix(t) for t in r) for r in rows]
        return ("\n".join(lines) + "\n").encode()
    raise ValueError(fmt)


def serialize_boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    return ("true\n" if value else "false\n").encode()


GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def serialize_triples(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes if fmt != "ntriples" else None)
