"""A static page per state (and economy) and per forum: everything the graph records about it.

The pages are plain HTML with one inline SVG each and no script: they render from the rows
read once (`ViewData`), grouped by actor and by forum once, so ~230 pages take about as long
as reading those rows. Every label goes through Jinja's autoescape; a source becomes a link
only when it is an http(s) address, so a `javascript:` source in a data file stays text.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import Markup

from .networks import KIND_COLOURS, NetworkBuilder, migration_facts
from .pages import ASSETS, env
from .viewdata import Row, ViewData, forum_page, group_by, instrument_order, state_page

NOT_RECORDED = "not recorded · 未记录"
_WEB = re.compile(r"https?://[^\s/?#]+", re.IGNORECASE)
_PAGE = re.compile(r"(states|forums)/[A-Za-z0-9][A-Za-z0-9._-]*\.html")
# Around the state: its treaties, then its forums, then the actors it has arrangements with.
GROUP_ORDER = {"treaty": 0, "forum": 1, "state": 2, "economy": 3, "organisation": 4}
NODE_COLOURS = {
    "treaty": "#4e79a7",
    "forum": "#59a14f",
    "state": "#e15759",
    "economy": "#f28e2b",
    "organisation": "#b07aa1",
}
ROLE_ORDER = ["member", "co-chair", "chair", "observer", "secretariat", "support"]
LONG_TEXT = 280  # statements longer than this fold into a <details>


def is_web(url: str) -> bool:
    """Whether `url` may become an href: http(s) with a host, from its first character on."""
    return bool(_WEB.match(url or ""))


def link(url: str, text: str | None = None) -> Markup:
    """An <a> for an http(s) address; anything else as plain text (escaped), or "not recorded"."""
    if not url:
        return Markup('<span class="none">{}</span>').format(NOT_RECORDED)
    if not is_web(url):
        return Markup('<span class="unlinked" title="not an http(s) address">{}</span>').format(url)
    shown = text if text is not None else (urlsplit(url).hostname or url)
    return Markup('<a href="{}" title="{}" rel="noreferrer">{}</a>').format(url, url, shown)


def _safe(page: str) -> str:
    """`page` if it is a plain file name in states/ or forums/, else "": a code or key read from a
    data file never names a path outside those folders."""
    return page if _PAGE.fullmatch(page) else ""


@dataclass
class Index:
    """The view's rows grouped once by what a page is about."""

    view: ViewData
    actions: dict[str, list[Row]] = field(init=False)
    statements: dict[str, list[Row]] = field(init=False)
    by_member: dict[str, list[Row]] = field(init=False)
    by_forum: dict[str, list[Row]] = field(init=False)
    parties: dict[str, list[Row]] = field(init=False)
    party_of: dict[str, list[Row]] = field(init=False)
    status: dict[str, list[Row]] = field(init=False)
    court: dict[str, list[Row]] = field(init=False)
    transfers: dict[str, list[Row]] = field(init=False)
    calls: dict[str, list[Row]] = field(init=False)
    outputs: dict[str, list[Row]] = field(init=False)
    forum_keys: dict[str, str] = field(init=False)
    instruments: dict[str, Row] = field(init=False)
    arrangement_labels: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        v = self.view
        self.actions = v.actions_by_actor
        self.statements = group_by(v.statements, "action")
        self.by_member = v.memberships_by_member
        self.by_forum = group_by(v.memberships, "forum")
        self.parties = group_by(v.arrangement_parties, "arrangement")
        self.party_of = v.parties_by_actor
        self.status = group_by(v.arrangement_status, "arrangement")
        self.court = group_by(v.court_events, "concerns")
        self.transfers = v.transfers_by_end
        self.calls = group_by(v.calls, "forum")
        self.outputs = group_by(v.outputs, "forum")
        self.forum_keys = {f["forum"]: f["key"] for f in v.forums}
        self.instruments = {i["instrument"]: i for i in v.instruments}
        self.arrangement_labels = {r["arrangement"]: r["label_en"] for r in v.arrangement_parties}

    def actor_href(self, iri: str) -> str:
        page = _safe(state_page(self.view.actor(iri)))
        return f"../{page}" if page else ""

    def forum_href(self, iri: str) -> str:
        page = _safe(forum_page(self.forum_keys[iri])) if iri in self.forum_keys else ""
        return f"../{page}" if page else ""

    def actor_ref(self, iri: str) -> Markup:
        """An actor's name, linked to its page where it has one."""
        a = self.view.actor(iri)
        href = self.actor_href(iri)
        if href:
            return Markup('<a href="{}">{}</a>').format(href, a["label_en"])
        return Markup("{}").format(a["label_en"])


