"""`migkg import countries` and `migkg import untc` on careless and hostile input (issue 15).

Every bad input is made here, from the small fixture tables, by an edit a careless hand or a
hostile one could make. Each is run through the real CLI, which must answer with a message
naming the file and the line, the documented exit code (1: problems in the tables, 2: a file
that cannot be used at all) and no traceback, and must leave the outputs exactly as they
were: same bytes, no new files, no temporary files left behind.

The CLI takes a second or two to start, so the cases of the larger groups are run side by
side by a module fixture, and each case's test then checks its own run.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import FIXTURES, run_cli

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

COUNTRIES = FIXTURES / "countries" / "country-codes.csv"
COUNTRY_TEXT = COUNTRIES.read_text(encoding="utf-8")
COUNTRY_LINES = COUNTRY_TEXT.splitlines(keepends=True)  # one row a line; line 1 is the header
# Rows as the UN Treaty Collection prints them (the status tables of V-2 and V-5 in ../shared/reference).
V2 = (
    'Participant,Signature,"Accession(a), Succession(d), Ratification"\n'
    "Afghanistan,,30 Aug 2005 a\nAlbania,,18 Aug 1992 a\nAlgeria,,21 Feb 1963 d\nAustralia,,22 Jan 1954 a\n"
)
V5 = (
    'Participant,"Accession(a), Succession(d)"\n'
    "Afghanistan,30 Aug 2005 a\nAlbania,18 Aug 1992 a\nAlgeria,8 Nov 1967 a\nAustralia,13 Dec 1973 a\n"
)
OLD_UNTC = {"V-2.ttl": b"# V-2 of an earlier import\n", "V-5.ttl": b"# V-5 before\n", "COVERAGE.md": b"# notes\n"}


# --- making inputs ------------------------------------------------------------------------------


def country_cells(*edits: tuple[int, str, str]) -> str:
    """The fixture country table with cells changed: (line as an editor shows it, column, new value)."""
    rows = list(csv.reader(io.StringIO(COUNTRY_TEXT, newline="")))
    for line, column, value in edits:
        rows[line - 1][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def with_line(text: str, line: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line - 1] = new
    return "".join(lines)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def old_countries(folder: Path) -> Path:
    """An output folder holding the countries.ttl of an earlier import."""
    write(folder / "countries.ttl", "# countries.ttl of an earlier import\n")
    return folder


def old_untc(folder: Path) -> Path:
    """An output folder holding the files of an earlier UNTC import."""
    for name, data in OLD_UNTC.items():
        write(folder / name, data)
    return folder


def import_countries(table: Path, out: Path, env: dict | None = None):
    return run_cli("import", "countries", str(table), "--out", str(out / "countries.ttl"), env=env)


def import_untc(out: Path, *tables: Path, countries: Path = COUNTRIES, env: dict | None = None):
    return run_cli("import", "untc", *map(str, tables), "--countries", str(countries), "--out", str(out), env=env)


# --- checking the outcome -----------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every entry of the folder, hidden ones too: a file's bytes, None for a folder."""
    if not folder.exists():
        return {}
    return {p.name: (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.iterdir())}


def assert_refused(r, code: int, *needles: str) -> None:
    """Exit `code` with a plain message holding each needle; never a traceback, never killed by a signal."""
    assert r.returncode >= 0, f"killed by signal {-r.returncode}"
    assert r.returncode == code, r.stderr
    assert "Traceback" not in r.stdout + r.stderr, r.stderr
    for needle in needles:
        assert needle in r.stderr, (needle, r.stderr)


def assert_untouched(folder: Path, before: dict[str, bytes | None]) -> None:
    after = snapshot(folder)
    assert not [n for n in after if ".migkg-" in n], list(after)  # no staged or probe files left behind
    assert after == before  # old outputs byte for byte, and nothing new


def assert_listed(stderr: str, where: str, word: str) -> None:
    """A problem line starting `where` (file:line:) that says `word`."""
    lines = [line for line in stderr.splitlines() if line.startswith(where)]
    assert any(word in line for line in lines), (where, word, stderr)


@dataclass
class Run:
    """One case: its inputs and output folder, the output as it was before, and the CLI's answer."""

    root: Path
    out: Path
    before: dict[str, bytes | None]
    result: subprocess.CompletedProcess


