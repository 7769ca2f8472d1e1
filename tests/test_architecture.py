"""The package tree is the architecture: each layer imports only the layers before it, no module
imports itself back through another, and only the catalogue opens query files."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from support import ROOT

SRC = ROOT / "src" / "migkg"
# Layer of each part of the package; a module may import only from its own layer or lower ones.
LAYERS = {
    "core": 0,
    "steps": 1,
    "remote": 1,  # other endpoints: Wikidata, a user's server; uses only core
    "importers": 1,  # reference tables into GENERATED graph files
    "outputs": 2,
    "workspace": 3,
    "build": 3,
    "release": 3,  # a dated release of a build
    "diff": 3,  # two builds or releases compared
    "serve": 4,
    "api": 4,  # the Python API: a workspace seen from a notebook
    "terminal": 5,
    "boundary": 5,
    "cli": 6,
    "__main__": 7,
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The migkg modules a file imports (relative imports resolved), at any depth in the file."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from . import ids` imports a module
                full = f"{target}.{alias.name}"
                found.add(full if _is_module(full) else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m == "migkg" or m.startswith("migkg.")}


def _is_module(name: str) -> bool:
    rel = Path(*name.split(".")[1:])
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def _layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


FILES = sorted(SRC.rglob("*.py"))
GRAPH = nx.DiGraph((_module(p), m) for p in FILES for m in _imports(p) if m != "migkg")


def test_every_part_of_the_package_has_a_layer():
    assert {_module(p).split(".")[1] for p in FILES if _module(p) != "migkg"} <= set(LAYERS)


def test_each_layer_imports_only_the_layers_before_it():
    upward = sorted(
        f"{a} (layer {_layer(a)}) imports {b} (layer {_layer(b)})"
        for a, b in GRAPH.edges
        if _layer(a) is not None and _layer(b) is not None and _layer(b) > _layer(a)
    )
    assert upward == []


def test_no_import_cycles_between_modules():
    assert list(nx.simple_cycles(GRAPH)) == []


def test_only_the_catalogue_opens_query_files():
    # Query files are named by folder and stem (`catalog.get("viz/actors")`), never by path.
    allowed = {SRC / "core" / "queries.py", SRC / "core" / "project.py"}
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in FILES if p not in allowed for line in _query_paths(p)]
    assert offenders == []


def _query_paths(path: Path) -> list[int]:
    """Lines that reach for a query file by path: `.queries_dir`, or a string naming a .rq file."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if (isinstance(node, ast.Attribute) and node.attr == "queries_dir")
        or (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.endswith(".rq"))
    ]


def test_the_checks_can_fail():
    # The import reader sees a relative import, and a cycle would be found.
    assert "migkg.core.errors" in _imports(SRC / "core" / "store.py")
    assert len(list(nx.simple_cycles(nx.DiGraph([("a", "b"), ("b", "a")])))) == 1
    example = ROOT / "tests" / "fixtures" / "architecture" / "opens-a-query.py"
    assert sorted(_query_paths(example)) == [6, 7]
