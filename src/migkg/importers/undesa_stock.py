"""UN DESA International Migrant Stock 2020 (by destination) as RDF Data Cube observations.

Reads four tables of the official workbook, one row per region, country or area, with the
years 1990, 1995, ..., 2020 as columns:
- Table 1: international migrant stock at mid-year, both sexes and females (persons);
- Table 2: total population at mid-year, in thousands (stored in persons);
- Table 3: the migrant stock as a percentage of the population, both sexes;
- Table 6: the estimated refugee stock, including asylum seekers (persons).
Tables 4 and 5 (female share, rate of change) are arithmetic on these and are not stored.

One qb:Observation per area and year, its area the graph's own state, economy or UN M49 area:
countries by their M49 code, UN DESA's regions (which have codes of its own, such as 935 for
Asia) through the kept table undesa_regions.csv. Rows with no area in the graph (SDG and
income groups, territories) are listed in the coverage notes, not invented as areas.

The workbook is read with openpyxl in read-only mode (its XML through defusedxml), after the
size guard every input passes and a check of what the zip would expand to.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from ..core.limits import limits, read_bytes_limited
from .cube import DataSet, Source, count, decimal
from .cube import REF_AREA, REF_PERIOD
from .generated import Problem, lit

YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2020)
DATASET_KEY = "undesa-ims-2020"
REGIONS = Path(__file__).with_name("undesa_regions.csv")
_STAR = re.compile(r"\*+$")


# The workbook's Notes sheet: '..' data not available; '~' protected for privacy (fewer than five);
# '—' not zero but less than half the unit. None gives a figure to store.
NO_FIGURE = {"..": "not available", "~": "protected for privacy (fewer than five)", "\u2014": "less than half the unit"}


@dataclass(frozen=True)
class Table:
    """Where one measure sits in the workbook: its sheet, which block of year columns, its unit."""

    sheet: str
    measure: str  # migkg term
    block: int  # 0: both sexes; 2: females (the sheets repeat the years for both sexes, males, females)
    blocks: int  # how many blocks of years the sheet has, at least
    kind: str  # "persons", "thousands" or "percent"


TABLES = (
    Table("Table 1", "migrantStock", 0, 3, "persons"),
    Table("Table 1", "femaleMigrantStock", 2, 3, "persons"),
    Table("Table 2", "population", 0, 3, "thousands"),
    Table("Table 3", "migrantSharePercent", 0, 3, "percent"),
    Table("Table 6", "refugeeStock", 0, 2, "persons"),
)


@dataclass
class StockRow:
    line: int  # the row in Table 1
    name: str
    code: str  # three digits, or UN DESA's own code for a group (e.g. 1833)
    basis: str  # UN DESA's "Type of data": B foreign-born, C citizenship, I imputed, R refugees added
    values: dict[str, dict[int, object]] = field(default_factory=dict)  # measure -> year -> value


def _value(raw, table: Table, where: str, problems: list[Problem], path: Path):
    """A cell as its measure's value; None for UN DESA's own marks; any other non-number is a problem."""
    if raw in (None, "") or raw in NO_FIGURE:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
        problems.append(Problem(path, None, f"{where}: {raw!r} is not a number (nor one of UN DESA's marks '..', '~', '\u2014')"))
        return None
    if table.kind == "persons":
        if not float(raw).is_integer():
            problems.append(Problem(path, None, f"{where}: {raw!r} is not a whole number of persons"))
            return None
        return int(raw)
    if table.kind == "thousands":
        return round(raw * 1000)  # the workbook gives thousands to three decimals: persons
    if raw > 100:
        problems.append(Problem(path, None, f"{where}: {raw!r} is not a percentage"))
        return None
    return float(raw)


def _open_workbook(path: Path, problems: list[Problem]):
    import openpyxl  # only the importer needs it

    data = read_bytes_limited(path)
    # A workbook is a zip of XML files: measure what it would expand to before anything reads it.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            expanded = sum(i.file_size for i in z.infolist())
    except zipfile.BadZipFile:
        problems.append(Problem(path, None, "not an Excel workbook (an .xlsx file is a zip archive; this is not one)"))
        return None
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
        return None
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a file that is not a workbook
        problems.append(Problem(path, None, f"not an Excel workbook openpyxl can read ({type(e).__name__}: {e})"))
        return None


def _sheet_rows(wb, path: Path, table: Table, problems: list[Problem]):
    """(header index, rows, code column, year columns of the table's block) or None, with the problem noted."""
    if table.sheet not in wb.sheetnames:
        problems.append(Problem(path, None, f"no sheet '{table.sheet}' (sheets: {', '.join(wb.sheetnames)})"))
        return None
    rows = list(wb[table.sheet].iter_rows(values_only=True))
    header = next((i for i, r in enumerate(rows) if "Location code" in r), None)
    if header is None:
        problems.append(Problem(path, None, f"sheet '{table.sheet}': no header row with 'Location code'"))
        return None
    head = list(rows[header])
    years_at = [i for i, h in enumerate(head) if h in YEARS]
    if len(years_at) < table.blocks * len(YEARS) or [head[i] for i in years_at[: len(YEARS)]] != list(YEARS):
        problems.append(
            Problem(path, None, f"sheet '{table.sheet}' row {header + 1}: expected the years {', '.join(map(str, YEARS))} "
                    f"{table.blocks} times (the sheet's blocks of columns)")
        )
        return None
    cols = years_at[table.block * len(YEARS) : (table.block + 1) * len(YEARS)]
    return header, rows, head.index("Location code"), cols


def read_stock_2020(path: Path, problems: list[Problem]) -> list[StockRow]:
    """The workbook's rows with every measure per year. Problems name sheet, row and year."""
    wb = _open_workbook(path, problems)
    if wb is None:
        return []
    out: dict[str, StockRow] = {}
    for table in TABLES:
        found = _sheet_rows(wb, path, table, problems)
        if found is None:
            continue
        header, rows, code_col, cols = found
        for n, r in enumerate(rows[header + 1 :], header + 2):
            if not r or len(r) <= max(cols) or r[code_col] in (None, ""):
                continue
            where = f"sheet '{table.sheet}' row {n}"
            code = r[code_col]
            if isinstance(code, bool) or not isinstance(code, (int, float)) or not float(code).is_integer() or code < 0:
                problems.append(Problem(path, None, f"{where}: location code {code!r} is not a number"))
                continue
            key = f"{int(code):03d}"
            if key not in out:
                if table.sheet != "Table 1":
                    problems.append(Problem(path, None, f"{where}: location code {key} is not in Table 1"))
                    continue
                name = _STAR.sub("", str(r[code_col - 2] or "").strip())
                out[key] = StockRow(n, name, key, " ".join(str(r[code_col + 1] or "").split()))
            values = {}
            for year, c in zip(YEARS, cols):
                v = _value(r[c], table, f"{where} {year}", problems, path)
                if v is not None:
                    values[year] = v
            out[key].values[table.measure] = values
    return list(out.values())


def read_regions(problems: list[Problem], path: Path = REGIONS) -> dict[str, str]:
    """UN DESA's region codes -> M49 codes, from the kept table."""
    table = {}
    with path.open(encoding="utf-8", newline="") as f:
        for line, row in enumerate(csv.DictReader(f), 2):
            if not re.fullmatch(r"\d{3}", row["m49"] or ""):
                problems.append(Problem(path, line, f"m49 {row['m49']!r} is not a three-digit M49 code"))
                continue
            table[f"{int(row['undesa_code']):03d}"] = row["m49"]
    return table


def name_codes(rows: list[StockRow]) -> dict[str, str]:
    """Each area's name as UN DESA writes it (without its note marks) -> its code; the 2019 table uses the same names."""
    return {r.name: r.code for r in rows}


SOURCE = Source(
    key="undesa-ims-2020",
    title="International Migrant Stock 2020: Destination (POP/DB/MIG/Stock/Rev.2020), Tables 1, 2, 3 and 6",
    publisher="United Nations Department of Economic and Social Affairs, Population Division",
    licence="http://creativecommons.org/licenses/by/3.0/igo/",
    url="https://www.un.org/development/desa/pd/content/international-migrant-stock",
    as_of="2020-07-01",
    comment=(
        "Read from undesa_pd_2020_ims_stock_by_sex_and_destination.xlsx, the official workbook as kept by "
        "guyabel/stepladderChapter (commit 4a81585e). Stocks and population are estimates at mid-year (1 July) "
        "of each year; the 2020 revision revised earlier years too, so a figure quoted from an older revision "
        "can differ."
    ),
)

DATASET = DataSet(
    key=DATASET_KEY,
    label_en="International Migrant Stock 2020 (UN DESA): migrant stock, population and refugee stock at mid-year by destination",
    label_zh="2020年国际移民存量（联合国经社部）：按目的地划分的年中移民存量、人口与难民存量",
    source=SOURCE,
    dimensions=(REF_AREA, REF_PERIOD),
    measures=tuple(ids.term(t.measure) for t in TABLES),
    attributes=(ids.term("estimateBasis"),),
    comment=(
        "Population is Table 2's thousands times 1,000. estimateBasis is UN DESA's 'Type of data': B, estimates "
        "from data on the foreign-born; C, on foreign citizens; R, refugees added to the estimate; I, imputed "
        "(no data on migrants)."
    ),
)


def _literal(measure: str, value) -> ox.Literal:
    return decimal(value) if measure == "migrantSharePercent" else count(value)


def stock_triples(
    rows: list[StockRow], areas: dict[str, ox.NamedNode], regions: dict[str, str]
) -> tuple[list[ox.Triple], int, list[StockRow]]:
    """Observations for the rows whose area the graph knows: (triples, observation count, rows it does not know)."""
    t: list[ox.Triple] = []
    unmapped = []
    n = 0
    for row in rows:
        area = areas.get(regions.get(row.code, row.code))
        if area is None:
            unmapped.append(row)
            continue
        for year in YEARS:
            values = [(ids.term(m), _literal(m, v[year])) for m, v in row.values.items() if year in v]
            if not values:
                continue
            if row.basis:
                values.append((ids.term("estimateBasis"), lit(row.basis)))
            n += 1
            t += DATASET.observation(f"{row.code}/{year}", area, year, values)
    return t, n, unmapped
