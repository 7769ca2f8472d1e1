"""Writing the network pages: one self-contained HTML file per network, plus index.html."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

import jinja2
import pyvis

from ..core.atomic import staged_dir
from .networks import HUB_FONT, STATE_FONT, Network, display_labels, layout, node_sizes

ASSETS = resources.files(__package__) / "assets"
# vis-network as pyvis ships it: inlined into each page, so a page makes no network request.
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


@cache
def env() -> jinja2.Environment:
    """The one template environment: every page's templates are compiled once per process."""
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(lambda name: (ASSETS / name).read_text("utf-8")),
        autoescape=True,
        keep_trailing_newline=True,
    )


def script_safe(json_text: str) -> str:
    """JSON text that cannot close the <script> element it sits in, whatever its strings contain."""
    return json_text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def script_safe_json(value) -> str:
    """`value` as JSON, script-safe (see `script_safe`)."""
    return script_safe(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")))


def _vis_assets() -> tuple[str, str]:
    js = (VIS_DIR / "vis-network.min.js").read_text("utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)  # no request for a source map
    return js, (VIS_DIR / "vis-network.css").read_text("utf-8")


def _sections(d: dict) -> list[dict]:
    """The node's panel; a node made without one (a caller's own graph) gets its facts and links."""
    if "sections" in d:
        return d["sections"]
    rows = [[k, v, ""] for k, v in d.get("facts", [])] + [["link", u, u] for u in d.get("links", [])]
    return [{"key": "facts", "heading": "facts · 事实", "rows": rows}] if rows else []


class _Urls:
    """Each source URL once per page, rows and edges naming it by its index: a few hundred sources
    are cited by thousands of rows."""

    def __init__(self):
        self.index: dict[str, int] = {}

    def __call__(self, url: str) -> int:
        return self.index.setdefault(url, len(self.index))

    def rows(self, sections: list[dict]) -> list[dict]:
        return [
            {**s, "rows": [[r[0], r[1], self(r[2])] if len(r) > 2 and r[2] else [r[0], r[1]] for r in s["rows"]]}
            for s in sections
        ]

    def table(self) -> list[str]:
        return list(self.index)


def _layout_note(net: Network) -> str:
    click = "Click a node to highlight its neighbours. 点击节点突出显示其相邻节点。"
    if net.hubs and not net.centre and any(d["group"] in net.hubs for _, d in net.graph.nodes(data=True)):
        hubs = " or ".join({"treaty": "treaties", "forum": "forums"}.get(h, h) for h in sorted(net.hubs))
        return (
            f"{hubs.capitalize()} in the middle: the nearer a state, the more of them it connects to. 越近中间，连接越多。 "
            + click
        )
    return click


def page_data(net: Network) -> dict:
    """What the page's script draws. Panel rows are [label, value] or [label, value, i], i the index
    of their source in `urls`; an edge's links are such indices too."""
    g = net.graph
    urls = _Urls()
    pos = layout(g, net.hubs, net.centre)
    texts = display_labels(g, net.hubs)
    sizes = node_sizes(g, net.hubs, net.centre)
    degree = dict(g.degree())
    nodes = []
    for n, d in sorted(g.nodes(data=True)):
        node = {
            "id": n,
            "label_en": d["label_en"],
            "label_zh": d["label_zh"],
            "group": d["group"],
            "region": d["region"],
            "iso3": next((v for k, v in d["facts"] if k == "ISO 3166 alpha-3"), ""),
            "x": pos[n][0],
            "y": pos[n][1],
            "size": sizes[n],
            "font": HUB_FONT if d["group"] in net.hubs else STATE_FONT,
            "degree": degree[n],
            "sections": urls.rows(_sections(d)),
            "page": d.get("page", ""),
        }
        # Only where the drawn label differs from the name (wrapped or cut), to keep pages small.
        if texts[n][0] != d["label_en"]:
            node["text_en"] = texts[n][0]
        if texts[n][1] != d["label_zh"]:
            node["text_zh"] = texts[n][1]
        nodes.append(node)
    edges = [
        {
            "id": k,
            "from": u,
            "to": v,
            "group": d["group"],
            "instrument": d["instrument"],
            "forum": d["forum"],
            "start": d["start"],
            "end": d["end"],
            "width": round(d["width"], 2),
            "facts": d["facts"],
            "links": [urls(u) for u in d["links"]],
            "arrows": net.key == "arrangements" or d["group"] in ("arrangement", "transfer"),
        }
        for u, v, k, d in sorted(g.edges(keys=True, data=True), key=lambda e: e[2])
    ]
    return {
        "title_en": net.title_en,
        "title_zh": net.title_zh,
        "filters": net.filters,
        "legend": net.legend,
        "hubs": sorted(net.hubs),
        "centre": net.centre,
        "layout_note": _layout_note(net),
        "nodes": nodes,
        "edges": edges,
        "urls": urls.table(),
    }


def render_page(net: Network, note: str) -> str:
    vis_js, vis_css = _vis_assets()
    return (
        env()
        .get_template("page.html")
        .render(
            title_en=net.title_en,
            title_zh=net.title_zh,
            note=note,
            data_json=script_safe_json(page_data(net)),
            vis_js=vis_js,
            vis_css=vis_css,
            page_js=(ASSETS / "page.js").read_text("utf-8"),
            page_css=(ASSETS / "page.css").read_text("utf-8"),
        )
    )


def write_pages(
    nets: list[Network],
    note: str,
    out: Path,
    step: Callable[[str], None] = lambda s: None,
    staged: bool = True,
    index: bool = True,
) -> list[Path]:
    """Write a page per network and index.html into `out` (all or nothing), each page saying `note`.

    `staged=False` writes straight into `out`, for a caller that is itself writing a staged folder;
    `index=False` leaves index.html to a caller that writes a front page of its own.
    """
    if not staged:
        return _pages_into(out, nets, note, step, index)
    with staged_dir(out) as stage:
        return [out / p.name for p in _pages_into(stage, nets, note, step, index)]


def _pages_into(stage: Path, nets: list, note: str, step: Callable[[str], None], index: bool) -> list[Path]:
    for net in nets:
        step(f"drawing {net.key}")
        (stage / f"{net.key}.html").write_text(render_page(net, note), encoding="utf-8")
    written = [stage / f"{n.key}.html" for n in nets]
    if not index:
        return sorted(written)
    pages = [
        {
            "file": f"{n.key}.html",
            "title_en": n.title_en,
            "title_zh": n.title_zh,
            "nodes": n.graph.number_of_nodes(),
            "edges": n.graph.number_of_edges(),
        }
        for n in nets
    ]
    listing = (
        env()
        .get_template("index.html")
        .render(pages=pages, note=note, page_css=(ASSETS / "page.css").read_text("utf-8"))
    )
    (stage / "index.html").write_text(listing, encoding="utf-8")
    return sorted(written + [stage / "index.html"])
