"""The seed papers' factual claims, checked against the graph.

Each file in queries/claims/ quotes one claim and names its paper; its query returns one
row with ?value (a number), and optionally ?detail (how the value was reached) and
?complete ("false" when the graph knows it holds only part of the data needed). The header
line `# agree:` says how the paper's figure and the graph's value are compared, and
`# as_of:` the date the paper's statement speaks of.

A claim is checked as of that date, not against today's graph: a paper of 2013 that says
most East Asian states are not party to the Palermo Protocols was right in 2013 even if
Japan and Korea have joined since. The date reaches the query as data, not as text: before
each run the engine states `<https://w3id.org/migkg/id/evaluation> migkg:asOfDate D` in a
named graph of its own (a bound variable would not reach inside the sub-selects that
aggregate), and removes it afterwards. Each claim is then run a second time as of today,
and the table shows today's answer beside it when it differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from ..core.errors import QueryError
from ..core.queries import NamedQuery, load_query_file
from ..core.results import Table
from ..core.store import KnowledgeGraph, solution_value

_AS_OF = re.compile(r"^\d{4}-\d{2}-\d{2}$")
EVALUATION = ids.EVALUATION
EVALUATION_GRAPH = ox.NamedNode("https://w3id.org/migkg/graph/evaluation")
AS_OF = ids.term("asOfDate")
# `within 5%` is relative to the paper's figure: a count from an older revision of a dataset is
# compared with the graph's revision at a tolerance that scales with the count.
_AGREE = re.compile(r"^(equals|within\s+(?P<tol>[0-9.]+)(?P<pct>%)?|greater-than|less-than|at-least|at-most)$")

XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
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
    as_of: str = ""

    def compare(self, value: Decimal) -> bool:
        expected = Decimal(self.paper_says)
        rule = _AGREE.match(self.agree)
        if rule["tol"]:
            tolerance = Decimal(rule["tol"]) * (abs(expected) / 100 if rule["pct"] else 1)
            return abs(value - expected) <= tolerance
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
    value: str  # as of the claim's date
    detail: str
    verdict: str
    today_value: str | None = None
    today_verdict: str | None = None

    def today(self) -> str:
        """Today's answer where it differs from the answer as of the claim's date."""
        if self.today_value is None or (self.today_value, self.today_verdict) == (self.value, self.verdict):
            return "same"
        return f"{self.today_value or '-'} ({self.today_verdict})"


def claim_of(q: NamedQuery) -> Claim:
    """The claim a query of queries/claims/ states in its header, checked for what a claim needs."""
    h = q.headers
    c = Claim(
        name=q.name,
        path=q.path,
        text=q.text,
        title=q.title,
        **{key: h.get(key, "") for key in ("paper", "claim", "claim_en", "paper_says", "agree", "reading", "as_of")},
    )
    path = q.path
    c.agree = c.agree or "equals"
    problems = [h for h in ("paper", "claim", "paper_says", "as_of") if not getattr(c, h)]
    if problems:
        what = {"as_of": " (the date the paper's statement speaks of, YYYY-MM-DD)"}.get(problems[0], "")
        raise QueryError(f"{path}: the claim file lacks a '# {problems[0]}:' header{what}")
    try:
        if not _AS_OF.match(c.as_of):
            raise ValueError
        date.fromisoformat(c.as_of)
    except ValueError:
        raise QueryError(f"{path}: '# as_of: {c.as_of}' is not a date", hint="write YYYY-MM-DD, e.g. 2013-12-31") from None
    if not _AGREE.match(c.agree):
        raise QueryError(
            f"{path}: '# agree: {c.agree}' is not one of equals, within N, within N%, greater-than, less-than, at-least, at-most"
        )
    try:
        Decimal(c.paper_says)
    except InvalidOperation:
        raise QueryError(f"{path}: '# paper_says: {c.paper_says}' must be a number") from None
    return c


def parse_claim(path: Path) -> Claim:
    """The claim in one file (for a file outside the catalogue, e.g. a test's bad example)."""
    return claim_of(load_query_file(path, "claims"))


def _evaluate(kg: KnowledgeGraph, claim: Claim, as_of: str) -> tuple[Decimal | None, str, str | None]:
    """(value, detail, complete) of the claim's query with the evaluation date set to `as_of`."""
    quad = ox.Quad(EVALUATION, AS_OF, ox.Literal(as_of, datatype=ox.NamedNode(XSD_DATE)), EVALUATION_GRAPH)
    kg.store.add(quad)
    try:
        rows = list(kg.query(claim.text))
    finally:
        kg.store.remove(quad)
    value_term = solution_value(rows[0], "value") if rows else None
    if value_term is None:
        return None, "", None
    detail_term = solution_value(rows[0], "detail")
    complete_term = solution_value(rows[0], "complete")
    try:
        value = Decimal(value_term.value)
    except InvalidOperation:
        raise QueryError(f"{claim.path}: ?value must be a number, the query gave '{value_term.value}'") from None
    return value, detail_term.value if detail_term is not None else "", None if complete_term is None else complete_term.value


def _shown(value: Decimal) -> str:
    return f"{value.normalize():f}" if value == value.to_integral_value() else f"{value:.3f}"


def _verdict(claim: Claim, value: Decimal | None, complete: str | None) -> str:
    if value is None:
        return MISSING
    if complete is not None and complete != "true":
        # With only part of the data, neither agreement nor disagreement would mean anything.
        return INCOMPLETE
    return AGREES if claim.compare(value) else DISAGREES


def check(kg: KnowledgeGraph, claim: Claim, today: str | None = None) -> Finding:
    """The claim as of its own date, and, if given, as of `today` for comparison."""
    value, detail, complete = _evaluate(kg, claim, claim.as_of)
    finding = Finding(claim, "" if value is None else _shown(value), detail, _verdict(claim, value, complete))
    if today is not None:
        now, now_detail, now_complete = _evaluate(kg, claim, today)
        finding.today_value = "" if now is None else _shown(now)
        finding.today_verdict = _verdict(claim, now, now_complete)
    return finding


def check_all(kg: KnowledgeGraph, claims: Iterable[NamedQuery], today: str | None = None) -> list[Finding]:
    """Every claim's finding; `claims` as the catalogue gives them (`catalog.claims()`)."""
    return [check(kg, claim_of(q), today) for q in claims]


def findings_table(findings: list[Finding]) -> Table:
    rows = [
        [
            f.claim.name,
            f.claim.paper,
            f.claim.claim_en,
            f.claim.as_of,
            f.claim.paper_says + f" ({f.claim.agree})",
            f.value,
            f.detail,
            f.verdict,
            f.today(),
        ]
        for f in findings
    ]
    return Table(
        ["claim", "paper", "what the paper says", "as of", "paper's figure", "graph says then", "how", "verdict", "today"],
        rows,
    )
