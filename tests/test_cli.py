"""The command line as a user meets it: a separate process, real files, exit codes and messages."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path

import pytest

from support import FIXTURES, PROJECT, ROOT, run_cli

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

BAD = FIXTURES / "bad-input"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    r = run_cli("build", "--out", str(out))
    assert r.returncode == 0, r.stderr
    return out


def test_build_writes_graph_and_report(built):
    names = sorted(p.name for p in built.iterdir())
    assert (built / "analysis" / "centrality-forums.csv").is_file()
    assert names == [
        "analysis",
        "analysis.md",
        "arrangements.html",
        "forums",
        "forums.html",
        "index.html",
        "map.html",
        "matrix.html",
        "migkg.jsonld",
        "migkg.nt",
        "migkg.ttl",
        "ontology",
        "report.md",
        "states",
        "timeline.html",
        "treaties.html",
    ]
    assert (built / "states" / "CHN.html").is_file() and (built / "forums" / "bali-process.html").is_file()
    assert (built / "ontology" / "index.html").is_file() and (built / "ontology" / "index.zh.html").is_file()
    report = (built / "report.md").read_text(encoding="utf-8")
    assert "## Resources per class" in report and "No violations" in report
    assert "2013-07-06" in report  # the as-of date of the 1951 Convention's status table
    assert "## World map coverage" in report  # what the map could not join is listed, not hidden
    # Every forum is listed with whether its membership list is complete, as the graph says.
    forums = report.split("## Forums and their membership lists", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in forums.splitlines() if line.startswith("| ") and not line.startswith("| forum")]
    assert rows and all(line.rstrip(" |").endswith(("complete", "partial")) for line in rows)
    assert any(line.startswith("| Bali Process |") and line.rstrip(" |").endswith("partial") for line in rows)
    # The migration profile names every dataset with its source's as-of date, and the ICRMW table
    # has one row per group of derived roles.
    profile = report.split("## Migration profile", 1)[1].split("\n## ", 1)[0]
    for dataset, as_of in (("undesa-ims-2020", "2020-07-01"), ("undesa-ims-2019-origin", "2019-07-01"), ("unhcr-refugees", "2020-12-31")):
        assert any(line.startswith(f"| {dataset} |") and f"| {as_of} |" in line for line in profile.splitlines()), dataset
    groups = {line.split(" | ")[2] for line in profile.splitlines() if line.startswith("| IV-13 | 2015 |")}
    assert groups == {"both", "destination only", "origin only", "neither"}


def test_build_is_byte_identical_across_runs(built, tmp_path):
    r = run_cli("build", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for name in ("migkg.ttl", "migkg.nt", "migkg.jsonld", "report.md", "treaties.html", "index.html", "map.html",
                 "matrix.html", "timeline.html", "states/CHN.html", "forums/bali-process.html"):
        assert (tmp_path / name).read_bytes() == (built / name).read_bytes(), name


def test_built_graph_parses_in_every_format(built):
    import rdflib

    counts = {name: len(rdflib.Graph().parse(built / name)) for name in ("migkg.ttl", "migkg.nt", "migkg.jsonld")}
    assert len(set(counts.values())) == 1, counts
    assert counts["migkg.nt"] == len((built / "migkg.nt").read_text().splitlines())


def _canonical(triples) -> set[bytes]:
    """A graph as the set of its N-Triples lines, blank nodes labelled canonically (RDFC-1.0)."""
    import pyoxigraph as ox

    ds = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return set(ox.serialize((q.triple for q in ds), format=ox.RdfFormat.N_TRIPLES).splitlines())


def test_built_files_are_the_graph_the_store_holds(built):
    """Each exported file, read back, is the same graph (isomorphic) as the store's after derivation."""
    import pyoxigraph as ox

    from migkg.workspace import Workspace

    expected = _canonical(Workspace(PROJECT).graph.triples())
    formats = {"migkg.ttl": ox.RdfFormat.TURTLE, "migkg.nt": ox.RdfFormat.N_TRIPLES, "migkg.jsonld": ox.RdfFormat.JSON_LD}
    for name, fmt in formats.items():
        found = _canonical(q.triple for q in ox.parse(path=built / name, format=fmt))
        assert found == expected, f"{name}: {len(found - expected)} extra, {len(expected - found)} missing"


