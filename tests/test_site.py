"""The site's data and files without a browser: vendored files as recorded, the map's join
by ISO numeric code, the atlas data against the graph, and the report's map section."""

from __future__ import annotations

import hashlib
import json
import re

import pytest

from migkg.core.queries import QueryCatalog
from migkg.outputs import worldmap
from migkg.outputs.atlas import atlas_data
from migkg.outputs.report import map_section
from migkg.outputs.views import VIEWS, atlas_json, render_view
from migkg.steps.derive import derive
from migkg.workspace import Workspace

from support import FIXTURES, PROJECT, ROOT, kg_with

VENDOR = ROOT / "src" / "migkg" / "outputs" / "vendor"


@pytest.fixture(scope="module")
def ws(project_ws):
    return project_ws


def test_vendored_files_are_the_ones_the_manifest_names():
    manifest = (VENDOR / "README.md").read_text("utf-8")
    rows = re.findall(r"^\| (\S+) \| .*? \| ([0-9a-f]{64}) \|$", manifest, re.M)
    assert {name for name, _ in rows} == {"d3.min.js", "topojson-client.min.js", "world-atlas-countries-50m.json"}
    for name, digest in rows:
        assert hashlib.sha256((VENDOR / name).read_bytes()).hexdigest() == digest, name
        stem = name.split(".")[0].replace("world-atlas-countries-50m", "world-atlas")
        assert (VENDOR / f"{stem}.LICENSE").exists(), f"no licence beside {name}"
    # A source-map comment would make the browser's tools ask for a file that is not there.
    for name in ("d3.min.js", "topojson-client.min.js"):
        assert "sourceMappingURL" not in (VENDOR / name).read_text("utf-8"), name


def test_map_join_by_iso_numeric(ws):
    cov = worldmap.coverage(ws.view)
    states = [a for a in ws.view.actors.values() if a["kind"] in ("state", "economy")]
    assert cov.matched + len(cov.states_without_shape) == len(states)
    ids = {sid for sid, _ in worldmap.shapes() if sid}
    for iso3, _ in cov.states_without_shape:
        a = next(a for a in states if a["iso3"] == iso3)
        assert a["numeric"] not in ids
    assert ("", "Kosovo") in cov.shapes_without_state  # Natural Earth gives it no ISO code
    lines = "\n".join(map_section(cov))
    for iso3, name in cov.states_without_shape:
        assert f"{name} ({iso3})" in lines


def test_atlas_data_holds_every_action_once(ws):
    data = atlas_data(ws.view, ws.currency, ws.map_coverage, "2026-12-02")
    n = sum(len(v) for v in data["acts"].values())
    total = int(next(iter(ws.graph.query("SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/migkg/ontology#TreatyAction> }")))["n"].value)
    assert n == total
    assert [i["key"] for i in data["instruments"]][:8] == ["V-2", "V-5", "V-3", "V-4", "IV-13", "XVIII-12", "XVIII-12-a", "XVIII-12-b"]
    china = next(i for i, a in enumerate(data["actors"]) if a["iso3"] == "CHN")
    assert data["actors"][china]["page"] == "states/CHN.html"
    assert {a[0] for a in data["acts"][str(china)]} <= {i["key"] for i in data["instruments"]}
    assert data["stats"][str(china)]["share"]


def test_a_hostile_label_cannot_close_the_data_script():
    kg = kg_with(FIXTURES / "viz" / "hostile.ttl")
    derive(kg, QueryCatalog(PROJECT))
    ws = Workspace.of_graph(PROJECT, kg)
    data = atlas_json(atlas_data(ws.view, ws.currency, ws.map_coverage, "2026-12-02"))
    assert "</script" not in data.lower() and "<img" not in data
    assert json.loads(data)["actors"][0]["en"].startswith("<script>")
    html = render_view(next(v for v in VIEWS if v.key == "matrix"), data, ws.currency_note)
    # The only script elements are the page's own: data, status logic and the view's script.
    assert html.count("<script") == 3
