"""The wheel carries the project's data: installed into a fresh virtual environment outside any
checkout, migkg builds, answers queries, serves, and runs the README's Python example and the
example notebook from the packaged data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

from support import ROOT
from support.servers import free_port

pytestmark = pytest.mark.slow  # builds a wheel, makes a virtual environment, runs the installed program

# The README's Python example (see test_readme.py, which checks the README shows this very code).
API_EXAMPLE = (ROOT / "tests" / "fixtures" / "api_example.py")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A new virtual environment with the wheel installed, and a working folder outside the checkout.

    No download: the wheel is built without build isolation, and the new environment sees the
    test environment's third-party packages through a .pth line (which does not run the
    editable install's own .pth hook, so the only migkg it can import is the installed wheel).
    """
    pytest.importorskip("wheel", reason="the wheel package is in the test extras (make test installs it)")
    base = tmp_path_factory.mktemp("fresh")
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(base), str(ROOT)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    (wheel,) = base.glob("migkg-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False, symlinks=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    r = subprocess.run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "-q", str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    work = base / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MIGKG_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return wheel, env_dir, work, env


def _run(fresh, *args, timeout=600):
    _, env_dir, work, env = fresh
    return subprocess.run([str(a) for a in args], cwd=work, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_wheel_holds_ontology_graph_queries_and_page_assets(fresh):
    wheel = fresh[0]
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("ontology/migkg.ttl", "ontology/shapes.ttl", "graph/countries.ttl", "graph/untc/V-2.ttl",
                 "queries/cq/participation.rq", "queries/viz/actors.rq", "queries/release/10-treaty-actions.rq"):
        assert f"migkg/_project/{path}" in names, path
    assert "migkg/outputs/vendor/d3.min.js" in names and "migkg/outputs/assets/vocabularies.html" in names
    assert "migkg/importers/undesa_regions.csv" in names
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "graph", "queries", "ontology"],
                             capture_output=True, text=True).stdout.split()
    if tracked:  # in a git checkout: every data file the project tracks is in the wheel
        assert {f"migkg/_project/{p}" for p in tracked if not p.endswith(".md")} <= names


def test_the_fresh_environment_imports_the_installed_wheel_and_its_packaged_data(fresh):
    _, env_dir, _, _ = fresh
    r = _run(fresh, env_dir / "bin" / "python", "-c",
             "import migkg, migkg.core.project as p; print(migkg.__file__); print(p.find_project().root)")
    assert r.returncode == 0, r.stderr
    module, root = r.stdout.split()
    assert module.startswith(str(env_dir)) and root.endswith("migkg/_project") and root.startswith(str(env_dir))


def test_installed_migkg_answers_a_query_from_the_packaged_data(fresh):
    _, env_dir, _, _ = fresh
    r = _run(fresh, env_dir / "bin" / "migkg", "query", "participation", "-p", "iso3=CHN", "-f", "csv")
    assert r.returncode == 0, r.stderr
    assert "CHN,V-2,accession,1982-09-24" in r.stdout


def test_installed_migkg_builds_from_the_packaged_data(fresh):
    _, env_dir, work, _ = fresh
    r = _run(fresh, env_dir / "bin" / "migkg", "build", "--out", "dist")
    assert r.returncode == 0, r.stderr
    for name in ("migkg.ttl", "report.md", "index.html", "map.html", "states/CHN.html", "ontology/index.zh.html"):
        assert (work / "dist" / name).is_file(), name


def test_the_readme_python_example_runs_in_the_fresh_environment(fresh):
    _, env_dir, _, _ = fresh
    r = _run(fresh, env_dir / "bin" / "python", API_EXAMPLE)
    assert r.returncode == 0, r.stderr
    assert "CHN V-2 accession 1982-09-24" in r.stdout
    for readme in ("README.md", "README.zh-CN.md"):  # the output they show is this run's
        assert f"```\n{r.stdout}```" in (ROOT / readme).read_text("utf-8"), readme


def test_the_notebook_runs_in_the_fresh_environment(fresh):
    pytest.importorskip("nbclient", reason="nbclient is in the test extras (make test installs it)")
    _, env_dir, work, _ = fresh
    script = (
        "import sys, nbformat, nbclient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3').execute()\n"
        "print(sys.executable, sum(len(c.get('outputs', [])) for c in nb.cells))\n"
    )
    r = _run(fresh, env_dir / "bin" / "python", "-c", script, ROOT / "examples" / "seed-questions.ipynb")
    assert r.returncode == 0, r.stderr[-3000:]
    executable, outputs = r.stdout.split()
    assert executable.startswith(str(env_dir)) and int(outputs) >= 8


def test_installed_migkg_serves_the_packaged_graph(fresh):
    _, env_dir, work, env = fresh
    port = free_port()
    proc = subprocess.Popen([str(env_dir / "bin" / "migkg"), "serve", "--port", str(port), "--workers", "1",
                             "--dist", str(work / "serve-dist")], cwd=work, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/sparql?"
    ask = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/migkg/ontology#TreatyAction> }"
    try:
        deadline = time.time() + 180
        while True:
            try:
                with urllib.request.urlopen(
                    urllib.request.Request(base + urllib.parse.urlencode({"query": ask}),
                                           headers={"Accept": "application/sparql-results+json"}), timeout=5) as r:
                    answer = json.load(r)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise AssertionError(proc.stderr.read().decode()[-2000:]) from None
                time.sleep(0.5)
        assert int(answer["results"]["bindings"][0]["n"]["value"]) > 1000
    finally:
        proc.terminate()
        proc.wait(20)


def test_project_option_names_a_folder_that_is_not_a_project(tmp_path):
    r = subprocess.run([sys.executable, "-m", "migkg", "--project", str(tmp_path), "queries"],
                       capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert f"{tmp_path} is not a migkg project folder" in r.stderr and "Traceback" not in r.stderr
