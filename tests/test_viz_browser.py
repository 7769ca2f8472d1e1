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

from support import FIXTURES, PROJECT, kg_with
from support.browser import CHROMIUM, LoadedPage

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)"),
]
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


class Page(LoadedPage):
    """A network page, loaded, with the controls the tests use."""

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

    def click_node(self, iri: str) -> None:
        """Click where the node's dot is drawn, as a person would."""
        box = self.page.locator("#network canvas").bounding_box()
        at = self.js("(id) => window.migkg.position(id)", iri)
        self.page.mouse.click(box["x"] + at["x"], box["y"] + at["y"])



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
    # The only link is the state's page: the javascript: source is shown as text, not followed.
    hrefs = panel.locator("a").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert hrefs == ["states/EVL.html"]
    assert "javascript:window.pwned=4" in panel.text_content()
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


CHN = "https://w3id.org/migkg/id/state/CHN"


@pytest.fixture(scope="module")
def networks(project_graph):
    """The networks the pages draw, as networkx graphs."""
    return {n.key: n for n in Workspace.of_graph(PROJECT, project_graph).networks_for(["CHN"])}


def neighbourhood(net, node: str) -> set[str]:
    return {node} | set(net.graph.predecessors(node)) | set(net.graph.successors(node))


def test_clicking_a_state_highlights_its_neighbours_and_lists_its_facts(browser, pages, project_graph, networks):
    kg = project_graph
    page = Page(browser, pages / "treaties.html")
    assert page.js("window.migkg.highlighted()") == []
    page.click_node(CHN)
    lit = set(page.js("window.migkg.highlighted()"))
    assert lit == neighbourhood(networks["treaties"], CHN)
    treaties = count(
        kg,
        f"SELECT (COUNT(DISTINCT ?t) AS ?n) WHERE {{ ?a a <{M}TreatyAction> ; <{M}actor> <{CHN}> ; <{M}instrument> ?t }}",
    )
    assert len(lit) == treaties + 1
    page.shot("treaties-CHN-highlighted")

    # The panel lists each of China's treaty actions once, its memberships, and links its state page.
    panel = page.page.locator("#panel")
    actions = count(kg, f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{M}TreatyAction> ; <{M}actor> <{CHN}> }}")
    assert panel.locator("[data-section=actions] tr").count() == actions > 0
    memberships = count(kg, f"SELECT (COUNT(?m) AS ?n) WHERE {{ ?m a <{M}Membership> ; <{M}member> <{CHN}> }}")
    assert panel.locator("[data-section=memberships] tr").count() == memberships > 0
    assert panel.locator("a[href='states/CHN.html']").count() == 1
    assert "state page · 国家页面" in panel.text_content()
    sources = panel.locator("[data-section=actions] a").evaluate_all("(as) => as.map((a) => a.href)")
    assert sources and all(u.startswith(("http://", "https://")) for u in sources)

    # Empty space (the pane's corner, inside the fit's margin) clears the highlight.
    box = page.page.locator("#network canvas").bounding_box()
    page.page.mouse.click(box["x"] + 4, box["y"] + 4)
    assert page.js("window.migkg.highlighted()") == []
    assert page.errors == []


def test_searching_focuses_and_highlights_the_found_node(browser, pages, networks):
    page = Page(browser, pages / "forums.html")
    page.page.fill("#search", "China")
    page.page.press("#search", "Enter")
    assert set(page.js("window.migkg.highlighted()")) == neighbourhood(networks["forums"], CHN)
    assert page.js("(id) => window.migkg.fontSize(id) * window.migkg.scale()", CHN) >= 14  # zoomed in to read it
    assert "China" in page.page.locator("#panel h2").text_content()
    page.shot("forums-search-China")


def test_a_hubs_panel_counts_what_is_shown_and_links_the_forum_page(browser, pages, networks):
    net = networks["forums"]
    bali = next(n for n, d in net.graph.nodes(data=True) if d["group"] == "forum" and d["key"] == "bali-process")
    page = Page(browser, pages / "forums.html")
    page.click_node(bali)
    shown = set(page.js("window.migkg.visibleNodes()"))
    assert set(page.js("window.migkg.highlighted()")) == neighbourhood(net, bali) & shown
    panel = page.page.locator("#panel")
    assert panel.locator("h2").text_content() == "Bali Process"
    assert panel.locator("a[href='forums/bali-process.html']").count() == 1
    row = panel.locator("tr", has_text="participants shown")
    assert row.locator("td").nth(1).text_content() == str(len(neighbourhood(net, bali) & shown) - 1)
    page.shot("forums-Bali-Process")


@pytest.mark.parametrize("name", ["treaties", "forums", "arrangements", "state-CHN"])
def test_labels_are_readable_at_the_opening_zoom(browser, pages, networks, name):
    net = networks[name]
    page = Page(browser, pages / f"{name}.html")
    px = page.js("(ids) => ids.map((id) => window.migkg.fontSize(id) * window.migkg.scale())", list(net.graph))
    hubs = [p for n, p in zip(net.graph, px) if net.graph.nodes[n]["group"] in net.hubs]
    assert min(px) >= 11, (name, min(px))
    if net.hubs:
        assert hubs and min(hubs) >= 11


def test_hubs_and_states_are_drawn_apart(networks):
    """Treaties (or forums) in the middle band, every state above or below it; the same
    positions on every build."""
    from migkg.outputs.networks import layout

    for key in ("treaties", "forums"):
        net = networks[key]
        pos = layout(net.graph, net.hubs)
        assert pos == layout(net.graph, net.hubs)
        hub_y = [pos[n][1] for n, d in net.graph.nodes(data=True) if d["group"] in net.hubs]
        for n, d in net.graph.nodes(data=True):
            if d["group"] not in net.hubs:
                assert pos[n][1] < min(hub_y) or pos[n][1] > max(hub_y), (key, n)
