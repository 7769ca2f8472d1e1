"""Headline figures beside the graph's count as of their date, with straddling consents apart."""

from __future__ import annotations

from migkg.steps.derive import derive
from migkg.core.queries import QueryCatalog
from migkg.outputs.coverage import status_figures_table

from support import FIXTURES, PROJECT, ROOT, kg_with, run_cli


def test_figure_is_compared_as_of_its_own_date():
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl", FIXTURES / "report" / "status-figures.ttl")
    derive(kg, QueryCatalog(PROJECT))
    t = status_figures_table(kg, QueryCatalog(PROJECT))
    rows = {r[1]: dict(zip(t.columns, r)) for r in t.rows}
    # 2005-06-15: AAA party since 1992; BBB denounced in 2001; CCC's June 2005 straddles the date.
    assert (rows["2005-06-15"]["graph"], rows["2005-06-15"]["difference"]) == ("1", "2")
    assert rows["2005-06-15"]["uncertain"] == "Carpania (2005-06)"
    assert rows["2005-06-15"]["note"] == "test note"
    # 2011-01-01: AAA, BBB (again since 2010) and CCC (June 2005 is then certainly past).
    assert (rows["2011-01-01"]["graph"], rows["2011-01-01"]["difference"], rows["2011-01-01"]["uncertain"]) == (
        "3", "0", "")


def test_headline_figure_without_date_or_source_is_refused():
    f = FIXTURES / "bad-input" / "status-figure-undated.ttl"
    r = run_cli("validate", str(f))
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "https://w3id.org/migkg/id/status-figure/V-2-undated" in r.stderr
    assert "an undated figure cannot be compared" in r.stderr
    assert "Every fact needs a source" in r.stderr


def test_every_figure_in_the_graph_is_dated_sourced_and_reported():
    from migkg.core.store import KnowledgeGraph

    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    t = status_figures_table(kg, QueryCatalog(PROJECT))
    text = (ROOT / "graph" / "status-figures.ttl").read_text(encoding="utf-8")
    assert len(t.rows) == text.count("a migkg:StatusFigure") > 0
    instruments = {r[0] for r in t.rows}
    assert {"V-5", "XVIII-12-a", "XVIII-12-b", "IV-13"} <= instruments
    for r in t.rows:
        row = dict(zip(t.columns, r))
        assert int(row["headline"]) - int(row["graph"]) == int(row["difference"])
        assert row["source"]
