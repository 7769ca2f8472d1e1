"""Named SPARQL queries: files with a small header, and parameters bound as RDF terms."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from . import ids
from .errors import MigkgError, QueryError
from .limits import decode_utf8, read_bytes_limited
from .project import Project

XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"^#\s*(title|description|param|currency)\s*:\s*(.*)$")
# What a query's answer is only as current as; the command line prints the matching note.
CURRENCIES = ("treaty-status",)
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<opts>(?:\s+(?:optional|local|default=\S+))*)\s*(?:\|\s*(?P<doc>.*))?$"
)


def _iso3_code(v: str) -> str:
    code = v.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("expected an ISO 3166 alpha-3 code such as AUS")
    return code


def _mtdsg_code(v: str) -> str:
    if not re.fullmatch(r"[IVXL]+-[0-9]+(-[a-z])?", v.strip()):
        raise ValueError("expected an MTDSG number such as V-2 or XVIII-12-b")
    return v.strip()


def _slug(kind: str):
    def convert(v: str) -> ox.Term:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", v.strip()):
            raise ValueError(f"expected a {kind} key such as bali-process")
        return ids.of(kind, v.strip())

    return convert


def _date(v: str) -> ox.Term:
    date.fromisoformat(v.strip())  # raises ValueError with a clear reason
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.strip()):
        raise ValueError("expected YYYY-MM-DD")
    return ox.Literal(v.strip(), datatype=ox.NamedNode(XSD + "date"))


def _integer(v: str) -> ox.Term:
    return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))


def _iri(v: str) -> ox.Term:
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+", v):
        raise ValueError("expected an absolute IRI")
    return ox.NamedNode(v)


PARAM_TYPES = {
    "string": lambda v: ox.Literal(v),
    "date": _date,
    "integer": _integer,
    "iri": _iri,
    "iso3": lambda v: ox.Literal(_iso3_code(v)),
    "mtdsg": lambda v: ox.Literal(_mtdsg_code(v)),
    "state": lambda v: ids.state(_iso3_code(v)),
    "instrument": lambda v: ids.instrument(_mtdsg_code(v)),
    "forum": _slug("forum"),
    "region": _slug("forum-region"),
    "arrangement": _slug("arrangement"),
}


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool = False
    default: str | None = None
    doc: str = ""
    local: bool = False  # used inside FILTERs, so it cannot be sent to a remote endpoint as a VALUES block


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    currency: str = ""  # e.g. "treaty-status": the answer is as current as the treaty tables

    def bind(self, values: dict[str, str]) -> dict[str, ox.Term]:
        """Turn the user's text values into RDF terms, checking names and types."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            listing = ", ".join(known) or "none"
            raise QueryError(
                f"query '{self.name}' has no parameter {', '.join(unknown)}",
                hint=f"its parameters are: {listing}",
            )
        bound = {}
        for p in self.params:
            raw = values.get(p.name, p.default)
            if raw is None:
                if not p.optional:
                    raise QueryError(f"query '{self.name}' needs --param {p.name}=...", hint=p.doc or None)
                continue
            try:
                bound[p.name] = PARAM_TYPES[p.type](raw)
            except ValueError as e:
                raise QueryError(f"--param {p.name}={raw!r}: {e}", hint=p.doc or None) from None
        return bound


def parse_query_file(path: Path, name: str | None = None) -> NamedQuery:
    try:
        text = decode_utf8(read_bytes_limited(path, "max_query_bytes"), str(path))
    except MigkgError as e:
        raise QueryError(e.message, hint=e.hint) from None
    q = NamedQuery(name=name or path.stem, path=path, text=text)
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.groups()
        if key == "param":
            pm = _PARAM.match(value.strip())
            if not pm or pm["type"] not in PARAM_TYPES:
                raise QueryError(
                    f"{path}:{lineno}: malformed parameter header '{value}'",
                    hint=f"write '# param: NAME TYPE [optional] [local] [default=V] | description'; TYPE is one of {', '.join(PARAM_TYPES)}",
                )
            opts = pm["opts"].split()
            default = next((o.split("=", 1)[1] for o in opts if o.startswith("default=")), None)
            q.params.append(
                Param(pm["name"], pm["type"], "optional" in opts, default, (pm["doc"] or "").strip(), "local" in opts)
            )
        elif key == "title":
            q.title = value.strip()
        elif key == "currency":
            if value.strip() not in CURRENCIES:
                raise QueryError(
                    f"{path}:{lineno}: unknown currency '{value.strip()}'", hint=f"use one of {', '.join(CURRENCIES)}"
                )
            q.currency = value.strip()
        else:
            q.description = (q.description + " " + value.strip()).strip()
    return q


class QueryCatalog:
    """The project's query folders: cq/ research questions, qc/ checks, construct/ derivations."""

    def __init__(self, project: Project):
        self.root = project.queries_dir

    def _list(self, folder: str, pattern: str = "*.rq") -> list[NamedQuery]:
        return [parse_query_file(p) for p in sorted((self.root / folder).glob(pattern))]

    def research(self) -> list[NamedQuery]:
        return self._list("cq")

    def checks(self) -> list[NamedQuery]:
        return self._list("qc", "*-violation.rq")

    def constructs(self) -> list[NamedQuery]:
        return self._list("construct")

    def resolve(self, name_or_file: str) -> NamedQuery:
        """A research query by name, or any .rq file by path."""
        path = Path(name_or_file)
        if path.suffix == ".rq":
            if not path.is_file():
                raise QueryError(f"no query file at {path}")
            return parse_query_file(path)
        candidate = self.root / "cq" / f"{name_or_file}.rq"
        if candidate.is_file():
            return parse_query_file(candidate)
        names = [q.name for q in self.research()]

        close = difflib.get_close_matches(name_or_file, names, n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "run 'migkg queries' to list them"
        raise QueryError(f"unknown query '{name_or_file}'", hint=hint)
