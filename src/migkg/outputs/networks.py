"""Networks for the pages, built from the queries in queries/viz/ into networkx graphs."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from .viewdata import ViewData, forum_page, instrument_order, state_page


@dataclass
class Network:
    """A page's graph and what its controls offer."""

    key: str
    title_en: str
    title_zh: str
    graph: nx.MultiDiGraph
    filters: list[str]  # which edge/node attributes get a filter menu
    legend: dict[str, str] = field(default_factory=dict)  # edge group -> colour
    hubs: set[str] = field(default_factory=set)  # node groups always shown (treaties, forums)
    centre: str = ""  # the node an ego network is drawn around


KIND_COLOURS = {
    "signature": "#9e9e9e",
    "ratification": "#1f77b4",
    "acceptance": "#17becf",
    "approval": "#2ca02c",
    "accession": "#ff7f0e",
    "succession": "#9467bd",
    "ratification-or-accession": "#aec7e8",
    "denunciation": "#d62728",
    "member": "#1f77b4",
    "co-chair": "#9467bd",
    "chair": "#9467bd",
    "secretariat": "#8c564b",
    "support": "#8c564b",
    "observer": "#bcbd22",
    "arrangement": "#7f7f7f",
    "transfer": "#d62728",
}


def _persons(n: str) -> str:
    return f"{int(n):,}"


def migration_facts(m: dict[str, str]) -> list[list[str]]:
    """The side panel's migration lines for one actor, each naming its source and date."""
    facts = []
    if m.get("migrant_stock"):
        share = f" ({m['migrant_share']}% of the population)" if m.get("migrant_share") else ""
        facts.append(["international migrants, mid-2020 (UN DESA)", _persons(m["migrant_stock"]) + share])
    if m.get("emigrant_stock"):
        facts.append(["emigrants abroad, mid-2019 (UN DESA)", _persons(m["emigrant_stock"])])
    if m.get("refugees_hosted"):
        facts.append(["refugees hosted, end of 2020 (UNHCR)", _persons(m["refugees_hosted"])])
    if m.get("refugees_originating"):
        facts.append(["refugees from it, end of 2020 (UNHCR)", _persons(m["refugees_originating"])])
    return facts


# --- side panels ---------------------------------------------------------------------------
# Each node carries its panel as sections of [label, value, url-or-""] rows, so the page's
# script only renders text; a section longer than this is cut (the state page lists all).
MAX_ROWS = 200
# A page path made from a code or key read from a data file: only a plain file in states/ or forums/.
_PAGE = re.compile(r"(states|forums)/[A-Za-z0-9][A-Za-z0-9._-]*\.html")


def _safe_page(page: str) -> str:
    return page if _PAGE.fullmatch(page) else ""


def _span(start: str, end: str) -> str:
    if start and end:
        return f"{start} – {end}"
    if start:
        return f"since {start}"
    return f"until {end}" if end else "dates not recorded"


def section(key: str, heading: str, rows: list[list[str]]) -> dict:
    if len(rows) > MAX_ROWS:
        rows = rows[:MAX_ROWS] + [["…", f"{len(rows) - MAX_ROWS} more on the state page · 其余见国家页面", ""]]
    return {"key": key, "heading": heading, "rows": rows}


