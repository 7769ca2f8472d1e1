"""A release: the graph, its flat tables and its ontology, dated, versioned and checksummed.

    releases/migkg-2026-12-02/
      data/       migkg.ttl, migkg.nt.gz, migkg.jsonld
      tables/     one CSV per queries/release/ table, dictionary.csv (every column explained)
      ontology/   migkg.ttl (with its dated owl:versionIRI), vocabularies.ttl, shapes.ttl
      void.ttl    VoID/DCAT: version, date, per-instrument as-of dates, each file's SHA-256
      RELEASE-NOTES.md, release.json (the manifest `migkg diff` reads), SHA256SUMS

The whole folder is written aside and moved into place in one rename, so a release is complete
or absent. An existing release folder is replaced only when asked, and then wholly.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .build import BuildFailed
from .core.atomic import check_writable, staged_dir
from .core.errors import MigkgError
from .core.project import BASE, PREFIXES
from .core.results import Table, to_csv, to_markdown
from .diff import diff_graphs, load_graph, render_diff
from .outputs.graphfiles import write_graph_files
from .outputs.ontodocs import copy_ontology_files
from .outputs.tables import ReleaseTable, release_tables
from .outputs.void import Distribution, dataset_description, media_type
from .workspace import Workspace

MANIFEST = "release.json"
RELEASE_BASE = BASE + "release/"


class ReleaseExists(MigkgError):
    """The release folder already holds a release, and replacing it was not asked for."""


@dataclass
class ReleaseResult:
    folder: Path
    version: str
    files: list[Path] = field(default_factory=list)
    triples: int = 0


def read_manifest(folder: Path) -> dict | None:
    """A release folder's manifest, or None if `folder` holds no release."""
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise MigkgError(f"{path}: not a readable release manifest ({e})", hint="write the release again") from None


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _fingerprint(path: Path) -> tuple[str, int]:
    """A file's SHA-256 and size, as the manifest, the notes and the VoID record them."""
    return sha256(path), path.stat().st_size


def _dictionary(tables: list[ReleaseTable]) -> Table:
    return Table(["table", "column", "description"],
                 [[t.name, c, t.query.columns[c]] for t in tables for c in t.table.columns])


def _notes(version: str, triples: int, ontology: str, tables: list[ReleaseTable], currency: Table,
           files: dict[str, tuple[str, int]], changes: str | None) -> str:
    lines = [
        f"# migkg release {version}",
        "",
        f"Released {version} by migkg {__version__}. {triples:,} triples; ontology version <{ontology}>.",
        "The data are as current as their sources: the treaty tables are snapshots with the as-of dates below,",
        "brought forward by the later actions cited; they are not the treaties' status on the release date.",
        "",
        "## How current each instrument's status is",
        "",
        to_markdown(currency).rstrip(),
        "",
        "## Tables (tables/, columns explained in tables/dictionary.csv)",
        "",
        to_markdown(Table(["file", "rows", "what it holds"],
                          [[f"tables/{t.name}.csv", str(len(t.table.rows)), t.query.title] for t in tables])).rstrip(),
        "",
        "## Files (SHA-256, also in SHA256SUMS)",
        "",
        to_markdown(Table(["file", "bytes", "sha256"], [[p, f"{n:,}", h] for p, (h, n) in sorted(files.items())])).rstrip(),
        "",
        "## Changes since the previous release",
        "",
        changes if changes is not None else "This is the first release in this folder: there is nothing to compare with.",
        "",
    ]
    return "\n".join(lines)


def previous_release(out: Path, version: str) -> Path | None:
    """The newest release in `out` older than `version`, if any."""
    older = []
    for folder in out.glob("migkg-*"):
        manifest = read_manifest(folder) if folder.is_dir() else None
        if manifest and manifest.get("version", "") < version:
            older.append((manifest["version"], folder))
    return max(older)[1] if older else None


