"""UNHCR refugees and asylum-seekers by origin, country of asylum and year, as Data Cube observations.

The file (assembled from UNHCR's Refugee Data Finder by guyabel/stepladderChapter) has one row per
year, origin and country of asylum, both as ISO 3166 alpha-3 codes, with the refugees and the
asylum-seekers at the end of the year; 1995-2018 and 2020 (it has no 2019 rows).

Three things come out of it:
- per state and year, the refugees and asylum-seekers it hosts (the sum over every origin,
  including rows whose origin is not given) and those originating from it (the sum over every
  country of asylum);
- the corridors of at least `min_corridor` refugees (default 10,000), with the origin as a further
  dimension; the coverage notes count what the threshold left out.
Codes the graph has no state for are listed in the kept table unhcr_codes.csv: a code in neither
is an error, so that a typo cannot quietly drop a country's refugees.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from .cube import ORIGIN_AREA, REF_AREA, REF_PERIOD, DataSet, Source, count
from .generated import Problem, read_csv_table

COLUMNS = ["year", "orig", "dest", "refugees", "asylum_seekers"]
YEARS = tuple(range(1995, 2019)) + (2020,)
DEFAULT_MIN_CORRIDOR = 10_000
CODES = Path(__file__).with_name("unhcr_codes.csv")

SOURCE = Source(
    key="unhcr-refugee-data-finder",
    title="UNHCR Refugee Data Finder: refugees and asylum-seekers by country of origin and country of asylum, 1995-2020",
    publisher="Office of the United Nations High Commissioner for Refugees (UNHCR)",
    licence="https://creativecommons.org/licenses/by/4.0/",
    url="https://www.unhcr.org/refugee-statistics/download/",
    as_of="2020-12-31",
    comment=(
        "Read from unhcr_refugees_asylum_seekers_by_origin_destination_1995-2020.csv, assembled from the Refugee "
        "Data Finder by guyabel/stepladderChapter (commit 4a81585e). Figures at the end of each year; no 2019 rows. "
        "Refugees under UNHCR's mandate (Palestine refugees under UNRWA's mandate are not in the file)."
    ),
)

MEASURES = ("refugeesHosted", "asylumSeekersHosted", "refugeesOriginating", "asylumSeekersOriginating")

BY_STATE = DataSet(
    key="unhcr-refugees",
    label_en="UNHCR: refugees and asylum-seekers hosted by and originating from each state, end of year",
    label_zh="联合国难民署：各国收容及来自各国的难民与寻求庇护者（年末）",
    source=SOURCE,
    dimensions=(REF_AREA, REF_PERIOD),
    measures=tuple(ids.term(m) for m in MEASURES),
    comment="Hosted: the sum over every origin (rows with no origin given included); originating: the sum over every country of asylum.",
)

CORRIDORS = DataSet(
    key="unhcr-refugee-corridor",
    label_en="UNHCR: refugees and asylum-seekers by country of asylum and origin, corridors of at least the threshold",
    label_zh="联合国难民署：按庇护国和原籍国划分的难民与寻求庇护者（达到阈值的通道）",
    source=SOURCE,
    dimensions=(REF_AREA, ORIGIN_AREA, REF_PERIOD),
    measures=(ids.term("refugeesHosted"), ids.term("asylumSeekersHosted")),
)


@dataclass(frozen=True)
class Flow:
    line: int
    year: int
    orig: str
    dest: str
    refugees: int | None
    asylum_seekers: int | None


def read_known_codes(path: Path = CODES) -> dict[str, str]:
    with path.open(encoding="utf-8", newline="") as f:
        return {r["code"]: r["note"] for r in csv.DictReader(f)}


def _count(cell: str, what: str, line: int, path: Path, problems: list[Problem]) -> int | None:
    cell = cell.strip()
    if cell in ("", "NA"):  # the file's mark for no figure
        return None
    if not cell.isdigit():
        problems.append(Problem(path, line, f"{what} {cell!r} is not a count of persons (nor NA for none given)"))
        return None
    return int(cell)


def read_unhcr(path: Path, actors: set[str], problems: list[Problem]) -> list[Flow]:
    table = read_csv_table(path, problems)
    if table is None:
        return []
    if table.header != COLUMNS:
        problems.append(Problem(path, 1, f"the header is {','.join(table.header)}; expected {','.join(COLUMNS)}"))
        return []
    known = read_known_codes()
    flows = []
    for line, (year, orig, dest, refugees, asylum) in table.rows:
        if not year.isdigit() or int(year) not in YEARS:
            problems.append(Problem(path, line, f"year {year!r} is not one of the file's years (1995-2018, 2020)"))
            continue
        bad = [f"{what} {code!r}" for what, code in (("origin", orig), ("country of asylum", dest))
               if code not in actors and code not in known]
        if bad:
            problems.append(Problem(path, line, f"{' and '.join(bad)}: no state of the graph "
                                    "has this ISO alpha-3 code and it is not in src/migkg/importers/unhcr_codes.csv"))
            continue
        r = _count(refugees, "refugees", line, path, problems)
        a = _count(asylum, "asylum-seekers", line, path, problems)
        flows.append(Flow(line, int(year), orig, dest, r, a))
    return flows


def unhcr_triples(flows: list[Flow], actors: dict[str, ox.NamedNode], min_corridor: int) -> tuple[list[ox.Triple], dict]:
    totals: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    left = {"corridors": defaultdict(lambda: [0, 0]), "unmapped": defaultdict(lambda: [0, 0])}
    t: list[ox.Triple] = []
    n_corridors = 0
    for f in flows:
        for code, measure, value in (
            (f.dest, "refugeesHosted", f.refugees),
            (f.dest, "asylumSeekersHosted", f.asylum_seekers),
            (f.orig, "refugeesOriginating", f.refugees),
            (f.orig, "asylumSeekersOriginating", f.asylum_seekers),
        ):
            if value is None:
                continue
            if code in actors:
                totals[(code, f.year)][measure] += value
            else:  # [refugees, asylum-seekers] of rows naming this code as origin or country of asylum
                left["unmapped"][code][0 if measure.startswith("refugees") else 1] += value
        if f.orig == f.dest or f.orig not in actors or f.dest not in actors:
            continue
        if (f.refugees or 0) < min_corridor:
            if f.refugees:
                left["corridors"][f.year][0] += 1
                left["corridors"][f.year][1] += f.refugees
            continue
        values = [(ids.term("refugeesHosted"), count(f.refugees))]
        if f.asylum_seekers is not None:
            values.append((ids.term("asylumSeekersHosted"), count(f.asylum_seekers)))
        n_corridors += 1
        t += CORRIDORS.observation(f"{f.dest}/{f.orig}/{f.year}", actors[f.dest], f.year, values, origin=actors[f.orig])
    for (code, year), measures in sorted(totals.items()):
        values = [(ids.term(m), count(measures[m])) for m in MEASURES if m in measures]
        t += BY_STATE.observation(f"{code}/{year}", actors[code], year, values)
    left["counts"] = (len(totals), n_corridors)
    return t, left