class NetworkBuilder:
    """Makes each page's network from the rows read once (`ViewData`)."""

    def __init__(self, view: ViewData):
        self.view = view
        self.actors = view.actors
        self.actions = view.actions
        self.memberships = view.memberships
        self.arrangement_rows = view.arrangement_parties
        self.transfer_rows = view.transfers
        self.consent_kinds = view.consent_kinds
        self.migration = view.migration
        # Grouped once in the view: a state's panel lists its rows from every network, whichever page it is on.
        self._actions_of = view.actions_by_actor
        self._memberships_of = view.memberships_by_member
        self._arrangements_of = view.parties_by_actor
        self._transfers_of = view.transfers_by_end
        self._forum_rows = {f["forum"]: f for f in view.forums}
        self._panels: dict[str, list[dict]] = {}

    def actor_panel(self, iri: str) -> list[dict]:
        """The side panel of an actor: codes, treaty actions, forum memberships, arrangements,
        transfers and migration figures, each row with its source. Built once per actor and
        shared by every graph the actor is in."""
        if iri in self._panels:
            return self._panels[iri]
        a = self.view.actor(iri)
        codes = [
            ["ISO 3166 alpha-3", a["iso3"], ""],
            ["UN M49 region", a["region"], ""],
            ["sub-region", a["subregion"], ""],
            ["Wikidata", a["wikidata"], a["wikidata"]],
        ]
        actions = sorted(
            self._actions_of.get(iri, []), key=lambda r: (instrument_order(r["mtdsg"]), r["date"], r["action"])
        )
        action_rows = [
            [
                f"{r['treaty_en']} ({r['mtdsg']})",
                f"{r['kind']}, {r['date']}" + (f", ended {r['until']}" if r["until"] else ""),
                r["source"],
            ]
            for r in actions
        ]
        memberships = sorted(
            self._memberships_of.get(iri, []), key=lambda r: (r["forum_en"], r["start"], r["membership"])
        )
        membership_rows = [
            [r["forum_en"], f"{r['role']}, {_span(r['start'], r['end'])}", r["source"]] for r in memberships
        ]
        arrangements = sorted(self._arrangements_of.get(iri, []), key=lambda r: (r["start"], r["arrangement"]))
        arrangement_rows = [
            [r["label_en"], f"{r['type']}, {r['role']}, {_span(r['start'], r['end'])}", r["source"]]
            for r in arrangements
        ]
        name = lambda x: self.view.actor(x)["label_en"]  # noqa: E731
        transfer_rows = [
            [
                r["label_en"] or "transfer",
                f"{name(r['from'])} → {name(r['to'])}, {r['date']}"
                + (f", {_persons(r['head_count'])} persons" if r["head_count"] else ", head count not recorded"),
                r["source"],
            ]
            for r in self._transfers_of.get(iri, [])
        ]
        migration = [[k, v, ""] for k, v in migration_facts(self.migration.get(iri, {}))]
        panel = [
            section("codes", "codes and region · 代码与区域", [r for r in codes if r[1]]),
            section("actions", "treaty actions · 条约行为", action_rows),
            section("memberships", "forum memberships · 论坛成员资格", membership_rows),
            section("arrangements", "arrangements · 安排", arrangement_rows),
            section("transfers", "transfers · 移交", transfer_rows),
            section("migration", "migration · 移民", migration),
        ]
        self._panels[iri] = [s for s in panel if s["rows"]]
        return self._panels[iri]

    def _actor_node(self, g: nx.MultiDiGraph, iri: str) -> None:
        if iri in g:
            return
        a = self.view.actor(iri)
        facts = [["ISO 3166 alpha-3", a["iso3"]], ["UN M49 region", a["region"]], ["sub-region", a["subregion"]]]
        facts += migration_facts(self.migration.get(iri, {}))
        g.add_node(
            iri,
            label_en=a["label_en"],
            label_zh=a["label_zh"],
            group=a["kind"],
            region=a["region"],
            facts=[f for f in facts if f[1]],
            links=[a["wikidata"]] if a["wikidata"] else [],
            sections=self.actor_panel(iri),
            page=_safe_page(state_page(a)),
        )

    def treaties(self) -> Network:
        g = nx.MultiDiGraph()
        for r in self.actions:
            self._actor_node(g, r["actor"])
            if r["treaty"] not in g:
                g.add_node(
                    r["treaty"],
                    label_en=f"{r['treaty_en']} ({r['mtdsg']})",
                    label_zh=r["treaty_zh"],
                    group="treaty",
                    region="",
                    facts=[["treaty key (depositary numbering)", r["mtdsg"]]],
                    links=[],
                    key=r["mtdsg"],
                    order="%04d %s" % instrument_order(r["mtdsg"]),
                    page="",
                )
            end = r["until"] if r["kind"] in self.consent_kinds else ""
            g.add_edge(
                r["actor"],
                r["treaty"],
                key=r["action"],
                group=r["kind"],
                instrument=r["mtdsg"],
                forum="",
                start=r["date"],
                end=end,
                width=1.0,
                facts=[["action", r["kind"]], ["date", r["date"]]] + ([["ended by denunciation", end]] if end else []),
                links=[r["source"]] if r["source"] else [],
            )
        for t, d in g.nodes(data=True):
            if d["group"] == "treaty":
                rows = [["treaty key (depositary numbering)", d["key"], ""], ["名称", d["label_zh"], ""]]
                rows += [
                    ["states and others with an action · 有行为的国家", str(len(set(g.predecessors(t)))), ""],
                    ["actions recorded · 行为记录", str(g.in_degree(t)), ""],
                ]
                d["sections"] = [section("treaty", "treaty · 条约", [r for r in rows if r[1]])]
        return Network(
            "treaties",
            "States and treaties",
            "国家与条约",
            g,
            ["instrument", "group", "region"],
            {k: KIND_COLOURS[k] for k in ("signature", *sorted(self.consent_kinds), "denunciation")},
            {"treaty"},
        )

    def forums(self) -> Network:
        g = nx.MultiDiGraph()
        for r in self.memberships:
            self._actor_node(g, r["member"])
            if r["forum"] not in g:
                g.add_node(
                    r["forum"],
                    label_en=r["forum_en"],
                    label_zh=r["forum_zh"],
                    group="forum",
                    region="",
                    facts=[["membership list complete", r["complete"]]],
                    links=[],
                    key=r["forum_key"],
                    page=_safe_page(forum_page(r["forum_key"])) if r["forum"] in self._forum_rows else "",
                )
            g.add_edge(
                r["member"],
                r["forum"],
                key=r["membership"],
                group=r["role"],
                instrument="",
                forum=r["forum_key"],
                start=r["start"],
                end=r["end"],
                width=1.0,
                facts=[["role", r["role"]], ["start", r["start"] or "not recorded"], ["end", r["end"] or "-"]],
                links=[r["source"]] if r["source"] else [],
            )
        for f, d in g.nodes(data=True):
            if d["group"] == "forum":
                row = self._forum_rows.get(f, {})
                roles = Counter(data["group"] for _, _, data in g.in_edges(f, data=True))
                rows = [
                    ["forum key", d["key"], ""],
                    ["名称", d["label_zh"], ""],
                    ["kind", row.get("kind", ""), ""],
                    ["founded", row.get("founded", ""), ""],
                    ["membership list complete", d["facts"][0][1], ""],
                    ["participants · 参与方", str(len(set(g.predecessors(f)))), ""],
                ]
                rows += [[f"as {role} · 角色", str(n), ""] for role, n in sorted(roles.items())]
                rows += [["source · 来源", row["source"], row["source"]]] if row.get("source") else []
                d["sections"] = [section("forum", "forum · 论坛", [r for r in rows if r[1]])]
        roles = sorted({r["role"] for r in self.memberships}) or ["member", "observer"]
        return Network(
            "forums",
            "States and forums",
            "国家与论坛",
            g,
            ["forum", "group", "region"],
            {k: KIND_COLOURS.get(k, "#7f7f7f") for k in roles},
            {"forum"},
        )

    def arrangements(self) -> Network:
        g = nx.MultiDiGraph()
        by_arrangement: dict[str, list[dict]] = {}
        for r in self.arrangement_rows:
            by_arrangement.setdefault(r["arrangement"], []).append(r)
        labels = {}
        for iri, parties in by_arrangement.items():
            first = parties[0]
            labels[iri] = first["label_en"]
            senders = [p["actor"] for p in parties if p["role"] == "sending"]
            receivers = [p["actor"] for p in parties if p["role"] in ("receiving", "transit")]
            if not senders or not receivers:  # roles not distinguished: connect the parties in a stable order
                actors = sorted(p["actor"] for p in parties)
                senders, receivers = actors[:1], actors[1:]
            for s in senders:
                for t in receivers:
                    self._actor_node(g, s)
                    self._actor_node(g, t)
                    g.add_edge(
                        s,
                        t,
                        key=f"{iri}#{s}>{t}",
                        group="arrangement",
                        instrument="",
                        forum="",
                        start=first["start"],
                        end=first["end"],
                        width=1.5,
                        label_en=first["label_en"],
                        facts=[
                            ["arrangement", first["label_en"]],
                            ["type", first["type"]],
                            ["first recorded status", first["start"] or "-"],
                            ["ended", first["end"] or "-"],
                        ],
                        links=[first["source"]] if first["source"] else [],
                    )
        for r in self.transfer_rows:
            self._actor_node(g, r["from"])
            self._actor_node(g, r["to"])
            n = int(r["head_count"]) if r["head_count"] else 0
            g.add_edge(
                r["from"],
                r["to"],
                key=r["transfer"],
                group="transfer",
                instrument="",
                forum="",
                start=r["date"],
                end="",
                width=1 + math.log1p(n),
                label_en=r["label_en"],
                facts=[
                    ["transfer", r["label_en"] or "-"],
                    ["date", r["date"]],
                    ["head count", r["head_count"] or "not recorded"],
                    ["under arrangement", labels.get(r["arrangement"], r["arrangement"] or "-")],
                ],
                links=[r["source"]] if r["source"] else [],
            )
        return Network(
            "arrangements",
            "Arrangements and transfers",
            "双边安排与移交",
            g,
            ["group", "region"],
            {"arrangement": KIND_COLOURS["arrangement"], "transfer": KIND_COLOURS["transfer"]},
        )

    def ego(self, iso3: str) -> Network | None:
        target = next((iri for iri, a in self.actors.items() if a["iso3"] == iso3), None)
        if target is None:
            return None
        g = nx.MultiDiGraph()
        legend: dict[str, str] = {}
        for net in (self.treaties(), self.forums(), self.arrangements()):
            for u, v, k, data in net.graph.edges(keys=True, data=True):
                if target in (u, v):
                    for n in (u, v):
                        g.add_node(n, **net.graph.nodes[n])
                    g.add_edge(u, v, key=k, **data)
                    legend[data["group"]] = net.legend.get(data["group"], "#7f7f7f")
        name = self.actors[target]["label_en"]
        return Network(
            f"state-{iso3}",
            f"{name}: treaties, forums and arrangements",
            f"{self.actors[target]['label_zh'] or name}：条约、论坛与安排",
            g,
            ["instrument", "forum", "group"],
            legend,
            {"treaty", "forum"},
            centre=target if target in g else "",
        )


