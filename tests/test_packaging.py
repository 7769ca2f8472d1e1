"""The wheel carries the project's data, and migkg run from it outside any checkout reads that data."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from support import ROOT

pytestmark = pytest.mark.slow  # builds a wheel and runs the installed program


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    pytest.importorskip("wheel", reason="the wheel package is in the test extras (make test installs it)")
    out = tmp_path_factory.mktemp("wheel")
    # No build isolation: the build uses the tools already installed, so the test needs no download.
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True, text=True,
    )
    assert r.returncode == 0, r.stderr
    (wheel,) = out.glob("migkg-*.whl")
    target = out / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return wheel, target


def test_the_wheel_holds_ontology_graph_queries_and_page_assets(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ("ontology/migkg.ttl", "ontology/shapes.ttl", "graph/countries.ttl", "graph/untc/V-2.ttl",
                 "queries/cq/participation.rq", "queries/viz/actors.rq"):
        assert f"migkg/_project/{path}" in names, path
    assert "migkg/outputs/vendor/d3.min.js" in names and "migkg/outputs/assets/map.js" in names
    assert "migkg/importers/undesa_regions.csv" in names
    tracked = subprocess.run(["git", "-C", str(ROOT), "ls-files", "graph", "queries", "ontology"],
                             capture_output=True, text=True).stdout.split()
    if tracked:  # in a git checkout: every data file the project tracks is in the wheel
        assert {f"migkg/_project/{p}" for p in tracked if not p.endswith(".md")} <= names


def test_installed_migkg_outside_a_checkout_reads_the_packaged_data(installed, tmp_path):
    _, target = installed
    env = {k: v for k, v in os.environ.items() if k != "MIGKG_HOME"}
    env["PYTHONPATH"] = str(target)  # the installed copy comes before the checkout's editable one
    r = subprocess.run([sys.executable, "-m", "migkg", "query", "participation", "-p", "iso3=CHN", "-f", "csv"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "CHN,V-2,accession,1982-09-24" in r.stdout
    where = subprocess.run([sys.executable, "-c", "import migkg.core.project as p; print(p.find_project().root)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.stdout.strip() == str(target / "migkg" / "_project")


def test_project_option_names_a_folder_that_is_not_a_project(tmp_path):
    r = subprocess.run([sys.executable, "-m", "migkg", "--project", str(tmp_path), "queries"],
                       capture_output=True, text=True)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert f"{tmp_path} is not a migkg project folder" in r.stderr and "Traceback" not in r.stderr


def test_installed_migkg_builds_from_the_packaged_data(installed, tmp_path):
    _, target = installed
    env = {k: v for k, v in os.environ.items() if k != "MIGKG_HOME"}
    env["PYTHONPATH"] = str(target)
    r = subprocess.run([sys.executable, "-m", "migkg", "build", "--out", str(tmp_path / "dist")],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    for name in ("migkg.ttl", "report.md", "index.html", "map.html", "states/CHN.html"):
        assert (tmp_path / "dist" / name).is_file(), name
