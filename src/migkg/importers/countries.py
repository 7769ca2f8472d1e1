"""States from the country-codes reference table (datasets/country-codes).

Which rows become states: every row with UNTERM names (the UN's terminology database
lists the 193 member states, the two observer states marked '*', and the Cook Islands
and Niue marked '**'), plus the member states whose UNTERM names the table lacks. Those
few take their names from the table's official_name_* or CLDR columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core import ids
from .generated import Problem, lit, read_csv_table, shown

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SOURCE = ids.source("country-codes")

# UN member states whose UNTERM names are missing from the reference table (checked 2026-11-22).
MEMBERS_WITHOUT_UNTERM_NAMES = {"CIV", "TUR"}

LANGUAGES = [
    ("en", "English", "en"),
    ("zh", "Chinese", "cn"),
    ("fr", "French", "fr"),
    ("es", "Spanish", "es"),
    ("ru", "Russian", "ru"),
    ("ar", "Arabic", "ar"),
]
_ARTICLE = re.compile(r"\s*\((the|l'|la|le|les|el|los|las)\)$")
_STARS = re.compile(r"\s*\*+$")
REQUIRED_COLUMNS = {
    "ISO3166-1-Alpha-3",
    "ISO3166-1-Alpha-2",
    "ISO3166-1-numeric",
    "M49",
    "Region Code",
    "Region Name",
    "Sub-region Code",
    "Sub-region Name",
    "Intermediate Region Code",
    "Intermediate Region Name",
    "Geoname ID",
    "wikidata_id",
    "UNTERM English Short",
}


m = ids.term  # the ontology's terms, closed: a misspelling fails at once


def clean_name(name: str) -> str:
    return _ARTICLE.sub("", _STARS.sub("", name.strip())).strip()


_WIKIDATA = re.compile(r"(?:https?://www\.wikidata\.org/(?:wiki|entity)/)?(Q[1-9][0-9]*)")
# What each code column must hold, so a typo is reported rather than turned into a bad IRI or a crash.
CODE_COLUMNS = [
    ("ISO3166-1-Alpha-3", re.compile(r"[A-Z]{3}"), "three capital letters, e.g. AFG"),
    ("ISO3166-1-Alpha-2", re.compile(r"[A-Z]{2}"), "two capital letters, e.g. AF"),
    ("ISO3166-1-numeric", re.compile(r"[0-9]{1,3}"), "a number of up to three digits, e.g. 4"),
    ("M49", re.compile(r"[0-9]{1,3}"), "a number of up to three digits, e.g. 4"),
    ("Global Code", re.compile(r"[0-9]{1,3}"), "the M49 code of the world, 1"),
    ("Region Code", re.compile(r"[0-9]{1,3}"), "an M49 code of up to three digits, e.g. 142"),
    ("Sub-region Code", re.compile(r"[0-9]{1,3}"), "an M49 code of up to three digits, e.g. 34"),
    ("Intermediate Region Code", re.compile(r"[0-9]{1,3}"), "an M49 code of up to three digits, e.g. 14"),
    ("Geoname ID", re.compile(r"[1-9][0-9]{0,11}"), "a GeoNames number, e.g. 1149361"),
    ("wikidata_id", _WIKIDATA, "a Wikidata item, e.g. https://www.wikidata.org/wiki/Q889"),
]
AREA_COLUMNS = [
    ("Global Code", "Global Name"),  # the world (001), which UN DESA's statistics report on
    ("Region Code", "Region Name"),
    ("Sub-region Code", "Sub-region Name"),
    ("Intermediate Region Code", "Intermediate Region Name"),
]


def wikidata_entity(url: str) -> str | None:
    """https://www.wikidata.org/wiki/Q148 -> http://www.wikidata.org/entity/Q148"""
    found = _WIKIDATA.fullmatch(url.strip())
    return f"http://www.wikidata.org/entity/{found.group(1)}" if found else None


@dataclass
class CountryRow:
    iso3: str
    row: dict
    line: int = 0  # where the row is in the input table, for messages

    def short_name(self, lang_col: str, official_col: str) -> str:
        name = self.row.get(f"UNTERM {lang_col} Short", "").strip()
        if not name:
            name = self.row.get(f"official_name_{official_col}", "").strip()
            if lang_col == "English" and self.row.get("CLDR display name"):
                # official_name_en can hold an exonym ("Ivory Coast"); CLDR follows the state's own usage.
                name = self.row["CLDR display name"].strip()
        return clean_name(name)


