"""The world map, the matrix and the timelines: one self-contained page each, over the atlas data.

Each page inlines its data (`atlas.atlas_data`, as JSON that cannot close its <script>), the
shared status logic (assets/status.js), its own script and the vendored libraries it needs,
so it works from file:// with no request. The page scripts write every label with
textContent or as an SVG text node, never as HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .pages import ASSETS, env, script_safe, script_safe_json
from .worldmap import VENDOR, topology_text


@dataclass(frozen=True)
class View:
    key: str  # the page is KEY.html; its template KEY.html and script KEY.js in assets/
    title_en: str
    title_zh: str
    libraries: tuple[str, ...]  # files in vendor/, inlined in this order
    topology: bool = False  # whether the page needs the country shapes


VIEWS = (
    View("map", "World map of treaty status", "条约状况世界地图", ("d3.min.js", "topojson-client.min.js"), topology=True),
    View("matrix", "States by instrument", "国家与文书矩阵", ()),
    View("timeline", "Timelines", "时间线", ("d3.min.js",)),
)


@cache
def _vendor(name: str) -> str:
    return (VENDOR / name).read_text("utf-8")


def render_view(view: View, data_json: str, note: str) -> str:
    """One view's page; `data_json` is the atlas data already made script-safe (shared by all views)."""
    return (
        env()
        .get_template("view.html")
        .render(
            key=view.key,
            title_en=view.title_en,
            title_zh=view.title_zh,
            body=env().get_template(f"{view.key}.html").render(),
            note=note,
            data_json=data_json,
            topology_json=script_safe_topology() if view.topology else "",
            libraries=[_vendor(n) for n in view.libraries],
            status_js=(ASSETS / "status.js").read_text("utf-8"),
            view_js=(ASSETS / f"{view.key}.js").read_text("utf-8"),
            page_css=(ASSETS / "page.css").read_text("utf-8"),
            view_css=(ASSETS / "views.css").read_text("utf-8"),
        )
    )


@cache
def script_safe_topology() -> str:
    # The shapes are vendored data, but they go through the same escaping as everything else.
    return script_safe(topology_text())


def atlas_json(data: dict) -> str:
    return script_safe_json(data)
