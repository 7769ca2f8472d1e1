"""The front page, dist/index.html: what the graph holds, how current each part is, and a
link with a small preview to every view."""

from __future__ import annotations

from collections import defaultdict
from datetime import date as Date

from .atlas import STATUS_COLOURS
from .coverage import currency_by_treaty
from .networks import KIND_COLOURS, Network
from .pages import ASSETS, env
from .previews import grid_preview, line_preview, map_preview, network_preview
from .viewdata import forum_page, state_page

PREVIEW_TREATY = "V-2"  # the map preview: the 1951 Convention, the instrument the field asks about first
TIMELINE_TREATIES = ("V-2", "V-5", "XVIII-12-a", "XVIII-12-b")
TIMELINE_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")


def _col(table, name: str) -> int:
    return table.columns.index(name)


def parties_today(ws, keys: list[str], today: str) -> dict[str, tuple[set[str], set[str]]]:
    """Per treaty, the actors `parties-as-of` counts as parties today, and those it marks uncertain."""
    out = {}
    for key in keys:
        t = ws.query("parties-as-of", {"instrument": key, "date": today}).table()
        who, status = _col(t, "iso3"), _col(t, "status")
        name = _col(t, "name_en")
        party = {r[who] or r[name] for r in t.rows if r[status] == "party"}
        out[key] = (party, {r[who] or r[name] for r in t.rows if r[status] == "uncertain"} - party)
    return out


def instrument_rows(ws, keys: list[str], today: str, parties) -> list[dict]:
    view = ws.view
    labels = {i["key"]: i for i in view.instruments if i["key"]}
    cur = currency_by_treaty(ws.currency)
    figures = ws.status_figures
    latest_figure = {}
    for r in figures.rows:  # ordered by instrument and date: the last one per instrument is the newest
        latest_figure[r[_col(figures, "instrument")]] = {c: r[i] for i, c in enumerate(figures.columns)}
    rows = []
    for k in keys:
        c = cur.get(k, {"table_as_of": "unknown", "later_actions": "0", "latest_later_action": ""})
        rows.append(
            {
                "key": k,
                "en": labels.get(k, {}).get("label_en", k),
                "zh": labels.get(k, {}).get("label_zh", ""),
                "parties": len(parties[k][0]),
                "uncertain": len(parties[k][1]),
                "table_as_of": c["table_as_of"],
                "later": c["later_actions"],
                "latest_later": c["latest_later_action"],
                "figure": latest_figure.get(k),
            }
        )
    return rows


def _map_preview(ws, parties) -> str:
    party = parties.get(PREVIEW_TREATY, (set(), set()))[0]
    fills = {
        a["numeric"]: KIND_COLOURS["ratification"] if a["iso3"] in party else STATUS_COLOURS["none"]
        for a in ws.view.actors.values()
        if a["numeric"] and a["kind"] == "state"
    }
    return map_preview(fills)


def _matrix_preview(ws, keys, parties) -> str:
    by_region: dict[str, list[str]] = defaultdict(list)
    for a in ws.view.actors.values():
        if a["kind"] == "state" and a["region"]:
            by_region[a["region"]].append(a["iso3"])
    shares = [
        [sum(1 for s in states if s in parties[k][0]) / len(states) for k in keys]
        for _, states in sorted(by_region.items())
    ]
    return grid_preview(shares)


def _timeline_preview(ws, today: str) -> str:
    series = []
    for key in TIMELINE_TREATIES:
        first: dict[str, int] = {}
        for a in ws.view.actions:
            if a["mtdsg"] == key and a["kind"] in ws.view.consent_kinds:
                year = int(a["earliest"][:4])
                first[a["actor"]] = min(first.get(a["actor"], year), year)
        years = sorted(first.values())
        pts, n = [], 0
        for y in range(years[0], int(today[:4]) + 1) if years else []:
            n += years.count(y)
            pts.append((y, n))
        series.append(pts)
    return line_preview(series, list(TIMELINE_COLOURS))


def _network_preview(net: Network) -> str:
    g = net.graph
    hubs = sorted(n for n, d in g.nodes(data=True) if d["group"] in net.hubs)
    index = {h: i for i, h in enumerate(hubs)}
    spokes = []
    for n in sorted(n for n in g.nodes if n not in index)[:160]:
        near = sorted(index[m] for m in set(g.successors(n)) | set(g.predecessors(n)) if m in index)
        spokes.append(near[0] if near else len(spokes))
    return network_preview(len(hubs) or 8, spokes)


def render_front_page(ws, networks: list[Network], today: str | None = None, report: bool = False) -> str:
    today = today or Date.today().isoformat()
    view = ws.view
    keys = view.treaty_keys()
    parties = parties_today(ws, keys, today)
    transfers = view.transfers
    persons = sum(int(t["head_count"]) for t in transfers if t["head_count"])
    states = sorted(
        (a for a in view.actors.values() if state_page(a)), key=lambda a: (a["region"] or "~", a["label_en"].casefold())
    )
    by_region: dict[str, list[dict]] = defaultdict(list)
    for a in states:
        by_region[a["region"] or "no region recorded"].append({**a, "page": state_page(a)})
    datasets = ws.report_tables["migration-datasets"]
    return (
        env()
        .get_template("front.html")
        .render(
            today=today,
            report=report,
            note=ws.currency_note,
            instruments=instrument_rows(ws, keys, today, parties),
            forums=[{**f, "page": forum_page(f["key"])} for f in view.forums],
            memberships=len(view.memberships),
            arrangements=len({a["arrangement"] for a in view.arrangement_parties}),
            transfers=len(transfers),
            persons=persons,
            court_events=len({e["event"] for e in view.court_events}),
            # How current the arrangements are: their newest dated event of any kind.
            latest_arrangement_event=max(
                [c["date"] for c in view.arrangement_status] + [t["date"] for t in transfers]
                + [e["date"] for e in view.court_events if e["date"]],
                default="",
            ),
            datasets=[dict(zip(datasets.columns, r)) for r in datasets.rows],
            states_by_region=sorted(by_region.items()),
            networks=[
                {"file": f"{n.key}.html", "en": n.title_en, "zh": n.title_zh, "nodes": n.graph.number_of_nodes(),
                 "edges": n.graph.number_of_edges(), "preview": _network_preview(n) if not n.key.startswith("state-") else ""}
                for n in networks
            ],
            map_preview=_map_preview(ws, parties),
            matrix_preview=_matrix_preview(ws, keys, parties),
            timeline_preview=_timeline_preview(ws, today),
            preview_treaty=PREVIEW_TREATY,
            timeline_treaties=list(zip(TIMELINE_TREATIES, TIMELINE_COLOURS)),
            page_css=(ASSETS / "page.css").read_text("utf-8"),
            front_css=(ASSETS / "front.css").read_text("utf-8"),
        )
    )
