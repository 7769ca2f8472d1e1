"""The migration-statistics importer: small files of the official layouts become Data Cube
observations of the graph's own areas; bad files are refused with where and why, and nothing is
written; and (with ../shared beside the checkout) the real figures arrive unchanged."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import openpyxl
import pyoxigraph as ox
import pytest

from migkg.core.store import KnowledgeGraph
from migkg.importers.generated import ImportFailed, Problem
from migkg.importers.run import MigrationInputs, write_migration
from migkg.importers.undesa_origins import read_origins_2019, origin_triples
from migkg.importers.undesa_stock import REGIONS, YEARS, read_regions, read_stock_2020, stock_triples
from migkg.importers.unhcr import CODES, read_unhcr, unhcr_triples

from support import PROJECT, ROOT, run_cli

SHARED = ROOT.parent / "shared" / "reference"
REAL = SHARED / "migration" / "undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx"
REAL_ORIGINS = SHARED / "migration" / "un_migrant_stock_by_origin_and_destination_2019.csv"
REAL_UNHCR = SHARED / "migration" / "unhcr_refugees_asylum_seekers_by_origin_destination_1995-2020.csv"
needs_shared = pytest.mark.skipif(not REAL.exists(), reason="../shared/reference is not beside the checkout")
M = "https://w3id.org/migkg/ontology#"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"
ID = "https://w3id.org/migkg/id/"


def _sheet(wb, title: str, blocks: int, rows: list[list]) -> None:
    """A sheet laid out as UN DESA's: title rows, a header on row 11 with the years `blocks` times, then areas."""
    ws = wb.create_sheet(title)
    for _ in range(10):
        ws.append([None])
    ws.append([None, "Region, development group, country or area", "Notes", "Location code", "Type of data", *YEARS * blocks])
    for r in rows:
        ws.append(r)


def _row(n, name, code, *blocks, basis="B"):
    cells = [n, name, None, code, basis]
    for b in blocks:
        cells += list(b)
    return cells


AREAS = [(1, "WORLD", 900), (2, "ASIA", 935), (3, "China*", 156), (4, "Mayotte*", 175)]


