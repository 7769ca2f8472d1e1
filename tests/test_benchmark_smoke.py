"""The benchmark runs end to end at a tiny scale and writes a well-formed table (no timing assertions)."""

from __future__ import annotations

import re

from benchmarks.engines import CHECKS, DERIVE, LOAD, PAGE, SHACL
from benchmarks.run import main
import pytest

pytestmark = pytest.mark.slow  # real processes, servers or browsers; left out of `make test-fast`

TIME = re.compile(r"^[0-9,.]+ (ms|s)( \(\d runs?\))?$")


def test_tiny_benchmark_writes_a_table(tmp_path, capsys):
    out = tmp_path / "RESULTS.md"
    main(["--scale", "tiny", "--out", str(out), "--limit", "120"])
    text = out.read_text()
    assert "### Scale tiny" in text and "### Scale tiny" in capsys.readouterr().out  # written and printed
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert rows[0] == "| step | migkg (pyoxigraph) | rdflib Graph | ratio (rdflib / migkg) |"
    cells = {r.split(" | ")[0].removeprefix("| "): r.strip("| ").split(" | ") for r in rows[1:]}
    assert {LOAD, CHECKS, DERIVE, PAGE, SHACL, "query participation", "peak memory (MiB)"} <= set(cells)
    assert all(r.count("|") == 5 for r in rows)
    # Every step ran to the end on both engines (nothing stopped or failed), with a ratio.
    for step in (LOAD, CHECKS, DERIVE, PAGE, "query participation", "query transfers"):
        _, ours, base, ratio = cells[step]
        assert TIME.match(ours) and TIME.match(base), (step, ours, base)
        assert re.fullmatch(r"[0-9,.]+x", ratio), (step, ratio)
    # The targets are checked and reported.
    assert "every named query under 200 ms" in text and "peak memory under 4 GiB" in text
