"""The static state and forum pages: they list what the graph and the named queries say, every
label is escaped, a non-web source is no link, and the pages load offline in a real browser."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from migkg.core.queries import QueryCatalog
from migkg.outputs.profiles import link, members_by_year, write_profiles
from migkg.steps.derive import derive
from migkg.workspace import Workspace

from support import FIXTURES, PROJECT, kg_with
from support.browser import CHROMIUM, LoadedPage

M = "https://w3id.org/migkg/ontology#"
BALI = "https://w3id.org/migkg/id/forum/bali-process"


class Elements(HTMLParser):
    """Every start tag of a page with its attributes, and its text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def having(self, attr: str) -> list[dict[str, str]]:
        return [a for _, a in self.tags if attr in a]


def parse(path: Path) -> Elements:
    return Elements(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def ws(project_ws):
    return project_ws


@pytest.fixture(scope="module")
def site(ws, tmp_path_factory) -> tuple[Path, list[Path], float]:
    out = tmp_path_factory.mktemp("profiles")
    paths = write_profiles(ws.view, ws.networks, ws.currency_note, out)
    return out, paths, 0.0


def test_each_page_is_written_once_inside_the_folder(site):
    # How fast they are written is measured by benchmarks/pages.py, not asserted here.
    out, paths, _ = site
    assert len(paths) == len(set(paths)) > 200
    assert all(p.is_file() and p.is_relative_to(out) for p in paths)


def test_china_lists_exactly_the_actions_participation_gives(ws, site):
    out, _, _ = site
    table = ws.query("participation", {"iso3": "CHN"}).table()
    col = {c: i for i, c in enumerate(table.columns)}
    expected = Counter((r[col["instrument"]], r[col["action"]], r[col["date"]]) for r in table.rows)
    rows = parse(out / "states" / "CHN.html").having("data-action")
    rows = [r for r in rows if "data-instrument" in r]  # the action rows, not the statement groups
    shown = Counter((r["data-instrument"], r["data-kind"], r["data-date"]) for r in rows)
    assert expected and shown == expected
    assert len({r["data-action"] for r in rows}) == len(rows)  # each action once


def test_every_state_and_economy_has_a_page(ws, site):
    out, paths, _ = site
    states = {a["iso3"] for a in ws.view.actors.values() if a["kind"] in ("state", "economy") and a["iso3"]}
    assert {a["iso3"] for a in ws.view.actors.values() if a["kind"] == "state"} <= states
    assert {p.stem for p in paths if p.parent.name == "states"} == states
    assert {p.stem for p in paths if p.parent.name == "forums"} == {f["key"] for f in ws.view.forums}


def test_the_bali_process_page_lists_exactly_its_memberships(ws, site):
    out, _, _ = site
    graph = {r["m"].value for r in ws.graph.query(f"SELECT ?m WHERE {{ ?m a <{M}Membership> ; <{M}forum> <{BALI}> }}")}
    page = parse(out / "forums" / "bali-process.html")
    listed = [r["data-membership"] for r in page.having("data-membership") if "data-role" in r]
    assert graph and sorted(listed) == sorted(graph)
    # Members with a page are linked to it, and the link resolves.
    links = [a["href"] for t, a in page.tags if t == "a" and a.get("href", "").startswith("../states/")]
    assert "../states/AUS.html" in links
    assert all((out / "forums" / h).resolve().is_file() for h in links)


def test_memberships_without_a_start_are_listed_apart_not_counted(ws, site):
    out, _, _ = site
    rows = [m for m in ws.view.memberships if m["forum"] == BALI]
    undated = [m for m in rows if not m["start"]]
    page = parse(out / "forums" / "bali-process.html")
    apart = [a["data-membership"] for t, a in page.tags if t == "li" and "data-membership" in a]
    assert undated and sorted(apart) == sorted(m["membership"] for m in undated)
    counts = members_by_year(rows, "2024-06-01")
    first = counts["years"][0]
    assert first["year"] == min(int(m["start"][:4]) for m in rows if m["start"])
    assert counts["years"][-1]["year"] == 2024
    assert sum(first["counts"].values()) <= len(rows) - len(undated)


def test_members_by_year_counts_starts_and_ends():
    rows = [
        {"membership": "m1", "member": "A", "role": "member", "start": "2000", "end": ""},
        {"membership": "m2", "member": "B", "role": "member", "start": "2001-05", "end": "2002"},
        {"membership": "m3", "member": "C", "role": "member", "start": "", "end": ""},
        {"membership": "m4", "member": "A", "role": "chair", "start": "2001", "end": "2001"},
    ]
    counts = members_by_year(rows, "2003-01-01")
    by_year = {y["year"]: y["counts"] for y in counts["years"]}
    assert by_year == {
        2000: {"member": 1, "chair": 0},
        2001: {"member": 2, "chair": 1},
        2002: {"member": 2, "chair": 0},
        2003: {"member": 1, "chair": 0},
    }
    assert [m["membership"] for m in counts["undated"]] == ["m3"]


def test_only_web_addresses_become_links():
    assert str(link("https://example.org/a?b=1&c=2")).startswith('<a href="https://example.org/a?b=1&amp;c=2"')
    for bad in ("javascript:alert(1)", " https://example.org", "JaVaScRiPt:x", "data:text/html,x", "//example.org"):
        assert "<a" not in str(link(bad)), bad
    assert "not recorded" in str(link(""))


def test_hostile_labels_are_escaped_and_sources_not_linked(tmp_path):
    kg = kg_with(FIXTURES / "viz" / "hostile.ttl")
    derive(kg, QueryCatalog(PROJECT))
    ws = Workspace.of_graph(PROJECT, kg)
    write_profiles(ws.view, ws.networks, ws.currency_note, tmp_path)
    path = tmp_path / "states" / "EVL.html"
    text = path.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;Evilland" in text
    assert "&lt;img src=x" in text
    page = parse(path)
    assert [t for t, _ in page.tags if t in ("script", "img", "iframe", "object")] == []
    hrefs = [a.get("href", "") for _, a in page.tags]
    assert not any(h.strip().lower().startswith("javascript:") for h in hrefs)
    assert "javascript:window.pwned=4" in "".join(page.text)  # shown, as text
    assert not any(k.startswith("on") for _, a in page.tags for k in a)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
@pytest.mark.parametrize(
    ("page", "shot"), [("states/CHN.html", "state-page-CHN"), ("forums/bali-process.html", "forum-page-bali-process")]
)
def test_pages_load_offline_in_a_browser(browser, site, page, shot):
    out, _, _ = site
    tab = LoadedPage(browser, out / page, ready="", full_page=True)
    assert tab.page.locator("h1").text_content().strip()
    tab.shot(shot)
    assert tab.requests
    tab.offline_and_clean()