def run_side_by_side(tmp_path_factory, cases: dict[str, Callable[[Path], tuple[Path, Callable[[], object]]]]):
    """Make each case's inputs in a folder of its own, then run all the CLI calls at once."""
    prepared = {}
    for name, make in cases.items():
        root = tmp_path_factory.mktemp("case")
        out, call = make(root)
        prepared[name] = (root, out, snapshot(out), call)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {name: pool.submit(call) for name, (_, _, _, call) in prepared.items()}
        runs = {}
        for name, (root, out, before, _) in prepared.items():
            runs[name] = Run(root, out, before, futures[name].result())
        return runs


# --- 1. bad input is a message, not a traceback -------------------------------------------------

LATIN1 = COUNTRY_TEXT.encode("utf-8").replace("Åland".encode("utf-8"), "Åland".encode("latin-1"))

# (case, the table, exit code, the line the message must name, a word it must hold)
COUNTRY_CASES: list[tuple[str, str | bytes, int, int, str]] = [
    ("blank first line", "\n" + COUNTRY_TEXT, 1, 1, "the first line is blank"),
    ("oversized cell", country_cells((3, "Capital", "x" * 200_000)), 1, 3, "characters"),
    ("unclosed quote", with_line(COUNTRY_TEXT, 4, COUNTRY_LINES[3].replace(",Tirana,", ',"Tirana,')), 1, 4, "quote"),
    ("latin-1 file", LATIN1, 2, 3, "not UTF-8"),
    ("non-numeric M49", country_cells((2, "M49", "4a")), 1, 2, "column M49"),
    ("truncated row", with_line(COUNTRY_TEXT, 5, COUNTRY_LINES[4][:200] + "\n"), 1, 5, "cut short"),
    ("malformed ISO code", country_cells((7, "ISO3166-1-Alpha-3", "AUST")), 1, 7, "ISO3166-1-Alpha-3"),
    ("binary file (NUL bytes)", with_line(COUNTRY_TEXT, 4, "PK\x03\x04\x00\x00\x08\n"), 2, 4, "binary"),
    ("a spreadsheet, not a CSV", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", 2, 1, "binary"),
    ("not a country table", V2, 1, 1, "not a country-codes table"),
    ("a column twice", COUNTRY_TEXT.replace(",M49,", ",M49,M49,", 1), 1, 1, "M49 twice"),
]


@pytest.fixture(scope="module")
def country_runs(tmp_path_factory):
    def case(content):
        def make(root):
            table, out = write(root / "in" / "country-codes.csv", content), old_countries(root / "graph")
            return out, lambda: import_countries(table, out)

        return make

    return run_side_by_side(tmp_path_factory, {c[0]: case(c[1]) for c in COUNTRY_CASES})


@pytest.mark.parametrize("case,content,code,line,word", COUNTRY_CASES, ids=[c[0] for c in COUNTRY_CASES])
def test_bad_country_table_is_reported_and_nothing_written(country_runs, case, content, code, line, word):
    run = country_runs[case]
    assert_refused(run.result, code, f"{run.root / 'in' / 'country-codes.csv'}:{line}", word)
    assert_untouched(run.out, run.before)


def test_every_problem_of_a_country_table_is_listed(tmp_path):
    text = country_cells(
        (3, "M49", "9" * 50_000),
        (4, "ISO3166-1-Alpha-3", "alb"),
        (7, "ISO3166-1-Alpha-2", "A1"),
        (8, "Region Name", "Asien"),
        (9, "Geoname ID", "1819730> <https://example.org/"),
        (10, "wikidata_id", "Eswatini"),
        (10, "Region Code", "Africa"),
    )
    lines = text.splitlines(keepends=True)
    text = with_line(text, 5, lines[4][:300] + "\n")
    text = with_line(text, 6, lines[5].replace(",Luanda,", ",Lu,anda,"))
    text = text[:-200]  # the last row, cut off
    table, out = write(tmp_path / "country-codes.csv", text), old_countries(tmp_path / "graph")
    before = snapshot(out)
    r = import_countries(table, out)
    assert_refused(r, 1, "10 problem(s)")
    expected = [
        (3, "column M49"),
        (3, "(50,000 characters)"),  # a hostile cell is quoted cut short
        (4, "ISO3166-1-Alpha-3"),
        (5, "cut short"),
        (6, "comma"),
        (7, "ISO3166-1-Alpha-2"),
        (8, "on line 2"),  # area 142 is 'Asia' there
        (9, "Geoname ID"),
        (10, "wikidata_id"),
        (10, "Region Code"),
        (11, "cut short"),
    ]
    for line, word in expected:
        assert_listed(r.stderr, f"{table}:{line}:", word)
    assert not re.search("9{100}", r.stderr) and len(r.stderr) < 4_000
    assert_untouched(out, before)


def test_a_flood_of_problems_is_cut_to_the_first_ones(tmp_path):
    """A hostile table with hundreds of bad rows: the first 200 problems are listed, and the total."""
    table = write(tmp_path / "country-codes.csv", COUNTRY_TEXT + COUNTRY_LINES[1] * 300)  # Afghanistan again and again
    out = old_countries(tmp_path / "graph")
    before = snapshot(out)
    r = import_countries(table, out)
    assert_refused(r, 1, "300 problem(s) (the first 200 are listed)", f"{table}:12: a second row for AFG")
    assert sum(line.startswith(f"{table}:") for line in r.stderr.splitlines()) == 200
    assert_untouched(out, before)


def declarations_cp1252(root: Path) -> None:
    # A UNTC declaration (Angola, V-2) saved by a Windows editor: its apostrophe is byte 0x92.
    write(root / "declarations" / "5-2.txt", "#Angola\nThe Government of the People’s Republic".encode("cp1252"))


def table(name: str, text: str | bytes) -> Callable[[Path], None]:
    return lambda root: write(root / "treaties" / name, text)


# (case, how to spoil the inputs, exit code, the file:line the message must name, a word it must hold)
UNTC_CASES: list[tuple[str, Callable[[Path], None], int, str, str]] = [
    ("blank first line", table("5-5.csv", "\n" + V5), 1, "5-5.csv:1", "blank"),
    (
        "oversized cell",
        table("5-5.csv", with_line(V5, 3, "Albania," + "9" * 140_000 + "\n")),
        1,
        "5-5.csv:3",
        "longer than",
    ),
    ("unclosed quote", table("5-5.csv", with_line(V5, 2, 'Afghanistan,"30 Aug 2005 a\n')), 1, "5-5.csv:2", "quote"),
    (
        "latin-1 table",
        table("5-5.csv", (V5 + "Côte d'Ivoire,16 Feb 1970 a\n").encode("latin-1")),
        2,
        "5-5.csv:6",
        "not UTF-8",
    ),
    ("cp1252 declarations", declarations_cp1252, 2, "5-2.txt:2", "not UTF-8"),
    ("truncated row", table("5-2.csv", with_line(V2, 4, "Algeria\n")), 1, "5-2.csv:4", "cut short"),
    ("binary table", table("5-5.csv", V5.encode() + b"\x00\x00\x00\x01"), 2, "5-5.csv:6", "binary"),
    (
        "unknown header",
        table("5-5.csv", with_line(V5, 1, "Participant,Notes,Ratification\n")),
        1,
        "5-5.csv:1",
        "header",
    ),
    (
        "malformed ISO code in the country table",
        lambda root: write(root / "cc.csv", country_cells((2, "ISO3166-1-Alpha-3", "A F"))),
        1,
        "cc.csv:2",
        "ISO3166-1-Alpha-3",
    ),
]


@pytest.fixture(scope="module")
def untc_runs(tmp_path_factory):
    def case(spoil):
        def make(root):
            t1, t2 = write(root / "treaties" / "5-2.csv", V2), write(root / "treaties" / "5-5.csv", V5)
            cc = write(root / "cc.csv", COUNTRY_TEXT)
            spoil(root)
            out = old_untc(root / "untc")
            return out, lambda: import_untc(out, t1, t2, countries=cc)

        return make

    return run_side_by_side(tmp_path_factory, {c[0]: case(c[1]) for c in UNTC_CASES})


@pytest.mark.parametrize("case,spoil,code,where,word", UNTC_CASES, ids=[c[0] for c in UNTC_CASES])
def test_bad_untc_table_is_reported_and_nothing_written(untc_runs, case, spoil, code, where, word):
    """Two tables, V-2 then V-5; one of them (or the country table) is bad: every output stays as it was."""
    run = untc_runs[case]
    assert_refused(run.result, code, f"{run.root}/", where, word)
    assert_untouched(run.out, run.before)


def test_every_problem_of_several_untc_tables_is_listed(tmp_path):
    t1 = write(tmp_path / "treaties" / "5-2.csv", with_line(V2, 3, "Albania\n") + "Algeria,,21 Feb 1963 d\n")
    t2 = write(
        tmp_path / "treaties" / "5-5.csv",
        'Participant,"Accession(a), Succession(d)"\n'
        "Afganistan,30 Aug 2005 a\n"  # a typo
        "Albania,18 Aug 1992 a,\n"  # a stray cell
        ",8 Nov 1967 a\n"  # the name lost
        "Australia,31 Feb 1973 a\n"  # no such day
        "\x1b[2JChina,24 Sep 1982 a\n",  # a terminal escape: it must not reach the terminal
    )
    out = old_untc(tmp_path / "untc")
    before = snapshot(out)
    r = import_untc(out, t1, t2)
    assert_refused(r, 1, "7 problem(s)")
    for where, word in [
        (f"{t1}:3:", "cut short"),
        (f"{t1}:6:", "the first is on line 4"),
        (f"{t2}:2:", "unknown participant 'Afganistan'"),
        (f"{t2}:3:", "3 cells"),
        (f"{t2}:4:", "no participant name"),
        (f"{t2}:5:", "31 Feb 1973"),
        (f"{t2}:6:", "\\x1b[2JChina"),
    ]:
        assert_listed(r.stderr, where, word)
    assert "\x1b" not in r.stderr
    assert_untouched(out, before)


# --- 2. no data rows: refused, nothing replaced by an empty file --------------------------------

EMPTY = [
    ("header only", lambda header: header),
    ("header and blank lines", lambda header: header + "\n\n,,\n"),
    ("empty file", lambda header: ""),
]


@pytest.mark.parametrize("case,make", EMPTY, ids=[c[0] for c in EMPTY])
def test_empty_country_table_is_refused(tmp_path, case, make):
    table, out = write(tmp_path / "country-codes.csv", make(COUNTRY_LINES[0])), old_countries(tmp_path / "graph")
    before = snapshot(out)
    assert_refused(import_countries(table, out), 1, f"{table}:1:")
    assert_untouched(out, before)


def test_country_table_without_any_un_state_is_refused(tmp_path):
    # Åland and Hong Kong only: real rows, but neither is a state.
    table = write(tmp_path / "country-codes.csv", COUNTRY_LINES[0] + COUNTRY_LINES[2] + COUNTRY_LINES[8])
    out = old_countries(tmp_path / "graph")
    before = snapshot(out)
    assert_refused(import_countries(table, out), 1, str(table), "no row of the table is a UN member")
    assert_untouched(out, before)


@pytest.mark.parametrize("case,make", EMPTY[::2], ids=[c[0] for c in EMPTY[::2]])
def test_empty_untc_table_is_refused(tmp_path, case, make):
    t1 = write(tmp_path / "treaties" / "5-2.csv", V2)
    t2 = write(tmp_path / "treaties" / "5-5.csv", make(V5.splitlines(keepends=True)[0]))
    out = old_untc(tmp_path / "untc")
    before = snapshot(out)
    assert_refused(import_untc(out, t1, t2), 1, f"{t2}:1:")
    assert_untouched(out, before)


# --- 3. duplicate states are refused; the count is of distinct states -------------------------


def test_duplicate_country_rows_are_refused(tmp_path):
    table = write(tmp_path / "country-codes.csv", COUNTRY_TEXT + COUNTRY_LINES[6])  # Australia again
    out = old_countries(tmp_path / "graph")
    before = snapshot(out)
    assert_refused(import_countries(table, out), 1, f"{table}:12: a second row for AUS (the first is on line 7)")
    assert_untouched(out, before)


def test_state_count_is_the_number_of_states_written(tmp_path):
    out = tmp_path / "countries.ttl"
    r = run_cli("import", "countries", str(COUNTRIES), "--out", str(out))
    assert r.returncode == 0, r.stderr
    import rdflib

    g = rdflib.Graph().parse(out)
    states = set(g.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/migkg/ontology#State")))
    assert len(states) == 8  # ten rows; Åland and Hong Kong are not states
    assert f"wrote {len(states)} states to {out}" in r.stderr
    assert f"{len(states)} states: UN member" in out.read_text(encoding="utf-8")


# --- 4. all outputs of one import in one step --------------------------------------------------


def test_untc_outputs_are_replaced_all_or_none(tmp_path):
    """The second table's output cannot be written (a folder has its name): the first is not replaced either."""
    t1, t2 = write(tmp_path / "treaties" / "5-2.csv", V2), write(tmp_path / "treaties" / "5-5.csv", V5)
    out = old_untc(tmp_path / "untc")
    (out / "V-5.ttl").unlink()
    (out / "V-5.ttl").mkdir()
    before = snapshot(out)
    assert_refused(import_untc(out, t1, t2), 2, str(out / "V-5.ttl"), "not a regular file")
    assert_untouched(out, before)


def test_untc_import_replaces_every_output(tmp_path):
    t1, t2 = write(tmp_path / "treaties" / "5-2.csv", V2), write(tmp_path / "treaties" / "5-5.csv", V5)
    out = old_untc(tmp_path / "untc")
    r = import_untc(out, t1, t2)
    assert r.returncode == 0, r.stderr
    after = snapshot(out)
    assert set(after) == set(OLD_UNTC) and all(after[n] != OLD_UNTC[n] for n in OLD_UNTC)
    assert b"inst:V-2" in after["V-2.ttl"] and b"inst:V-5" in after["V-5.ttl"]


def test_output_that_is_the_input_is_refused(tmp_path):
    table = write(tmp_path / "country-codes.csv", COUNTRY_TEXT)
    r = run_cli("import", "countries", str(table), "--out", str(table))
    assert_refused(r, 2, str(table), "one of the input files")
    assert table.read_text(encoding="utf-8") == COUNTRY_TEXT
    assert sorted(p.name for p in tmp_path.iterdir()) == ["country-codes.csv"]


def test_outputs_get_the_umask_mode(tmp_path):
    """0o027 rather than the usual 0o022, so neither mkstemp's 0o600 nor a fixed 0o644 would pass."""
    mask = 0o027
    old = os.umask(mask)  # the CLI's process inherits it
    try:
        r1 = run_cli("import", "countries", str(COUNTRIES), "--out", str(tmp_path / "countries.ttl"))
        t1 = write(tmp_path / "treaties" / "5-2.csv", V2)
        t2 = write(tmp_path / "treaties" / "5-5.csv", V5)
        r2 = import_untc(tmp_path / "untc", t1, t2)
    finally:
        os.umask(old)
    assert r1.returncode == 0 and r2.returncode == 0, r1.stderr + r2.stderr
    written = [tmp_path / "countries.ttl", *(tmp_path / "untc").iterdir()]
    assert sorted(p.name for p in written) == ["COVERAGE.md", "V-2.ttl", "V-5.ttl", "countries.ttl"]
    for f in written:
        assert f.stat().st_mode & 0o777 == 0o666 & ~mask, f


# --- 5. reading limits: only regular files, and not too large -----------------------------------

# (case, how to make the bad file, the environment, a word the message must hold)
LIMIT_CASES = [
    ("link to /dev/zero", lambda p: p.symlink_to("/dev/zero"), {}, "not a regular file"),
    ("folder", lambda p: p.mkdir(parents=True), {}, "Is a directory"),
    ("missing file", lambda p: None, {}, "No such file"),
    (
        "over the size limit",
        lambda p: write(p, COUNTRY_TEXT),
        {"MIGKG_MAX_INPUT_BYTES": "999"},
        "MIGKG_MAX_INPUT_BYTES",
    ),
]
# The table as the second of two; over the limit means larger than the country table, which is read too.
UNTC_LIMIT_CASES = [
    ("link to /dev/zero", lambda p: p.symlink_to("/dev/zero"), {}, "not a regular file"),
    (
        "over the size limit",
        lambda p: write(p, V5 * 2_000),
        {"MIGKG_MAX_INPUT_BYTES": str(len(COUNTRY_TEXT.encode()))},
        "MIGKG_MAX_INPUT_BYTES",
    ),
]


@pytest.fixture(scope="module")
def unreadable_runs(tmp_path_factory):
    def countries_case(make_bad, env):
        def make(root):
            make_bad(root / "country-codes.csv")
            out = old_countries(root / "graph")
            return out, lambda: import_countries(root / "country-codes.csv", out, env=env)

        return make

    def untc_case(make_bad, env):
        def make(root):
            t1 = write(root / "treaties" / "5-2.csv", V2)
            t2 = root / "treaties" / "5-5.csv"
            make_bad(t2)
            out = old_untc(root / "untc")
            return out, lambda: import_untc(out, t1, t2, env=env)

        return make

    cases = {("countries", c[0]): countries_case(c[1], c[2]) for c in LIMIT_CASES}
    cases |= {("untc", c[0]): untc_case(c[1], c[2]) for c in UNTC_LIMIT_CASES}
    return run_side_by_side(tmp_path_factory, cases)


@pytest.mark.parametrize("case,make,env,word", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_country_table_that_cannot_be_read(unreadable_runs, case, make, env, word):
    run = unreadable_runs[("countries", case)]
    assert_refused(run.result, 2, f"{run.root / 'country-codes.csv'}: ", word)
    assert_untouched(run.out, run.before)


@pytest.mark.parametrize("case,make,env,word", UNTC_LIMIT_CASES, ids=[c[0] for c in UNTC_LIMIT_CASES])
def test_untc_table_that_cannot_be_read(unreadable_runs, case, make, env, word):
    run = unreadable_runs[("untc", case)]
    assert_refused(run.result, 2, f"{run.root / 'treaties' / '5-5.csv'}: ", word)
    assert_untouched(run.out, run.before)
