"""The front page, world map and matrix in a real headless Chromium, against the graph's own
answers: the map's colours and the matrix's column counts as of a date are what the
`parties-as-of` and `participation` queries say. Screenshots go to test-artifacts/."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from migkg.core.queries import QueryCatalog
from migkg.outputs.atlas import STATUS_COLOURS
from migkg.outputs.networks import KIND_COLOURS
from migkg.outputs.site import write_site
from migkg.steps.derive import derive
from migkg.workspace import Workspace

from support import FIXTURES, PROJECT, kg_with
from support.graphs import parties_as_of
from support.browser import CHROMIUM, LoadedPage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)"),
]
M = "https://w3id.org/migkg/ontology#"


@pytest.fixture(scope="module")
def ws(project_ws):
    return project_ws


@pytest.fixture(scope="module")
def site(project_site) -> Path:
    return project_site


Page = LoadedPage


@pytest.mark.parametrize("name", ["index", "map", "matrix"])
def test_view_loads_offline_without_errors(browser, site, name):
    page = Page(browser, site / f"{name}.html", ready="" if name == "index" else "window.migkgReady === true")
    page.shot(f"site-{name}")
    page.offline_and_clean()


def test_front_page_links_every_view_and_every_state_and_forum(browser, site, ws):
    page = Page(browser, site / "index.html", ready="")
    hrefs = page.js("[...document.querySelectorAll('a')].map(a => a.href)")
    local = {Path(unquote(urlparse(h).path)) for h in hrefs if h.startswith("file://")}
    assert all(p.exists() for p in local), sorted(str(p) for p in local if not p.exists())
    names = {p.relative_to(site).as_posix() for p in local}
    assert {"map.html", "matrix.html", "timeline.html", "treaties.html", "forums.html", "arrangements.html"} <= names
    states = {a["iso3"] for a in ws.view.actors.values() if a["kind"] == "state"}
    assert {f"states/{s}.html" for s in states} <= names
    assert {f"forums/{f['key']}.html" for f in ws.view.forums} <= names
    assert {"ontology/index.html", "ontology/index.zh.html", "ontology/vocabularies.html"} <= names
    # Each instrument's row counts what parties-as-of counts today.
    today = date.today().isoformat()
    for key in ("V-2", "XVIII-12-b"):
        shown = page.js("(k) => document.querySelector(`#instruments tr[data-key='${k}']`).dataset.parties", key)
        assert int(shown) == len(parties_as_of(ws, key, today)[0])


@pytest.mark.parametrize("name", ["index.html", "index.zh.html", "vocabularies.html"])
def test_ontology_pages_load_offline_without_errors(browser, site, name):
    page = Page(browser, site / "ontology" / name, ready="")
    page.shot(f"ontology-{name.replace('.html', '')}")
    page.offline_and_clean()


def consents(ws, instrument: str, n: int) -> list[tuple[str, str, str, str]]:
    """`n` states' first day-precision consent to `instrument`: (iso3, kind, date, signed before?)."""
    rows = ws.graph.query(
        f"""PREFIX m: <{M}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?iso3 ?kind ?d (BOUND(?sig) AS ?signed) WHERE {{
          ?a m:actor ?s ; m:instrument/m:instrumentKey "{instrument}" ; m:actionKind ?k ; m:date ?d ;
             m:datePrecision/skos:notation "day" .
          ?k skos:broader <https://w3id.org/migkg/id/action-kind/consent> ; skos:notation ?kind .
          ?s a m:State ; m:iso3166Alpha3 ?iso3 ; m:iso3166Numeric ?num .
          OPTIONAL {{ ?sig m:actor ?s ; m:instrument/m:instrumentKey "{instrument}" ;
                      m:actionKind <https://w3id.org/migkg/id/action-kind/signature> ; m:latestDate ?sd FILTER(?sd < ?d) }}
          FILTER NOT EXISTS {{ ?x m:actor ?s ; m:instrument/m:instrumentKey "{instrument}" ;
                               m:actionKind <https://w3id.org/migkg/id/action-kind/denunciation> }}
        }} ORDER BY ?iso3"""
    )
    out = [(r["iso3"].value, r["kind"].value, r["d"].value, r["signed"].value) for r in rows]
    # Spread the picks over the alphabet so they are not all neighbours.
    return [out[i * len(out) // n] for i in range(n)]


def test_map_colours_follow_the_graph_before_and_after_consent(browser, site, ws):
    page = Page(browser, site / "map.html")
    page.page.select_option("#instrument", "V-2")
    for iso3, kind, day, signed in consents(ws, "V-2", 3):
        before = (date.fromisoformat(day) - timedelta(days=1)).isoformat()
        page.js("(d) => window.migkg.setDate(d)", before)
        shape = page.js("(s) => window.migkg.shape(s)", iso3)
        assert shape is not None, f"{iso3} has no shape on the map"
        assert iso3 not in parties_as_of(ws, "V-2", before)[0]
        expected = STATUS_COLOURS["signatory"] if signed == "true" else STATUS_COLOURS["none"]
        assert shape["fill"] == expected, (iso3, before, shape)
        page.js("(d) => window.migkg.setDate(d)", day)
        shape = page.js("(s) => window.migkg.shape(s)", iso3)
        assert iso3 in parties_as_of(ws, "V-2", day)[0]
        assert (shape["status"], shape["kind"], shape["fill"]) == ("party", kind, KIND_COLOURS[kind]), (iso3, day)
    page.shot("site-map-V-2")
    page.page.select_option("#layer", "share")
    china = page.js("window.migkg.shape('CHN')")
    assert china["status"] == "value" and china["fill"] != STATUS_COLOURS["unknown"]
    page.shot("site-map-migrant-share")
    page.offline_and_clean()


def test_map_slider_and_play_change_what_is_shown(browser, site):
    page = Page(browser, site / "map.html")
    page.page.select_option("#instrument", "V-5")
    page.js("window.migkg.setDate('1970-01-01')")
    early = page.page.locator("#summary").text_content()
    page.js("window.migkg.setDate('2020-01-01')")
    assert page.page.locator("#summary").text_content() != early
    page.js("window.migkg.setDate('1960-01-01')")
    page.page.click("#play")
    # Polled from Python: the page's CSP forbids the eval that wait_for_function's predicate needs.
    for _ in range(150):
        if page.js("window.migkg.date()") > "1975-01-01":
            break
        page.page.wait_for_timeout(100)
    assert page.js("window.migkg.date()") > "1975-01-01"
    assert page.js("window.migkg.playing()")
    page.page.click("#play")  # pause
    assert not page.js("window.migkg.playing()")
    page.offline_and_clean()


def matrix_counts(page, day: str) -> dict:
    page.js("(d) => window.migkg.setDate(d)", day)
    return page.js("window.migkg.counts()")


def test_matrix_column_counts_equal_parties_as_of(browser, site, ws):
    page = Page(browser, site / "matrix.html")
    # A date inside a year-precision consent's possible days, so "uncertain" is exercised too.
    straddle = next(
        iter(
            ws.graph.query(
                f"""PREFIX m: <{M}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                SELECT ?key ?e WHERE {{ ?a m:instrument/m:instrumentKey ?key ; m:earliestDate ?e ;
                  m:datePrecision/skos:notation "year" ; m:actionKind/skos:broader <https://w3id.org/migkg/id/action-kind/consent> }}
                ORDER BY ?key ?e LIMIT 1"""
            )
        )
    )
    uncertain_day = (date.fromisoformat(straddle["e"].value) + timedelta(days=120)).isoformat()
    for day in ("1985-06-30", "2015-01-01", uncertain_day):
        counts = matrix_counts(page, day)
        for key in ws.view.treaty_keys():
            party, uncertain = parties_as_of(ws, key, day)
            assert counts[key] == {"parties": len(party), "uncertain": len(uncertain)}, (key, day)
    assert matrix_counts(page, uncertain_day)[straddle["key"].value]["uncertain"] >= 1
    page.shot("site-matrix")


def test_matrix_forum_filter_keeps_its_members(browser, site, ws):
    page = Page(browser, site / "matrix.html")
    page.js("window.migkg.setDate('2020-01-01')")
    page.page.select_option("#forum", "bali-process")
    shown = set(page.js("[...document.querySelectorAll('#matrix tbody tr[data-actor]')].map(r => r.dataset.actor)"))
    rows = ws.graph.query(
        f"""PREFIX m: <{M}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?iso3 WHERE {{ ?ms m:forum <https://w3id.org/migkg/id/forum/bali-process> ; m:member ?x ;
          m:role/skos:notation ?role . ?x m:iso3166Alpha3 ?iso3 FILTER(?role != "observer")
          OPTIONAL {{ ?ms m:startDate ?s }} OPTIONAL {{ ?ms m:endDate ?e }}
          FILTER(!BOUND(?s) || STR(?s) <= "2020-01-01") FILTER(!BOUND(?e) || STR(?e) >= "2020") }}"""
    )
    members = {r["iso3"].value for r in rows}
    assert members and members <= shown
    assert shown - members <= {a["actor"] for a in ws.view.actors.values() if not a["iso3"]}
    page.page.select_option("#group", "forum")
    page.shot("site-matrix-bali-process")
    page.offline_and_clean()


def test_hostile_labels_run_nothing_on_the_views(browser, tmp_path):
    kg = kg_with(FIXTURES / "viz" / "hostile.ttl")
    derive(kg, QueryCatalog(PROJECT))
    write_site(Workspace.of_graph(PROJECT, kg), tmp_path)
    for name in ("index", "map", "matrix", "timeline"):
        page = Page(browser, tmp_path / f"{name}.html", ready="" if name == "index" else "window.migkgReady === true")
        assert page.js("typeof window.pwned") == "undefined", name
        page.page.check("#lang") if name != "index" else None
        assert page.js("typeof window.pwned") == "undefined", name
        page.offline_and_clean()
    matrix = Page(browser, tmp_path / "matrix.html")
    assert "<script>window.pwned = 1</script>Evilland" in matrix.page.locator("#matrix").text_content()
    matrix.page.click("#matrix td.cell")
    assert matrix.page.locator("#side a").count() == 0  # a javascript: source is not made a link
    assert matrix.js("typeof window.pwned") == "undefined"
