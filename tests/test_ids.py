"""Instance IRIs come from one module: its examples run as doctests, and no other module formats one."""

from __future__ import annotations

import doctest
import re

import migkg.core.ids

from support import ROOT

# An f-string or concatenation that starts from the instance namespace, in code outside ids.py.
_BUILT = re.compile(r'f"\{ID_NS\}|ID_NS \+ |f"https://w3id\.org/migkg/id/')


def test_the_examples_in_ids_hold():
    result = doctest.testmod(migkg.core.ids)
    assert result.attempted >= 4 and result.failed == 0


def test_no_other_module_builds_instance_iris():
    found = []
    for path in sorted((ROOT / "src" / "migkg").rglob("*.py")):
        if path.name in ("ids.py", "project.py"):  # project.py defines the namespaces themselves
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            # The endpoint turns a request path back into an IRI, and checks it, before use.
            if _BUILT.search(line) and "checked as an IRI" not in line:
                found.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not found, "build instance IRIs with migkg.core.ids:\n" + "\n".join(found)