def workbook(path: Path, stock=None, population=None, share=None, refugees=None, drop: str = "") -> Path:
    """A workbook with Tables 1, 2, 3 and 6; each argument replaces one area's row in that table."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    seven = lambda v: [v] * 7  # noqa: E731
    tables = {
        "Table 1": (3, [_row(n, a, c, seven(100 * n), seven(0), seven(40 * n)) for n, a, c in AREAS], stock),
        "Table 2": (3, [_row(n, a, c, seven(1000.5 * n), seven(0), seven(0)) for n, a, c in AREAS], population),
        "Table 3": (3, [_row(n, a, c, seven(2.5 * n), seven(0), seven(0)) for n, a, c in AREAS], share),
        "Table 6": (2, [_row(n, a, c, seven(7 * n), seven(1.0)) for n, a, c in AREAS], refugees),
    }
    for title, (blocks, rows, replace) in tables.items():
        if title == drop:
            continue
        if replace is not None:
            rows = [replace if r[0] == replace[0] else r for r in rows]  # by the row's number
        _sheet(wb, title, blocks, rows)
    wb.save(path)
    return path


def origins_csv(path: Path, extra: list[list[str]] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Year", "Dest", "China", "Mayotte"])
        w.writerow(["2019", "China", "0", "60000"])
        w.writerow(["2019", "Mayotte", "70000", "0"])
        w.writerow(["2010", "China", "..", "1200"])
        for r in extra:
            w.writerow(r)
    return path


def unhcr_csv(path: Path, extra: list[list[str]] = ()) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["year", "orig", "dest", "refugees", "asylum_seekers"])
        w.writerows([["2010", "AFG", "PAK", "1900000", "3000"], ["2010", "AFG", "IRN", "1000", "NA"],
                     ["2010", "", "PAK", "619", "0"], ["2010", "ESH", "DZA", "90000", "0"]])
        for r in extra:
            w.writerow(r)
    return path


def _graph(triples) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return kg


def _values(kg: KnowledgeGraph, measure: str) -> dict[tuple, str]:
    q = f"""SELECT ?area ?origin ?year ?v WHERE {{ ?o <{SDMX}refArea> ?area ; <{SDMX}refPeriod> ?year ; <{M}{measure}> ?v
            OPTIONAL {{ ?o <{M}originArea> ?origin }} }}"""
    return {
        (r["area"].value.removeprefix(ID), r["origin"].value.removeprefix(ID) if r["origin"] else None, int(r["year"].value)): r["v"].value
        for r in kg.query(q)
    }


def test_workbook_xml_is_parsed_through_defusedxml():
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # entity expansion in a workbook's XML is refused by the parser


def test_workbook_tables_become_observations_of_the_graphs_own_areas(tmp_path):
    wb = workbook(
        tmp_path / "t.xlsx",
        stock=_row(3, "China*", 156, [376361, 442198, 508034, "..", 849861, 978046, 1039675], [0] * 7, [1] * 7),
        refugees=_row(3, "China*", 156, ["~", 1, 2, 3, 4, 5, "\u2014"], [1.0] * 7),
    )
    problems: list[Problem] = []
    rows = read_stock_2020(wb, problems)
    assert problems == []
    assert [(r.code, r.name) for r in rows] == [("900", "WORLD"), ("935", "ASIA"), ("156", "China"), ("175", "Mayotte")]
    china = rows[2]
    assert 2005 not in china.values["migrantStock"] and china.values["migrantStock"][2020] == 1039675  # '..' is no data, not zero
    assert china.values["population"][1990] == 3001500  # thousands to three decimals: persons
    assert 1990 not in china.values["refugeeStock"] and 2020 not in china.values["refugeeStock"]  # '~' and '—' give no figure
    areas = {"156": ox.NamedNode(ID + "state/CHN"), "142": ox.NamedNode(ID + "m49/142"), "001": ox.NamedNode(ID + "m49/001")}
    triples, n, unmapped = stock_triples(rows, areas, {"935": "142", "900": "001"})
    assert n == 3 * 7  # the world, Asia (UN DESA's 935 is M49's 142) and China, each year
    assert [r.name for r in unmapped] == ["Mayotte"]  # no resource for a territory: listed, not invented
    kg = _graph(triples)
    stock = _values(kg, "migrantStock")
    assert stock[("state/CHN", None, 2020)] == "1039675" and ("state/CHN", None, 2005) not in stock
    assert stock[("m49/142", None, 1990)] == "200" and stock[("m49/001", None, 2020)] == "100"
    assert _values(kg, "migrantSharePercent")[("state/CHN", None, 2010)] == "7.5"
    assert _values(kg, "femaleMigrantStock")[("m49/142", None, 2015)] == "80"
    assert _values(kg, "estimateBasis")[("state/CHN", None, 2010)] == "B"


def test_origins_give_emigrant_sums_and_corridors_over_the_threshold(tmp_path):
    problems: list[Problem] = []
    path = origins_csv(tmp_path / "o.csv", [["2019", "Caribbean", "5", "5"]])
    data = read_origins_2019(path, {"China", "Mayotte", "Caribbean"}, problems)
    assert problems == []
    areas = {"156": ox.NamedNode(ID + "state/CHN")}
    triples, left = origin_triples(data, {"China": "156", "Mayotte": "175", "Caribbean": "915"}, areas, 50_000)
    kg = _graph(triples)
    # China's emigrants: 70,000 in Mayotte; the region row Caribbean is not counted again; in 2010 the
    # table gives no figure for China as origin ('..'), so there is no observation rather than a zero.
    assert _values(kg, "emigrantStock") == {("state/CHN", None, 2019): "70000"}
    # The corridors of 60,000 and 70,000 have an end (Mayotte) the graph does not hold; 1,200 is under the threshold.
    assert _values(kg, "migrantStock") == {}
    assert left["unmapped"][2019] == [2, 130000] and left["corridors"][2010] == [1, 1200]
    assert left["emigrants"] == {"Mayotte"}


def test_refugees_hosted_and_originating_are_sums_over_rows(tmp_path):
    problems: list[Problem] = []
    actors = {c: ox.NamedNode(ID + f"state/{c}") for c in ("AFG", "PAK", "IRN", "DZA")}
    flows = read_unhcr(unhcr_csv(tmp_path / "u.csv"), set(actors), problems)
    assert problems == []
    triples, left = unhcr_triples(flows, actors, 10_000)
    kg = _graph(triples)
    hosted = _values(kg, "refugeesHosted")
    assert hosted[("state/PAK", None, 2010)] == str(1900000 + 619)  # rows with no origin count for the host
    assert hosted[("state/PAK", "state/AFG", 2010)] == "1900000"  # a corridor over the threshold
    assert ("state/IRN", "state/AFG", 2010) not in hosted  # 1,000: under it
    assert _values(kg, "refugeesOriginating")[("state/AFG", None, 2010)] == "1901000"
    assert ("state/IRN", None, 2010) not in _values(kg, "asylumSeekersHosted")  # NA is no figure, not zero
    assert left["unmapped"]["ESH"] == [90000, 0] and left["unmapped"][""] == [619, 0]


def _inputs(tmp_path: Path, **bad) -> MigrationInputs:
    return MigrationInputs(
        stock=bad.get("stock") or workbook(tmp_path / "stock.xlsx"),
        origins=bad.get("origins") or origins_csv(tmp_path / "origins.csv"),
        refugees=bad.get("refugees") or unhcr_csv(tmp_path / "unhcr.csv"),
    )


def _zip_bomb(path: Path) -> Path:
    """A small zip whose one member expands to a megabyte of zeros."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * 1_000_000)
    return path


