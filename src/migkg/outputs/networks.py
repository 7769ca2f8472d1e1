"""Networks for the pages, built from the queries in queries/viz/ into networkx graphs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx

from .viewdata import ViewData

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

    def _actor_node(self, g: nx.MultiDiGraph, iri: str) -> None:
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
        )

    def treaties(self) -> Network:
        g = nx.MultiDiGraph()
        for r in self.actions:
            self._actor_node(g, r["actor"])
            g.add_node(
                r["treaty"],
                label_en=f"{r['treaty_en']} ({r['mtdsg']})",
                label_zh=r["treaty_zh"],
                group="treaty",
                region="",
                facts=[["treaty key (depositary numbering)", r["mtdsg"]]],
                links=[],
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
            g.add_node(
                r["forum"],
                label_en=r["forum_en"],
                label_zh=r["forum_zh"],
                group="forum",
                region="",
                facts=[["membership list complete", r["complete"]]],
                links=[],
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
        )


def layout(g: nx.MultiDiGraph, hubs: set[str] = frozenset(), scale: float = 900.0) -> dict[str, tuple[float, float]]:
    """Positions computed once in Python (seeded, so pages are reproducible); physics stays off in the browser.

    Hub nodes (treaties, forums) are pinned on a circle first, so that the states arrange
    themselves between the hubs they connect to instead of piling the hubs up in the middle.
    """
    if g.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(g.to_undirected())
    k = 2.0 / math.sqrt(max(simple.number_of_nodes(), 1))
    hub_nodes = sorted(n for n, d in g.nodes(data=True) if d.get("group") in hubs)
    if len(hub_nodes) > 1:
        pinned = {
            n: (0.6 * math.cos(2 * math.pi * i / len(hub_nodes)), 0.6 * math.sin(2 * math.pi * i / len(hub_nodes)))
            for i, n in enumerate(hub_nodes)
        }
        pos = nx.spring_layout(simple, k=k, pos=pinned, fixed=hub_nodes, iterations=80, seed=7)
        pos = {n: (x * scale, y * scale) for n, (x, y) in pos.items()}
    else:
        pos = nx.spring_layout(simple, k=k, iterations=80, seed=7, scale=scale)
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}
