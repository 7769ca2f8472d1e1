"""The project's instance IRIs, made in one place.

Every instance lives under https://w3id.org/migkg/id/<kind>/<key>: a state by its ISO 3166
alpha-3 code, a UN treaty by its MTDSG number, an M49 area by its three-digit code. Code that
needs such an IRI calls one of these functions instead of formatting the string itself, so the
scheme can be read (and changed) here.

>>> state("CHN").value
'https://w3id.org/migkg/id/state/CHN'
>>> instrument("XVIII-12-b").value
'https://w3id.org/migkg/id/instrument/XVIII-12-b'
>>> m49("34").value
'https://w3id.org/migkg/id/m49/034'
>>> action("V-2", "CHN", "accession", "1982-09-24").value
'https://w3id.org/migkg/id/action/V-2/CHN/accession-1982-09-24'

Terms of the ontology come from its closed namespace (migkg.core.vocab), so a misspelt term
fails where it is used:

>>> term("partyTo").value
'https://w3id.org/migkg/ontology#partyTo'
>>> term("partTo")
Traceback (most recent call last):
AttributeError: term 'partTo' not in namespace 'https://w3id.org/migkg/ontology#'
"""

from __future__ import annotations

import pyoxigraph as ox

from .project import ID_NS
from .vocab import ACTION_KIND, MIGKG


def of(kind: str, key: str) -> ox.NamedNode:
    """The IRI of an instance of a kind (state, forum, source, ...) by its key."""
    return ox.NamedNode(f"{ID_NS}{kind}/{key}")


def path(relative: str) -> ox.NamedNode:
    """An IRI from its path below id/ (as the endpoint's /id/ pages and the importers hold them)."""
    return ox.NamedNode(ID_NS + relative)


def state(iso3: str) -> ox.NamedNode:
    return of("state", iso3)


def instrument(mtdsg: str) -> ox.NamedNode:
    return of("instrument", mtdsg)


def m49(code: str | int) -> ox.NamedNode:
    return of("m49", f"{int(code):03d}")


def source(key: str) -> ox.NamedNode:
    return of("source", key)


def term(name: str) -> ox.NamedNode:
    """A term of the migkg ontology, checked against the ontology's declared terms."""
    return ox.NamedNode(MIGKG[name])


def action_kind(kind: str) -> ox.NamedNode:
    """A concept of the action-kind scheme (ratification, accession, ...), checked against the vocabulary."""
    return ox.NamedNode(ACTION_KIND[kind])


def action(mtdsg: str, actor_key: str, kind: str, day: str) -> ox.NamedNode:
    """A treaty action: the treaty, the actor's key, the kind and the ISO date."""
    return of("action", f"{mtdsg}/{actor_key}/{kind}-{day}")


# Every statistical observation's IRI starts so; pySHACL and HermiT are given the graph without
# them (no shape targets and no axiom constrains an observation).
OBSERVATIONS = of("observation", "").value
EVALUATION = path("evaluation")  # where the claims engine states the date a claim speaks of