# --- drawing ---------------------------------------------------------------------------------
# Positions are in page pixels at the zoom the page opens at (about 1000 px across), so the
# layout can leave each label the room it needs. vis-network draws labels in Arial; its advance
# widths (per 1000 em; Liberation Sans, the fallback on Linux, has the same metrics) let Python
# measure a label without a browser.
_ARIAL = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~",
        (
            278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10,
            278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556,
            833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
            333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333,
            500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
        ),
    )
)  # fmt: skip
STATE_FONT, HUB_FONT = 13, 14  # label sizes in layout units, about page pixels at the opening zoom
STATE_RADIUS, HUB_RADIUS = (2.5, 5.0), (6.0, 13.0)  # dot radius range by degree
STATE_LABEL_MAX = 150  # longer state names are cut (the panel and tooltip give them whole)
HUB_WRAP = 170  # hub labels wrap to this width, three lines at most
GAP, V_GAP = 10, 3
LINE = 1.1  # line height over font size, as vis-network draws labels
ASPECT = 1.35  # the network pane's width over its height on a laptop screen


def text_width(text: str, size: float) -> float:
    # Characters from U+2E80 on (CJK) are a full em; other non-ASCII ones count as a digit.
    return size * sum(_ARIAL.get(c, 1000 if ord(c) >= 0x2E80 else 556) for c in text) / 1000


