"""The workspace computes each part once: a build derives once, reads the networks once, runs
the analyses and the claims once, and every output renders from those results; a mistake in
a query is found before anything is loaded."""

from __future__ import annotations

from collections import Counter

import pytest

import migkg.workspace as workspace
from migkg.build import build_workspace
from migkg.core.errors import QueryError
from migkg.workspace import Workspace

from support import PROJECT


def _counted(monkeypatch, calls: Counter, name: str) -> None:
    real = getattr(workspace, name)

    def wrapper(*args, **kwargs):
        calls[name] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(workspace, name, wrapper)


@pytest.mark.slow
def test_a_build_computes_each_result_once(monkeypatch, tmp_path):
    calls: Counter = Counter()
    for name in ("derive", "validate", "NetworkBuilder", "analyses", "check_all"):
        _counted(monkeypatch, calls, name)
    real_currency = workspace.coverage.instrument_currency

    def currency(*args):
        calls["instrument_currency"] += 1
        return real_currency(*args)

    monkeypatch.setattr(workspace.coverage, "instrument_currency", currency)
    result = build_workspace(Workspace(PROJECT), tmp_path / "dist")
    assert calls == Counter(
        derive=1, validate=1, NetworkBuilder=1, analyses=1, check_all=1, instrument_currency=1
    ), "a result was computed more than once (or not at all)"
    names = {p.name for p in result.files}
    assert {"migkg.ttl", "report.md", "index.html", "treaties.html", "analysis.md"} <= names
    # The report and the pages show the one currency note the workspace computed.
    report = (tmp_path / "dist" / "report.md").read_text(encoding="utf-8")
    assert "## How current the treaty data is" in report


def test_a_bad_parameter_is_found_before_the_graph_is_loaded():
    ws = Workspace(PROJECT)
    with pytest.raises(QueryError, match="has no parameter colour"):
        ws.query("participation", ["colour=red"])
    with pytest.raises(QueryError, match="not NAME=VALUE"):
        ws.query("participation", ["iso3"])
    assert "loaded" not in ws.__dict__  # nothing was read from graph/


def test_a_query_file_is_read_once_per_workspace():
    ws = Workspace(PROJECT)
    assert ws.catalog.get("viz/actors") is ws.catalog.get("viz/actors")
    assert ws.catalog.get("participation") is ws.catalog.find("participation")


@pytest.mark.slow
def test_a_treaty_key_that_names_no_treaty_is_an_error_not_an_empty_answer():
    ws = Workspace(PROJECT)
    with pytest.raises(QueryError, match="no treaty with that key") as e:
        ws.query("participation", {"instrument": "C999"})
    assert "C097" in e.value.hint and "V-2" in e.value.hint  # the hint lists the keys there are
    with pytest.raises(QueryError, match="expected a treaty key"):
        ws.query("participation", {"instrument": "C97"})  # not the ILO's form (C097)
    # A key of the ILO's numbering works like an MTDSG number.
    rows = ws.query("participation", {"instrument": "C189"}).table().rows
    assert rows and {r[1] for r in rows} == {"C189"}
