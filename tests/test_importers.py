"""The importers on the real reference tables, and on every kind of bad input."""

from __future__ import annotations

import csv

import pytest

from support import FIXTURES, ROOT, run_cli

REFERENCE = ROOT.parent / "shared" / "reference"
TABLES = sorted((REFERENCE / "untc" / "treaties").glob("*.csv"))
COUNTRIES = REFERENCE / "countries" / "country-codes.csv"
needs_reference = pytest.mark.skipif(not COUNTRIES.is_file(), reason="../shared/reference is not beside the checkout")
# Ten real rows of the country table, so the importers are tested on a fresh clone too.
SMALL_COUNTRIES = FIXTURES / "countries" / "country-codes.csv"


@needs_reference
def test_committed_generated_files_are_up_to_date(tmp_path):
    """Re-running the importers reproduces the committed graph files byte for byte."""
    r = run_cli("import", "countries", str(COUNTRIES), "--out", str(tmp_path / "countries.ttl"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "countries.ttl").read_bytes() == (ROOT / "graph" / "countries.ttl").read_bytes()
    r = run_cli("import", "untc", *map(str, TABLES), "--out", str(tmp_path / "untc"))
    assert r.returncode == 0, r.stderr
    for f in sorted((ROOT / "graph" / "untc").iterdir()):
        assert (tmp_path / "untc" / f.name).read_bytes() == f.read_bytes(), f.name


@needs_reference
def test_every_table_row_becomes_actions(project_kg):
    """Each signature and consent cell of the reference tables is one action in the graph."""
    # Actions on the UN treaties only: the ILO and regional treaties have graph files of their own.
    m = "https://w3id.org/migkg/ontology#"
    q = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{m}TreatyAction> ; <{m}instrument>/<{m}mtdsgNumber> [] }}"
    in_graph = int(next(iter(project_kg.query(q)))["n"].value)
    cells = sum(1 for t in TABLES for row in list(csv.reader(t.open()))[1:] for cell in row[1:] if cell.strip())
    updates = ROOT / "graph" / "treaty-updates.ttl"
    extra = updates.read_text().count("a migkg:TreatyAction") if updates.exists() else 0
    assert in_graph == cells + extra


def test_real_rows_are_read_as_untc_defines_them(project_kg):
    rows = {
        (r["iso3"].value, r["instrument"].value, r["action"].value, r["date"].value, r["marker"].value)
        for r in project_kg.query("""
            PREFIX migkg: <https://w3id.org/migkg/ontology#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?iso3 ?instrument ?action ?date ?marker WHERE {
              ?a migkg:actor/migkg:iso3166Alpha3 ?iso3 ; migkg:instrument/migkg:mtdsgNumber ?instrument ;
                 migkg:actionKind/skos:notation ?action ; migkg:date ?d .
              OPTIONAL { ?a migkg:untcMarker ?m } BIND(STR(?d) AS ?date) BIND(COALESCE(?m, "-") AS ?marker) }""")
    }
    assert ("AFG", "V-2", "accession", "2005-08-30", "a") in rows  # "30 Aug 2005 a"
    assert ("DZA", "V-2", "succession", "1963-02-21", "d") in rows  # "21 Feb 1963 d"
    assert ("AUS", "XVIII-12-a", "ratification", "2005-09-14", "") in rows  # no marker = ratification
    assert ("MNE", "IV-13", "signature", "2006-10-23", "d") in rows  # succession to a signature: a signatory
    assert ("SWZ", "V-2", "accession", "2000-02-14", "a") in rows  # "Swaziland" in UNTC
    assert ("TUR", "XVIII-12", "ratification", "2003-03-25", "") in rows  # "Turkey" in UNTC


def test_eu_is_an_organisation_party_by_approval(project_kg):
    rows = list(
        project_kg.query("""
        PREFIX migkg: <https://w3id.org/migkg/ontology#>
        SELECT ?kind ?marker WHERE { ?a migkg:actor <https://w3id.org/migkg/id/organization/european-union> ;
            migkg:instrument <https://w3id.org/migkg/id/instrument/XVIII-12-b> ; migkg:actionKind ?kind ;
            migkg:untcMarker ?marker }""")
    )
    assert [(r["kind"].value.rsplit("/", 1)[-1], r["marker"].value) for r in rows] == [("approval", "AA")]


def test_declarations_are_attached_to_the_consent(project_kg):
    rows = list(
        project_kg.query("""
        PREFIX migkg: <https://w3id.org/migkg/ontology#>
        SELECT ?text WHERE { <https://w3id.org/migkg/id/action/V-2/CHN/accession-1982-09-24> migkg:hasStatement/migkg:text ?text }""")
    )
    assert len(rows) == 1 and "article 14" in rows[0]["text"].value


def test_states_have_codes_regions_and_bilingual_names(project_kg):
    rows = list(
        project_kg.query("""
        PREFIX migkg: <https://w3id.org/migkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?s WHERE { ?s a migkg:State .
          FILTER(NOT EXISTS { ?s rdfs:label ?en FILTER(LANG(?en) = "en") }
                 || NOT EXISTS { ?s rdfs:label ?zh FILTER(LANG(?zh) = "zh") }) }""")
    )
    assert rows == []
    unlinked = list(
        project_kg.query("""
        PREFIX migkg: <https://w3id.org/migkg/ontology#>
        SELECT ?s WHERE { ?s a migkg:State .
          FILTER(NOT EXISTS { ?s migkg:wikidataEntity ?w } || NOT EXISTS { ?s migkg:geonamesFeature ?g }) }""")
    )
    assert unlinked == []  # every state links to Wikidata and GeoNames
    china = list(
        project_kg.query("""
        PREFIX migkg: <https://w3id.org/migkg/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?zh ?sub ?wd WHERE { <https://w3id.org/migkg/id/state/CHN> rdfs:label ?zh ;
          migkg:subRegion/rdfs:label ?sub ; migkg:wikidataEntity ?wd FILTER(LANG(?zh) = "zh") }""")
    )
    assert [(r["zh"].value, r["sub"].value, r["wd"].value) for r in china] == [
        ("中国", "Eastern Asia", "http://www.wikidata.org/entity/Q148")
    ]