def write_release(ws: Workspace, out: Path, replace: bool = False, today: str | None = None,
                  previous: Path | None = None) -> ReleaseResult:
    """Validate, then write the release of `today` (default: the real today) into out/migkg-DATE/.

    The notes compare it with `previous`, or with the newest older release in `out`.
    """
    version = today or date.today().isoformat()
    inside = read_manifest(out) if out.is_dir() else None
    if inside:
        raise ReleaseExists(
            f"{out} is itself a release ({inside.get('version', '?')}); releases go side by side in the folder "
            "that holds them, as OUT/migkg-DATE/; nothing was written",
            hint=f"give the folder that holds it: --out {out.parent}",
        )
    folder = out / f"migkg-{version}"
    if folder.exists():
        held = read_manifest(folder)
        if not replace:
            what = f"release {held['version']} (written by migkg {held.get('migkg', '?')})" if held else "files"
            raise ReleaseExists(f"{folder} already holds {what}; nothing was written",
                                hint="pass --replace to replace it wholly, or choose another --out")
        if held is None and any(folder.iterdir()):
            raise ReleaseExists(f"{folder} holds files that are not a migkg release; nothing was written",
                                hint="choose another --out, or empty the folder")
    check_writable(out)  # makes it if need be
    if ws.violations:
        raise BuildFailed(ws.violations)
    kg = ws.graph
    tables = release_tables(kg, ws.catalog)
    ontology = kg.ontology_version()
    if previous is None:
        previous = previous_release(out, version)
    changes = None
    if previous is not None:
        ws.step(f"comparing with {previous}")
        changes = render_diff(diff_graphs(load_graph(previous), kg, ws.catalog), str(previous), version)

    result = ReleaseResult(folder=folder, version=version)
    with staged_dir(folder, carry_over=False) as stage:
        ws.step("writing the graph files")
        data = stage / "data"
        data.mkdir()
        result.triples = write_graph_files(kg, data)
        nt = data / "migkg.nt"
        with nt.open("rb") as src, gzip.GzipFile(data / "migkg.nt.gz", "wb", mtime=0) as dst:
            shutil.copyfileobj(src, dst)  # mtime 0: the same graph gives the same bytes
        nt.unlink()
        ws.step("writing the tables")
        (stage / "tables").mkdir()
        for t in tables:
            (stage / "tables" / f"{t.name}.csv").write_text(to_csv(t.table), encoding="utf-8")
        (stage / "tables" / "dictionary.csv").write_text(to_csv(_dictionary(tables)), encoding="utf-8")
        (stage / "ontology").mkdir()
        copy_ontology_files(ws.project, stage / "ontology")

        files = {p.relative_to(stage).as_posix(): _fingerprint(p) for p in sorted(stage.rglob("*")) if p.is_file()}
        base = f"{RELEASE_BASE}{version}/"
        dists = [Distribution(base + path, media_type(path), sha256=h, size=n, path=path, dump=path.startswith("data/"))
                 for path, (h, n) in files.items()]
        void = dataset_description(kg.store, result.triples, dists, version=version, issued=version)
        ox.serialize(void, stage / "void.ttl", format=ox.RdfFormat.TURTLE, prefixes=PREFIXES | {
            "spdx": "http://spdx.org/rdf/terms#", "dcat": "http://www.w3.org/ns/dcat#"})
        (stage / "RELEASE-NOTES.md").write_text(
            _notes(version, result.triples, ontology, tables, ws.currency, files, changes), encoding="utf-8")
        for extra in ("void.ttl", "RELEASE-NOTES.md"):
            files[extra] = _fingerprint(stage / extra)
        manifest = {"version": version, "issued": version, "migkg": __version__, "ontology_version": ontology,
                    "triples": result.triples, "previous": str(previous) if previous else None,
                    "files": {p: {"sha256": h, "bytes": n} for p, (h, n) in sorted(files.items())}}
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        files[MANIFEST] = _fingerprint(stage / MANIFEST)
        sums = io.StringIO()
        for p, (h, _) in sorted(files.items()):
            sums.write(f"{h}  {p}\n")  # the format `sha256sum -c SHA256SUMS` checks
        (stage / "SHA256SUMS").write_text(sums.getvalue(), encoding="utf-8")
        result.files = [folder / p for p in sorted(files)] + [folder / "SHA256SUMS"]
    return result


def verify_release(folder: Path) -> list[str]:
    """The files of a release whose checksum differs from its manifest's, or that are missing."""
    manifest = read_manifest(folder)
    if manifest is None:
        raise MigkgError(f"{folder} holds no migkg release (no {MANIFEST})")
    return [p for p, meta in manifest["files"].items()
            if not (folder / p).is_file() or sha256(folder / p) != meta["sha256"]]

