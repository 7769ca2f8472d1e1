"""The seed papers' factual claims, checked against the graph.

Each file in queries/claims/ quotes one claim and names its paper; its query returns one
row with ?value (a number), and optionally ?detail (how the value was reached) and
?complete ("false" when the graph knows it holds only part of the data needed). The header
line `# agree:` says how the paper's figure and the graph's value are compared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from .errors import MigkgError, QueryError
from .limits import decode_utf8, read_bytes_limited
from .results import Table
from .store import KnowledgeGraph, solution_value

_HEADER = re.compile(r"^#\s*(title|paper|claim|claim_en|paper_says|agree|reading)\s*:\s*(.*)$")
_AGREE = re.compile(r"^(equals|within\s+(?P<tol>[0-9.]+)|greater-than|less-than|at-least|at-most)$")

AGREES, DISAGREES, INCOMPLETE, MISSING = "agrees", "disagrees", "cannot tell: data incomplete", "not in the graph"


@dataclass
class Claim:
    name: str
    path: Path
    text: str
    title: str = ""
    paper: str = ""
    claim: str = ""
    claim_en: str = ""
    paper_says: str = ""
    agree: str = ""
    reading: str = ""

    def compare(self, value: Decimal) -> bool:
        expected = Decimal(self.paper_says)
        rule = _AGREE.match(self.agree)
        if rule["tol"]:
            return abs(value - expected) <= Decimal(rule["tol"])
        return {
            "equals": value == expected,
            "greater-than": value > expected,
            "less-than": value < expected,
            "at-least": value >= expected,
            "at-most": value <= expected,
        }[self.agree]


@dataclass
class Finding:
    claim: Claim
    value: str
    detail: str
    verdict: str


def parse_claim(path: Path) -> Claim:
    try:
        text = decode_utf8(read_bytes_limited(path, "max_query_bytes"), str(path))
    except MigkgError as e:
        raise QueryError(e.message, hint=e.hint) from None
    c = Claim(name=path.stem, path=path, text=text)
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if m:
            setattr(c, m.group(1), (getattr(c, m.group(1)) + " " + m.group(2).strip()).strip())
    c.agree = c.agree or "equals"
    problems = [h for h in ("paper", "claim", "paper_says") if not getattr(c, h)]
    if problems:
        raise QueryError(f"{path}: the claim file lacks a '# {problems[0]}:' header")
    if not _AGREE.match(c.agree):
        raise QueryError(
            f"{path}: '# agree: {c.agree}' is not one of equals, within N, greater-than, less-than, at-least, at-most"
        )
    try:
        Decimal(c.paper_says)
    except InvalidOperation:
        raise QueryError(f"{path}: '# paper_says: {c.paper_says}' must be a number") from None
    return c


def check(kg: KnowledgeGraph, claim: Claim) -> Finding:
    rows = list(kg.query(claim.text))
    value_term = solution_value(rows[0], "value") if rows else None
    if value_term is None:
        return Finding(claim, "", "", MISSING)
    value = Decimal(value_term.value)
    detail_term = solution_value(rows[0], "detail")
    complete_term = solution_value(rows[0], "complete")
    detail = detail_term.value if detail_term is not None else ""
    shown = f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.3f}"
    if complete_term is not None and complete_term.value != "true":
        # With only part of the data, neither agreement nor disagreement would mean anything.
        return Finding(claim, shown, detail, INCOMPLETE)
    return Finding(claim, shown, detail, AGREES if claim.compare(value) else DISAGREES)


def check_all(kg: KnowledgeGraph, folder: Path) -> list[Finding]:
    return [check(kg, parse_claim(p)) for p in sorted(folder.glob("*.rq"))]


def findings_table(findings: list[Finding]) -> Table:
    rows = [
        [
            f.claim.name,
            f.claim.paper,
            f.claim.claim_en,
            f.claim.paper_says + f" ({f.claim.agree})",
            f.value,
            f.detail,
            f.verdict,
        ]
        for f in findings
    ]
    return Table(["claim", "paper", "what the paper says", "paper's figure", "graph says", "how", "verdict"], rows)