# --- the ego network, drawn as a star ------------------------------------------------------


@dataclass
class Ego:
    """A state's neighbours in the three networks, laid out on a circle around it."""

    centre: dict
    nodes: list[dict]
    edges: list[dict]
    node_legend: list[tuple[str, str]]
    edge_legend: list[tuple[str, str]]
    size: int


class EgoNetworks:
    """`NetworkBuilder.ego` for every state at once: the three networks are built once, not per state."""

    def __init__(self, networks: NetworkBuilder):
        self.incident: dict[str, list[tuple[str, dict, dict, str]]] = defaultdict(list)
        for net in (networks.treaties(), networks.forums(), networks.arrangements()):
            g = net.graph
            for u, v, data in g.edges(data=True):
                colour = net.legend.get(data["group"], KIND_COLOURS.get(data["group"], "#7f7f7f"))
                for here, other in ((u, v), (v, u)):
                    if here != other:
                        self.incident[here].append((other, g.nodes[other], data, colour))

    def ego(self, iri: str, label: str, index: Index, size: int = 800) -> Ego:
        neighbours: dict[str, dict] = {}
        for other, node, data, colour in self.incident.get(iri, []):
            n = neighbours.setdefault(other, {"iri": other, "node": node, "edges": []})
            n["edges"].append((data, colour))
        ordered = sorted(
            neighbours.values(), key=lambda n: (GROUP_ORDER.get(n["node"]["group"], 9), n["node"]["label_en"], n["iri"])
        )
        c = size / 2
        radius = size * 0.19
        nodes, edges = [], []
        for i, n in enumerate(ordered):
            theta = -math.pi / 2 + 2 * math.pi * i / max(len(ordered), 1)
            x, y = c + radius * math.cos(theta), c + radius * math.sin(theta)
            nodes.append(_ego_node(n, x, y, theta, index))
            edges.append(_ego_edge(n, c, x, y))
        groups = sorted({n["group"] for n in nodes}, key=lambda g: GROUP_ORDER.get(g, 9))
        edge_groups = dict(sorted({e[0]["group"]: e[1] for n in ordered for e in n["edges"]}.items()))
        return Ego(
            centre={"x": c, "y": c, "label": label},
            nodes=nodes,
            edges=edges,
            node_legend=[(g, NODE_COLOURS.get(g, "#999")) for g in groups],
            edge_legend=list(edge_groups.items()),
            size=size,
        )


def _short(text: str, n: int = 30) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _short_label(label: str, group: str, n: int = 34) -> str:
    """A label that fits the drawing; a treaty keeps its key, which says more than its name's tail."""
    name, sep, key = label.rpartition(" (")
    if group == "treaty" and sep and len(label) > n and len(key) < n - 8:
        return f"{_short(name, n - len(key) - 2)} ({key}"
    return _short(label, n)


def _ego_node(n: dict, x: float, y: float, theta: float, index: Index) -> dict:
    node = n["node"]
    group = node["group"]
    degrees = math.degrees(theta)
    left = math.cos(theta) < -1e-9
    # Labels run outwards along the radius, turned the right way up on the left half.
    rotate = degrees + 180 if left else degrees
    href = index.forum_href(n["iri"]) if group == "forum" else index.actor_href(n["iri"])
    return {
        "iri": n["iri"],
        "x": round(x, 1),
        "y": round(y, 1),
        "label": _short_label(node["label_en"], group),
        "full": " · ".join(s for s in (node["label_en"], node.get("label_zh", "")) if s),
        "group": group,
        "colour": NODE_COLOURS.get(group, "#999"),
        "href": href,
        "transform": f"translate({x:.1f},{y:.1f}) rotate({rotate:.1f})",
        "dx": -10 if left else 10,
        "anchor": "end" if left else "start",
    }


