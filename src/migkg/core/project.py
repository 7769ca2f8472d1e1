"""Where the project's ontology, graph and query files live."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import MigkgError

BASE = "https://w3id.org/migkg/"
ONTOLOGY_NS = BASE + "ontology#"
ID_NS = BASE + "id/"

PREFIXES = {
    "migkg": ONTOLOGY_NS,
    "state": ID_NS + "state/",
    "inst": ID_NS + "instrument/",
    "kind": ID_NS + "action-kind/",
    "src": ID_NS + "source/",
    "m49": ID_NS + "m49/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "schema": "https://schema.org/",
    "org": "http://www.w3.org/ns/org#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
}


@dataclass(frozen=True)
class Project:
    """The folders of a migkg checkout."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def graph_dir(self) -> Path:
        return self.root / "graph"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    def ontology_files(self) -> list[Path]:
        """The ontology and its vocabularies; the SHACL shapes are kept apart."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")

    def graph_files(self) -> list[Path]:
        return sorted(p for p in self.graph_dir.rglob("*") if p.suffix in {".ttl", ".nt", ".trig", ".nq"})


# Where a wheel carries the project's data (setup.py copies ontology/, graph/ and queries/ there).
PACKAGED = Path(__file__).resolve().parents[1] / "_project"


def find_project(start: Path | None = None) -> Project:
    """Find the project root: $MIGKG_HOME, else the checkout this package was installed from,
    else the checkout the current folder is in, else the data installed with the package.

    A checkout comes before the packaged copy, so a curator's edits are what migkg reads.
    """
    env = os.environ.get("MIGKG_HOME")
    candidates = [Path(env)] if env else []
    here = (start or Path.cwd()).resolve()
    candidates += [Path(__file__).resolve().parents[3], here, *here.parents, PACKAGED]
    for c in candidates:
        if (c / "ontology" / "migkg.ttl").is_file():
            return Project(c)
    raise MigkgError(
        "cannot find the migkg project folders (ontology/, graph/, queries/)",
        hint="run migkg from a checkout of the project, pass --project DIR, or set MIGKG_HOME to its folder",
    )
