"""Hostile and careless input at the library and the command line (issue 15).

Each class of failure has its cases here: the SERVICE and update guards, deep and huge
input, mistakes that once printed a traceback, interrupted and failed writes, the query
limits, exact locations, and spreadsheet-safe CSV. Every CLI case asserts the exit code,
the message, that there is no traceback and no signal death, and the state of the output
afterwards. Network safety is checked with a real loopback listener that counts
connections. Large inputs are generated here, never committed. The endpoint's cases are
in test_hostile_endpoint.py.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from support import ROOT, kg_with, run_cli
from support.servers import Listener
from migkg.core.atomic import signals_held, staged_dir
from migkg.core.errors import OutboundRequestRefused, QueryError, UpdateRefused
from migkg.core.limits import LimitExceeded
from migkg.core.sparql_safety import check_query
from migkg.core.store import KnowledgeGraph

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

# --- a loopback listener that counts connections ----------------------------------------


@pytest.fixture()
def listener():
    lst = Listener()
    yield lst
    lst.close()


@pytest.fixture(scope="module")
def small_kg() -> KnowledgeGraph:
    return kg_with()  # the ontology alone: enough to run a query on


def assert_clean(r: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    """The documented exit code, the message parts, no traceback, and not killed by a signal."""
    assert r.returncode >= 0, f"killed by signal {-r.returncode}: {r.stderr[-500:]}"
    assert r.returncode == code, (r.returncode, r.stdout[-500:], r.stderr[-1500:])
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    for n in needles:
        assert n in r.stderr, f"{n!r} not in {r.stderr!r}"


# --- 1. guards decide on the parsed query -----------------------------------------------

# Each hides a real SERVICE clause from a tokenizer in a different way.
SERVICE_TRICKS = [
    "PREFIX ex: <http://e/>\nSELECT * WHERE {{ ex:a\\# ?p ?o . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "PREFIX ex: <http://e/>\nSELECT * WHERE {{ ?s ex:a\\#b ?o }} # }}\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ # SERVICE in a comment first\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    'SELECT * WHERE {{ ?s ?p "\\" SERVICE" . SERVICE <{url}> {{ ?s ?p ?o }} }}',
    "SELECT * WHERE {{ ?s ?p '''a\n''' . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s <http://x/#SERVICE> ?o . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "PREFIX svc: <{url}>\nSELECT * WHERE {{ SERVICE svc: {{ ?s ?p ?o }} }}",
    "BASE <{url}>\nSELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
    "ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DESCRIBE ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ FILTER NOT EXISTS {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
]

# The keywords where they are not clauses: these must run, and reach nothing.
HARMLESS = [
    "PREFIX load: <http://e/>\nSELECT * WHERE {{ ?s load:x ?o }}",
    "PREFIX service: <http://e/>\nSELECT ?service WHERE {{ ?service service:x ?o }}",
    'SELECT * WHERE {{ ?s ?p "SERVICE <{url}> {{ ?s ?p ?o }}" }}',
    "SELECT * WHERE {{ ?s <{url}> ?o }} # SERVICE <{url}> {{ }}",
    'SELECT * WHERE {{ ?s ?p """INSERT DATA {{ <a> <b> <c> }}\nSERVICE <{url}> {{}}""" }}',
    "SELECT ?insert ?delete WHERE {{ ?insert <http://e/LOAD> ?delete }}",
]

UPDATES = [
    "INSERT DATA {{ <http://a> <http://b> <http://c> }}",
    "# a comment\ndelete where {{ ?s ?p ?o }}",
    "LOAD <{url}>",
    "PREFIX ex: <http://e/>\nCLEAR ALL",
    "DROP GRAPH <http://e/g>",
]


@pytest.mark.parametrize("template", SERVICE_TRICKS)
def test_service_hidden_any_way_is_refused_and_nothing_is_sent(template, listener, small_kg):
    text = template.format(url=listener.url)
    with pytest.raises(QueryError):
        small_kg.query(text)
    with pytest.raises(QueryError):
        check_query(text)
    assert listener.connections == 0


@pytest.mark.parametrize("template", HARMLESS)
def test_keywords_in_names_strings_iris_and_comments_run_and_reach_nothing(template, listener, small_kg):
    text = template.format(url=listener.url)
    list(small_kg.query(text))
    assert listener.connections == 0


@pytest.mark.parametrize("template", UPDATES)
def test_updates_are_refused_as_updates(template, listener):
    with pytest.raises(UpdateRefused):
        check_query(template.format(url=listener.url))
    assert listener.connections == 0


def test_the_listener_does_see_an_allowed_service(listener, small_kg):
    """The control: without it, 'no connection' above could mean a deaf listener."""
    text = f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(OutboundRequestRefused):
        small_kg.query(text)
    list(small_kg.query(text, allow_outbound=[listener.url]))
    assert listener.connections >= 1


def test_cli_refuses_a_hidden_service_before_loading(listener, tmp_path):
    q = tmp_path / "sneaky.rq"
    q.write_text(SERVICE_TRICKS[0].format(url=listener.url), encoding="utf-8")
    r = run_cli("query", str(q))
    assert_clean(r, 2, "error:")
    assert listener.connections == 0


# --- 2. no crash on deep or huge input --------------------------------------------------


def test_query_nested_5000_deep_is_refused_not_a_crash(tmp_path):
    q = tmp_path / "deep.rq"
    q.write_text("SELECT * WHERE " + "{" * 5000 + "}" * 5000, encoding="utf-8")
    assert q.stat().st_size == 10_015
    r = run_cli("query", str(q))
    assert_clean(r, 2, "nested more than 100 deep", "MIGKG_MAX_DEPTH")


def test_nesting_limit_is_configurable(small_kg, monkeypatch):
    text = "SELECT * WHERE { FILTER(" + "(" * 30 + "true" + ")" * 30 + ") }"
    assert len(list(small_kg.query(text))) == 1
    monkeypatch.setenv("MIGKG_MAX_DEPTH", "20")
    with pytest.raises(LimitExceeded, match="MIGKG_MAX_DEPTH"):
        small_kg.query(text)


def test_query_over_the_size_limit_is_refused(small_kg, monkeypatch):
    monkeypatch.setenv("MIGKG_MAX_QUERY_BYTES", "100")
    with pytest.raises(LimitExceeded, match="MIGKG_MAX_QUERY_BYTES"):
        small_kg.query("SELECT * WHERE { ?s ?p ?o } # " + "x" * 200)


def _validate(path: Path, **env) -> subprocess.CompletedProcess:
    return run_cli("validate", str(path), env=env)


def test_jsonld_nested_10000_deep_is_refused(tmp_path):
    f = tmp_path / "deep.jsonld"
    f.write_text('{"@id": "https://w3id.org/migkg/id/test/x", "http://e/p": ' + "[" * 10000 + "1" + "]" * 10000 + "}")
    assert_clean(_validate(f), 2, str(f), "nested more than 100 deep")


def test_turtle_nested_100000_deep_is_refused(tmp_path):
    f = tmp_path / "deep.ttl"
    f.write_text("<https://w3id.org/migkg/id/test/x> <http://e/p> " + "(" * 100_000 + "1" + ")" * 100_000 + " .\n")
    assert_clean(_validate(f), 2, f"{f}:1:", "nested more than 100 deep")


def test_rdfxml_entity_expansion_is_limited(tmp_path):
    f = tmp_path / "bomb.rdf"
    big = "x" * 100_000
    f.write_text(
        f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY big "{big}">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="https://w3id.org/migkg/id/test/x"><e:p>'
        + "&big;" * 5000
        + "</e:p></rdf:Description></rdf:RDF>\n"
    )
    assert_clean(_validate(f), 2, str(f), "expand the file more than 10 times", "MIGKG_MAX_XML_AMPLIFICATION")


def test_rdfxml_outside_entity_is_refused(tmp_path):
    f = tmp_path / "xxe.rdf"
    f.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY e SYSTEM "file:///etc/hostname">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">'
        '<rdf:Description rdf:about="https://w3id.org/migkg/id/test/x"><e:p>&e;</e:p></rdf:Description></rdf:RDF>\n'
    )
    assert_clean(_validate(f), 2, str(f), "outside resource")


def test_rdfxml_with_small_plain_entities_still_loads(tmp_path):
    f = tmp_path / "ok.rdf"
    f.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [<!ENTITY t "https://w3id.org/migkg/id/test/">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="&t;x"><rdfs:comment>fine</rdfs:comment></rdf:Description></rdf:RDF>\n'
    )
    kg = KnowledgeGraph()
    kg.load_file(f)
    assert [q.subject.value for q in kg.store] == ["https://w3id.org/migkg/id/test/x"]


def test_link_to_dev_zero_is_refused_not_read(tmp_path):
    f = tmp_path / "zero.ttl"
    f.symlink_to("/dev/zero")
    assert_clean(_validate(f), 2, str(f), "not a regular file")


def test_file_over_the_size_limit_is_refused(tmp_path, project):
    # A limit just above the project's largest file, and a file just above the limit.
    limit = max(p.stat().st_size for p in [*project.ontology_files(), *project.graph_files()]) + 1
    f = tmp_path / "big.ttl"
    f.write_text("# padding\n" * (limit // 10 + 1))
    assert_clean(_validate(f, MIGKG_MAX_INPUT_BYTES=str(limit)), 2, str(f), "MIGKG_MAX_INPUT_BYTES")


def test_bad_limit_setting_is_a_clear_error(tmp_path):
    f = tmp_path / "x.ttl"
    f.write_text("")
    assert_clean(_validate(f, MIGKG_MAX_DEPTH="lots"), 2, "MIGKG_MAX_DEPTH", "not a whole number")


# --- 3. no traceback for a user mistake -------------------------------------------------


def test_non_utf8_query_file(tmp_path):
    q = tmp_path / "latin1.rq"
    q.write_bytes("# title: Caf\xe9\nSELECT * WHERE { ?s ?p ?o } LIMIT 1\n".encode("latin-1"))
    assert_clean(run_cli("query", str(q)), 2, f"{q}:1:", "not UTF-8")


def test_non_utf8_data_file(tmp_path):
    f = tmp_path / "latin1.ttl"
    f.write_bytes('<https://w3id.org/migkg/id/test/x> <http://www.w3.org/2000/01/rdf-schema#label> "S\xe3o Tom\xe9" .\n'.encode("latin-1"))
    assert_clean(_validate(f), 2, f"{f}:1:", "not UTF-8")


def test_declared_parameter_the_query_does_not_select(tmp_path):
    q = tmp_path / "param.rq"
    q.write_text("# param: who string | someone\nSELECT ?x WHERE { BIND(1 AS ?x) }\n", encoding="utf-8")
    assert_clean(run_cli("query", str(q), "-p", "who=me"), 2, "parameter", "?who")


def test_allowed_service_that_is_down(tmp_path):
    with socket.socket() as s:  # a port that was free a moment ago, and now nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/sparql"
    q = tmp_path / "fed.rq"
    q.write_text(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    assert_clean(run_cli("query", str(q), "--allow-service", url), 2, "the query failed")


def test_serve_checks_its_arguments_before_building():
    r = run_cli("serve", "--port", "70000")
    assert_clean(r, 2, "--port")
    assert "building" not in r.stderr


def test_serve_on_a_busy_port_fails_before_building():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        r = run_cli("serve", "--port", str(s.getsockname()[1]))
    assert_clean(r, 2, "cannot listen", "Address already in use")
    assert "loading" not in r.stderr


# --- 4. nothing half-written, nothing silently emptied ----------------------------------


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _leftovers(*folders: Path) -> list[str]:
    return [p.name for f in folders if f.exists() for p in f.iterdir() if ".migkg-" in p.name]


def _build(out: Path, umask: int = 0o022, fsize: int | None = None, **popen) -> subprocess.Popen:
    def limits():
        os.umask(umask)
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # write() then fails with EFBIG, as on a full disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "MIGKG_HOME": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "migkg", "build", "--out", str(out)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limits,
        **popen,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """One real build, with umask 027 so the modes show the umask is applied, not a fixed 0600."""
    out = tmp_path_factory.mktemp("hostile-build") / "dist"
    p = _build(out, umask=0o027)
    _, stderr = p.communicate(timeout=600)
    assert p.returncode == 0, stderr
    return out, _tree(out)


def test_outputs_have_the_umask_mode(built):
    out, _ = built
    modes = {oct(p.stat().st_mode & 0o777) for p in out.rglob("*") if p.is_file()}
    assert modes == {oct(0o640)}
    assert oct(out.stat().st_mode & 0o777) == oct(0o750)


def _marked_copy(src: Path, dest: Path) -> dict[str, str]:
    """A copy of a build with every file changed, so old and new outputs can be told apart."""
    for p in sorted(src.rglob("*")):
        target = dest / p.relative_to(src)
        if p.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(p.read_bytes() + b"\n<!-- old -->\n")
    (dest / "my-notes.txt").write_text("kept\n")  # not a build output: must survive
    return _tree(dest)


@pytest.mark.parametrize("after", [1.0, 4.0, 8.0])
def test_sigterm_during_build_leaves_old_or_new_outputs_never_a_mix(built, tmp_path, after):
    new_out, new_tree = built
    out = tmp_path / "dist"
    old_tree = _marked_copy(new_out, out)
    p = _build(out)
    time.sleep(after)
    p.send_signal(signal.SIGTERM)
    _, stderr = p.communicate(timeout=120)
    assert "Traceback" not in stderr
    assert p.returncode in (0, 143), stderr
    tree = _tree(out)
    expected_new = {**new_tree, "my-notes.txt": old_tree["my-notes.txt"]}
    assert tree in (old_tree, expected_new), "old and new outputs are mixed"
    assert _leftovers(out, tmp_path) == []


def test_build_on_a_full_disk_is_an_error_and_changes_nothing(built, tmp_path):
    new_out, _ = built
    out = tmp_path / "dist"
    old_tree = _marked_copy(new_out, out)
    p = _build(out, fsize=200_000)  # smaller than migkg.nt
    stdout, stderr = p.communicate(timeout=600)
    r = subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr)
    assert_clean(r, 2, "cannot write", "nothing was changed")
    assert _tree(out) == old_tree
    assert _leftovers(out, tmp_path) == []


def test_build_refuses_the_current_folder(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    r = run_cli("build", "--out", ".", cwd=tmp_path)
    assert_clean(r, 2, "refused", "current folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_stale_stages_are_removed_and_an_interrupted_swap_is_restored(tmp_path):
    target = tmp_path / "dist"
    dead = 2**22 + 12345  # above the default pid_max: no such process
    (tmp_path / f".dist.migkg-stage-{dead}-abcd").mkdir()
    (tmp_path / f".dist.migkg-old-{dead}-abcd").mkdir()
    (tmp_path / f".dist.migkg-old-{dead}-abcd" / "report.md").write_text("old report")
    # The swap was cut after the old folder was moved aside: the old copy comes back first.
    with staged_dir(target) as stage:
        assert (target / "report.md").read_text() == "old report"
        (stage / "index.html").write_text("new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist"]
    assert sorted(p.name for p in target.iterdir()) == ["index.html", "report.md"]


def test_a_failed_stage_changes_nothing(tmp_path):
    target = tmp_path / "dist"
    target.mkdir()
    (target / "report.md").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_dir(target) as stage:
            (stage / "report.md").write_text("new, half")
            raise RuntimeError("the build failed")
    assert (target / "report.md").read_text() == "old"
    assert _leftovers(target, tmp_path) == []


def test_signals_are_held_during_the_final_renames():
    with pytest.raises(KeyboardInterrupt):
        with signals_held():
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            reached = True  # the interrupt waits until the block is done
    assert reached


def test_signals_are_held_even_when_another_thread_receives_them():
    """A progress spinner's thread may be the one the kernel picks; the hold must still hold."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            with signals_held():
                signal.pthread_kill(other.ident, signal.SIGINT)
                time.sleep(0.05)
                reached = True
    finally:
        stop.set()
    assert reached


