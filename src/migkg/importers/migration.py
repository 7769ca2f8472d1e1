"""UN DESA International Migrant Stock 2020 as RDF Data Cube observations.

Reads Table 1 of the official workbook (migrant stock at mid-year, both sexes and females, by
region, country or area of destination, 1990–2020) and writes one qb:Observation per area and
year, its area the graph's own state or UN M49 area with the same M49 code. UN DESA's table also
has rows the graph has no resource for (the world, SDG regions, income and development groups):
those are listed in the coverage notes, not invented as areas.

The workbook is read with openpyxl in read-only mode, after the size guard every input passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from ..core.limits import limits, read_bytes_limited
from .generated import Problem, lit

SHEET = "Table 1"
YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020)
DATASET_KEY = "undesa-ims-2020"
QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@dataclass(frozen=True)
class StockRow:
    line: int
    name: str
    m49: str  # three digits, or UN DESA's own code for a group (e.g. 1833)
    total: dict[int, int]  # year -> persons (years with '..' are absent)
    female: dict[int, int]


def _count(value, where: str, problems: list[Problem], path: Path) -> int | None:
    if value in (None, "", ".."):
        return None
    if isinstance(value, (int, float)) and value >= 0 and float(value).is_integer():
        return int(value)
    problems.append(Problem(path, None, f"{where}: {value!r} is not a count of persons (nor '..' for no data)"))
    return None


def read_stock_2020(path: Path, problems: list[Problem]) -> list[StockRow]:
    """Table 1's rows: area name, M49 code, and the two stocks per year. Problems name sheet, row and column."""
    import io
    import zipfile

    import openpyxl  # only the importer needs it

    data = read_bytes_limited(path)
    # A workbook is a zip of XML files: measure what it would expand to before anything reads it.
    # (The XML itself is parsed through defusedxml, which openpyxl uses when it is installed.)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        problems.append(Problem(path, None, "not an Excel workbook (an .xlsx file is a zip archive; this is not one)"))
        return []
    lim = limits()
    if expanded > lim.max_input_bytes:
        problems.append(
            Problem(
                path,
                None,
                f"the workbook would expand to {expanded:,} bytes, over the input limit of {lim.max_input_bytes:,} "
                "(MIGKG_MAX_INPUT_BYTES); refused before reading",
            )
        )
        return []
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        problems.append(Problem(path, None, f"not an Excel workbook openpyxl can read ({type(e).__name__}: {e})"))
        return []
    if SHEET not in wb.sheetnames:
        problems.append(Problem(path, None, f"no sheet '{SHEET}' (sheets: {', '.join(wb.sheetnames)})"))
        return []
    rows = list(wb[SHEET].iter_rows(values_only=True))
    header = next((i for i, r in enumerate(rows) if "Location code" in r), None)
    if header is None:
        problems.append(Problem(path, None, f"sheet '{SHEET}': no header row with 'Location code'"))
        return []
    head = list(rows[header])
    code_col, name_col = head.index("Location code"), head.index("Location code") - 2
    years_at = [i for i, h in enumerate(head) if h in YEARS]
    if len(years_at) < 3 * len(YEARS):
        problems.append(Problem(path, header + 1, f"sheet '{SHEET}': expected the years {YEARS} three times (both sexes, males, females)"))
        return []
    total_cols, female_cols = years_at[: len(YEARS)], years_at[2 * len(YEARS) : 3 * len(YEARS)]
    out = []
    for n, r in enumerate(rows[header + 1 :], header + 2):
        if not r or r[code_col] in (None, ""):
            continue
        where = f"sheet '{SHEET}' row {n}"
        code = r[code_col]
        if not isinstance(code, (int, float)) or not float(code).is_integer() or code < 0:
            problems.append(Problem(path, None, f"{where}: location code {code!r} is not a number"))
            continue
        total = {y: v for y, c in zip(YEARS, total_cols) if (v := _count(r[c], f"{where} {y}", problems, path)) is not None}
        female = {y: v for y, c in zip(YEARS, female_cols) if (v := _count(r[c], f"{where} {y}", problems, path)) is not None}
        name = str(r[name_col] or "").strip()
        out.append(StockRow(n, name, f"{int(code):03d}", total, female))
    return out


def observation(key: str, m49: str, year: int) -> ox.NamedNode:
    return ids.of("observation", f"{key}/{m49}/{year}")


