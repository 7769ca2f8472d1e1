"""Exporting the graph: one sorted, distinct, canonically labelled N-Triples text, whatever the load order."""

from __future__ import annotations

from migkg.core.store import KnowledgeGraph

A = """@prefix ex: <https://example.org/> .
ex:s ex:p "shared" .
ex:s ex:q [ ex:r "inner" ; ex:t [ ex:u 1 ] ] .
"""
B = """@prefix ex: <https://example.org/> .
ex:s ex:p "shared" .
ex:a ex:p [ ex:r "other" ] .
"""


def _export(tmp_path, order):
    for name, text in (("a.ttl", A), ("b.ttl", B)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    kg = KnowledgeGraph()
    kg.load_files([tmp_path / n for n in order])
    return kg


def test_export_is_the_same_whatever_the_load_order(tmp_path):
    one = _export(tmp_path, ["a.ttl", "b.ttl"])
    two = _export(tmp_path, ["b.ttl", "a.ttl"])
    assert one.ntriples() == two.ntriples()
    lines = one.ntriples().decode().splitlines()
    assert lines == sorted(set(lines))  # sorted and distinct: the triple in both files is there once
    assert sum('"shared"' in line for line in lines) == 1
    assert len(lines) == len(one) == 7
    assert all("_:c14n" in line for line in lines if "_:" in line)  # RDFC-1.0 labels
    assert [str(t) for t in one.triples()] == [str(t) for t in two.triples()]
