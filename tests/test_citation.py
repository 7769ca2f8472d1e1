"""CITATION.cff names the dataset as the package does, and cites the sources the graph itself names."""

from __future__ import annotations

import tomllib

import pytest

import migkg

from support import ROOT

yaml = pytest.importorskip("yaml", reason="PyYAML is in the test extras (make test installs it)")
M = "https://w3id.org/migkg/ontology#"


@pytest.fixture(scope="module")
def cff():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def test_the_citation_names_this_version_and_licence(cff, project_kg):
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert cff["version"] == migkg.__version__ == pyproject["project"]["version"]
    (licence,) = [r["l"].value for r in project_kg.query(
        "SELECT ?l WHERE { <https://w3id.org/migkg/ontology> <http://purl.org/dc/terms/license> ?l }")]
    assert licence == "https://creativecommons.org/licenses/by/4.0/" and cff["license"] == "CC-BY-4.0"


def test_every_reference_is_a_source_the_graph_cites(cff, project_kg):
    sources = [(r["t"].value, r["u"].value if r["u"] else "") for r in project_kg.query(f"""
        SELECT ?t ?u WHERE {{ ?s a <{M}Source> ; <http://purl.org/dc/terms/title> ?t
                              OPTIONAL {{ ?s <https://schema.org/url> ?u }} }}""")]
    titles = {t for t, _ in sources}
    urls = [u for _, u in sources]
    assert len(cff["references"]) >= 7
    for ref in cff["references"]:
        url = ref.get("url", "")
        # A reference is the graph's source by title (either language), or by address (the UNTC
        # reference stands for its per-treaty status pages).
        by_title = ref["title"] in titles or any(t in ref["title"] for t in titles if len(t) > 20)
        by_url = bool(url) and any(u == url or u.replace("http://", "https://").startswith(url) for u in urls)
        assert by_title or by_url, ref["title"]
