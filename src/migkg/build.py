"""The main job: load, validate, derive, and write dist/."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .core.atomic import check_writable, staged_dir
from .steps.derive import derive
from .core.errors import MigkgError
from .core.project import PREFIXES, Project
from .core.queries import QueryCatalog
from .outputs.report import render_report
from .core.store import KnowledgeGraph
from .steps.validate import Violation, validate
from .outputs.pages import write_analysis, write_pages

GRAPH_OUTPUTS = {
    "migkg.ttl": ox.RdfFormat.TURTLE,
    "migkg.nt": ox.RdfFormat.N_TRIPLES,
    "migkg.jsonld": ox.RdfFormat.JSON_LD,
}


def write_graph_files(kg: KnowledgeGraph, folder: Path) -> int:
    """Write the graph as N-Triples, Turtle and JSON-LD, all in one stable order; return the triple count."""
    nt = kg.ntriples()
    triples = list(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES))
    for name, fmt in GRAPH_OUTPUTS.items():
        if fmt == ox.RdfFormat.N_TRIPLES:
            (folder / name).write_bytes(nt)  # already sorted N-Triples
        else:
            ox.serialize(triples, folder / name, format=fmt, prefixes=PREFIXES)
    return len(triples)


class BuildFailed(MigkgError):
    """The graph does not validate; nothing was written."""

    exit_code = 1

    def __init__(self, violations: list[Violation]):
        super().__init__(
            f"the graph has {len(violations)} violation(s); nothing was written to the output folder",
            hint="run 'migkg validate' for the list, fix the data, and build again",
        )
        self.violations = violations


@dataclass
class BuildResult:
    out: Path
    triples: int
    files: list[Path] = field(default_factory=list)
    derived: dict[str, int] = field(default_factory=dict)


def build(project: Project, out: Path, step: Callable[[str], None] = lambda s: None) -> BuildResult:
    check_writable(out)  # fail before the work, not after it
    step("loading ontology and graph")
    kg = KnowledgeGraph.from_project(project)
    step("validating (SHACL shapes and quality checks)")
    violations = validate(kg, project)
    if violations:
        raise BuildFailed(violations)
    step("deriving (queries/construct)")
    derived = derive(kg, QueryCatalog(project))
    step("writing graph files")
    result = BuildResult(out=out, triples=0, derived=derived)
    with staged_dir(out) as stage:
        result.triples = write_graph_files(kg, stage)
        step("drawing network pages")
        write_pages(kg, project, stage, step=step, staged=False)
        step("network analytics")
        write_analysis(kg, project, stage, staged=False)
        step("writing report")
        (stage / "report.md").write_text(render_report(kg, project, [], derived, result.triples), encoding="utf-8")
        result.files = [out / p.name for p in sorted(stage.iterdir())]
    return result
