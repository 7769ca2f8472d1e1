"""The dataset's VoID/DCAT description: what it is, how big, where its files are, how current
each treaty's status is; the endpoint serves it at /.well-known/void and a release writes it
with every file's checksum."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .graphfiles import GRAPH_OUTPUTS

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DATASET = ox.NamedNode("https://w3id.org/migkg/dataset")
# The graph files' media types come from their formats (graphfiles); these are the others'.
_OTHER_MEDIA = {".csv": "text/csv", ".md": "text/markdown", ".json": "application/json"}


@dataclass
class Distribution:
    url: str
    media: str
    sha256: str | None = None
    size: int | None = None
    path: str | None = None  # where the file sits in a release folder
    dump: bool = True  # a dump of the whole graph (void:dataDump), not a table or an ontology file


def media_type(name: str) -> str:
    """A file's media type by its name; a gzipped file's is that of what it holds.

    >>> media_type("data/migkg.nt.gz"), media_type("ontology/shapes.ttl"), media_type("tables/transfers.csv")
    ('application/n-triples', 'text/turtle', 'text/csv')
    """
    suffix = Path(name.removesuffix(".gz")).suffix
    by_suffix = {Path(f).suffix: fmt.media_type for f, fmt in GRAPH_OUTPUTS.items()}
    return by_suffix.get(suffix) or _OTHER_MEDIA[suffix]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def dataset_description(
    store: ox.Store,
    triples: int,
    distributions: list[Distribution],
    endpoint: str | None = None,
    version: str | None = None,
    issued: str | None = None,
) -> list[ox.Triple]:
    """The description's triples, sorted; the per-treaty coverage is read from `store` (derived by
    queries/construct/30-dataset-description.rq)."""
    t = [
        ox.Triple(DATASET, RDF_TYPE, _n(VOID + "Dataset")),
        ox.Triple(DATASET, RDF_TYPE, _n(DCAT + "Dataset")),
        ox.Triple(DATASET, _n(DCT + "title"),
                  ox.Literal("migkg: a knowledge graph of international migration governance", language="en")),
        ox.Triple(DATASET, _n(DCT + "title"), ox.Literal("migkg：国际移民治理知识图谱", language="zh")),
        ox.Triple(DATASET, _n(DCT + "license"), _n("https://creativecommons.org/licenses/by/4.0/")),
        ox.Triple(DATASET, _n(VOID + "triples"), ox.Literal(str(triples), datatype=_n(XSD + "integer"))),
        ox.Triple(DATASET, _n(VOID + "uriSpace"), ox.Literal("https://w3id.org/migkg/id/")),
        ox.Triple(DATASET, _n(VOID + "vocabulary"), _n("https://w3id.org/migkg/ontology#")),
    ]
    if endpoint:
        t.append(ox.Triple(DATASET, _n(VOID + "sparqlEndpoint"), _n(endpoint)))
    if version:
        t.append(ox.Triple(DATASET, _n(DCAT + "version"), ox.Literal(version)))
    if issued:
        t.append(ox.Triple(DATASET, _n(DCT + "issued"), ox.Literal(issued, datatype=_n(XSD + "date"))))
    for d in distributions:
        dist = _n(d.url)
        if d.dump:
            t.append(ox.Triple(DATASET, _n(VOID + "dataDump"), dist))
        t += [
            ox.Triple(DATASET, _n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, _n(DCAT + "Distribution")),
            ox.Triple(dist, _n(DCAT + "mediaType"), ox.Literal(d.media)),
            ox.Triple(dist, _n(DCAT + "downloadURL"), dist),
        ]
        if d.path:
            t.append(ox.Triple(dist, _n(DCT + "identifier"), ox.Literal(d.path)))
        if d.size is not None:
            t.append(ox.Triple(dist, _n(DCAT + "byteSize"), ox.Literal(str(d.size), datatype=_n(XSD + "integer"))))
        if d.sha256:
            checksum = _n(d.url + "#sha256")
            t += [
                ox.Triple(dist, _n(SPDX + "checksum"), checksum),
                ox.Triple(checksum, RDF_TYPE, _n(SPDX + "Checksum")),
                ox.Triple(checksum, _n(SPDX + "algorithm"), _n(SPDX + "checksumAlgorithm_sha256")),
                ox.Triple(checksum, _n(SPDX + "checksumValue"), ox.Literal(d.sha256, datatype=_n(XSD + "hexBinary"))),
            ]
    # The derived per-treaty coverage (as-of dates) belongs to the description too.
    for q in store.quads_for_pattern(DATASET, None, None):
        t.append(ox.Triple(q.subject, q.predicate, q.object))
        if isinstance(q.object, ox.NamedNode) and q.predicate.value == VOID + "subset":
            t += [ox.Triple(x.subject, x.predicate, x.object) for x in store.quads_for_pattern(q.object, None, None)]
    return sorted(set(t), key=str)