def _ego_edge(n: dict, c: float, x: float, y: float) -> dict:
    # Several edges to one neighbour (a signature and a ratification) draw as one line in the
    # colour of the latest; its tooltip lists them all.
    edges = sorted(n["edges"], key=lambda e: (e[0]["start"], e[0]["group"]))
    title = "; ".join(f"{d['group']} {d['start'] or 'date not recorded'}" for d, _ in edges)
    return {
        "x1": round(c, 1),
        "y1": round(c, 1),
        "x2": round(x, 1),
        "y2": round(y, 1),
        "colour": edges[-1][1],
        "width": min(1 + 0.6 * (len(edges) - 1), 3),
        "title": title,
    }


# --- what each page shows ------------------------------------------------------------------


def _codes(a: Row) -> list[tuple[str, str]]:
    return [
        ("ISO 3166 alpha-3", a.get("iso3", "")),
        ("ISO 3166 alpha-2", a.get("iso2", "")),
        ("ISO 3166 numeric", a.get("numeric", "")),
        ("UN M49 region · 区域", a.get("region", "")),
        ("UN M49 sub-region · 次区域", a.get("subregion", "")),
    ]


def _action_key(r: Row) -> tuple:
    return (instrument_order(r["mtdsg"]), r["earliest"], r["date"], r["kind"], r["action"])


def _arrangements(iri: str, index: Index) -> list[dict]:
    out = []
    for own in sorted(index.party_of.get(iri, []), key=lambda r: (r["start"], r["arrangement"])):
        arr = own["arrangement"]
        parties = [
            {"ref": index.actor_ref(p["actor"]), "role": p["role"]}
            for p in index.parties.get(arr, [])
            if p["actor"] != iri
        ]
        out.append(
            {
                "row": own,
                "parties": parties,
                "status": index.status.get(arr, []),
                "court": index.court.get(arr, []),
            }
        )
    return out


def _transfers(iri: str, index: Index) -> list[dict]:
    return [
        {
            "row": t,
            "from_ref": index.actor_ref(t["from"]),
            "to_ref": index.actor_ref(t["to"]),
            "arrangement": index.arrangement_labels.get(t["arrangement"], t["arrangement"]),
        }
        for t in index.transfers.get(iri, [])
    ]


def state_context(iri: str, index: Index, egos: EgoNetworks, note: str) -> dict:
    a = index.view.actor(iri)
    actions = sorted(index.actions.get(iri, []), key=_action_key)
    memberships = sorted(
        index.by_member.get(iri, []), key=lambda m: (m["forum_en"], _role_rank(m["role"]), m["start"], m["membership"])
    )
    return {
        "a": a,
        "codes": _codes(a),
        "facts": migration_facts(index.view.migration.get(iri, {})),
        "actions": actions,
        "statements": [(r, index.statements[r["action"]]) for r in actions if r["action"] in index.statements],
        "memberships": [{"row": m, "href": index.forum_href(m["forum"])} for m in memberships],
        "arrangements": _arrangements(iri, index),
        "transfers": _transfers(iri, index),
        "ego": egos.ego(iri, a["label_en"], index),
        "note": note,
        "long_text": LONG_TEXT,
    }


def _role_rank(role: str) -> int:
    return ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER)


def _year(d: str) -> int | None:
    return int(d[:4]) if len(d) >= 4 and d[:4].isdigit() else None


def members_by_year(memberships: list[Row], today: str) -> dict:
    """Distinct actors per role in each year from the first recorded start to this year.

    A membership counts in a year when its start year is not later and its end year, if any,
    not earlier. One without a start is listed apart: when it began is not known.
    """
    dated = [m for m in memberships if _year(m["start"]) is not None]
    undated = [m for m in memberships if _year(m["start"]) is None]
    roles = sorted({m["role"] for m in dated}, key=lambda r: (_role_rank(r), r))
    if not dated:
        return {"roles": roles, "years": [], "undated": undated, "max": 0}
    ends = [y for m in dated if (y := _year(m["end"])) is not None]
    first = min(_year(m["start"]) for m in dated)
    last = max([int(today[:4]), *ends])
    years = []
    for y in range(first, last + 1):
        counts = {r: set() for r in roles}
        for m in dated:
            end = _year(m["end"])
            if _year(m["start"]) <= y and (end is None or end >= y):
                counts[m["role"]].add(m["member"])
        years.append({"year": y, "counts": {r: len(s) for r, s in counts.items()}})
    top = max((yr["counts"].get("member", 0) for yr in years), default=0)
    return {"roles": roles, "years": years, "undated": undated, "max": top}