# --- 5. the command line's query limits -------------------------------------------------


def test_query_row_limit(tmp_path):
    r = run_cli("query", "participation", "-p", "iso3=AUS", "-f", "csv", "--max-rows", "3")
    assert_clean(r, 2, "more than 3 rows", "--max-rows")
    assert len(r.stdout.splitlines()) == 1 + 3  # the header and the rows up to the limit, then the error


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }\n"


def test_query_time_limit(tmp_path):
    q = tmp_path / "slow.rq"
    q.write_text(SLOW, encoding="utf-8")
    assert_clean(run_cli("query", str(q), "--timeout", "2"), 2, "time limit exceeded", "--timeout")


@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_ctrl_c_stops_a_long_aggregate(tmp_path, sig, code):
    q = tmp_path / "slow.rq"
    q.write_text(SLOW, encoding="utf-8")
    env = {**os.environ, "MIGKG_HOME": str(ROOT)}
    p = subprocess.Popen(
        [sys.executable, "-m", "migkg", "query", str(q), "--timeout", "0"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(8)  # loaded and deriving, or already in the aggregate
    p.send_signal(sig)
    _, stderr = p.communicate(timeout=60)  # the aggregate itself would run for hours
    assert p.returncode == code, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr


# --- 6. exact locations -----------------------------------------------------------------


def test_each_bad_value_is_reported_at_its_own_line(tmp_path):
    f = tmp_path / "dates.ttl"
    lines = ["@prefix migkg: <https://w3id.org/migkg/ontology#> .", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> ."]
    for i in range(3):
        lines += ["", f"<https://w3id.org/migkg/id/test/e{i}> migkg:date \"2016-02-30\"^^xsd:date ."]
    f.write_text("\n".join(lines) + "\n")
    kg = KnowledgeGraph()
    kg.load_file(f)
    assert sorted(lit.line for lit in kg.ill_typed) == [4, 6, 8]
    assert sorted(lit.subject.rsplit("/", 1)[-1] for lit in kg.ill_typed) == ["e0", "e1", "e2"]
    by_subject = {lit.subject.rsplit("/", 1)[-1]: lit.line for lit in kg.ill_typed}
    assert by_subject == {"e0": 4, "e1": 6, "e2": 8}


# --- 7. spreadsheet-safe CSV, as an option ----------------------------------------------


def test_csv_is_unchanged_by_default_and_spreadsheet_safe_on_request(tmp_path):
    q = tmp_path / "cells.rq"
    q.write_text(
        'SELECT ?v WHERE { VALUES ?v { "=1+1" "+2" "-3" "@SUM(A1)" "plain" "a=b" } }\n', encoding="utf-8"
    )
    plain = run_cli("query", str(q), "-f", "csv")
    assert_clean(plain, 0)
    assert plain.stdout.splitlines() == ["v", "=1+1", "+2", "-3", "@SUM(A1)", "plain", "a=b"]
    safe = run_cli("query", str(q), "-f", "csv", "--spreadsheet-safe")
    assert_clean(safe, 0)
    assert safe.stdout.splitlines() == ["v", "'=1+1", "'+2", "'-3", "'@SUM(A1)", "plain", "a=b"]


def test_the_parse_is_spared_only_where_no_service_can_be(project):
    from migkg.core.sparql_safety import _cannot_name_service, inspect_query

    texts = [p.read_text(encoding="utf-8") for p in sorted(project.queries_dir.rglob("*.rq"))]
    texts += [t.format(url="http://127.0.0.1:1/") for t in SERVICE_TRICKS + HARMLESS]
    spared = [t for t in texts if _cannot_name_service(t)]
    assert spared, "the shortcut is never taken"
    for t in spared:
        assert inspect_query(t).services == ()
    for t in SERVICE_TRICKS:  # every way of writing the clause goes to the full parse
        assert not _cannot_name_service(t.format(url="http://127.0.0.1:1/"))
    assert not _cannot_name_service("SELECT * { SeRvIcE <http://x/> { } }")
    assert not _cannot_name_service("SELECT * { serv\u0131ce <http://x/> { } }")  # dotless i


# --- no entry point opens a network connection with default settings --------------------

STRACE = shutil.which("strace")


def _connects(tmp_path: Path, *args: str) -> list[str]:
    log = tmp_path / "strace.log"
    env = {**os.environ, "MIGKG_HOME": str(ROOT)}
    r = subprocess.run(
        [STRACE, "-f", "-qq", "-e", "trace=connect", "-o", str(log), sys.executable, "-m", "migkg", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    if "ptrace" in r.stderr and "Operation not permitted" in r.stderr:
        pytest.skip("strace may not trace here (ptrace not permitted)")
    assert r.returncode == 0, r.stderr[-1500:]
    # Local sockets (AF_UNIX) are not the network; anything else is.
    return [line for line in log.read_text().splitlines() if "connect(" in line and "AF_UNIX" not in line]


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
@pytest.mark.parametrize(
    "args",
    [
        ("build", "--out", "{tmp}/dist"),
        ("validate",),
        ("query", "participation", "-p", "iso3=AUS", "-f", "csv"),
        ("claims", "-f", "csv"),
    ],
    ids=["build", "validate", "query", "claims"],
)
def test_default_commands_open_no_network_connection(tmp_path, args):
    assert _connects(tmp_path, *(a.format(tmp=tmp_path) for a in args)) == []


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
def test_strace_sees_a_connection_when_one_is_asked_for(tmp_path, listener):
    """The control for the test above: an allowed SERVICE does show up as a connect()."""
    q = tmp_path / "fed.rq"
    q.write_text(f"SELECT * WHERE {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }}\n", encoding="utf-8")
    seen = _connects(tmp_path, "query", str(q), "--allow-service", listener.url, "-f", "csv")
    assert any(f"sin_port=htons({listener.port})" in line for line in seen), seen


def test_commit_files_undoes_a_rename_that_fails_half_way(tmp_path, monkeypatch):
    import migkg.core.atomic as atomic
    from migkg.core.errors import OutputError

    a, b, c = (tmp_path / n for n in ("a.ttl", "b.ttl", "c.ttl"))
    a.write_text("old a")
    b.write_text("old b")
    real_replace = os.replace

    def failing(src, dst):  # the third rename into place fails, as on a full or read-only disk
        if Path(dst) == c:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", failing)
    with pytest.raises(OutputError, match="No space left"):
        atomic.commit_files({a: "new a", b: "new b", c: "new c"})
    monkeypatch.setattr(atomic.os, "replace", real_replace)
    assert (a.read_text(), b.read_text(), c.exists()) == ("old a", "old b", False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.ttl", "b.ttl"]


def test_an_interrupt_inside_a_weakref_callback_is_delivered_again():
    """SIGTERM raised inside a weakref callback would be printed as "Exception ignored" and lost;
    the CLI's hook hands it back to the signal machinery instead (seen once mid-build)."""
    from types import SimpleNamespace

    from migkg import boundary as cli  # the hook lives in the error boundary

    seen = []
    old = signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    try:
        cli._unraisable(SimpleNamespace(exc_value=SystemExit(143)))
        time.sleep(0.05)  # the handler runs at the next point the interpreter checks for signals
    finally:
        signal.signal(signal.SIGTERM, old)
    assert seen == [signal.SIGTERM]
