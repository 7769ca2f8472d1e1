"""The main job: validate, derive, and write dist/ (graph files, pages, analysis, report).

Every output renders from one workspace, so nothing is derived, drawn or analysed twice.
The outputs are written into a staged folder that replaces `out` only when all are done.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .core.atomic import check_writable, staged_dir
from .core.project import Project
from .outputs.analytics import write_analysis
from .outputs.graphfiles import write_graph_files
from .outputs.site import write_site
from .outputs.report import render_report
from .remote.endpoint import push
from .steps.validate import Invalid
from .workspace import Step, Workspace


class BuildFailed(Invalid):
    """The graph does not validate; nothing was written."""

    def __init__(self, violations):
        super().__init__(
            violations,
            f"the graph has {len(violations)} violation(s); nothing was written to the output folder",
            hint="run 'migkg validate' for the list, fix the data, and build again",
        )


@dataclass
class BuildResult:
    out: Path
    triples: int
    files: list[Path] = field(default_factory=list)
    derived: dict[str, int] = field(default_factory=dict)


def build_workspace(ws: Workspace, out: Path) -> BuildResult:
    """Validate the workspace's graph and, if it conforms, write every output into `out`."""
    check_writable(out)  # fail before the work, not after it
    if ws.violations:
        raise BuildFailed(ws.violations)
    result = BuildResult(out=out, triples=0, derived=ws.derived)
    with staged_dir(out) as stage:
        ws.step("writing graph files")
        result.triples = write_graph_files(ws.graph, stage)
        ws.step("drawing the pages")
        write_site(ws, stage, staged=False, report=True)
        write_analysis(ws.analyses, stage, staged=False)
        ws.step("writing report")
        (stage / "report.md").write_text(render_report(ws.report_inputs(result.triples)), encoding="utf-8")
        result.files = [out / p.name for p in sorted(stage.iterdir())]
    return result


def build_and_push(ws: Workspace, store_url: str, graph: str | None = None) -> int:
    """Build into a temporary folder and upload its N-Triples to a Graph Store; the triple count."""
    with tempfile.TemporaryDirectory(prefix="migkg-push-") as tmp:
        result = build_workspace(ws, Path(tmp))
        ws.step(f"uploading {result.triples} triples")
        push(Path(tmp) / "migkg.nt", store_url, graph)
    return result.triples


def build(project: Project, out: Path, step: Step = lambda s: None) -> BuildResult:
    """Build the project into `out` (see `build_workspace`)."""
    return build_workspace(Workspace(project, step=step), out)
