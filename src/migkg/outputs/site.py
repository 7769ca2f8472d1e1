"""The whole site `migkg build` and `migkg viz` write: the front page, the network pages, the
map, the matrix, the timelines, a page per state and per forum, and the ontology's documentation.

Everything renders from one workspace's results (its `ViewData`, networks and currency),
so no query runs twice however many pages show its rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from ..core.atomic import staged_dir
from .atlas import atlas_data
from .frontpage import render_front_page
from .ontodocs import write_ontology_docs
from .pages import write_pages
from .profiles import write_profiles
from .views import VIEWS, atlas_json, render_view


def write_site(
    ws, out: Path, states: Iterable[str] = (), staged: bool = True, today: str | None = None, report: bool = False
) -> list[Path]:
    """Write every page into `out` (all or nothing unless `staged=False`); the files written.

    `report`: the front page links report.md (the build writes one beside the pages; `viz` does not).
    """
    networks = ws.networks_for(states)  # an unknown state fails here, before any folder is made
    if not staged:
        return _site_into(ws, out, networks, today, report)
    with staged_dir(out) as stage:
        return [out / p.relative_to(stage) for p in _site_into(ws, stage, networks, today, report)]


def _site_into(ws, stage: Path, networks: list, today: str | None, report: bool) -> list[Path]:
    step: Callable[[str], None] = ws.step
    today = today or date.today().isoformat()
    files = write_pages(networks, ws.currency_note, stage, step=step, staged=False, index=False)
    data = atlas_json(atlas_data(ws.view, ws.currency, ws.map_coverage, today))
    for view in VIEWS:
        step(f"drawing the {view.key}")
        path = stage / f"{view.key}.html"
        path.write_text(render_view(view, data, ws.currency_note), encoding="utf-8")
        files.append(path)
    step("writing a page per state and per forum")
    files += write_profiles(ws.view, ws.networks, ws.currency_note, stage, step=step, today=today)
    step("documenting the ontology (pyLODE)")
    files += write_ontology_docs(ws.project, ws.graph, ws.catalog, stage / "ontology")
    # The front page, not the network pages' plain list, is index.html: it links every page above.
    step("writing the front page")
    front = stage / "index.html"
    front.write_text(render_front_page(ws, networks, today, report), encoding="utf-8")
    return sorted(files + [front])