def _cut(text: str, size: float, width: float) -> str:
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, size: float, width: float, most: int = 3) -> str:
    """Greedy line breaks at spaces (anywhere in CJK text), at most `most` lines, the last cut."""
    cjk = any(ord(c) >= 0x2E80 for c in text)
    words = list(text) if cjk else text.split(" ")
    sep = "" if cjk else " "
    lines: list[str] = []
    line = ""
    for w in words:
        trial = f"{line}{sep}{w}" if line else w
        if line and text_width(trial, size) > width:
            lines.append(line)
            line = w
        else:
            line = trial
    lines.append(line)
    if len(lines) > most:
        lines = lines[: most - 1] + [_cut(sep.join(lines[most - 1 :]), size, width)]
    return "\n".join(_cut(x, size, width * 1.3) for x in lines)


def display_labels(g: nx.MultiDiGraph, hubs: set[str] = frozenset()) -> dict[str, tuple[str, str]]:
    """Each node's label as drawn, in English and Chinese: hubs wrapped, long state names cut."""
    out = {}
    for n, d in g.nodes(data=True):
        if d.get("group") in hubs:
            en = _wrap(d["label_en"], HUB_FONT, HUB_WRAP)
            key = d.get("key", "")
            suffix = f" ({key})"
            # A treaty's key says more than the tail of its name: cut the name, keep the key.
            if key and key not in en and d["label_en"].endswith(suffix):
                en = _wrap(d["label_en"][: -len(suffix)], HUB_FONT, HUB_WRAP, most=2) + f"\n({key})"
            out[n] = (en, _wrap(d["label_zh"], HUB_FONT, HUB_WRAP))
        else:
            # An actor the graph gives no name is labelled by its IRI: draw the IRI's last part.
            en = (
                d["label_en"].rsplit("/", 1)[-1] if d["label_en"].startswith(("http://", "https://")) else d["label_en"]
            )
            out[n] = (_cut(en, STATE_FONT, STATE_LABEL_MAX), _cut(d["label_zh"], STATE_FONT, STATE_LABEL_MAX))
    return out