BAD = {
    "not-a-workbook": ("stock", lambda p: (p.write_bytes(b"not a workbook"), p)[1], "not an Excel workbook"),
    "expands-too-far": ("stock", _zip_bomb, "would expand to"),
    "no-table-6": ("stock", lambda p: workbook(p, drop="Table 6"), "no sheet 'Table 6'"),
    "negative-count": ("stock", lambda p: workbook(p, stock=_row(3, "China*", 156, [-5] + [1] * 6, [0] * 7, [1] * 7)),
                       "sheet 'Table 1' row 14 1990: -5 is not a number"),
    "bad-code": ("stock", lambda p: workbook(p, stock=_row(3, "China*", "abc", [1] * 7, [0] * 7, [1] * 7)),
                 "location code 'abc' is not a number"),
    "text-in-share": ("stock", lambda p: workbook(p, share=_row(3, "China*", 156, ["n/a"] * 7, [0] * 7, [0] * 7)),
                      "sheet 'Table 3' row 14 1990: 'n/a' is not a number"),
    "unknown-origin-name": ("origins", lambda p: origins_csv(p, [["2019", "Atlantis", "1", "1"]]),
                            "destination 'Atlantis' is not an area name"),
    "bad-origin-count": ("origins", lambda p: origins_csv(p, [["2019", "China", "many", "1"]]), "'many' is not a count"),
    "unknown-unhcr-code": ("refugees", lambda p: unhcr_csv(p, [["2010", "ZZZ", "PAK", "1", "0"]]), "origin 'ZZZ'"),
    "bad-unhcr-year": ("refugees", lambda p: unhcr_csv(p, [["2019", "AFG", "PAK", "1", "0"]]), "year '2019'"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_inputs_are_refused_with_where_and_nothing_is_written(tmp_path, case, monkeypatch):
    import dataclasses

    from migkg.importers import undesa_stock

    which, make, expected = BAD[case]
    # A small limit for the workbook only, so the expansion test needs no large file (the project's
    # own graph files, which the importer reads too, are bigger than that).
    small = dataclasses.replace(undesa_stock.limits(), max_input_bytes=200_000)
    monkeypatch.setattr(undesa_stock, "limits", lambda: small)
    bad = make(tmp_path / f"bad-{which}")
    out = tmp_path / "out"
    with pytest.raises(ImportFailed) as e:
        write_migration(PROJECT, _inputs(tmp_path, **{which: bad}), out)
    listed = [str(p) for p in e.value.problems]
    assert any(expected in p and str(bad) in p for p in listed), listed
    assert not out.exists()


def test_the_command_line_exits_1_with_every_problem_listed(tmp_path):
    bad = origins_csv(tmp_path / "o.csv", [["2019", "Atlantis", "1", "1"], ["1991", "China", "1", "1"]])
    r = run_cli("import", "migration", "--stock", str(workbook(tmp_path / "s.xlsx")), "--origins", str(bad),
                "--refugees", str(unhcr_csv(tmp_path / "u.csv")), "--out-dir", str(tmp_path / "out"))
    assert r.returncode == 1, r.stderr
    assert "Atlantis" in r.stderr and "year '1991'" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_small_inputs_import_end_to_end(tmp_path):
    done = write_migration(PROJECT, _inputs(tmp_path), tmp_path / "out")
    assert sorted(p.name for p in done.files) == ["origins-2019.ttl", "stock-2020.ttl", "unhcr-refugees.ttl"]
    kg = KnowledgeGraph()
    for p in done.files:
        kg.store.load(path=str(p), format=ox.RdfFormat.TURTLE)
    # Areas joined to the project's own resources: China by its M49 code, ASIA through the regions table.
    stock = _values(kg, "migrantStock")
    assert stock[("state/CHN", None, 2020)] == "300" and stock[("m49/142", None, 2020)] == "200"
    assert _values(kg, "refugeesHosted")[("state/PAK", None, 2010)] == "1900619"
    coverage = (tmp_path / "out" / "COVERAGE.md").read_text(encoding="utf-8")
    assert "| 175 | Mayotte |" in coverage and "| ESH | 90,000 |" in coverage


def test_kept_region_table_names_the_graphs_own_areas(project_kg):
    """Each UN DESA region code maps to the M49 area of the same name (case and 'South-Eastern' aside)."""
    problems: list[Problem] = []
    table = read_regions(problems)
    assert problems == []
    names = {r["code"].value: r["label"].value for r in project_kg.query(
        f'SELECT ?code ?label WHERE {{ ?a <{M}m49Code> ?code ; <http://www.w3.org/2000/01/rdf-schema#label> ?label '
        'FILTER(LANG(?label) = "en") }')}
    with REGIONS.open(encoding="utf-8") as f:
        undesa = {r["undesa_code"].zfill(3): r["undesa_name"] for r in csv.DictReader(f)}
    for code, m49 in table.items():
        assert undesa[code].casefold() == names[m49].casefold(), (code, undesa[code], names[m49])


def test_kept_unhcr_codes_are_not_states_of_the_graph(project_kg):
    with CODES.open(encoding="utf-8") as f:
        codes = [r["code"] for r in csv.DictReader(f)]
    held = {r["c"].value for r in project_kg.query(f"SELECT ?c WHERE {{ ?a <{M}iso3166Alpha3> ?c }}")}
    assert codes and not set(codes) & held  # a code both kept and held would hide a state's refugees


@needs_shared
def test_the_real_workbook_figures_arrive_unchanged(project_kg):
    """Each observation of the four tables equals the workbook's own cell, read here independently."""
    wb = openpyxl.load_workbook(REAL, read_only=True, data_only=True)
    measures = {"Table 1": "migrantStock", "Table 2": "population", "Table 3": "migrantSharePercent", "Table 6": "refugeeStock"}
    for sheet_name, measure in measures.items():
        sheet = list(wb[sheet_name].iter_rows(values_only=True))
        header = next(i for i, r in enumerate(sheet) if "Location code" in r)
        code_col = sheet[header].index("Location code")
        cells = {
            (f"{int(r[code_col]):03d}", y): r[code_col + 2 + i]
            for r in sheet[header + 1 :]
            if r and isinstance(r[code_col], (int, float))
            for i, y in enumerate(YEARS)
        }
        rows = list(project_kg.query(f"""SELECT ?code ?year ?n WHERE {{
            ?o <http://purl.org/linked-data/cube#dataSet> <{ID}dataset/undesa-ims-2020> ; <{SDMX}refArea> ?a ; <{SDMX}refPeriod> ?year ; <{M}{measure}> ?n . ?a <{M}m49Code> ?code
            FILTER NOT EXISTS {{ ?a a <{M}GeographicArea> }} }}"""))  # regions: UN DESA's own codes, tested by name
        assert len(rows) > 1000, sheet_name
        for r in rows:
            cell = cells[(r["code"].value, int(r["year"].value))]
            if measure == "population":
                assert int(r["n"].value) == round(cell * 1000)
            elif measure == "migrantSharePercent":
                assert float(r["n"].value) == cell
            else:
                assert int(r["n"].value) == cell


@needs_shared
def test_the_real_refugee_and_emigrant_sums(project_kg):
    """Pakistan's refugees hosted in 2010 and Kazakhstan's emigrants in 2019, summed here from the files."""
    hosted = defaultdict(int)
    with REAL_UNHCR.open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["dest"] == "PAK" and r["refugees"].isdigit():
                hosted[int(r["year"])] += int(r["refugees"])
    with REAL_ORIGINS.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    regions = {"Caribbean", "South America", "Melanesia", "Micronesia", "Polynesia"}
    kaz = sum(int(float(r["Kazakhstan"])) for r in rows if r["Year"] == "2019" and r["Dest"] not in regions
              and r["Kazakhstan"].replace(".", "").isdigit())
    got = _values(project_kg, "refugeesHosted")
    assert all(got[("state/PAK", None, y)] == str(n) for y, n in hosted.items())
    assert _values(project_kg, "emigrantStock")[("state/KAZ", None, 2019)] == str(kaz)


@needs_shared
def test_reimport_is_byte_identical(tmp_path):
    r = run_cli("import", "migration", "--out-dir", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for name in ("stock-2020.ttl", "origins-2019.ttl", "unhcr-refugees.ttl", "COVERAGE.md"):
        assert (tmp_path / name).read_bytes() == (PROJECT.graph_dir / "migration" / name).read_bytes(), name
