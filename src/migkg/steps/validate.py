"""Validation: SHACL shapes, plus the quality checks in queries/qc/*-violation.rq."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import rdflib
from pyshacl.errors import ShapeLoadError
from rdflib.namespace import SH

from ..core import ids
from ..core.errors import MigkgError
from ..core.project import PREFIXES
from ..core.queries import QueryCatalog
from ..core.store import KnowledgeGraph, solution_value


@dataclass(frozen=True)
class Violation:
    rule: str  # a SHACL shape, a qc query's name, or "ill-typed-literal"
    node: str
    message: str
    file: Path | None = None
    line: int | None = None

    def line_text(self) -> str:
        """The violation as one line: where, which rule, which node, what."""
        return f"{self.location()}: [{self.rule}] {self.node}: {self.message}"

    def location(self) -> str:
        if self.file is None:
            return "-"
        return f"{self.file}:{self.line}" if self.line else str(self.file)


def _term_str(t: rdflib.term.Node | ox.Term | None) -> str:
    if t is None:
        return ""
    if isinstance(t, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return t.value
    return str(t)


def run_pyshacl(data: rdflib.Graph, shapes_file: Path) -> tuple[bool, rdflib.Graph]:
    """pySHACL over an rdflib graph with migkg's options (no inference); (conforms, report graph)."""
    shapes = rdflib.Graph().parse(shapes_file)
    try:
        conforms, report, _ = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=True
        )
    except ShapeLoadError as e:
        raise MigkgError(f"{shapes_file}: the SHACL shapes cannot be used: {e.args[0] if e.args else e}") from None
    return conforms, report


# No shape targets a statistical observation (queries/qc/observation-violation.rq checks them, and
# tests/test_shapes.py keeps it so), and no other node's shape reaches one: leaving the ~90,000
# observation triples out of pySHACL's copy of the graph changes no result and saves seconds.


def shacl_violations(kg: KnowledgeGraph, shapes_file: Path) -> list[Violation]:
    data = kg.to_rdflib(skip_prefix=ids.OBSERVATIONS)
    for prefix, ns in PREFIXES.items():
        data.bind(prefix, ns, replace=True)
    conforms, report = run_pyshacl(data, shapes_file)
    if conforms:
        return []
    already = {(lit.subject, lit.lexical) for lit in kg.ill_typed}
    found = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        node = _term_str(report.value(result, SH.focusNode))
        value = report.value(result, SH.value)
        if isinstance(value, rdflib.Literal) and (node, str(value)) in already:
            continue  # reported once, with its line, as an ill-typed literal
        path = report.value(result, SH.resultPath)
        message = str(report.value(result, SH.resultMessage) or "shape violated")
        if path is not None and isinstance(path, rdflib.URIRef):
            message = f"{data.namespace_manager.normalizeUri(path)}: {message}"
        component = str(report.value(result, SH.sourceConstraintComponent) or "")
        rule = "shacl " + component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
        files = kg.files_of(node) if node else []
        found.append(Violation(rule, node, message, files[0] if files else None))
    return found


def check_violations(kg: KnowledgeGraph, catalog: QueryCatalog) -> list[Violation]:
    """Run every qc query; each row it returns is a violation (columns ?node and ?message)."""
    found = []
    for check in catalog.checks():
        rule = check.name.removesuffix("-violation")
        for row in kg.query(check.text):
            node = _term_str(row["node"])
            message = _term_str(row["message"]) or check.title
            # A check may name the offending triple (?property, ?value) so its file can be found exactly.
            prop, value = solution_value(row, "property"), solution_value(row, "value")
            files = kg.files_of(node, prop, value) if node else []
            found.append(Violation(rule, node, message, files[0] if files else None))
    return found


def literal_violations(kg: KnowledgeGraph) -> list[Violation]:
    return [Violation("ill-typed-literal", lit.subject, lit.message(), lit.file, lit.line) for lit in kg.ill_typed]


def validate(kg: KnowledgeGraph, catalog: QueryCatalog, shapes_file: Path) -> list[Violation]:
    """All violations, sorted by rule, file and node so reports are stable."""
    found = literal_violations(kg) + shacl_violations(kg, shapes_file) + check_violations(kg, catalog)
    unique = {(v.rule, v.node, v.message): v for v in found}
    return sorted(unique.values(), key=lambda v: (v.rule, str(v.file or ""), v.node, v.message))


class Invalid(MigkgError):
    """The graph does not validate. Exit 1, as pySHACL's command line does for a non-conforming graph."""

    exit_code = 1

    def __init__(self, violations: list[Violation], message: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.violations = violations

    def details(self) -> list[str]:
        return [v.line_text() for v in self.violations]


class ViolationsFound(Invalid):
    """`migkg validate`'s verdict on data that does not conform: a finding, not a failure of the tool."""

    prefix = ""

    def __init__(self, violations: list[Violation]):
        super().__init__(violations, f"{len(violations)} violation(s)")
