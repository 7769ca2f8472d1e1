"""What changed between two builds or releases: their events and resources compared row by row.

Each graph is read from its folder (a build's migkg.nt, or a release's data/migkg.nt.gz), the
release tables (queries/release/) are run on both, and rows are matched by their key: a row
only in the new graph was added, only in the old one removed, in both with another value in
some column changed (a date, a kind, a source). Lists of values (sources, types, cases) are compared as sets.

The tables are read with today's queries, so both graphs must speak the ontology they use: a
term the queries need that either graph lacks, or a term the old ontology had and the new one
has not (a rename), stops the comparison with the terms named, rather than reporting every
row as removed and added.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .core.atomic import commit_files
from .core.errors import MigkgError
from .core.limits import read_bytes_limited, read_gzip_limited
from .core.project import ONTOLOGY_NS
from .core.queries import QueryCatalog
from .core.results import Table, to_csv, to_markdown
from .core.sparql_safety import inspect_query
from .core.store import KnowledgeGraph
from .outputs.tables import release_tables

SHOWN = 40  # changes listed per table and kind in the Markdown; the CSV has them all


class NotABuild(MigkgError):
    """A folder that holds neither a build nor a release."""


class OntologyMismatch(MigkgError):
    """Two graphs whose ontologies differ in terms the comparison depends on."""


@dataclass(frozen=True)
class Change:
    table: str
    key: str
    change: str  # added, removed, changed
    column: str = ""
    old: str = ""
    new: str = ""


def graph_file(folder: Path) -> Path:
    """The N-Triples file of a build (migkg.nt) or of a release (data/migkg.nt.gz)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise NotABuild(f"{folder} is not a folder", hint="give two folders written by 'migkg build' or 'migkg release'")
    for candidate in (folder / "migkg.nt", folder / "data" / "migkg.nt.gz"):
        if candidate.is_file():
            return candidate
    raise NotABuild(
        f"{folder} is not a migkg build or release: it has neither migkg.nt (a build) nor data/migkg.nt.gz (a release)",
        hint="give two folders written by 'migkg build --out DIR' or 'migkg release'",
    )


def load_graph(folder: Path) -> KnowledgeGraph:
    path = graph_file(folder)
    data = read_gzip_limited(path) if path.suffix == ".gz" else read_bytes_limited(path)
    kg = KnowledgeGraph()
    try:
        kg.store.load(data, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as e:
        raise MigkgError(f"{path}: not valid N-Triples ({e})", hint="build or release it again") from None
    return kg


def _declared(kg: KnowledgeGraph, catalog: QueryCatalog) -> set[str]:
    return {r["t"].value for r in kg.query(catalog.get("lookup/ontology-terms").text)}


def check_ontologies(old: KnowledgeGraph, new: KnowledgeGraph, catalog: QueryCatalog) -> None:
    """Raise OntologyMismatch unless both graphs declare every term the release tables use, and
    the new ontology keeps every term of the old."""
    used = {i for q in catalog.folder("release") for i in inspect_query(q.text).iris if i.startswith(ONTOLOGY_NS)}
    have_old, have_new = _declared(old, catalog), _declared(new, catalog)
    short = lambda terms: ", ".join("migkg:" + t[len(ONTOLOGY_NS):] for t in sorted(terms)[:8]) + (  # noqa: E731
        f" and {len(terms) - 8} more" if len(terms) > 8 else "")
    v_old, v_new = old.ontology_version() or "(none)", new.ontology_version() or "(none)"
    gone = have_old - have_new
    if gone:
        raise OntologyMismatch(
            f"the two graphs use different ontology versions ({v_old} → {v_new}), and the newer lacks "
            f"{len(gone)} term(s) of the older: {short(gone)}; a renamed term would show every row as removed and added",
            hint="compare builds of the same ontology version, or rebuild the old one with the new ontology",
        )
    for name, have in (("old", have_old), ("new", have_new)):
        missing = used - have
        if missing:
            raise OntologyMismatch(
                f"the {name} graph (ontology {v_old if name == 'old' else v_new}) does not declare "
                f"{short(missing)}, which the comparison's queries (queries/release/) use",
                hint="rebuild it with this version of migkg, or compare it with the migkg that built it",
            )


# Columns that list several values, in no particular order, and how they are separated.
SETS = {"sources": " ", "types": " ", "cases": " | "}


def _norm(column: str, value: str) -> str:
    sep = SETS.get(column)
    return sep.join(sorted(value.split(sep))) if sep and value else value


def diff_graphs(old: KnowledgeGraph, new: KnowledgeGraph, catalog: QueryCatalog) -> list[Change]:
    check_ontologies(old, new, catalog)
    changes: list[Change] = []
    for before, after in zip(release_tables(old, catalog), release_tables(new, catalog)):
        a, b = before.keyed(), after.keyed()
        name = after.name
        for key in sorted(b.keys() - a.keys()):
            changes.append(Change(name, " ".join(key), "added"))
        for key in sorted(a.keys() - b.keys()):
            changes.append(Change(name, " ".join(key), "removed"))
        for key in sorted(a.keys() & b.keys()):
            for column in after.table.columns:
                was, now = a[key].get(column, ""), b[key].get(column, "")
                if _norm(column, was) != _norm(column, now):
                    changes.append(Change(name, " ".join(key), "changed", column, was, now))
    return changes


def diff_table(changes: list[Change]) -> Table:
    return Table(["table", "key", "change", "column", "old", "new"],
                 [[c.table, c.key, c.change, c.column, c.old, c.new] for c in changes])


def render_diff(changes: list[Change], old_name: str, new_name: str) -> str:
    tables = list(dict.fromkeys(c.table for c in changes))
    if not changes:
        return f"No differences between {old_name} and {new_name} in any release table.\n"
    counts = Table(["table", "added", "removed", "changed"], [
        [t] + [str(len({c.key for c in changes if c.table == t and c.change == k})) for k in ("added", "removed", "changed")]
        for t in tables])
    lines = [f"From {old_name} to {new_name}: rows added, removed, and changed (counted by key).", "",
             to_markdown(counts).rstrip(), ""]
    for t in tables:
        lines += [f"### {t}", ""]
        for kind in ("added", "removed", "changed"):
            these = [c for c in changes if c.table == t and c.change == kind]
            if not these:
                continue
            shown = Table(["key", "column", "old", "new"] if kind == "changed" else ["key"],
                          [[c.key, c.column, c.old, c.new] if kind == "changed" else [c.key] for c in these[:SHOWN]])
            lines += [f"{kind} ({len(these)}):", "", to_markdown(shown).rstrip()]
            if len(these) > SHOWN:
                lines.append(f"\n… and {len(these) - SHOWN} more (see diff.csv)")
            lines.append("")
    return "\n".join(lines)


def run_diff(old: Path, new: Path, catalog: QueryCatalog, out: Path | None = None) -> tuple[list[Change], str]:
    """Compare the builds or releases in folders `old` and `new`; write diff.md and diff.csv into
    `out` if given. The changes, and their Markdown."""
    changes = diff_graphs(load_graph(old), load_graph(new), catalog)
    markdown = render_diff(changes, str(old), str(new))
    if out is not None:
        commit_files({out / "diff.md": markdown, out / "diff.csv": to_csv(diff_table(changes))})
    return changes, markdown
