"""UN DESA International Migrant Stock 2019 by origin and destination: emigrants and corridors.

The file is a reshaping of UN DESA's origin-by-destination table (guyabel/stepladderChapter): one
row per year and destination, one column per country of origin, persons at mid-year. Names are
UN DESA's own; they are the names of the 2020 workbook, whose codes join them to the graph.

Two datasets come out of it:
- the emigrant stock of each origin and year: the sum over every country or area of destination
  (all of the file's rows but the five region rows, which would count people twice);
- the corridors of at least `min_corridor` persons (default 50,000), as observations of the
  destination with the origin as a further dimension. The threshold keeps the graph small; the
  coverage notes say how many corridors and persons were left out each year.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from .cube import ORIGIN_AREA, REF_AREA, REF_PERIOD, DataSet, Source, count
from .generated import Problem, read_csv_table

YEARS = (1990, 1995, 2000, 2005, 2010, 2015, 2019)
DEFAULT_MIN_CORRIDOR = 50_000
# Destination rows that are regions in UN DESA's own naming: they sum countries already in the file.
REGION_ROWS = frozenset({"Caribbean", "South America", "Melanesia", "Micronesia", "Polynesia"})

SOURCE = Source(
    key="undesa-ims-2019",
    title="International Migrant Stock 2019: by destination and origin (POP/DB/MIG/Stock/Rev.2019)",
    publisher="United Nations Department of Economic and Social Affairs, Population Division",
    licence="http://creativecommons.org/licenses/by/3.0/igo/",
    url="https://www.un.org/en/development/desa/population/migration/data/estimates2/estimates19.asp",
    as_of="2019-07-01",
    comment=(
        "Read from un_migrant_stock_by_origin_and_destination_2019.csv, UN DESA's table reshaped by "
        "guyabel/stepladderChapter (commit 4a81585e): one row per year and destination, one column per origin. "
        "Estimates at mid-year (1 July). An older revision than the 2020 destination workbook: its figures for "
        "the same year can differ."
    ),
)

EMIGRANTS = DataSet(
    key="undesa-ims-2019-origin",
    label_en="International Migrant Stock 2019 (UN DESA): emigrant stock by country of origin",
    label_zh="2019年国际移民存量（联合国经社部）：按原籍国划分的移民（移出）存量",
    source=SOURCE,
    dimensions=(REF_AREA, REF_PERIOD),
    measures=(ids.term("emigrantStock"),),
    comment="Each origin's emigrant stock is the sum of its column over every destination row of the table but "
    "the five region rows (Caribbean, South America, Melanesia, Micronesia, Polynesia).",
)

CORRIDORS = DataSet(
    key="undesa-ims-2019-corridor",
    label_en="International Migrant Stock 2019 (UN DESA): migrant stock by destination and origin, corridors of at least the threshold",
    label_zh="2019年国际移民存量（联合国经社部）：按目的地和原籍国划分的移民存量（达到阈值的迁移通道）",
    source=SOURCE,
    dimensions=(REF_AREA, ORIGIN_AREA, REF_PERIOD),
    measures=(ids.term("migrantStock"),),
)


@dataclass
class Origins:
    emigrants: dict[tuple[str, int], int]  # (origin name, year) -> persons
    corridors: dict[tuple[str, str, int], int]  # (destination, origin, year) -> persons
    names: set[str]


def read_origins_2019(path: Path, known: set[str], problems: list[Problem]) -> Origins:
    """The table's cells, checked: years, names UN DESA's 2020 workbook knows, counts or '..'."""
    table = read_csv_table(path, problems)
    out = Origins({}, {}, set())
    if table is None:
        return out
    head = table.header
    if head[:2] != ["Year", "Dest"]:
        problems.append(Problem(path, 1, f"the header starts {head[:2]}, expected Year,Dest then one column per origin"))
        return out
    for name in head[2:]:
        if name not in known:
            problems.append(Problem(path, 1, f"origin {name!r} is not an area name of UN DESA's 2020 workbook"))
    emigrants: dict[tuple[str, int], int] = defaultdict(int)
    for line, cells in table.rows:
        year, dest = cells[0], cells[1]
        if not year.isdigit() or int(year) not in YEARS:
            problems.append(Problem(path, line, f"year {year!r} is not one of {', '.join(map(str, YEARS))}"))
            continue
        if dest not in known:
            problems.append(Problem(path, line, f"destination {dest!r} is not an area name of UN DESA's 2020 workbook"))
            continue
        for origin, cell in zip(head[2:], cells[2:]):
            cell = cell.strip()
            if cell in ("..", "-", ""):  # no data; '-' the table's mark for years before the state existed
                continue
            try:
                value = float(cell)
            except ValueError:
                value = -1
            if value < 0 or not value.is_integer():
                problems.append(Problem(path, line, f"{dest} from {origin} in {year}: {cell!r} is not a count of persons"))
                continue
            if dest in REGION_ROWS:
                continue
            y = int(year)
            emigrants[(origin, y)] += int(value)
            out.corridors[(dest, origin, y)] = int(value)
    out.emigrants = dict(emigrants)
    out.names = set(head[2:]) | {cells[1] for _, cells in table.rows}
    return out


def origin_triples(
    data: Origins, code_of: dict[str, str], areas: dict[str, ox.NamedNode], min_corridor: int
) -> tuple[list[ox.Triple], dict]:
    """Emigrant and corridor observations; and what was left out, for the coverage notes."""
    t: list[ox.Triple] = []
    left = {"emigrants": set(), "corridors": defaultdict(lambda: [0, 0]), "unmapped": defaultdict(lambda: [0, 0])}
    n_emigrants = n_corridors = 0
    for (origin, year), persons in sorted(data.emigrants.items()):
        code = code_of[origin]
        if code not in areas:
            left["emigrants"].add(origin)
            continue
        n_emigrants += 1
        t += EMIGRANTS.observation(f"{code}/{year}", areas[code], year, [(ids.term("emigrantStock"), count(persons))])
    for (dest, origin, year), persons in sorted(data.corridors.items()):
        if persons < min_corridor:
            below = left["corridors"][year]
            below[0] += 1 if persons else 0
            below[1] += persons
            continue
        d, o = code_of[dest], code_of[origin]
        if d not in areas or o not in areas:
            gone = left["unmapped"][year]
            gone[0] += 1
            gone[1] += persons
            continue
        n_corridors += 1
        t += CORRIDORS.observation(f"{d}/{o}/{year}", areas[d], year, [(ids.term("migrantStock"), count(persons))], origin=areas[o])
    left["counts"] = (n_emigrants, n_corridors)
    return t, left