def members_chart(by_year: dict, width: int = 760, height: int = 180) -> dict:
    """Bars of the members (role "member") per year, as SVG coordinates."""
    years = by_year["years"]
    top = by_year["max"]
    if not years or not top:
        return {}
    left, bottom, plot_h = 36, 24, height - 34
    step = (width - left - 6) / len(years)
    bars = []
    for i, yr in enumerate(years):
        n = yr["counts"].get("member", 0)
        h = plot_h * n / top
        bars.append(
            {
                "x": round(left + i * step + 1, 1),
                "y": round(height - bottom - h, 1),
                "w": round(max(step - 2, 1), 1),
                "h": round(h, 1),
                "n": n,
                "year": yr["year"],
                "tick": i % 5 == 0 or (i == len(years) - 1 and i % 5 >= 3),
                "cx": round(left + (i + 0.5) * step, 1),
            }
        )
    return {"width": width, "height": height, "bars": bars, "top": top, "base": height - bottom, "left": left}


def forum_context(forum: Row, index: Index, note: str, today: str) -> dict:
    memberships = sorted(
        index.by_forum.get(forum["forum"], []),
        key=lambda m: (_role_rank(m["role"]), index.view.actor(m["member"])["label_en"], m["membership"]),
    )
    by_year = members_by_year(memberships, today)
    calls = [
        {"row": c, "instrument": index.instruments.get(c["instrument"], {}).get("label_en", c["instrument"])}
        for c in index.calls.get(forum["forum"], [])
    ]
    return {
        "f": forum,
        "memberships": [
            {"row": m, "ref": index.actor_ref(m["member"]), "zh": index.view.actor(m["member"])["label_zh"]}
            for m in memberships
        ],
        "by_year": by_year,
        "undated": [{"row": m, "ref": index.actor_ref(m["member"])} for m in by_year["undated"]],
        "chart": members_chart(by_year),
        "calls": calls,
        "outputs": index.outputs.get(forum["forum"], []),
        "note": note,
    }


# --- writing -------------------------------------------------------------------------------


def _environment():
    e = env()
    e.globals.update(link=link, not_recorded=NOT_RECORDED)
    return e


def write_profiles(
    view: ViewData,
    networks: NetworkBuilder,
    note: str,
    out: Path,
    step: Callable[[str], None] = lambda s: None,
    today: str | None = None,
) -> list[Path]:
    """Write out/states/ISO3.html for each state and economy with a code, and out/forums/KEY.html
    for each forum; the paths written. `today` (default: the real today) ends the members-by-year
    count."""
    today = today or date.today().isoformat()
    index = Index(view)
    e = _environment()
    css = (ASSETS / "page.css").read_text("utf-8") + (ASSETS / "profile.css").read_text("utf-8")
    written = []

    step("drawing the state pages")
    egos = EgoNetworks(networks)
    state_t = e.get_template("state.html")
    (out / "states").mkdir(parents=True, exist_ok=True)
    for iri, a in sorted(view.actors.items()):
        page = _safe(state_page(a))
        if not page:
            continue
        path = out / page
        path.write_text(state_t.render(css=css, **state_context(iri, index, egos, note)), encoding="utf-8")
        written.append(path)

    step("drawing the forum pages")
    forum_t = e.get_template("forum.html")
    (out / "forums").mkdir(parents=True, exist_ok=True)
    for f in view.forums:
        page = _safe(forum_page(f["key"]))
        if not page:
            continue
        path = out / page
        path.write_text(forum_t.render(css=css, **forum_context(f, index, note, today)), encoding="utf-8")
        written.append(path)
    return written