def node_sizes(g: nx.MultiDiGraph, hubs: set[str] = frozenset(), centre: str = "") -> dict[str, float]:
    """Dot radii by degree, relative to the largest of the node's kind (hub or not); an ego
    network's centre as large as the largest hub."""
    degree = dict(g.degree())
    hub = {n for n, d in g.nodes(data=True) if d.get("group") in hubs}
    top_hub = max((degree[n] for n in hub), default=1) or 1
    top = max((degree[n] for n in g if n not in hub), default=1) or 1
    sizes = {}
    for n in g:
        lo, hi = HUB_RADIUS if n in hub else STATE_RADIUS
        sizes[n] = round(lo + (hi - lo) * math.sqrt(degree[n] / (top_hub if n in hub else top)), 1)
    if centre in sizes:
        sizes[centre] = HUB_RADIUS[1]
    return sizes


def _box(text: tuple[str, str], font: float, radius: float) -> tuple[float, float]:
    """Width and height a node takes: its dot with its label (the wider language) below."""
    lines = [x for t in text for x in t.split("\n")]
    width = max([2 * radius] + [text_width(x, font) for x in lines])
    rows = max(t.count("\n") + 1 for t in text)
    return width + GAP, 2 * radius + LINE * font * rows + V_GAP


def _pack(items: list[tuple[str, float]], width: float) -> list[list[tuple[str, float]]]:
    rows: list[list[tuple[str, float]]] = [[]]
    used = 0.0
    for n, w in items:
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((n, w))
        used += w
    return rows


def layout(g: nx.MultiDiGraph, hubs: set[str] = frozenset(), centre: str = "") -> dict[str, tuple[float, float]]:
    """Positions computed once in Python (deterministic, so pages are reproducible); physics stays
    off in the browser.

    With hubs (treaties, forums) the graph is bipartite and drawn in bands: the hubs in rows in
    the middle, the states in rows above and below. A state's distance from the middle goes with
    how few hubs it connects to, and its place along its row with where those hubs are, so states
    sharing hubs sit together and most edges stay short. An ego network is drawn in rings round
    its centre, a network of states alone (arrangements) as rings round the best-connected state
    of each connected part. No iterations: the cost is linear in the edges plus sorts.
    """
    if g.number_of_nodes() == 0:
        return {}
    texts = display_labels(g, hubs)
    sizes = node_sizes(g, hubs, centre)
    hub_nodes = [n for n, d in g.nodes(data=True) if d.get("group") in hubs]
    if centre and centre in g:
        pos = _radial(g, centre, texts, sizes, hubs)
    elif hub_nodes and len(hub_nodes) < g.number_of_nodes():
        pos = _bands(g, hub_nodes, texts, sizes)
    else:
        pos = _parts(g, texts, sizes, hubs)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def _font(g: nx.MultiDiGraph, n: str, hubs: set[str]) -> float:
    return HUB_FONT if g.nodes[n].get("group") in hubs else STATE_FONT


