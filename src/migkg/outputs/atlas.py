"""The data behind the world map, the matrix and the timelines: one JSON document per build.

Status as of a date is worked out in the browser (assets/status.js) from the actions, the
way `parties-as-of` works it out in SPARQL: a consent counts from its latest possible day,
an action whose possible days straddle the date is "uncertain", and a denunciation between
a consent and the date undoes it. The browser tests check the two agree.
"""

from __future__ import annotations

from collections import defaultdict

from ..core.results import Table
from .coverage import currency_by_treaty
from .networks import KIND_COLOURS
from .viewdata import Row, ViewData, forum_page, state_page
from .worldmap import MapCoverage

# Status colours: consents by kind (as on the network pages); the rest from light to dark grey
# so that "no action" and "not known" read as absence, and a denunciation in red.
STATUS_COLOURS = {
    "signatory": "#b8b8b8",
    "uncertain": "#f2d675",
    "denounced": "#d62728",
    "none": "#ececec",
    "unknown": "#ffffff",
}
STATUS_NAMES = {
    "party": ["party (by kind of consent)", "缔约方（按同意方式）"],
    "signatory": ["signatory only", "仅签署"],
    "uncertain": ["uncertain: dated only to a month or year that straddles the date", "不确定：日期仅精确到月或年"],
    "denounced": ["denounced", "已退出"],
    "none": ["no action recorded", "无记录的行动"],
    "unknown": ["not known (not a state in the treaty tables, or no shape)", "未知"],
}
KIND_NAMES_ZH = {
    "ratification": "批准",
    "accession": "加入",
    "succession": "继承",
    "acceptance": "接受",
    "approval": "核准",
    "ratification-or-accession": "批准或加入",
    "signature": "签署",
    "denunciation": "退出",
}


def atlas_data(view: ViewData, currency: Table, cov: MapCoverage, today: str) -> dict:
    """Everything the map, matrix and timeline pages need, as plain JSON-ready values; `cov` is
    what the map could not join (`worldmap.coverage`), which the page lists."""
    keys = view.treaty_keys()
    labels = {i["key"]: i for i in view.instruments if i["key"]}
    cur = currency_by_treaty(currency)
    instruments = [
        {
            "key": k,
            "en": labels.get(k, {}).get("label_en", k),
            "zh": labels.get(k, {}).get("label_zh", ""),
            "adopted": labels.get(k, {}).get("adopted", ""),
            **cur.get(k, {"table_as_of": "", "later_actions": "0", "latest_later_action": ""}),
        }
        for k in keys
    ]
    # Rows: every state and economy, and every other actor with an action (the EU, for one).
    acting = {a["actor"] for a in view.actions}
    chosen = sorted(
        (a for a in view.actors.values() if a["kind"] in ("state", "economy") or a["actor"] in acting),
        key=lambda a: (a["label_en"].casefold(), a["actor"]),
    )
    index = {a["actor"]: i for i, a in enumerate(chosen)}
    acts: dict[int, list] = defaultdict(list)
    for r in sorted(view.actions, key=lambda r: (r["earliest"], r["action"])):
        if r["actor"] in index:
            acts[index[r["actor"]]].append(
                [r["mtdsg"], r["kind"], r["date"], r["earliest"], r["latest"], r["precision"], r["source"]]
            )
    forum_rows: dict[str, dict] = {}
    for f in view.forums:
        forum_rows[f["forum"]] = {
            "key": f["key"],
            "en": f["label_en"],
            "zh": f["label_zh"],
            "founded": f["founded"],
            "complete": f["complete"] == "true",
            "page": forum_page(f["key"]),
            "members": [],
        }
    for m in view.memberships:
        if m["forum"] in forum_rows and m["member"] in index:
            forum_rows[m["forum"]]["members"].append([index[m["member"]], m["role"], m["start"], m["end"]])
    deals, unattached = arrangements(view)
    stats = {}
    for iri, m in view.migration.items():
        if iri in index:
            stats[str(index[iri])] = {
                "share": m.get("migrant_share", ""),
                "stock": m.get("migrant_stock", ""),
                "refugees": m.get("refugees_hosted", ""),
            }
    return {
        "today": today,
        "instruments": instruments,
        "consent_kinds": sorted(view.consent_kinds),
        "kind_colours": {k: KIND_COLOURS[k] for k in sorted(view.consent_kinds) if k in KIND_COLOURS},
        "kind_names_zh": KIND_NAMES_ZH,
        "status_colours": STATUS_COLOURS,
        "status_names": STATUS_NAMES,
        "actors": [
            {
                "id": a["actor"],
                "iso3": a["iso3"],
                "num": a["numeric"],
                "en": a["label_en"],
                "zh": a["label_zh"],
                "kind": a["kind"],
                "region": a["region"],
                "subregion": a["subregion"],
                "page": state_page(a),
            }
            for a in chosen
        ],
        "acts": {str(i): v for i, v in sorted(acts.items())},
        "forums": sorted(forum_rows.values(), key=lambda f: f["en"].casefold()),
        "stats": stats,
        "marks": marks(view),
        "arrangements": deals,
        "map_unmatched": {"states": cov.states_without_shape, "shapes": cov.shapes_without_state},
        "other_transfers": unattached,
    }


