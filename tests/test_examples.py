"""The example notebook runs headlessly in a real Jupyter kernel, and its answers are the graph's."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from support import ROOT

nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extras (make test installs it)")
nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extras (make test installs it)")
pytest.importorskip("ipykernel", reason="ipykernel is in the test extras (make test installs it)")
pytest.importorskip("matplotlib", reason="matplotlib is in the test extras (make test installs it)")

pytestmark = pytest.mark.slow  # starts a kernel process
NOTEBOOK = ROOT / "examples" / "seed-questions.ipynb"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The notebook, executed from a folder outside the checkout; its cells by id."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    where = tmp_path_factory.mktemp("notebook")
    nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(where)}}).execute()
    return {c["id"]: c for c in nb.cells}


def _text(cell) -> str:
    parts = []
    for o in cell.outputs:
        parts.append(o.get("text", ""))
        parts.append(o.get("data", {}).get("text/plain", ""))
        parts.append(o.get("data", {}).get("text/html", ""))
    return "\n".join(parts)


def _images(cell) -> int:
    return sum("image/png" in o.get("data", {}) for o in cell.outputs)


def test_the_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_bali_participants_outside_the_convention_are_the_querys(run, project_ws):
    rows = project_ws.query("forum-members-not-party", {"forum": "bali-process", "instrument": "V-2"}).table().rows
    shown = _text(run["q1-answer"])
    assert f"{len(rows)} Bali Process participants are not party" in shown
    assert all(r[2] in shown for r in rows)
    assert "treaty status as of:" in shown  # the answer says how current it is


def test_the_charts_are_drawn(run):
    assert _images(run["q2-answer"]) == 1 and _images(run["q3-answer"]) == 1


def test_the_transfer_total_is_the_graphs(run, project_ws):
    t = project_ws.query("transfers").table()
    c = {name: i for i, name in enumerate(t.columns)}
    under = [r for r in t.rows if r[c["from"]] == "United States of America" and r[c["arrangement"]]]
    total = sum(int(r[c["head_count"]]) for r in under if r[c["head_count"]])
    assert f"{len(under)} operations under US arrangements, {total} people in all" in _text(run["q3-answer"])


def test_the_claim_verdicts_are_the_graphs(run, project_ws):
    t = project_ws.claims_table()
    counts = Counter(r[t.columns.index("verdict")] for r in t.rows)
    shown = _text(run["q4-answer"])
    for verdict, n in counts.items():
        assert re.search(rf"{re.escape(verdict)}\s+{n}\b", shown), (verdict, n)
