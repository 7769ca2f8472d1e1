"""The network pages in a real headless Chromium: offline, counts that match the graph,
working filters and date slider, and labels that cannot run code. Screenshots go to
test-artifacts/ for a person to look at."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from migkg.steps.derive import derive
from migkg.core.queries import QueryCatalog
from migkg.core.store import KnowledgeGraph
from migkg.outputs.pages import write_pages as write_networks
from migkg.workspace import Workspace

from support import FIXTURES, PROJECT, ROOT, kg_with
from support.browser import CHROMIUM, launch

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)"),
]
ARTIFACTS = ROOT / "test-artifacts"
M = "https://w3id.org/migkg/ontology#"


def write_pages(kg, project, out, states=()):
    """The pages of a graph, as `migkg viz` writes them."""
    ws = Workspace.of_graph(project, kg)
    return write_networks(ws.networks_for(states), ws.currency_note, out)


@pytest.fixture(scope="module")
def project_graph():
    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    return kg


@pytest.fixture(scope="module")
def pages(project_graph, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pages")
    write_pages(project_graph, PROJECT, out, ["CHN"])
    return out


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p, "--no-first-run")
        yield b
        b.close()


class Page:
    """A loaded page with every request and console message it produced."""

    def __init__(self, browser, path: Path):
        self.page = browser.new_page(viewport={"width": 1400, "height": 900})
        self.requests, self.errors = [], []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: m.type in ("error", "warning") and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.migkgReady === true", timeout=30000)

    def counts(self) -> tuple[int, int]:
        c = self.page.locator("#counts")
        return int(c.get_attribute("data-nodes")), int(c.get_attribute("data-edges"))

    def select(self, key: str, value: str) -> None:
        self.page.select_option(f"#filter-{key}", value)

    def set_date(self, iso: str) -> None:
        self.page.evaluate(
            """(iso) => {
            const s = document.getElementById('date');
            const first = Date.parse(s.dataset.first || '1970-01-01');
            s.value = String(Math.round((Date.parse(iso) - first) / 86400000));
            s.dispatchEvent(new Event('input'));
        }""",
            iso,
        )

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def count(kg, query: str) -> int:
    return int(next(iter(kg.query(query)))["n"].value)


@pytest.mark.parametrize("name", ["index", "treaties", "forums", "arrangements", "state-CHN"])
def test_page_loads_offline_without_errors(browser, pages, name):
    if name == "index":
        p = browser.new_page()
        requests = []
        p.on("request", lambda r: requests.append(r.url))
        p.goto((pages / "index.html").as_uri())
        assert p.locator("a").count() == 4
        assert all(u.startswith("file://") for u in requests), requests
        return
    page = Page(browser, pages / f"{name}.html")
    page.shot(name)
    assert page.errors == []
    assert all(u.startswith("file://") for u in page.requests), page.requests


def test_treaty_page_counts_filter_and_date_match_the_graph(browser, pages, project_graph):
    kg = project_graph
    page = Page(browser, pages / "treaties.html")
    actions = count(kg, f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{M}TreatyAction> }}")
    actors = count(kg, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?a a <{M}TreatyAction> ; <{M}actor> ?x }}")
    treaties = count(kg, f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?a a <{M}TreatyAction> ; <{M}instrument> ?t }}")
    assert page.counts() == (actors + treaties, actions)

    page.select("instrument", "V-2")
    v2 = count(kg, f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a <{M}instrument>/<{M}mtdsgNumber> 'V-2' }}")
    v2_actors = count(
        kg, f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?a <{M}instrument>/<{M}mtdsgNumber> 'V-2' ; <{M}actor> ?x }}"
    )
    assert page.counts() == (v2_actors + treaties, v2)  # treaties stay visible as hubs
    page.shot("treaties-filtered-V-2")

    page.set_date("1960-01-01")
    v2_1960 = count(
        kg,
        f"""SELECT (COUNT(?a) AS ?n) WHERE {{ ?a <{M}instrument>/<{M}mtdsgNumber> 'V-2' ; <{M}date> ?d
                            FILTER(?d <= "1960-01-01"^^<http://www.w3.org/2001/XMLSchema#date>) }}""",
    )
    assert 0 < v2_1960 < v2
    assert page.counts()[1] == v2_1960
    page.shot("treaties-V-2-as-of-1960")


def test_forum_and_arrangement_pages_count_what_the_graph_holds(browser, pages, project_graph):
    kg = project_graph
    forums = Page(browser, pages / "forums.html")
    # The page opens on today: memberships that have ended are hidden (a year-only end lasts to 31 December).
    today = date.today().isoformat()
    memberships = count(
        kg,
        f"""SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{M}Membership> OPTIONAL {{ ?m <{M}endDate> ?e }}
            FILTER(!BOUND(?e) || IF(STRLEN(STR(?e)) = 4, CONCAT(STR(?e), "-12-31") >= "{today}", STR(?e) > "{today}")) }}""",
    )
    ended = count(kg, f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{M}Membership> ; <{M}endDate> ?e }}")
    assert ended > 0 and forums.counts()[1] == memberships
    forums.select("group", "co-chair")
    assert forums.counts()[1] == count(
        kg,
        f"""SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{M}Membership> ;
        <{M}role> <https://w3id.org/migkg/id/membership-role/co-chair> }}""",
    )

    arrangements = Page(browser, pages / "arrangements.html")
    transfers = count(kg, f"SELECT (COUNT(?t) AS ?n) WHERE {{ ?t a <{M}Transfer> }}")
    # Terminated arrangements are hidden on today's view; every other one draws at least one edge.
    open_deals = count(
        kg,
        f"""SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{M}Arrangement>
            FILTER NOT EXISTS {{ ?a <{M}hasStatusChange> [ <{M}status> <https://w3id.org/migkg/id/arrangement-status/terminated> ] }} }}""",
    )
    assert arrangements.counts()[1] >= transfers + open_deals
    arrangements.select("group", "transfer")
    assert arrangements.counts()[1] == transfers


def test_clicking_shows_facts_and_language_switch(browser, pages):
    page = Page(browser, pages / "state-CHN.html")
    page.page.fill("#search", "CHN")
    page.page.press("#search", "Enter")
    panel = page.page.locator("#panel")
    assert "China" in panel.text_content() and "中国" in panel.text_content()
    page.page.check("#lang")
    assert page.page.evaluate("window.migkg.label('https://w3id.org/migkg/id/state/CHN')") == "中国"
    page.shot("state-CHN-zh")


def test_hostile_labels_do_not_execute(browser, tmp_path):
    kg = kg_with(FIXTURES / "viz" / "hostile.ttl")
    derive(kg, QueryCatalog(PROJECT))
    write_pages(kg, PROJECT, tmp_path, ["EVL"])
    page = Page(browser, tmp_path / "treaties.html")
    assert page.page.evaluate("typeof window.pwned") == "undefined"
    page.page.fill("#search", "EVL")
    page.page.press("#search", "Enter")
    panel = page.page.locator("#panel")
    assert "<script>window.pwned = 1</script>Evilland" in panel.text_content()  # shown as text
    assert panel.locator("script, img").count() == 0
    assert panel.locator("a").count() == 0  # a javascript: source is not made a link
    page.page.check("#lang")
    assert page.page.evaluate("typeof window.pwned") == "undefined"
    assert page.errors == []
    # The per-state page puts the hostile name in its title and heading.
    ego = Page(browser, tmp_path / "state-EVL.html")
    assert ego.page.evaluate("typeof window.pwned") == "undefined"
    assert ego.page.locator("h1 .lang-en").text_content().startswith("<script>window.pwned = 1</script>Evilland")
    ego.page.check("#lang")
    assert ego.page.evaluate("typeof window.pwned") == "undefined"
    assert ego.errors == []


def test_date_slider_respects_denunciations(browser, tmp_path):
    """Borduria acceded to V-99 in 1994, denounced it in 2001 and acceded again in 2010 (fixture world)."""
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(kg, QueryCatalog(PROJECT))
    write_pages(kg, PROJECT, tmp_path)
    page = Page(browser, tmp_path / "treaties.html")
    page.select("instrument", "V-99")
    assert page.counts()[1] == 5  # today: all V-99 actions but the accession that was denounced
    page.set_date("2000-06-01")  # AAA signature + ratification, CCC signature, BBB accession (not yet denounced)
    assert page.counts()[1] == 4
    page.set_date("2005-06-01")  # the 1994 accession has ended; the denunciation is shown instead
    assert page.counts()[1] == 4
    page.select("group", "accession")
    assert page.counts()[1] == 0
    page.set_date("2011-01-01")  # the 2010 accession
    assert page.counts()[1] == 1