def read_country_rows(path: Path, problems: list[Problem]) -> list[CountryRow]:
    """Every row of the table that has an ISO alpha-3 code; what is wrong with any row goes to `problems`."""
    table = read_csv_table(path, problems)
    if table is None:
        return []
    missing = REQUIRED_COLUMNS - set(table.header)
    if missing:
        problems.append(
            Problem(
                path,
                1,
                f"not a country-codes table: the header lacks the columns {', '.join(sorted(missing))} "
                "(give the country-codes.csv of datasets/country-codes)",
            )
        )
        return []
    twice = sorted({h for h in table.header if h in REQUIRED_COLUMNS and table.header.count(h) > 1})
    if twice:  # a row would keep only the last of the two cells, silently
        problems.append(Problem(path, 1, f"the header has the column(s) {', '.join(twice)} twice; keep one of each"))
        return []
    rows: list[CountryRow] = []
    first_line: dict[str, int] = {}
    area_names: dict[str, tuple[str, int]] = {}
    for line, cells in table.rows:
        r = dict(zip(table.header, cells))
        iso3 = r["ISO3166-1-Alpha-3"].strip()
        if not iso3:
            if r["UNTERM English Short"].strip():  # a UN state's row; without the code it would silently vanish
                name = shown(r["UNTERM English Short"].strip())
                problems.append(Problem(path, line, f"{name} has no ISO3166-1-Alpha-3 code; add it"))
            continue  # other rows without a code are territories this importer does not use
        bad = False
        for col, pattern, expected in CODE_COLUMNS:
            value = r[col].strip()
            if value and not pattern.fullmatch(value):
                problems.append(Problem(path, line, f"column {col}: {shown(value)} is not {expected}"))
                bad = True
        if bad:
            continue
        if iso3 in first_line:
            problems.append(
                Problem(
                    path, line, f"a second row for {iso3} (the first is on line {first_line[iso3]}); keep one of them"
                )
            )
            continue
        first_line[iso3] = line
        for code_col, name_col in AREA_COLUMNS:
            code, name = r[code_col].strip(), r[name_col].strip()
            if code and name:
                seen = area_names.setdefault(f"{int(code):03d}", (name, line))
                if seen[0] != name:
                    problems.append(
                        Problem(
                            path,
                            line,
                            f"column {name_col}: area {code} is named {shown(name)} here "
                            f"but {shown(seen[0])} on line {seen[1]}; one area needs one name",
                        )
                    )
        rows.append(CountryRow(iso3, r, line))
    return rows


def is_un_state(c: CountryRow) -> bool:
    return bool(c.row["UNTERM English Short"].strip()) or c.iso3 in MEMBERS_WITHOUT_UNTERM_NAMES


def area(code: str) -> ox.NamedNode:
    return ids.m49(code)


def state_triples(c: CountryRow) -> list[ox.Triple]:
    s = ids.state(c.iso3)
    r = c.row
    t = [
        ox.Triple(s, RDF_TYPE, m("State")),
        ox.Triple(s, m("source"), SOURCE),
        ox.Triple(s, m("iso3166Alpha3"), lit(c.iso3)),
    ]
    for lang, col, official in LANGUAGES:
        short = c.short_name(col, official)
        if short:
            t.append(ox.Triple(s, RDFS_LABEL, lit(short, lang=lang)))
        formal = _STARS.sub("", r.get(f"UNTERM {col} Formal", "")).strip()
        if formal:
            t.append(ox.Triple(s, m("formalName"), lit(formal, lang=lang)))
    if r["ISO3166-1-Alpha-2"].strip():
        t.append(ox.Triple(s, m("iso3166Alpha2"), lit(r["ISO3166-1-Alpha-2"].strip())))
    if r["ISO3166-1-numeric"].strip():
        t.append(ox.Triple(s, m("iso3166Numeric"), lit(f"{int(r['ISO3166-1-numeric']):03d}")))
    if r["M49"].strip():
        t.append(ox.Triple(s, m("m49Code"), lit(f"{int(r['M49']):03d}")))
    for prop, col in (
        ("region", "Region Code"),
        ("subRegion", "Sub-region Code"),
        ("intermediateRegion", "Intermediate Region Code"),
    ):
        if r[col].strip():
            t.append(ox.Triple(s, m(prop), area(r[col])))
    if r["Geoname ID"].strip():
        gid = r["Geoname ID"].strip()
        t.append(ox.Triple(s, m("geonamesId"), lit(gid)))
        t.append(ox.Triple(s, m("geonamesFeature"), ox.NamedNode(f"https://sws.geonames.org/{gid}/")))
    qid = wikidata_entity(r["wikidata_id"])
    if qid:
        t.append(ox.Triple(s, m("wikidataEntity"), ox.NamedNode(qid)))
    return t


def area_triples(rows: list[CountryRow]) -> list[ox.Triple]:
    t = []
    for c in rows:
        for code_col, name_col in AREA_COLUMNS:
            code, name = c.row[code_col].strip(), c.row[name_col].strip()
            if code and name:
                a = area(code)
                t += [
                    ox.Triple(a, RDF_TYPE, m("GeographicArea")),
                    ox.Triple(a, RDFS_LABEL, lit(name, lang="en")),
                    ox.Triple(a, m("m49Code"), lit(f"{int(code):03d}")),
                    ox.Triple(a, m("source"), SOURCE),
                ]
    return t


def import_countries(
    path: Path, problems: list[Problem], also: set[str] = frozenset()
) -> tuple[list[ox.Triple], list[CountryRow]]:
    """Triples for the UN's states (and any extra ISO alpha-3 codes asked for), with their M49 areas.

    Check `problems` before using the result: the triples are only meaningful if it stayed empty.
    """
    read = read_country_rows(path, problems)
    rows = [c for c in read if is_un_state(c) or c.iso3 in also]
    if not rows and not problems:
        problems.append(
            Problem(
                path,
                None,
                "no row of the table is a UN member or observer state (none has 'UNTERM English Short'); "
                "refusing to write an empty graph file (give the full country-codes table)",
            )
        )
    if problems:
        return [], []
    triples = [t for c in rows for t in state_triples(c)] + area_triples(rows)
    return triples, rows
