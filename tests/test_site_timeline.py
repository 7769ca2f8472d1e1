"""The timelines page in a real headless Chromium, against the graph's own answers: the drawn
party counts are what `parties-as-of` says, there is a row per arrangement and a circle per
transfer, and hostile labels show as text. Screenshots go to test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from migkg.core.queries import QueryCatalog
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

# An arrangement and a transfer whose labels try to run code, tied to the hostile fixture's
# state and its javascript: source.
HOSTILE_ARRANGEMENT = """
@prefix migkg: <https://w3id.org/migkg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix status: <https://w3id.org/migkg/id/arrangement-status/> .
@prefix atype: <https://w3id.org/migkg/id/arrangement-type/> .
@prefix prole: <https://w3id.org/migkg/id/party-role/> .
@prefix ex: <https://w3id.org/migkg/id/test/> .

ex:other a migkg:State ; migkg:iso3166Alpha3 "OTH" ; rdfs:label "Otherland"@en .
ex:deal a migkg:Arrangement ; rdfs:label "<img src=x onerror=\\"window.pwned=5\\">Deal"@en , "<script>window.pwned=6</script>协议"@zh ;
    migkg:arrangementType atype:readmission ; migkg:hasParty ex:deal-p1 , ex:deal-p2 ;
    migkg:hasStatusChange ex:deal-signed ; migkg:source ex:src .
ex:deal-p1 a migkg:ArrangementParty ; migkg:actor ex:evil ; migkg:role prole:sending .
ex:deal-p2 a migkg:ArrangementParty ; migkg:actor ex:other ; migkg:role prole:receiving .
ex:deal-signed a migkg:StatusChange ; migkg:status status:signed ; migkg:date "2020-02-02"^^xsd:date ; migkg:source ex:src .
ex:move a migkg:Transfer ; rdfs:label "<script>window.pwned=7</script>flight"@en ; migkg:date "2021-03-03"^^xsd:date ;
    migkg:fromActor ex:evil ; migkg:toActor ex:other ; migkg:headCount 12 ; migkg:underArrangement ex:deal ; migkg:source ex:src .
"""


@pytest.fixture(scope="module")
def ws(project_ws):
    return project_ws


@pytest.fixture(scope="module")
def site(project_site) -> Path:
    return project_site


class Page(LoadedPage):
    """The timelines page, loaded (whole-page screenshots: the page is long)."""

    def __init__(self, browser, path: Path):
        super().__init__(browser, path, ready="window.migkgTimelineReady === true", full_page=True)


def graph_count(ws, query: str) -> int:
    return int(next(iter(ws.graph.query(query)))["n"].value)


def test_loads_offline_without_errors(browser, site):
    page = Page(browser, site / "timeline.html")
    assert page.count("#tl-parties path.tl-line") > 0
    assert page.count("#tl-parties .tl-mark") > 0
    page.shot("timeline")
    page.offline_and_clean()


@pytest.mark.parametrize(
    "instrument, day",
    [("V-2", "1990-01-01"), ("V-2", "2020-01-01"), ("V-5", "1975-06-30"), ("XVIII-12-b", "2020-06-15")],
)
def test_drawn_counts_match_parties_as_of(browser, site, ws, instrument, day):
    page = Page(browser, site / "timeline.html")
    party, uncertain = parties_as_of(ws, instrument, day)
    assert party
    assert page.js("([k, d]) => window.migkgTimeline.counts(k, d)", [instrument, day]) == len(party)
    assert page.js("([k, d]) => window.migkgTimeline.uncertain(k, d)", [instrument, day]) == len(uncertain)


def test_forum_filter_counts_its_members_only(browser, site, ws):
    """Seed 000's question: how many Bali Process members are parties to the Refugee Convention."""
    page = Page(browser, site / "timeline.html")
    day = "2020-01-01"
    before = page.js("window.migkgTimeline.counts('V-2', '2020-01-01')")
    page.page.select_option("#tl-forum", "bali-process")
    rows = ws.graph.query(
        f"""PREFIX m: <{M}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT DISTINCT ?iso3 WHERE {{ ?ms m:forum <https://w3id.org/migkg/id/forum/bali-process> ; m:member ?x ;
          m:role/skos:notation ?role . ?x m:iso3166Alpha3 ?iso3 FILTER(?role != "observer")
          OPTIONAL {{ ?ms m:startDate ?s }} OPTIONAL {{ ?ms m:endDate ?e }}
          FILTER(!BOUND(?s) || STR(?s) <= "{day}") FILTER(!BOUND(?e) || STR(?e) >= "2020") }}"""
    )
    members = {r["iso3"].value for r in rows}
    party, _ = parties_as_of(ws, "V-2", day)
    shown = page.js("window.migkgTimeline.counts('V-2', '2020-01-01')")
    assert 0 < shown == len(party & members) < before
    page.offline_and_clean()


