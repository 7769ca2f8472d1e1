"""Refuse SPARQL that would reach outside the local graph unless the user allows it.

The embedded engine follows SERVICE to remote endpoints. Rather than trust a regular
expression over the raw text (a keyword can hide in an IRI, a string or a comment),
the query is tokenised far enough to blank those out first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import OutboundRequestRefused, QueryError

_TOKEN = re.compile(
    r"(?P<comment>\#[^\n]*)"
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\s]*>)',
    re.DOTALL,
)
_SERVICE = re.compile(r"(?<![\w:?$])SERVICE\s+(?:SILENT\s+)?(<[^>]*>|[\w-]*:[\w-]*|[?$]\w+)", re.IGNORECASE)
_UPDATE = re.compile(r"(?<![\w:?$])(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b(?!\s*\()", re.IGNORECASE)


def _blank_out(text: str) -> tuple[str, list[str]]:
    """Replace comments, strings and IRIs by spaces; return the remaining text and the IRIs in order."""
    iris: list[str] = []

    def repl(m: re.Match) -> str:
        if m.group("iri"):
            iris.append(m.group("iri"))
            return f"<{len(iris) - 1}>"
        return " " * (m.end() - m.start())

    return _TOKEN.sub(repl, text), iris


def service_targets(text: str) -> list[str]:
    """The endpoints a query's SERVICE clauses name (IRIs, prefixed names or variables)."""
    skeleton, iris = _blank_out(text)
    targets = []
    for m in _SERVICE.finditer(skeleton):
        target = m.group(1)
        if target.startswith("<") and target[1:-1].isdigit():
            target = iris[int(target[1:-1])][1:-1]
        targets.append(target)
    return targets


def check_outbound(text: str, allow: bool | Iterable[str] = False) -> None:
    """Raise unless every SERVICE target is allowed. `allow` is False, True, or an allow-list of endpoints."""
    targets = service_targets(text)
    if not targets or allow is True:
        return
    allowed = set() if allow is False else set(allow)
    refused = [t for t in targets if t not in allowed]
    if refused:
        raise OutboundRequestRefused(
            f"refused: the query asks for SERVICE {', '.join(refused)}, which would send a request outside the local graph",
            hint="federated queries are off by default; remove the SERVICE clause, or opt in to the endpoint explicitly",
        )


def check_read_only(text: str) -> None:
    """Raise if the text is a SPARQL Update rather than a query."""
    skeleton, _ = _blank_out(text)
    m = _UPDATE.search(skeleton)
    if m:
        raise QueryError(f"refused: {m.group(1).upper()} is a SPARQL Update operation; only queries are allowed")
