"""The seed papers' claims: every claim file is well formed, and verdicts follow the data."""

from __future__ import annotations

from decimal import Decimal

import pytest

from migkg.steps.claims import AGREES, DISAGREES, EVALUATION_GRAPH, INCOMPLETE, MISSING, check_all, parse_claim
from migkg.steps.derive import derive
from migkg.core.errors import QueryError
from migkg.core.queries import QueryCatalog

from support import FIXTURES, PROJECT, kg_with

CLAIMS = PROJECT.queries_dir / "claims"


@pytest.mark.parametrize("path", sorted(CLAIMS.glob("*.rq")), ids=lambda p: p.stem)
def test_claim_file_quotes_its_paper(path):
    c = parse_claim(path)
    assert c.paper in {"seed-000", "seed-003"}
    assert c.claim and c.claim_en and c.title
    seed = {"seed-000": "000_ddcc81aaee572daf.txt", "seed-003": "003_e5cc6440f21a57ca.txt"}[c.paper]
    paper = PROJECT.root.parent / "shared" / "seeds" / seed
    if paper.exists():  # the quotation must be the paper's own words; "……" marks an elision
        flat = "".join(paper.read_text(encoding="utf-8").split())
        at = 0
        for part in "".join(c.claim.split()).split("……"):
            found = flat.find(part, at)
            assert part and found >= 0, f"not in the paper (in this order): {part}"
            at = found + len(part)


def test_verdicts_on_fixture_world():
    kg = kg_with(FIXTURES / "claims" / "world.ttl")
    derive(kg, QueryCatalog(PROJECT))
    verdicts = {f.claim.name: (f.value, f.verdict) for f in check_all(kg, QueryCatalog(PROJECT).claims())}
    assert verdicts["000-refugee-instruments-central-asia"] == ("0.667", AGREES)  # 2 of 3 > 0.5 in 2013
    assert verdicts["003-panama-transfer-2025-02-12"] == ("100", DISAGREES)  # paper: 119
    assert verdicts["000-bali-process-smuggling-protocol"] == ("1", INCOMPLETE)  # list marked incomplete
    assert verdicts["003-el-salvador-transfer-2025-03-16"] == ("", MISSING)
    assert verdicts["003-us-bound-by-refugee-convention"] == ("1", AGREES)  # bound through V-5
    assert verdicts["003-partners-party-to-refugee-convention"] == ("1", DISAGREES)  # SLV yes, GTM no
    assert verdicts["003-guatemala-agreement-2025-02-05"] == ("20250205", AGREES)  # earliest step
    assert verdicts["000-founded-manila-process"] == ("1997", DISAGREES)  # paper: 1996
    assert verdicts["000-founded-apc"] == ("", MISSING)


def test_detail_says_what_the_graph_knows():
    kg = kg_with(FIXTURES / "claims" / "world.ttl")
    derive(kg, QueryCatalog(PROJECT))
    details = {f.claim.name: f.detail for f in check_all(kg, QueryCatalog(PROJECT).claims())}
    assert details["003-us-bound-by-refugee-convention"] == "USA bound: party to V-5 since 1968-11-01"
    assert details["003-guatemala-agreement-2025-02-05"] == "announced on 2025-02-05"


@pytest.mark.parametrize(
    "rule, value, expected",
    [
        ("equals", "119", True),
        ("equals", "118", False),
        ("within 2", "19", True),
        ("within 2", "18", False),
        ("greater-than", "0.5", False),
        ("greater-than", "0.51", True),
        ("at-least", "0.5", True),
        ("less-than", "0.49", True),
        ("at-most", "0.6", False),
    ],
)
def test_comparison_rules(tmp_path, rule, value, expected):
    paper_says = "21" if rule.startswith("within") else ("119" if rule == "equals" else "0.5")
    f = tmp_path / "c.rq"
    f.write_text(
        f"# paper: seed-000\n# claim: x\n# paper_says: {paper_says}\n# agree: {rule}\n# as_of: 2013-12-31\n"
        "SELECT ?value WHERE {}\n"
    )
    assert parse_claim(f).compare(Decimal(value)) is expected


def test_malformed_claim_file(tmp_path):
    f = tmp_path / "bad.rq"
    f.write_text("# paper: seed-000\n# claim: x\n# paper_says: about twenty\n# as_of: 2013-12-31\nSELECT ?value WHERE {}\n")
    with pytest.raises(QueryError, match="must be a number"):
        parse_claim(f)


@pytest.mark.parametrize("as_of, message", [(None, "lacks a '# as_of:' header"), ("2013", "is not a date"), ("2013-02-30", "is not a date")])
def test_a_claim_needs_the_date_it_speaks_of(tmp_path, as_of, message):
    f = tmp_path / "undated.rq"
    header = "" if as_of is None else f"# as_of: {as_of}\n"
    f.write_text("# paper: seed-000\n# claim: x\n# paper_says: 1\n" + header + "SELECT ?value WHERE {}\n")
    with pytest.raises(QueryError, match=message) as e:
        parse_claim(f)
    assert str(f) in e.value.message


def test_claims_are_checked_as_of_their_date_and_today_is_shown_beside():
    kg = kg_with(FIXTURES / "claims" / "world.ttl")
    derive(kg, QueryCatalog(PROJECT))
    found = {f.claim.name: f for f in check_all(kg, QueryCatalog(PROJECT).claims(), today="2026-12-02")}
    central = found["000-refugee-instruments-central-asia"]
    assert central.claim.as_of == "2013-12-31"
    assert (central.value, central.verdict) == ("0.667", AGREES)  # Tajikistan not yet party to V-5
    assert (central.today_value, central.today_verdict) == ("1", AGREES)  # all three since 2016
    assert central.today() == "1 (agrees)"
    assert found["003-panama-transfer-2025-02-12"].today() == "same"
    # The evaluation date is removed again: nothing of it is left in the store.
    assert not list(kg.store.quads_for_pattern(None, None, None, EVALUATION_GRAPH))