def test_bad_tables_give_one_report_and_write_nothing(tmp_path):
    out = tmp_path / "untc"
    r = run_cli(
        "import", "untc", str(FIXTURES / "untc" / "bad" / "treaties" / "5-2.csv"),
        "--countries", str(SMALL_COUNTRIES), "--out", str(out),
    )
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    bad = str(FIXTURES / "untc" / "bad" / "treaties" / "5-2.csv")
    for needle in (
        f"{bad}:3: unknown participant 'Swazyland' (closest known names: Swaziland",
        f"{bad}:5: duplicate row for 'Albania'",
        f"{bad}:6: cannot read the consent cell '31 Feb 1963 d'",
        f"{bad}:7: cannot read the consent cell 'sometime in 1981'",
        f"{bad}:8: consent of 'Australia' dated 1950-01-22 is before the instrument was adopted (1951-07-28)",
        "5-2.txt:4: unknown participant 'Atlantis'",
        "no graph file was written",
    ):
        assert needle in r.stderr, needle
    assert not out.exists()


def test_small_tables_import_without_the_reference_folder(tmp_path):
    """The importers on the ten-row country table and a three-row UNTC table written here."""
    r = run_cli("import", "countries", str(SMALL_COUNTRIES), "--out", str(tmp_path / "countries.ttl"))
    assert r.returncode == 0, r.stderr
    import rdflib

    g = rdflib.Graph().parse(tmp_path / "countries.ttl")
    m = "https://w3id.org/migkg/ontology#"
    states = {str(o) for o in g.objects(None, rdflib.URIRef(m + "iso3166Alpha3"))}
    assert {"AFG", "AUS", "CHN", "USA"} <= states and "ALA" not in states  # Åland is part of Finland
    table = tmp_path / "treaties" / "5-2.csv"
    table.parent.mkdir()
    table.write_text(
        'Participant,Signature,"Accession(a), Succession(d), Ratification"\n'
        "Afghanistan,,30 Aug 2005 a\nAustralia,,22 Jan 1954 a\nAlgeria,,21 Feb 1963 d\n",
        encoding="utf-8",
    )
    r = run_cli("import", "untc", str(table), "--countries", str(SMALL_COUNTRIES), "--out", str(tmp_path / "untc"))
    assert r.returncode == 0, r.stderr
    g = rdflib.Graph().parse(tmp_path / "untc" / "V-2.ttl")
    rows = {
        (str(g.value(a, rdflib.URIRef(m + "actor"))).rsplit("/", 1)[-1], str(g.value(a, rdflib.URIRef(m + "date"))))
        for a in g.subjects(rdflib.RDF.type, rdflib.URIRef(m + "TreatyAction"))
    }
    assert rows == {("AFG", "2005-08-30"), ("AUS", "1954-01-22"), ("DZA", "1963-02-21")}


def test_table_for_unknown_instrument(tmp_path):
    odd = tmp_path / "9-99.csv"
    odd.write_text("Participant,Signature,Ratification\nAfghanistan,,1 Jan 2000\n")
    r = run_cli("import", "untc", str(odd), "--countries", str(SMALL_COUNTRIES), "--out", str(tmp_path / "out"))
    assert r.returncode == 1 and "no treaty with MTDSG number IX-99" in r.stderr
    assert not (tmp_path / "out").exists()


@needs_reference
def test_party_counts_equal_tables_plus_cited_updates():
    """Derived parties per treaty = consents in the UNTC table + consents cited after it (no denunciations yet)."""
    import rdflib

    from migkg.steps.derive import derive
    from migkg.core.queries import QueryCatalog
    from migkg.core.store import KnowledgeGraph

    from conftest import PROJECT

    expected = {}
    for t in TABLES:
        from migkg.importers.untc import mtdsg_number

        rows = list(csv.reader(t.open(encoding="utf-8")))[1:]
        expected[mtdsg_number(t)] = {r[0] for r in rows if r and r[-1].strip()}
    updates = rdflib.Graph().parse(ROOT / "graph" / "treaty-updates.ttl")
    consent = {"ratification", "acceptance", "approval", "accession", "succession"}
    m = "https://w3id.org/migkg/ontology#"
    new = {}
    for a in updates.subjects(rdflib.URIRef(m + "actionKind"), None):
        if str(updates.value(a, rdflib.URIRef(m + "actionKind"))).rsplit("/", 1)[-1] in consent:
            mt = str(updates.value(a, rdflib.URIRef(m + "instrument"))).rsplit("/", 1)[-1]
            new.setdefault(mt, set()).add(str(updates.value(a, rdflib.URIRef(m + "actor"))))
    kg = KnowledgeGraph.from_project(PROJECT)
    derive(kg, QueryCatalog(PROJECT))
    q = f"SELECT ?t (COUNT(DISTINCT ?a) AS ?n) WHERE {{ ?a <{m}partyTo>/<{m}mtdsgNumber> ?t }} GROUP BY ?t"
    derived = {r["t"].value: int(r["n"].value) for r in kg.query(q)}
    for mt, parties in expected.items():
        assert derived[mt] == len(parties) + len(new.get(mt, ())), mt