def _hub_order(g: nx.MultiDiGraph, n: str) -> tuple[str, str, str]:
    """Treaties in the order the pages list them; forums by the region most of their participants
    are in, then by size, so that forums of one region sit side by side."""
    d = g.nodes[n]
    if d.get("order"):
        return (d["group"], d["order"], n)
    regions = Counter(g.nodes[m].get("region", "") for m in nx.all_neighbors(g, n))
    region = max(sorted(regions), key=lambda r: regions[r]) if regions else ""
    return (d["group"], f"{region}|{10**9 - g.degree(n):010d}|{d['label_en']}", n)


def _bands(g: nx.MultiDiGraph, hub_nodes: list[str], texts, sizes) -> dict[str, tuple[float, float]]:
    hub_set = set(hub_nodes)
    hubs_sorted = sorted(hub_nodes, key=lambda n: _hub_order(g, n))
    rank = {n: i for i, n in enumerate(hubs_sorted)}
    others = [n for n in g if n not in hub_set]
    linked = {n: sorted({m for m in nx.all_neighbors(g, n) if m in hub_set}, key=rank.__getitem__) for n in others}
    boxes = {n: _box(texts[n], HUB_FONT if n in hub_set else STATE_FONT, sizes[n]) for n in g}
    row_h = 2 * STATE_RADIUS[1] + LINE * STATE_FONT + V_GAP

    # States linked to the most hubs nearest the middle, alternately above and below (the side
    # with less label width so far), those linked to the same hubs next to each other.
    order = sorted(others, key=lambda n: (-len(linked[n]), [rank[m] for m in linked[n]], g.nodes[n]["label_en"], n))
    sides: tuple[list, list] = ([], [])
    filled = [0.0, 0.0]
    for n in order:
        side = 0 if filled[0] <= filled[1] else 1
        sides[side].append((n, boxes[n][0]))
        filled[side] += boxes[n][0]

    def place(width: float) -> tuple[dict[str, tuple[float, float]], float]:
        pos: dict[str, tuple[float, float]] = {}
        hub_rows = _pack([(n, boxes[n][0]) for n in hubs_sorted], width)
        heights = [max(boxes[n][1] for n, _ in row) for row in hub_rows]
        top = -sum(heights) / 2
        for row, h in zip(hub_rows, heights):
            x = -sum(w for _, w in row) / 2
            radius = max(sizes[n] for n, _ in row)
            for n, w in row:
                pos[n] = (x + w / 2, top + radius)
                x += w
            top += h
        band = sum(heights) / 2
        centre_x = {n: sum(pos[m][0] for m in linked[n]) / len(linked[n]) if linked[n] else 0.0 for n in others}
        rows = [_pack(items, width) for items in sides]
        for side, side_rows in enumerate(rows):
            for j, row in enumerate(side_rows):
                row.sort(key=lambda item: (centre_x[item[0]], item[0]))
                y = (-band - (j + 1) * row_h) if side == 0 else (band + j * row_h)
                x = -sum(w for _, w in row) / 2
                for n, w in row:
                    pos[n] = (x + w / 2, y + STATE_RADIUS[1])
                    x += w
        return pos, 2 * band + row_h * sum(1 for side_rows in rows for row in side_rows if row)

    return _fit(place, max(w for w, _ in boxes.values()), sum(w for w, _ in boxes.values()))


def _fit(place, narrowest: float, widest: float):
    """The positions `place(width)` gives at the width whose drawing has the pane's proportions
    (`place` returns positions and height): bisection, each step one packing."""
    lo, hi = narrowest, max(narrowest, widest)
    for _ in range(14):
        mid = (lo + hi) / 2
        if place(mid)[1] * ASPECT > mid:
            lo = mid
        else:
            hi = mid
    return place(hi)[0]


