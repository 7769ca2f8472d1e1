"""The benchmark runs end to end at a tiny scale and writes a well-formed table (no timing assertions)."""

from __future__ import annotations

from benchmarks.run import main


def test_tiny_benchmark_writes_a_table(tmp_path):
    out = tmp_path / "RESULTS.md"
    main(["--scale", "tiny", "--out", str(out), "--limit", "120"])
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| step | migkg (pyoxigraph) | rdflib Graph | ratio (rdflib / migkg) |"
    steps = {r.split(" | ")[0].removeprefix("| ") for r in rows[1:]}
    assert {
        "load",
        "validation (qc queries)",
        "derivation",
        "query participation",
        "network page (treaties)",
        "peak memory (MiB)",
    } <= steps
    assert all(r.count("|") == 5 for r in rows)