def test_toggling_an_instrument_removes_its_line(browser, site):
    page = Page(browser, site / "timeline.html")
    lines = page.count("#tl-parties path.tl-line")
    assert page.count('#tl-parties path.tl-line[data-key="V-2"]') == 1
    page.page.uncheck("#tl-inst-V-2")
    assert page.count('#tl-parties path.tl-line[data-key="V-2"]') == 0
    assert page.count("#tl-parties path.tl-line") == lines - 1
    assert "V-2" not in page.js("window.migkgTimeline.shown()")
    page.page.check("#tl-inst-V-2")
    assert page.count('#tl-parties path.tl-line[data-key="V-2"]') == 1
    page.page.uncheck("#tl-marks")
    assert page.count("#tl-parties .tl-mark") == 0
    page.offline_and_clean()


def test_arrangements_and_transfers_match_the_graph(browser, site, ws):
    page = Page(browser, site / "timeline.html")
    arrangements = graph_count(
        ws, f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a a <{M}Arrangement> ; <{M}hasParty> ?p }}"
    )
    transfers = graph_count(ws, f"SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a <{M}Transfer> }}")
    assert arrangements > 0 and transfers > 0
    assert page.count("#tl-arrangements g.tl-arr-row") == arrangements
    assert page.count("#tl-arrangements circle.tl-transfer") == transfers
    assert page.count("#tl-arrangements path.tl-ruling") > 0
    # Clicking shows the facts with the source as a link.
    panel = page.page.locator("#tl-panel")
    page.page.locator("#tl-arrangements circle.tl-transfer:not(.no-count)").first.click()
    assert panel.locator("a[href^='http']").count() == 1
    page.page.locator("#tl-arrangements path.tl-ruling").first.click()
    assert panel.locator("a[href^='http']").count() == 1
    page.page.locator("#tl-arrangements rect.tl-seg").first.click()
    assert panel.locator("a[href^='http']").count() >= 2  # the change's source, the arrangement's, the history's
    page.offline_and_clean()


def test_chinese_labels(browser, site):
    page = Page(browser, site / "timeline.html")
    page.page.check("#lang")
    legend = page.page.locator("#tl-legend").text_content()
    assert "1951年难民公约" in legend
    assert "Council of Europe Convention" in legend  # no Chinese label: the English one stands
    assert page.page.locator("h1 .lang-zh").is_visible()
    page.page.locator("#tl-arrangements circle.tl-transfer").first.click()
    assert "人数" in page.page.locator("#tl-panel").text_content()
    page.shot("timeline-zh")
    page.offline_and_clean()


def test_hostile_labels_run_nothing(browser, tmp_path):
    extra = tmp_path / "hostile-arrangement.ttl"
    extra.write_text(HOSTILE_ARRANGEMENT, encoding="utf-8")
    kg = kg_with(FIXTURES / "viz" / "hostile.ttl", extra)
    derive(kg, QueryCatalog(PROJECT))
    out = tmp_path / "site"
    write_site(Workspace.of_graph(PROJECT, kg), out)
    page = Page(browser, out / "timeline.html")
    assert page.js("typeof window.pwned") == "undefined"
    assert "</script><script>window.pwned=3</script>" in page.page.locator("#tl-legend").text_content()
    assert page.page.locator("#tl-arrangements title").first.text_content() == '<img src=x onerror="window.pwned=5">Deal'
    page.page.locator("#tl-arrangements circle.tl-transfer").click()
    panel = page.page.locator("#tl-panel")
    assert "<script>window.pwned=7</script>flight" in panel.text_content()
    assert panel.locator("a, script, img").count() == 0  # a javascript: source is not made a link
    page.page.check("#lang")
    page.page.locator("#tl-arrangements rect.tl-seg").click()
    assert "<script>window.pwned=6</script>协议" in panel.text_content()
    assert panel.locator("a, script, img").count() == 0
    assert page.js("typeof window.pwned") == "undefined"
    page.offline_and_clean()