def marks(view: ViewData) -> list[dict]:
    """Dates the timelines mark: forums founded, declarations and compacts adopted, forums' declarations."""
    out = [
        {"date": f["founded"], "en": f"{f['label_en']} founded", "zh": f"{f['label_zh'] or f['label_en']}成立", "kind": "forum"}
        for f in view.forums
        if f["founded"]
    ]
    out += [
        {"date": i["adopted"], "en": i["label_en"], "zh": i["label_zh"], "kind": "declaration"}
        for i in view.instruments
        if i["kind"] in ("declaration", "global compact") and i["adopted"]
    ]
    out += [
        {"date": o["date"], "en": o["label_en"], "zh": o["label_zh"], "kind": "declaration"}
        for o in view.outputs
        if o["kind"] == "declaration" and o["date"]
    ]
    return sorted(out, key=lambda m: (m["date"], m["en"]))


def _transfer(view: ViewData, t: Row) -> list:
    return [t["date"], int(t["head_count"]) if t["head_count"] else None,
            view.actor(t["from"])["iso3"], view.actor(t["to"])["iso3"], t["label_en"], t["source"]]


def arrangements(view: ViewData) -> tuple[list[dict], list[list]]:
    """Each arrangement with its parties, status history, court events and transfers; and the
    transfers the graph ties to no arrangement (e.g. removals under a statute alone)."""
    by: dict[str, dict] = {}
    for p in view.arrangement_parties:
        a = by.setdefault(
            p["arrangement"],
            {"id": p["arrangement"], "en": p["label_en"], "zh": p["label_zh"], "type": p["type"], "source": p["source"],
             "parties": [], "changes": [], "rulings": [], "transfers": []},
        )
        party = view.actor(p["actor"])
        a["parties"].append([party["iso3"] or party["label_en"], p["role"]])
    for c in view.arrangement_status:
        if c["arrangement"] in by:
            by[c["arrangement"]]["changes"].append([c["date"], c["status"], c["source"]])
    for e in view.court_events:
        if e["concerns"] in by and e["date"]:
            by[e["concerns"]]["rulings"].append([e["date"], e["kind"], e["case"] or e["court"], e["outcome"], e["source"]])
    unattached = []
    for t in view.transfers:
        (by[t["arrangement"]]["transfers"] if t["arrangement"] in by else unattached).append(_transfer(view, t))
    for a in by.values():
        a["changes"].sort()
        a["rulings"].sort()
        a["transfers"].sort(key=lambda t: t[0])
    ordered = sorted(by.values(), key=lambda a: (min((c[0] for c in a["changes"]), default="9999"), a["en"]))
    return ordered, unattached


