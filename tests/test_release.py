"""`migkg release` and `migkg diff`: a complete, checksummed release of the real graph, refused over
an older one unless asked, and the differences between two graphs listed by event and resource."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from migkg.core.errors import MigkgError, QueryError
from migkg.core.queries import parse_query_text
from migkg.core.results import to_csv
from migkg.diff import NotABuild, OntologyMismatch, diff_graphs, load_graph
from migkg.outputs.graphfiles import write_graph_files
from migkg.outputs.tables import release_tables
from migkg.release import ReleaseExists, read_manifest, verify_release, write_release

pytestmark = pytest.mark.slow  # validates and writes the real graph in every format, twice

M = "https://w3id.org/migkg/ontology#"
ACTION = "https://w3id.org/migkg/id/action/V-2/AFG/accession-2005-08-30"
TRANSFER = "https://w3id.org/migkg/id/transfer/2012-09-14-AUS-NRU"
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")


@pytest.fixture(scope="module")
def released(project_ws, tmp_path_factory):
    out = tmp_path_factory.mktemp("releases")
    return out, write_release(project_ws, out, today="2026-01-01")


def test_the_release_holds_graph_tables_ontology_description_and_notes(released, project_ws):
    _, r = released
    folder = r.folder
    assert folder.name == "migkg-2026-01-01"
    tables = [t.name for t in release_tables(project_ws.graph, project_ws.catalog)]
    expected = {"data/migkg.ttl", "data/migkg.nt.gz", "data/migkg.jsonld", "ontology/migkg.ttl", "ontology/vocabularies.ttl",
                "ontology/shapes.ttl", "void.ttl",
                "RELEASE-NOTES.md", "release.json", "SHA256SUMS", "tables/dictionary.csv"}
    expected |= {f"tables/{t}.csv" for t in tables}
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == expected
    g = ox.Dataset(ox.parse(path=str(folder / "data" / "migkg.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(g) == r.triples == len(project_ws.graph)
    assert load_graph(folder).store.__len__() == r.triples  # the gzip N-Triples holds the same graph


def test_every_file_is_checksummed_in_the_manifest_the_sums_and_the_void(released):
    _, r = released
    assert verify_release(r.folder) == []
    manifest = read_manifest(r.folder)
    sums = dict(reversed(line.split("  ", 1)) for line in (r.folder / "SHA256SUMS").read_text().splitlines())
    assert {p: m["sha256"] for p, m in manifest["files"].items()} == {p: h for p, h in sums.items() if p != "release.json"}
    void = rdflib.Graph().parse(r.folder / "void.ttl")
    in_void = {str(void.value(d, DCT.identifier)): str(void.value(void.value(d, SPDX.checksum), SPDX.checksumValue))
               for d in void.objects(None, DCAT.distribution)}
    assert in_void == {p: h for p, h in sums.items() if p not in ("void.ttl", "RELEASE-NOTES.md", "release.json")}
    # A changed byte is found.
    table = r.folder / "tables" / "transfers.csv"
    original = table.read_bytes()
    try:
        table.write_bytes(original.replace(b"2012", b"2013", 1))
        assert verify_release(r.folder) == ["tables/transfers.csv"]
    finally:
        table.write_bytes(original)


def test_the_description_dates_each_instrument_and_the_ontology_version(released, project_ws):
    _, r = released
    void = rdflib.Graph().parse(r.folder / "void.ttl")
    as_of = {str(void.value(c, rdflib.URIRef(M + "treaty"))) for c in void.subjects(rdflib.RDF.type, rdflib.URIRef(M + "TreatyStatusCoverage"))}
    assert len(as_of) == len(project_ws.currency.rows) > 10
    manifest = read_manifest(r.folder)
    assert re.fullmatch(r"https://w3id.org/migkg/ontology/\d{4}-\d{2}-\d{2}", manifest["ontology_version"])
    notes = (r.folder / "RELEASE-NOTES.md").read_text()
    for mtdsg, table_as_of, *_ in project_ws.currency.rows:
        assert f"| {mtdsg} | {table_as_of} |" in notes
    assert "first release in this folder" in notes


def test_every_table_column_is_explained_in_the_dictionary(released, project_ws):
    _, r = released
    rows = list(csv.DictReader(io.StringIO((r.folder / "tables" / "dictionary.csv").read_text())))
    explained = {(d["table"], d["column"]) for d in rows if d["description"].strip()}
    for t in release_tables(project_ws.graph, project_ws.catalog):
        header = next(csv.reader(io.StringIO((r.folder / "tables" / f"{t.name}.csv").read_text())))
        assert header == t.table.columns
        assert {(t.name, c) for c in header} <= explained, t.name
        assert (r.folder / "tables" / f"{t.name}.csv").read_text() == to_csv(t.table)


def test_observation_areas_are_the_areas_codes(project_ws):
    # The table reads an area's code from its IRI (see queries/release/70-observations.rq): it must
    # be the state's ISO alpha-3 code, or a region's M49 code.
    codes = {r["a"].value: r["c"].value for r in project_ws.graph.query(f"""
        SELECT ?a (COALESCE(?iso3, ?m49) AS ?c) WHERE {{
          {{ SELECT DISTINCT ?a WHERE {{ ?o <http://purl.org/linked-data/sdmx/2009/dimension#refArea> ?a }} }}
          OPTIONAL {{ ?a <{M}iso3166Alpha3> ?iso3 }} OPTIONAL {{ ?a <{M}m49Code> ?m49 }} }}""")}
    (obs,) = [t for t in release_tables(project_ws.graph, project_ws.catalog) if t.name == "observations"]
    assert {r[2] for r in obs.table.rows} == set(codes.values()) and len(codes) > 200


def test_every_release_table_row_has_a_key_of_its_own(project_ws):
    for t in release_tables(project_ws.graph, project_ws.catalog):
        assert len(t.keyed()) == len(t.table.rows), t.name


def test_a_release_of_the_same_date_is_refused_then_replaced_wholly_when_asked(released, project_ws):
    out, r = released
    before = verify_release(r.folder), (r.folder / "release.json").read_bytes()
    with pytest.raises(ReleaseExists, match="already holds release 2026-01-01"):
        write_release(project_ws, out, today="2026-01-01")
    assert (verify_release(r.folder), (r.folder / "release.json").read_bytes()) == before
    (r.folder / "stray.txt").write_text("left by hand")
    again = write_release(project_ws, out, today="2026-01-01", replace=True)
    assert not (again.folder / "stray.txt").exists() and verify_release(again.folder) == []


def test_a_release_into_a_release_folder_is_refused_before_any_work(released):
    _, r = released
    run = subprocess.run([sys.executable, "-m", "migkg", "release", "--out", str(r.folder)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is itself a release (2026-01-01)" in run.stderr and "Traceback" not in run.stderr
    assert verify_release(r.folder) == [] and not list(r.folder.glob("migkg-*"))


def test_a_later_release_notes_its_changes_since_the_previous_one(released, project_ws):
    out, _ = released
    later = write_release(project_ws, out, today="2026-02-01")
    notes = (later.folder / "RELEASE-NOTES.md").read_text()
    assert "No differences between" in notes and "migkg-2026-01-01" in notes
    assert read_manifest(later.folder)["previous"].endswith("migkg-2026-01-01")


# --- diff ---------------------------------------------------------------------------------------

def _changed_copy(project_ws):
    """The project graph with one action re-dated, one transfer removed, one membership added."""
    new = load_graph_from(project_ws)
    new.store.update(f"""
      DELETE {{ <{ACTION}> <{M}date> ?d }} INSERT {{ <{ACTION}> <{M}date> "2005-08-31"^^<http://www.w3.org/2001/XMLSchema#date> }}
      WHERE {{ <{ACTION}> <{M}date> ?d }} ;
      DELETE {{ <{TRANSFER}> ?p ?o }} WHERE {{ <{TRANSFER}> ?p ?o }} ;
      INSERT DATA {{
        <https://w3id.org/migkg/id/membership/test/CHN> a <{M}Membership> ;
          <{M}member> <https://w3id.org/migkg/id/state/CHN> ;
          <{M}forum> <https://w3id.org/migkg/id/forum/bali-process> ;
          <{M}role> <https://w3id.org/migkg/id/membership-role/observer> }}""")
    return new


def load_graph_from(ws):
    from migkg.core.store import KnowledgeGraph

    kg = KnowledgeGraph()
    kg.store.load(ws.graph.ntriples(), format=ox.RdfFormat.N_TRIPLES)
    return kg


def test_diff_lists_the_redated_action_the_removed_transfer_and_the_added_membership(project_ws):
    old, new = load_graph_from(project_ws), _changed_copy(project_ws)
    changes = diff_graphs(old, new, project_ws.catalog)
    found = {(c.table, c.key, c.change, c.column, c.old, c.new) for c in changes}
    assert ("treaty-actions", ACTION, "changed", "date", "2005-08-30", "2005-08-31") in found
    assert ("transfers", TRANSFER, "removed", "", "", "") in found
    assert ("memberships", "https://w3id.org/migkg/id/membership/test/CHN", "added", "", "", "") in found
    assert len(changes) == 3
    back = diff_graphs(new, old, project_ws.catalog)  # the other way round: the mirror image
    assert {(c.table, c.key, c.change) for c in back} == {
        ("treaty-actions", ACTION, "changed"), ("transfers", TRANSFER, "added"),
        ("memberships", "https://w3id.org/migkg/id/membership/test/CHN", "removed")}


def test_diff_refuses_graphs_whose_ontology_renamed_a_term(project_ws):
    old, new = load_graph_from(project_ws), load_graph_from(project_ws)
    new.store.update(f"""DELETE {{ <{M}headCount> ?p ?o }} INSERT {{ <{M}personCount> ?p ?o }}
                         WHERE {{ <{M}headCount> ?p ?o }}""")
    with pytest.raises(OntologyMismatch, match="lacks 1 term.*migkg:headCount"):
        diff_graphs(old, new, project_ws.catalog)


def test_migkg_diff_compares_a_release_with_a_build_and_writes_markdown_and_csv(released, project_ws, tmp_path):
    _, r = released
    build = tmp_path / "build"
    build.mkdir()
    write_graph_files(_changed_copy(project_ws), build)
    out = tmp_path / "diff"
    run = subprocess.run([sys.executable, "-m", "migkg", "diff", str(r.folder), str(build), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "| treaty-actions | 0 | 0 | 1 |" in run.stdout and (out / "diff.md").read_text() in run.stdout + "\n"
    rows = list(csv.DictReader(io.StringIO((out / "diff.csv").read_text())))
    assert {(d["table"], d["change"]) for d in rows} == {("treaty-actions", "changed"), ("transfers", "removed"),
                                                        ("memberships", "added")}


def test_migkg_diff_on_a_folder_that_is_not_a_build(tmp_path, released):
    _, r = released
    with pytest.raises(NotABuild):
        load_graph(tmp_path)
    run = subprocess.run([sys.executable, "-m", "migkg", "diff", str(tmp_path), str(r.folder)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2 and "is not a migkg build or release" in run.stderr and "Traceback" not in run.stderr


def test_the_manifest_is_json_with_the_package_version(released):
    import migkg

    _, r = released
    manifest = json.loads((r.folder / "release.json").read_text())
    assert manifest["migkg"] == migkg.__version__ and manifest["version"] == "2026-01-01"


def test_a_release_whose_graph_file_is_not_gzip_is_a_clear_error(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "migkg.nt.gz").write_bytes(b"not gzip at all")
    with pytest.raises(MigkgError, match="not a readable gzip file"):
        load_graph(tmp_path)


def test_a_malformed_column_header_names_file_and_line():
    with pytest.raises(QueryError, match=r"t\.rq:2: malformed column header"):
        parse_query_text("# title: T\n# column: iso3 without a description\nSELECT * {}", "release", "t",
                         Path("t.rq"))
