"""The world map's shapes: Natural Earth's countries (1:50m) as the world-atlas package ships them.

Shapes join the graph's states and economies by ISO 3166-1 numeric code. What does not
join either way is listed in the build report, so a state missing from the map is never
silent: small island states below the 1:50m scale's threshold, and shapes that are not
states of the graph (territories, disputed areas).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from .viewdata import ViewData

VENDOR = resources.files(__package__) / "vendor"
TOPOJSON = "world-atlas-countries-50m.json"


@cache
def topology_text() -> str:
    return (VENDOR / TOPOJSON).read_text("utf-8")


@cache
def shapes() -> tuple[tuple[str, str], ...]:
    """Every shape as (ISO numeric id or "", Natural Earth name)."""
    topo = json.loads(topology_text())
    return tuple(
        (g.get("id") or "", g.get("properties", {}).get("name", ""))
        for g in topo["objects"]["countries"]["geometries"]
    )


@dataclass
class MapCoverage:
    matched: int
    states_without_shape: list[tuple[str, str]]  # (ISO alpha-3, name)
    shapes_without_state: list[tuple[str, str]]  # (ISO numeric or "", Natural Earth name)


def coverage(view: ViewData) -> MapCoverage:
    """Which of the graph's states and economies have a shape, and which shapes have no actor."""
    ids = {sid for sid, _ in shapes() if sid}
    mapped = [a for a in view.actors.values() if a["kind"] in ("state", "economy")]
    numerics = {a["numeric"] for a in mapped if a["numeric"]}
    return MapCoverage(
        matched=sum(1 for a in mapped if a["numeric"] in ids),
        states_without_shape=sorted((a["iso3"], a["label_en"]) for a in mapped if a["numeric"] not in ids),
        shapes_without_state=sorted((sid, name) for sid, name in shapes() if sid not in numerics),
    )
