"""States from the country-codes reference table (datasets/country-codes).

Which rows become states: every row with UNTERM names (the UN's terminology database
lists the 193 member states, the two observer states marked '*', and the Cook Islands
and Niue marked '**'), plus the member states whose UNTERM names the table lacks. Those
few take their names from the table's official_name_* or CLDR columns.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import MigkgError
from ..project import ID_NS, ONTOLOGY_NS
from .generated import lit

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SOURCE = ox.NamedNode(ID_NS + "source/country-codes")

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


def m(term: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY_NS + term)


def clean_name(name: str) -> str:
    return _ARTICLE.sub("", _STARS.sub("", name.strip())).strip()


def wikidata_entity(url: str) -> str | None:
    """https://www.wikidata.org/wiki/Q148 -> http://www.wikidata.org/entity/Q148"""
    found = re.search(r"(Q[0-9]+)$", url.strip())
    return f"http://www.wikidata.org/entity/{found.group(1)}" if found else None


@dataclass
class CountryRow:
    iso3: str
    row: dict

    def short_name(self, lang_col: str, official_col: str) -> str:
        name = self.row.get(f"UNTERM {lang_col} Short", "").strip()
        if not name:
            name = self.row.get(f"official_name_{official_col}", "").strip()
            if lang_col == "English" and self.row.get("CLDR display name"):
                # official_name_en can hold an exonym ("Ivory Coast"); CLDR follows the state's own usage.
                name = self.row["CLDR display name"].strip()
        return clean_name(name)


def read_country_rows(path: Path) -> list[CountryRow]:
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
            if missing:
                raise MigkgError(f"{path}: not a country-codes table; missing columns {', '.join(sorted(missing))}")
            rows = list(reader)
    except OSError as e:
        raise MigkgError(f"{path}: cannot read ({e.strerror})") from None
    return [CountryRow(r["ISO3166-1-Alpha-3"].strip(), r) for r in rows if r["ISO3166-1-Alpha-3"].strip()]


def is_un_state(c: CountryRow) -> bool:
    return bool(c.row["UNTERM English Short"].strip()) or c.iso3 in MEMBERS_WITHOUT_UNTERM_NAMES


def area(code: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID_NS}m49/{int(code):03d}")


def state_triples(c: CountryRow) -> list[ox.Triple]:
    s = ox.NamedNode(f"{ID_NS}state/{c.iso3}")
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
        for code_col, name_col in (
            ("Region Code", "Region Name"),
            ("Sub-region Code", "Sub-region Name"),
            ("Intermediate Region Code", "Intermediate Region Name"),
        ):
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


def import_countries(path: Path, also: set[str] = frozenset()) -> tuple[list[ox.Triple], list[CountryRow]]:
    """Triples for the UN's states (and any extra ISO alpha-3 codes asked for), with their M49 areas."""
    rows = [c for c in read_country_rows(path) if is_un_state(c) or c.iso3 in also]
    triples = [t for c in rows for t in state_triples(c)] + area_triples(rows)
    return triples, rows
