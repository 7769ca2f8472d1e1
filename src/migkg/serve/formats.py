"""Result formats of the SPARQL 1.1 Protocol and how clients ask for them."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox

from ..core.results import cell_text, spreadsheet_safe

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


RESULTS_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}


class TooManyRows(Exception):
    """A SELECT answer with more rows than the server hands out."""


class _CappedTsv:
    """A binary output for pyoxigraph's TSV serialiser that refuses to grow past max_rows rows.

    In TSV every row is exactly one line (tabs, line feeds and carriage returns inside terms are
    escaped), so counting line feeds counts rows. pyoxigraph writes in buffered chunks and lets
    an exception raised here end the serialisation, so evaluation stops soon after the cap.
    """

    def __init__(self, max_rows: int):
        self.max_lines = max_rows + 1  # the header line and the rows
        self.lines = 0
        self.chunks: list[bytes] = []

    def write(self, chunk) -> int:
        chunk = bytes(chunk)
        self.lines += chunk.count(b"\n")
        if self.lines > self.max_lines:
            raise TooManyRows
        self.chunks.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


def _safe_term(t: ox.Term) -> ox.Term:
    """The term with its text made spreadsheet-safe; a program that drops TSV's quotes must not see a formula."""
    if isinstance(t, ox.Literal):
        value = spreadsheet_safe(t.value)
        return ox.Literal(value, language=t.language) if t.language else ox.Literal(value, datatype=t.datatype)
    return t


def _spreadsheet_safe(solutions: ox.QuerySolutions, fmt: str) -> bytes:
    """CSV or TSV with a ' before every cell a spreadsheet would run as a formula. Written here, not
    by pyoxigraph: its serialiser writes the terms as they are, and a result cannot be rebuilt from
    changed terms, so this one option keeps a small hand-written path."""
    variables = [v.value for v in solutions.variables]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(variables)
        w.writerows([spreadsheet_safe(cell_text(s[v])) for v in variables] for s in solutions)
        return buf.getvalue().encode()
    lines = ["\t".join("?" + v for v in variables)]
    lines += [
        "\t".join("" if s[v] is None else spreadsheet_safe(str(_safe_term(s[v]))) for v in variables) for s in solutions
    ]
    return ("\n".join(lines) + "\n").encode()


def serialize_solutions(solutions: ox.QuerySolutions, fmt: str, max_rows: int, spreadsheet: bool = False) -> bytes:
    """SELECT results in `fmt`, written by pyoxigraph; TooManyRows if there are more than max_rows.

    The rows are first written as TSV under the cap; an answer within it is read back and written
    in the format asked for (the round trip through TSV is lossless). `spreadsheet=True` (CSV and
    TSV only) puts ' before any cell a spreadsheet program would run as a formula; by default the
    data are written unchanged.
    """
    capped = _CappedTsv(max_rows)
    solutions.serialize(capped, format=ox.QueryResultsFormat.TSV)
    tsv = b"".join(capped.chunks)
    if fmt == "tsv" and not spreadsheet:
        return tsv
    within = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    if spreadsheet and fmt in ("csv", "tsv"):
        return _spreadsheet_safe(within, fmt)
    return within.serialize(format=RESULTS_FORMATS[fmt])


def serialize_boolean(result: ox.QueryBoolean, fmt: str) -> bytes:
    return result.serialize(format=RESULTS_FORMATS[fmt])


GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}


def serialize_triples(triples: list[ox.Triple], fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=prefixes if fmt != "ntriples" else None)