_GROUP_ORDER = {"treaty": 0, "forum": 1, "state": 2, "economy": 3, "organisation": 4}


def _rings(g: nx.MultiDiGraph, nodes: set[str], centre: str, texts, sizes, hubs) -> dict[str, tuple[float, float]]:
    """One connected part drawn round `centre`: its neighbours on a first ring, theirs on the next
    (each near the neighbour it hangs from), and so on. Each ring is long enough for its labels
    side by side, and far enough out for the widest labels of both rings to pass at the sides."""
    parent: dict[str, str] = {centre: ""}
    rings: list[list[str]] = [[centre]]
    while True:
        ring: list[str] = []
        for n in rings[-1]:
            for m in sorted(
                set(nx.all_neighbors(g, n)) & nodes,
                key=lambda m: (_GROUP_ORDER.get(g.nodes[m]["group"], 9), g.nodes[m]["label_en"], m),
            ):
                if m not in parent:
                    parent[m] = n
                    ring.append(m)
        if not ring:
            break
        rings.append(ring)
    width = {n: _box(texts[n], _font(g, n, hubs), sizes[n])[0] for n in parent}
    pos = {centre: (0.0, 0.0)}
    angle = {centre: 0.0}
    radius = 0.0
    for inner, ring in zip(rings, rings[1:]):
        # Children follow the order of the nodes they hang from (already by angle), so branches stay apart.
        total = sum(width[n] for n in ring)
        radius = max(
            radius + 40 + 0.35 * (max(width[n] for n in inner) + max(width[n] for n in ring)),
            total / (2 * math.pi),
        )
        theta = -math.pi / 2
        for n in ring:
            share = 2 * math.pi * width[n] / total
            angle[n] = theta + share / 2
            pos[n] = (radius * math.cos(angle[n]), radius * math.sin(angle[n]))
            theta += share
    return pos


def _radial(g: nx.MultiDiGraph, centre: str, texts, sizes, hubs) -> dict[str, tuple[float, float]]:
    """An ego network round its centre, nodes it does not reach (none, as built) packed after."""
    return _parts(g, texts, sizes, hubs, first=centre)


def _parts(g: nx.MultiDiGraph, texts, sizes, hubs, first: str = "") -> dict[str, tuple[float, float]]:
    """Each connected part drawn as rings round its best-connected node (or `first`), the parts,
    largest first, packed in rows to the pane's proportions. Linear in the edges plus sorts: no
    iterations, whatever the size."""
    simple = g.to_undirected(as_view=True)
    parts = sorted(nx.connected_components(simple), key=lambda c: (first not in c, -len(c), min(c)))
    drawn = []
    for c in parts:
        centre = first if first in c else max(sorted(c), key=lambda n: simple.degree(n))
        pos = _rings(g, c, centre, texts, sizes, hubs)
        boxes = {n: _box(texts[n], _font(g, n, hubs), sizes[n]) for n in c}
        left = min(x - boxes[n][0] / 2 for n, (x, _) in pos.items())
        right = max(x + boxes[n][0] / 2 for n, (x, _) in pos.items())
        top = min(y - sizes[n] for n, (_, y) in pos.items())
        bottom = max(y - sizes[n] + boxes[n][1] for n, (_, y) in pos.items())
        drawn.append((pos, left, top, right - left + GAP, bottom - top + 2 * V_GAP))

    def place(width: float) -> tuple[dict[str, tuple[float, float]], float]:
        out: dict[str, tuple[float, float]] = {}
        x = y = row_h = 0.0
        for pos, left, top, w, h in drawn:
            if x and x + w > width:
                x, y, row_h = 0.0, y + row_h, 0.0
            out.update({n: (px - left + x, py - top + y) for n, (px, py) in pos.items()})
            x += w
            row_h = max(row_h, h)
        return out, y + row_h

    return _fit(place, max(d[3] for d in drawn), sum(d[3] for d in drawn))
