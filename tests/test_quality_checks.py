"""Every quality rule in queries/qc/ fires on its bad example and stays quiet on its good one."""

from __future__ import annotations

import pytest

from migkg.core.queries import QueryCatalog

from support import FIXTURES, PROJECT, kg_with

CHECKS = QueryCatalog(PROJECT).checks()


def test_every_rule_has_examples():
    names = {c.name.removesuffix("-violation") for c in CHECKS}
    assert names, "no quality checks found"
    missing = [
        n
        for n in names
        if not (FIXTURES / "qc" / n / "bad.ttl").is_file() or not (FIXTURES / "qc" / n / "good.ttl").is_file()
    ]
    assert not missing, f"rules without a bad and a good example: {missing}"


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_rule_fires_on_bad_example(check):
    kg = kg_with(FIXTURES / "qc" / check.name.removesuffix("-violation") / "bad.ttl")
    rows = list(kg.query(check.text))
    assert rows, f"{check.name} did not fire on its bad example"
    for row in rows:
        assert row["node"].value.startswith("https://w3id.org/migkg/id/test/")
        assert row["message"].value


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_rule_quiet_on_good_example(check):
    kg = kg_with(FIXTURES / "qc" / check.name.removesuffix("-violation") / "good.ttl")
    rows = [(r["node"].value, r["message"].value) for r in kg.query(check.text)]
    assert rows == []


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.name)
def test_rule_quiet_on_project_graph(check, project_kg):
    rows = [(r["node"].value, r["message"].value) for r in project_kg.query(check.text)]
    assert rows == []


@pytest.mark.parametrize(
    "rule, nodes",
    [
        ("action-before-adoption", {"action", "coarse"}),
        ("consent-before-signature", {"rat", "rat2"}),
        ("double-consent", {"acc", "acc3"}),
        ("instrument-key", {"un-treaty", "ilo-key", "coe-key", "au-key"}),
        ("observation", {"no-period", "two-values", "forum-area", "unknown-origin", "date-period", "negative",
                         "decimal-count", "share-over-100", "unsourced", "no-dataset"}),
    ],
)
def test_checks_fire_on_exactly_the_bad_nodes(rule, nodes):
    """Each bad case is caught, and nothing else: a month or year date fires only when every possible day is
    too early (the good examples hold the near misses); each malformed observation is named once."""
    check = next(c for c in CHECKS if c.name == f"{rule}-violation")
    kg = kg_with(FIXTURES / "qc" / rule / "bad.ttl")
    assert {r["node"].value.rsplit("/", 1)[-1] for r in kg.query(check.text)} == nodes