def test_participation_csv(project_kg):
    r = run_cli("query", "participation", "--format", "csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.reader(io.StringIO(r.stdout)))
    assert rows[0] == ["iso3", "instrument", "action", "date", "source", "precision"]
    actions = [row for row in rows[1:]]
    n_actions = len(list(project_kg.query("SELECT ?a WHERE { ?a a <https://w3id.org/migkg/ontology#TreatyAction> }")))
    assert len(actions) == n_actions > 0
    allowed = {"signature", "ratification", "acceptance", "approval", "accession", "succession", "denunciation",
               "ratification-or-accession"}  # the last: a consent an AU list does not classify
    width = {"day": 10, "month": 7, "year": 4}  # ISO 8601 reduced forms: 2016-05-27, 2016-05, 2016
    for iso3, instrument, action, date, source, precision in actions:
        assert action in allowed
        assert len(date) == width[precision] and date[:4].isdigit()
        if precision != "year":
            assert date[4] == "-" and (precision == "month" or date[7] == "-")
        assert source.startswith("http")
    precisions = {row[5] for row in actions}
    assert {"day", "month", "year"} <= precisions, precisions  # sourced months and years are kept, not dropped
    # A real row of the UNTC snapshot: China acceded to the 1951 Convention on 24 Sep 1982.
    assert ["CHN", "V-2", "accession", "1982-09-24"] in [row[:4] for row in actions]


def test_query_formats_and_params():
    r = run_cli("query", "participation", "--param", "iso3=usa", "--format", "json")
    assert r.returncode == 0, r.stderr
    import json

    rows = json.loads(r.stdout)
    assert rows and {row["iso3"] for row in rows} == {"USA"}
    md = run_cli("query", "participation", "-p", "instrument=V-5", "--format", "md")
    assert md.stdout.startswith("| iso3 | instrument | action | date | source | precision |")
    table = run_cli("query", "participation", "-p", "iso3=CHN")
    assert table.returncode == 0 and "V-2" in table.stdout


def test_queries_lists_names_titles_and_params():
    r = run_cli("queries")
    assert r.returncode == 0, r.stderr
    for name in ("participation", "parties-as-of", "forum-members", "arrangements", "transfers"):
        assert name in r.stdout
    assert "instrument (treaty" in r.stdout


def test_validate_clean_project():
    r = run_cli("validate")
    assert r.returncode == 0, r.stderr
    assert "no violations" in r.stderr


# --- bad input: one clear message, a non-zero exit, no traceback --------------------------


def assert_clean_error(r, code: int, *needles: str):
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    assert "Traceback" not in r.stderr
    for n in needles:
        assert n in r.stderr, f"{n!r} not in {r.stderr!r}"


def test_turtle_syntax_error_names_file_line_and_column():
    f = BAD / "syntax-error.ttl"
    r = run_cli("validate", str(f))
    assert_clean_error(r, 2, f"{f}:5:1", "syntax error", "dot is expected")


def test_ill_typed_date_is_a_violation_with_file_and_line():
    f = BAD / "bad-date.ttl"
    r = run_cli("validate", str(f))
    assert_clean_error(r, 1, f"{f}:7", '"2025-13-45"^^xsd:date is not a valid xsd:date')


def test_date_that_contradicts_its_precision_is_a_violation_naming_file_line_and_node():
    f = BAD / "date-against-precision.ttl"
    r = run_cli("validate", str(f))
    assert_clean_error(
        r, 1,
        f'{f}:8: [ill-typed-literal] https://w3id.org/migkg/id/action/V-5/USA/accession-2016: "2016-05-27"^^xsd:gYear',
        f'{f}:15: [ill-typed-literal] https://w3id.org/migkg/id/action/V-2/USA/accession-2016-13: "2016-13"^^xsd:gYearMonth',
        "https://w3id.org/migkg/id/action/V-3/USA/accession-2016-time",  # a time is no precision migkg knows
    )


def test_unknown_class_and_property_are_violations():
    f = BAD / "undeclared-terms.ttl"
    r = run_cli("validate", str(f))
    assert_clean_error(r, 1, "ontology#Country", "ontology#ratifiedBy")
    assert "countries.ttl" not in r.stderr  # each violation is traced to the file that holds it
    assert r.stderr.count(str(f)) == 2


def test_shape_violation_names_node_and_path():
    f = BAD / "action-without-actor.ttl"
    r = run_cli("validate", str(f))
    assert_clean_error(r, 1, "https://w3id.org/migkg/id/action/V-2/XXX", "migkg:actor")


def test_missing_file_is_an_error():
    r = run_cli("validate", "no/such/file.ttl")
    assert_clean_error(r, 2, "no/such/file.ttl", "cannot read")


def test_unknown_param():
    r = run_cli("query", "participation", "--param", "country=AUS")
    assert_clean_error(r, 2, "no parameter country", "iso3, instrument")


def test_badly_typed_param():
    r = run_cli("query", "parties-as-of", "-p", "instrument=V-2", "-p", "date=2025-13-45")
    assert_clean_error(r, 2, "--param date=")


def test_unknown_query_name_suggests_close_names():
    r = run_cli("query", "participaton")
    assert_clean_error(r, 2, "unknown query 'participaton'", "participation")


def test_service_in_a_user_query_is_refused(tmp_path):
    q = tmp_path / "reach-out.rq"
    q.write_text("SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }")
    r = run_cli("query", str(q))
    assert_clean_error(r, 2, "refused", "SERVICE file:///etc/passwd")


def test_rdfxml_with_nested_entities_is_refused():
    f = BAD / "entities.rdf"
    r = run_cli("validate", str(f))
    assert_clean_error(r, 2, str(f), "refused")


def test_unwritable_output_folder(tmp_path):
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    r = run_cli("build", "--out", str(blocker / "dist"))
    assert_clean_error(r, 2, "cannot create output folder")


def test_read_only_output_folder(tmp_path):
    """A folder that exists but refuses new files. Root ignores permission bits, so as root
    the test uses /proc, where the kernel refuses new files for everyone."""
    if os.geteuid() == 0:
        r = run_cli("build", "--out", "/proc")
        assert_clean_error(r, 2, "cannot write to output folder /proc")
        return
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        r = run_cli("build", "--out", str(ro))
        assert_clean_error(r, 2, "cannot write")
    finally:
        ro.chmod(0o700)


def test_failed_build_leaves_previous_output_untouched(built, tmp_path):
    """A build that fails validation writes nothing: the previous dist/ stays as it was."""
    home = tmp_path / "checkout"
    shutil.copytree(ROOT, home, ignore=shutil.ignore_patterns(".git", ".venv", "dist", "tests", "*.egg-info"))
    out = tmp_path / "dist"
    shutil.copytree(built, out)
    before = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    shutil.copy(BAD / "bad-date.ttl", home / "graph" / "zz-bad.ttl")
    r = run_cli("build", "--out", str(out), env={"MIGKG_HOME": str(home)})
    assert_clean_error(r, 1, "nothing was written", "zz-bad.ttl:7")
    assert {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_viz_writes_every_page_and_lists_them(tmp_path):
    out = tmp_path / "pages"
    r = run_cli("viz", "--out", str(out), "--state", "chn")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    for name in ("index.html", "map.html", "matrix.html", "timeline.html", "treaties.html", "state-CHN.html"):
        assert str(out / name) in lines and (out / name).is_file()
    states = len(list((out / "states").glob("*.html")))
    assert f"{out / 'states'}/ ({states} pages)" in lines and states > 190
    assert not (out / "report.md").exists() and "report.md" not in (out / "index.html").read_text("utf-8")


def test_viz_with_an_unknown_state_writes_nothing(tmp_path):
    out = tmp_path / "pages"
    r = run_cli("viz", "--out", str(out), "--state", "XXX")
    assert_clean_error(r, 2, "no state with ISO 3166 alpha-3 code 'XXX'", "CHN")
    assert not out.exists()
