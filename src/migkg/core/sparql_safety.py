"""Decide on a query's parsed form whether it may run: no update, no SERVICE unless allowed.

The embedded engine follows SERVICE to remote endpoints, so the decision cannot rest on the
text: a keyword can hide behind an escape (`ex:a\\#`), a Unicode escape (`\\u0053ERVICE`), a
comment, a string or an IRI, and a prefix may be called `load:`. pyoxigraph does not expose
its parse, so the query is parsed with rdflib's SPARQL 1.1 parser and its algebra is walked
for service patterns. A query that rdflib cannot parse is refused: what cannot be inspected
does not run. Before any parser sees it, the text is measured (size and bracket nesting),
because recursive-descent parsers overflow their stack on deep input.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.paths import Path as PropertyPath
from rdflib.term import URIRef, Variable

from .errors import OutboundRequestRefused, QueryError, UpdateRefused
from .limits import check_depth, exceeded, limits

# rdflib's parser is recursive (pyparsing): about 40 Python frames per bracket level. It runs
# in a thread of its own with a large stack, with the recursion limit raised to match.
_STACK_BYTES = 512 * 1024 * 1024
_FRAMES_PER_LEVEL = 60
_parse_lock = threading.Lock()


@dataclass(frozen=True)
class Inspection:
    """What the parsed query is, and what it would reach: SERVICE targets as IRIs or '?var'."""

    form: str
    services: tuple[str, ...]
    iris: tuple[str, ...] = ()  # every IRI the query names, e.g. the ontology terms it relies on


def _collect(node, found: list[str], iris: list[str]) -> None:
    """Walk the algebra: SERVICE targets into `found`, every IRI named into `iris`."""
    stack = [node]
    while stack:  # iterative: the algebra is as deep as the query
        n = stack.pop()
        if isinstance(n, URIRef):
            iris.append(str(n))
        elif isinstance(n, PropertyPath):  # a/b, a|b, ^a, a*: the IRIs inside
            stack.extend(vars(n).values())
        elif isinstance(n, CompValue):
            if n.name == "ServiceGraphPattern":
                term = n.get("term")
                found.append(f"?{term}" if isinstance(term, Variable) else str(term))
            stack.extend(n.values())
        elif isinstance(n, (list, tuple)):
            stack.extend(n)
        elif isinstance(n, dict):
            stack.extend(n.values())


def _parse(text: str) -> Inspection:
    try:
        parsed = parseQuery(text)
    except Exception as query_error:  # pyparsing's ParseException and friends
        try:
            parseUpdate(text)
        except Exception:
            raise QueryError(
                f"the query is not valid SPARQL 1.1 (or uses syntax migkg cannot inspect): {_short(query_error)}",
                hint="migkg runs only queries it can check for SERVICE and updates; write standard SPARQL 1.1",
            ) from None
        raise UpdateRefused("refused: this is a SPARQL Update; only queries (SELECT, CONSTRUCT, ASK, DESCRIBE) run here") from None
    try:
        algebra = translateQuery(parsed)
    except Exception as e:
        raise QueryError(f"the query cannot be checked: {_short(e)}", hint="write standard SPARQL 1.1") from None
    found: list[str] = []
    iris: list[str] = []
    _collect(algebra.algebra, found, iris)
    return Inspection(form=algebra.algebra.name, services=tuple(dict.fromkeys(found)), iris=tuple(sorted(set(iris))))


def _short(e: Exception) -> str:
    return " ".join(str(e).split())[:300]


@lru_cache(maxsize=512)
def _inspect_cached(text: str, depth_limit: int) -> Inspection:
    outcome: list = []

    def run() -> None:
        try:
            outcome.append(_parse(text))
        except BaseException as e:  # handed back to the caller's thread
            outcome.append(e)

    with _parse_lock:
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size()
        try:
            # rdflib's grammar also recurses along a flat list (triple patterns, IN values), so the
            # allowance grows with the text as well as with the nesting limit.
            sys.setrecursionlimit(max(old_limit, 2000 + _FRAMES_PER_LEVEL * depth_limit + len(text) // 2))
            threading.stack_size(_STACK_BYTES)
            worker = threading.Thread(target=run, name="sparql-inspect")
            worker.start()
        finally:
            threading.stack_size(old_stack)
        worker.join()
        sys.setrecursionlimit(old_limit)
    result = outcome[0]
    if isinstance(result, RecursionError):
        raise QueryError(
            "the query is too long or too deeply nested for the SPARQL checker", hint="split it into smaller queries"
        ) from None
    if isinstance(result, BaseException):
        raise result
    return result


def measure_query(text: str) -> None:
    """The cheap checks, done before any parser sees the text: its size and its nesting."""
    lim = limits()
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > lim.max_query_bytes:
        raise exceeded(f"the query has {size:,} bytes", "max_query_bytes", lim.max_query_bytes)
    check_depth(text, "query")


def inspect_query(text: str) -> Inspection:
    """Measure, parse and inspect a query; raise a QueryError (or a subclass) if it cannot run.

    The parse can take seconds on a long query, so a server runs this where its time limit
    applies (in the query worker), and only measure_query before dispatch.
    """
    measure_query(text)
    return _inspect_cached(text, limits().max_depth)


def check_query(text: str, allow: bool | Iterable[str] = False) -> Inspection:
    """Raise unless the text is a query and every SERVICE target is allowed.

    `allow` is False (no SERVICE at all), True (any), or an allow-list of endpoint IRIs; a
    SERVICE whose endpoint is a variable is allowed only with True.
    """
    found = inspect_query(text)
    if not found.services or allow is True:
        return found
    allowed = set() if allow is False else set(allow)
    refused = [t for t in found.services if t not in allowed]
    if refused:
        raise OutboundRequestRefused(
            f"refused: the query asks for SERVICE {', '.join(refused)}, which would send a request outside the local graph",
            hint="federated queries are off by default; remove the SERVICE clause, or opt in to the endpoint explicitly",
        )
    return found


def service_targets(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses name (IRIs, or '?var' for a variable)."""
    return list(inspect_query(text).services)


def _cannot_name_service(text: str) -> bool:
    """True when no parser could find a SERVICE clause: the keyword's seven letters are absent.

    This never lets a query through that a parse would refuse, it only spares the parse (about
    40 ms a query, seconds per build) for the many that cannot contain the keyword. Only plain
    ASCII text without backslashes qualifies: an escape or a non-ASCII letter that some parser
    might fold to a keyword letter sends the query to the full parse.
    """
    return text.isascii() and "\\" not in text and "service" not in text.lower()


def check_outbound(text: str, allow: bool | Iterable[str] = False) -> None:
    """Raise unless every SERVICE target is allowed (the guard every query run passes through)."""
    lim = limits()
    if (allow is True or _cannot_name_service(text)) and len(text) <= lim.max_query_bytes:
        check_depth(text, "query")  # the engine's own parser recurses too
        return
    check_query(text, allow)


def check_read_only(text: str) -> None:
    """Raise UpdateRefused for a SPARQL Update (or QueryError for text that is not SPARQL)."""
    inspect_query(text)
