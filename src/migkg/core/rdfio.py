"""Reading RDF files safely, with errors that name the file, line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from .errors import DataSyntaxError
from .limits import check_depth, decode_utf8, read_bytes_limited
from .xmlcheck import check_rdf_xml

FORMAT_BY_SUFFIX = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

XSD = "http://www.w3.org/2001/XMLSchema#"
_INT = re.compile(r"^[+-]?[0-9]+$")
_NONNEG = re.compile(r"^\+?[0-9]+$")
_DATE = re.compile(r"^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$")
_YEAR = re.compile(r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$")
_YEAR_MONTH = re.compile(r"^-?[0-9]{4,}-(0[1-9]|1[0-2])(Z|[+-][0-9]{2}:[0-9]{2})?$")
_NESTING_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG}  # N-Triples and N-Quads cannot nest


def _valid_date(lexical: str) -> bool:
    m = _DATE.match(lexical)
    if not m:
        return False
    try:
        date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


LEXICAL_CHECKS = {
    XSD + "date": (_valid_date, "YYYY-MM-DD, a real calendar date"),
    # The datatype of a date is its precision, so a day in a gYear is a date that contradicts its precision.
    XSD + "gYear": (lambda s: bool(_YEAR.match(s)), "a year, YYYY (a date known to the day is an xsd:date)"),
    XSD + "gYearMonth": (
        lambda s: bool(_YEAR_MONTH.match(s)),
        "a month, YYYY-MM (a date known to the day is an xsd:date, one known to the year an xsd:gYear)",
    ),
    XSD + "integer": (lambda s: bool(_INT.match(s)), "an integer"),
    XSD + "nonNegativeInteger": (lambda s: bool(_NONNEG.match(s)), "a non-negative integer"),
    XSD + "boolean": (lambda s: s in {"true", "false", "1", "0"}, "true or false"),
}


@dataclass(frozen=True)
class IllTypedLiteral:
    file: Path
    line: int | None
    subject: str
    predicate: str
    lexical: str
    datatype: str
    expected: str

    def message(self) -> str:
        short = self.datatype.replace(XSD, "xsd:")
        return f'"{self.lexical}"^^{short} is not a valid {short} (expected {self.expected})'


def file_graph_iri(path: Path) -> ox.NamedNode:
    """Each loaded file goes into a named graph of its own, so any node can be traced to its file."""
    return ox.NamedNode(path.resolve().as_uri())


def rdf_format(path: Path) -> ox.RdfFormat:
    try:
        return FORMAT_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        raise DataSyntaxError(f"{path}: unknown RDF file type '{path.suffix}'", hint=f"use one of {known}") from None


def read_quads(path: Path) -> list[ox.Quad]:
    """Parse one file into quads in the file's own named graph, after measuring it against the limits."""
    fmt = rdf_format(path)
    data = read_bytes_limited(path)
    if fmt == ox.RdfFormat.RDF_XML:
        check_rdf_xml(data, str(path))
    else:
        text = decode_utf8(data, str(path))  # every format but RDF/XML is UTF-8 by definition
        if fmt in _NESTING_FORMATS:
            check_depth(text, str(path))
        elif fmt == ox.RdfFormat.JSON_LD:
            check_depth(text, str(path), syntax="json")
    graph = file_graph_iri(path)
    try:
        triples = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri(), without_named_graphs=False)
        return [ox.Quad(q.subject, q.predicate, q.object, graph) for q in triples]
    except SyntaxError as e:
        where = f"{path}"
        if e.lineno:
            where += f":{e.lineno}:{e.offset}" if e.offset else f":{e.lineno}"
        msg = str(e.msg if hasattr(e, "msg") and e.msg else e)
        raise DataSyntaxError(f"{where}: syntax error: {msg}", hint="fix the RDF syntax at that position") from None
    except (ValueError, OSError) as e:
        raise DataSyntaxError(f"{path}: cannot parse: {e}") from None


def ill_typed_literals(path: Path, quads: list[ox.Quad]) -> list[IllTypedLiteral]:
    """Literals whose text does not fit their datatype (rdflib would only log a warning).

    The parser gives no positions, but it gives triples in document order, so the n-th
    ill-typed occurrence of a value is found on the n-th line that writes that value.
    """
    bad = []
    for q in quads:
        o = q.object
        if isinstance(o, ox.Literal):
            check = LEXICAL_CHECKS.get(o.datatype.value)
            if check is not None and not check[0](o.value):
                bad.append((q, check[1]))
    if not bad:
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    seen: dict[tuple[str, str], int] = {}
    where: dict[tuple[str, str], list[int]] = {}
    found = []
    for q, expected in bad:
        o = q.object
        key = (o.value, o.datatype.value)
        nth = seen.get(key, 0)
        seen[key] = nth + 1
        at = where.get(key)
        if at is None:
            at = where[key] = _occurrence_lines(lines, o.value, o.datatype.value)
        line = at[min(nth, len(at) - 1)] if at else None
        found.append(IllTypedLiteral(path, line, q.subject.value, q.predicate.value, o.value, o.datatype.value, expected))
    return found


def _occurrence_lines(lines: list[str], lexical: str, datatype: str) -> list[int]:
    """Line numbers (1-based, one per occurrence) where the literal is written with that datatype."""
    local = re.escape(datatype.rsplit("#", 1)[-1].rsplit("/", 1)[-1])
    pattern = re.compile(re.escape(f'"{lexical}"') + r"\^\^(?:<" + re.escape(datatype) + r">|[\w.-]*:" + local + r"\b)")
    at = []
    for i, text in enumerate(lines, 1):
        at += [i] * len(pattern.findall(text))
    return at
