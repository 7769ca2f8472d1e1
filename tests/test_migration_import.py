"""The UN DESA migrant-stock importer: a small workbook of the official layout becomes Data Cube
observations of the graph's own areas; the real workbook's figures arrive unchanged; bad input
is refused with its file and row, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from migkg.core.store import KnowledgeGraph
from migkg.importers.generated import Problem
from migkg.importers.migration import YEARS, read_stock_2020, stock_triples

from support import PROJECT, ROOT, run_cli

REAL = ROOT.parent / "shared" / "reference" / "migration" / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
M = "https://w3id.org/migkg/ontology#"


def _workbook(path: Path, rows: list[list], sheet: str = "Table 1") -> Path:
    """A workbook laid out as UN DESA's Table 1: title rows, a header on row 11, then areas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for _ in range(10):
        ws.append([None])
    ws.append([None, "Region, development group, country or area", "Notes", "Location code", "Type of data", *YEARS * 3])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def _zip_bomb(path: Path) -> None:
    """A small zip whose one member expands to a megabyte of zeros."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 1_000_000)


def test_workbook_xml_is_parsed_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entity expansion in a workbook's XML is refused by the parser


def _row(n, name, code, total, female):
    return [n, name, None, code, "B", *total, *([None] * len(YEARS)), *female]


def test_rows_become_observations_of_the_graphs_own_areas(tmp_path):
    wb = _workbook(
        tmp_path / "t.xlsx",
        [
            _row(1, "WORLD", 900, [1, 2, 3, 4, 5, 6, 7], [1, 1, 1, 2, 2, 3, 3]),
            _row(2, "China", 156, [376361, 442198, 508034, "..", 849861, 978046, 1039675], [1] * 7),
            _row(3, "Africa", 2, [10] * 7, [5] * 7),
        ],
    )
    problems: list[Problem] = []
    rows = read_stock_2020(wb, problems)
    assert problems == []
    assert [(r.m49, r.name) for r in rows] == [("900", "WORLD"), ("156", "China"), ("002", "Africa")]
    assert 2005 not in rows[1].total and rows[1].total[2020] == 1039675  # '..' is no data, not zero
    areas = {"156": ox.NamedNode("https://w3id.org/migkg/id/state/CHN"), "002": ox.NamedNode("https://w3id.org/migkg/id/m49/002")}
    triples, count, unmapped = stock_triples(rows, areas)
    assert count == 7 + 7  # China 2005 has no total (..) but a female figure: an observation without the total
    assert [r.name for r in unmapped] == ["WORLD"]  # no resource for the world: listed, not invented
    kg = KnowledgeGraph()
    kg.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    got = {
        (r["area"].value.rsplit("/", 1)[-1], r["year"].value, r["n"].value)
        for r in kg.query(f"""SELECT ?area ?year ?n WHERE {{ ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?area ;
               <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ?year ; <{M}migrantStock> ?n }}""")
    }
    assert ("CHN", "2020", "1039675") in got and ("002", "1990", "10") in got
    assert not any(a == "CHN" and y == "2005" for a, y, _ in got)
    assert len(got) == 6 + 7  # China without 2005, Africa all seven years


@pytest.mark.parametrize(
    "make, expected",
    [
        (lambda p: p.write_bytes(b"not a workbook"), "not an Excel workbook"),
        (lambda p: _zip_bomb(p), "would expand to"),
        (lambda p: _workbook(p, [], sheet="Sheet"), "no sheet 'Table 1'"),
        (lambda p: _workbook(p, [_row(1, "X", 4, [-5] + [1] * 6, [1] * 7)]), "row 12 1990: -5 is not a count of persons"),
        (lambda p: _workbook(p, [_row(1, "X", "abc", [1] * 7, [1] * 7)]), "location code 'abc' is not a number"),
    ],
    ids=["not-a-workbook", "expands-too-far", "no-table-1", "negative-count", "bad-code"],
)
def test_bad_workbooks_are_refused_with_where_and_nothing_is_written(tmp_path, make, expected):
    bad = tmp_path / "bad.xlsx"
    make(bad)
    out = tmp_path / "out" / "stock.ttl"
    # A small input limit, so the expansion test needs no large file.
    r = run_cli("import", "migration", str(bad), "--out", str(out), env={"MIGKG_MAX_INPUT_BYTES": "200000"})
    assert r.returncode == 1, r.stderr
    assert expected in r.stderr and str(bad) in r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


@pytest.mark.skipif(not REAL.exists(), reason="../shared/reference is not beside the checkout")
def test_the_real_workbook_figures_arrive_unchanged(project_kg):
    """Every observation in graph/migration/stock-2020.ttl equals the workbook's own cell."""
    wb = openpyxl.load_workbook(REAL, read_only=True, data_only=True)
    sheet = list(wb["Table 1"].iter_rows(values_only=True))
    header = next(i for i, r in enumerate(sheet) if "Location code" in r)
    code_col = sheet[header].index("Location code")
    cells = {
        (f"{int(r[code_col]):03d}", y): r[code_col + 2 + i]
        for r in sheet[header + 1 :]
        if r and isinstance(r[code_col], (int, float))
        for i, y in enumerate(YEARS)
    }
    rows = list(project_kg.query(f"""SELECT ?code ?year ?n WHERE {{
        ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea>/<{M}m49Code> ?code ;
           <http://purl.org/linked-data/sdmx/2009/dimension#refPeriod> ?year ; <{M}migrantStock> ?n }}"""))
    assert len(rows) > 1000
    for r in rows:
        assert int(r["n"].value) == cells[(r["code"].value, int(r["year"].value))]


@pytest.mark.skipif(not REAL.exists(), reason="../shared/reference is not beside the checkout")
def test_reimport_is_byte_identical(tmp_path):
    out = tmp_path / "stock.ttl"
    r = run_cli("import", "migration", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == (PROJECT.graph_dir / "migration" / "stock-2020.ttl").read_bytes()
