"""Query parameters: the types a query header may declare, and binding text values as RDF terms.

A value from the command line, the Python API or the query page is converted to a term here
and handed to the engine as a substitution; it is never pasted into the query's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from . import ids
from .errors import QueryError

XSD = "http://www.w3.org/2001/XMLSchema#"


def _iso3_code(v: str) -> str:
    code = v.strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError("expected an ISO 3166 alpha-3 code such as AUS")
    return code


# A treaty's key in its depositary's numbering (migkg:instrumentKey): MTDSG, ILO, Council of
# Europe, or the project's key for an African Union treaty. The same forms the shapes accept.
_TREATY_KEY = re.compile(r"[IVXL]+-[0-9]+(-[a-z])?|[CP][0-9]{3}|C?ETS-[0-9]{3}|[A-Z]+-[0-9]{4}")


def _treaty_key(v: str) -> str:
    """
    >>> _treaty_key(" C097 "), _treaty_key("XVIII-12-b"), _treaty_key("CETS-197")
    ('C097', 'XVIII-12-b', 'CETS-197')
    """
    if not _TREATY_KEY.fullmatch(v.strip()):
        raise ValueError("expected a treaty key such as V-2 (MTDSG), C097 (ILO), CETS-197 (Council of Europe) or OAU-1969")
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


def _m49(v: str) -> ox.Term:
    if not re.fullmatch(r"[0-9]{1,3}", v.strip()):
        raise ValueError("expected a UN M49 area code such as 002 (Africa) or 142 (Asia)")
    return ids.m49(v.strip())


def _integer(v: str) -> ox.Term:
    return ox.Literal(str(int(v)), datatype=ox.NamedNode(XSD + "integer"))


def _decimal(v: str) -> ox.Term:
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", v.strip()):
        raise ValueError("expected a non-negative decimal number, e.g. 10 or 12.5")
    return ox.Literal(v.strip(), datatype=ox.NamedNode(XSD + "decimal"))


def _year(v: str) -> ox.Term:
    if not re.fullmatch(r"[12][0-9]{3}", v.strip()):
        raise ValueError("expected a year of four digits, e.g. 2010")
    return ox.Literal(v.strip(), datatype=ox.NamedNode(XSD + "gYear"))


def _iri(v: str) -> ox.Term:
    if not re.fullmatch(r"[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+", v):
        raise ValueError("expected an absolute IRI")
    return ox.NamedNode(v)


PARAM_TYPES = {
    "string": lambda v: ox.Literal(v),
    "date": _date,
    "integer": _integer,
    "decimal": _decimal,
    "year": _year,
    "iri": _iri,
    "iso3": lambda v: ox.Literal(_iso3_code(v)),
    "treaty": lambda v: ox.Literal(_treaty_key(v)),
    "state": lambda v: ids.state(_iso3_code(v)),
    "instrument": lambda v: ids.instrument(_treaty_key(v)),
    "m49": _m49,
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

    def describe(self) -> str:
        """One line for listings: `iso3 (iso3, optional, default AUS) the state`."""
        extras = [self.type] + (["optional"] if self.optional else []) + ([f"default {self.default}"] if self.default else [])
        return f"{self.name} ({', '.join(extras)}) {self.doc}".strip()


def parse_assignments(items: Iterable[str], option: str = "--param") -> dict[str, str]:
    """`["iso3=USA", "date=2020-01-01"]` as a dict, as the command line's `--param` gives them.

    >>> parse_assignments(["iso3=USA", "note=a=b"])
    {'iso3': 'USA', 'note': 'a=b'}
    """
    values = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"{option} '{item}' is not NAME=VALUE", hint=f"write for example {option} NAME=VALUE")
        values[key.strip()] = value
    return values


def bind(query_name: str, params: list[Param], values: dict[str, str]) -> dict[str, ox.Term]:
    """The user's text values as RDF terms, checking names and types; defaults filled in."""
    known = {p.name: p for p in params}
    unknown = sorted(set(values) - set(known))
    if unknown:
        listing = ", ".join(known) or "none"
        raise QueryError(
            f"query '{query_name}' has no parameter {', '.join(unknown)}", hint=f"its parameters are: {listing}"
        )
    bound = {}
    for p in params:
        raw = values.get(p.name, p.default)
        if raw is None:
            if not p.optional:
                raise QueryError(f"query '{query_name}' needs --param {p.name}=...", hint=p.doc or None)
            continue
        try:
            bound[p.name] = PARAM_TYPES[p.type](raw)
        except ValueError as e:
            raise QueryError(f"--param {p.name}={raw!r}: {e}", hint=p.doc or None) from None
    return bound