def stock_triples(rows: list[StockRow], areas: dict[str, ox.NamedNode]) -> tuple[list[ox.Triple], int, list[StockRow]]:
    """Observations for the rows whose area the graph knows: (triples, observation count, rows it does not know)."""
    n = ox.NamedNode
    dataset = ids.of("dataset", DATASET_KEY)
    t: list[ox.Triple] = []
    unmapped = []
    count = 0
    for row in rows:
        area = areas.get(row.m49)
        if area is None:
            unmapped.append(row)
            continue
        for year in YEARS:
            if year not in row.total and year not in row.female:
                continue
            obs = observation(DATASET_KEY, row.m49, year)
            count += 1
            t += [
                ox.Triple(obs, RDF_TYPE, n(QB + "Observation")),
                ox.Triple(obs, n(QB + "dataSet"), dataset),
                ox.Triple(obs, n(SDMX_DIMENSION + "refArea"), area),
                ox.Triple(obs, n(SDMX_DIMENSION + "refPeriod"), lit(str(year), "gYear")),
            ]
            if year in row.total:
                t.append(ox.Triple(obs, ids.term("migrantStock"), lit(str(row.total[year]), "integer")))
            if year in row.female:
                t.append(ox.Triple(obs, ids.term("femaleMigrantStock"), lit(str(row.female[year]), "integer")))
    return t, count, unmapped


def source_triples(source: ox.NamedNode, workbook: Path) -> list[ox.Triple]:
    """The dataset's source: publisher, title, revision, licence and as-of date (mid-year 2020)."""
    n = ox.NamedNode
    dct = "http://purl.org/dc/terms/"
    return [
        ox.Triple(source, RDF_TYPE, ids.term("Source")),
        ox.Triple(source, n(dct + "title"), lit("International Migrant Stock 2020: Destination (POP/DB/MIG/Stock/Rev.2020), Table 1", lang="en")),
        ox.Triple(source, n(dct + "publisher"), lit("United Nations Department of Economic and Social Affairs, Population Division")),
        ox.Triple(source, n(dct + "license"), n("http://creativecommons.org/licenses/by/3.0/igo/")),
        ox.Triple(source, n("https://schema.org/url"), lit("https://www.un.org/development/desa/pd/content/international-migrant-stock", "anyURI")),
        ox.Triple(source, ids.term("asOfDate"), lit("2020-07-01", "date")),
        ox.Triple(
            source,
            n("http://www.w3.org/2000/01/rdf-schema#comment"),
            lit(
                f"Read from {workbook.name}, the official workbook as kept by guyabel/stepladderChapter (commit "
                "4a81585e). Stocks are estimates at mid-year (1 July) of each year; the 2020 revision revised "
                "earlier years too, so a figure quoted from an older revision can differ.",
                lang="en",
            ),
        ),
    ]


def dataset_triples(source: ox.NamedNode) -> list[ox.Triple]:
    """The dataset and its structure: two dimensions (area, mid-year) and two measures (persons)."""
    n = ox.NamedNode
    dataset, dsd = ids.of("dataset", DATASET_KEY), ids.of("dataset", f"{DATASET_KEY}/structure")
    label = n("http://www.w3.org/2000/01/rdf-schema#label")
    t = [
        ox.Triple(dataset, RDF_TYPE, n(QB + "DataSet")),
        ox.Triple(dataset, label, lit("International Migrant Stock 2020 (UN DESA): migrant stock at mid-year by destination", lang="en")),
        ox.Triple(dataset, label, lit("2020年国际移民存量（联合国经社部）：按目的地划分的年中移民存量", lang="zh")),
        ox.Triple(dataset, n(QB + "structure"), dsd),
        ox.Triple(dataset, ids.term("source"), source),
        ox.Triple(dsd, RDF_TYPE, n(QB + "DataStructureDefinition")),
    ]
    for i, (kind, prop) in enumerate(
        [
            ("dimension", n(SDMX_DIMENSION + "refArea")),
            ("dimension", n(SDMX_DIMENSION + "refPeriod")),
            ("measure", ids.term("migrantStock")),
            ("measure", ids.term("femaleMigrantStock")),
        ],
        1,
    ):
        component = ids.of("dataset", f"{DATASET_KEY}/structure/{i}")
        t += [ox.Triple(dsd, n(QB + "component"), component), ox.Triple(component, n(QB + kind), prop)]
    return t
