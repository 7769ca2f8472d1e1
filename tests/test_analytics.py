"""Network analytics on the fixture world, where the right answers can be worked out by hand."""

from __future__ import annotations

from migkg.steps.derive import derive
from migkg.core.queries import QueryCatalog
from migkg.outputs.analytics import centrality, communities, forum_overlap
from migkg.outputs.networks import NetworkBuilder
from migkg.outputs.viewdata import ViewData

from support import FIXTURES, PROJECT, kg_with


def builder():
    kg = kg_with(FIXTURES / "cq" / "world" / "base.ttl")
    derive(kg, QueryCatalog(PROJECT))
    return NetworkBuilder(ViewData.read(kg, QueryCatalog(PROJECT)))


def test_arrangement_centrality():
    # Arrangements: AAA–BBB (deal), AAA–CCC (talks); transfers AAA→BBB, AAA→CCC. AAA sits between the others.
    t = centrality(builder().arrangements())
    rows = {r[0]: r for r in t.rows}
    assert rows["AAA"][2:] == ["2", "1.0000", "1.0000"]
    assert rows["BBB"][2:] == ["1", "0.5000", "0.0000"]
    assert t.rows[0][0] == "AAA"  # sorted by betweenness


def test_forum_overlap_is_jaccard_of_participants():
    # test-process: AAA, BBB (observer), Union; other: CCC. No one in common.
    t = forum_overlap(builder().forums())
    assert t.rows == [["Other", "Test Process", "0", "4", "0.000"]]


def test_communities_cover_every_node_once():
    net = builder().arrangements()
    t = communities(net)
    members = [m for r in t.rows for m in r[2].split("; ")]
    assert sorted(members) == sorted(d["label_en"] for _, d in net.graph.nodes(data=True))
