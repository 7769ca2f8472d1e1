"""RDF Data Cube building blocks the migration-statistics importers share.

A dataset (qb:DataSet) has a structure (qb:DataStructureDefinition) that lists its components:
the dimensions that identify an observation (sdmx-dimension:refArea, sdmx-dimension:refPeriod,
and for a corridor migkg:originArea), the measures it reports and the attributes that qualify
them. Every observation carries its dataset, its dimensions and whichever measures the source
gives for it; a cell the source leaves empty ('..') is simply not stated.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from ..core import ids
from .generated import lit

QB = "http://purl.org/linked-data/cube#"
SDMX_DIMENSION = "http://purl.org/linked-data/sdmx/2009/dimension#"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
REF_AREA = ox.NamedNode(SDMX_DIMENSION + "refArea")
REF_PERIOD = ox.NamedNode(SDMX_DIMENSION + "refPeriod")
ORIGIN_AREA = ids.term("originArea")
# Prefixes for the generated files, so that 10,000 observations stay readable Turtle.
PREFIXES = {"qb": QB, "sdmx-dimension": SDMX_DIMENSION, "obs": ids.of("observation", "").value}


@dataclass(frozen=True)
class Source:
    """A dataset's source, as every fact in the graph has one."""

    key: str
    title: str
    publisher: str
    licence: str
    url: str
    as_of: str  # xsd:date
    comment: str

    @property
    def iri(self) -> ox.NamedNode:
        return ids.source(self.key)

    def triples(self) -> list[ox.Triple]:
        s = self.iri
        return [
            ox.Triple(s, RDF_TYPE, ids.term("Source")),
            ox.Triple(s, ox.NamedNode(DCT + "title"), lit(self.title, lang="en")),
            ox.Triple(s, ox.NamedNode(DCT + "publisher"), lit(self.publisher)),
            ox.Triple(s, ox.NamedNode(DCT + "license"), ox.NamedNode(self.licence)),
            ox.Triple(s, ox.NamedNode("https://schema.org/url"), lit(self.url, "anyURI")),
            ox.Triple(s, ids.term("asOfDate"), lit(self.as_of, "date")),
            ox.Triple(s, RDFS_COMMENT, lit(self.comment, lang="en")),
        ]


@dataclass(frozen=True)
class DataSet:
    key: str
    label_en: str
    label_zh: str
    source: Source
    dimensions: tuple[ox.NamedNode, ...]
    measures: tuple[ox.NamedNode, ...]
    attributes: tuple[ox.NamedNode, ...] = ()
    comment: str = ""

    @property
    def iri(self) -> ox.NamedNode:
        return ids.of("dataset", self.key)

    def triples(self) -> list[ox.Triple]:
        """The dataset, its structure and its source."""
        ds, dsd = self.iri, ids.of("dataset", f"{self.key}/structure")
        t = [
            ox.Triple(ds, RDF_TYPE, ox.NamedNode(QB + "DataSet")),
            ox.Triple(ds, RDFS_LABEL, lit(self.label_en, lang="en")),
            ox.Triple(ds, RDFS_LABEL, lit(self.label_zh, lang="zh")),
            ox.Triple(ds, ox.NamedNode(QB + "structure"), dsd),
            ox.Triple(ds, ids.term("source"), self.source.iri),
            ox.Triple(dsd, RDF_TYPE, ox.NamedNode(QB + "DataStructureDefinition")),
        ]
        if self.comment:
            t.append(ox.Triple(ds, RDFS_COMMENT, lit(self.comment, lang="en")))
        parts = (
            [("dimension", p) for p in self.dimensions]
            + [("measure", p) for p in self.measures]
            + [("attribute", p) for p in self.attributes]
        )
        for i, (kind, prop) in enumerate(parts, 1):
            component = ids.of("dataset", f"{self.key}/structure/{i}")
            t += [
                ox.Triple(dsd, ox.NamedNode(QB + "component"), component),
                ox.Triple(component, ox.NamedNode(QB + kind), prop),
                ox.Triple(component, ox.NamedNode(QB + "order"), lit(str(i), "integer")),
            ]
        return t + self.source.triples()

    def observation(
        self,
        key: str,
        area: ox.NamedNode,
        year: int,
        values: Iterable[tuple[ox.NamedNode, ox.Literal]],
        origin: ox.NamedNode | None = None,
    ) -> list[ox.Triple]:
        """One observation: its dataset, its dimensions, and the measures and attributes given."""
        obs = ids.of("observation", f"{self.key}/{key}")
        t = [
            ox.Triple(obs, RDF_TYPE, ox.NamedNode(QB + "Observation")),
            ox.Triple(obs, ox.NamedNode(QB + "dataSet"), self.iri),
            ox.Triple(obs, REF_AREA, area),
            ox.Triple(obs, REF_PERIOD, lit(str(year), "gYear")),
        ]
        if origin is not None:
            t.append(ox.Triple(obs, ORIGIN_AREA, origin))
        return t + [ox.Triple(obs, p, v) for p, v in values]


def count(n: int) -> ox.Literal:
    return lit(str(n), "integer")


def decimal(x: float) -> ox.Literal:
    """A percentage as the workbook holds it, to the float's own shortest digits (no rounding of ours)."""
    text = repr(float(x))
    if "e" in text or "E" in text:
        text = format(float(x), "f")
    return lit(text, "decimal")
