"""What every picture shows, read from the graph once: the rows of the queries in queries/viz/.

The network pages, the world map, the matrix, the timelines and the state and forum pages
all render from one `ViewData`, so each viz query runs once per build however many pages
show its rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from ..core.queries import QueryCatalog
from ..core.store import KnowledgeGraph

Row = dict[str, str]


def rows(kg: KnowledgeGraph, catalog: QueryCatalog, name: str) -> list[Row]:
    """The rows of queries/viz/NAME.rq, each cell as text ("" where unbound)."""
    solutions = kg.query(catalog.get(f"viz/{name}").text)
    cols = [v.value for v in solutions.variables]
    return [{c: (s[c].value if s[c] is not None else "") for c in cols} for s in solutions]


def group_by(rows: Iterable[Row], *cols: str) -> dict[str, list[Row]]:
    """Rows by the value of each of `cols`, in their order (a row lands under both ends of a transfer)."""
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        for v in dict.fromkeys(r[c] for c in cols):
            out[v].append(r)
    return dict(out)


@dataclass
class ViewData:
    actors: dict[str, Row]  # by IRI
    actions: list[Row]
    statements: list[Row]
    instruments: list[Row]
    consent_kinds: set[str]
    forums: list[Row]
    memberships: list[Row]
    outputs: list[Row]
    calls: list[Row]
    arrangement_parties: list[Row]
    arrangement_status: list[Row]
    transfers: list[Row]
    court_events: list[Row]
    migration: dict[str, Row]  # by actor IRI

    @classmethod
    def read(cls, kg: KnowledgeGraph, catalog: QueryCatalog) -> "ViewData":
        def r(name: str) -> list[Row]:
            return rows(kg, catalog, name)

        return cls(
            actors={a["actor"]: a for a in r("actors")},
            actions=r("treaty-actions"),
            statements=r("statements"),
            instruments=r("instruments"),
            # Which kinds are consents is the vocabulary's to say (skos:broader action-kind/consent).
            consent_kinds={k["kind"] for k in r("consent-kinds")},
            forums=r("forums"),
            memberships=r("memberships"),
            outputs=r("forum-outputs"),
            calls=r("forum-calls"),
            arrangement_parties=r("arrangement-parties"),
            arrangement_status=r("arrangement-status"),
            transfers=r("transfers"),
            court_events=r("court-events"),
            migration={m["actor"]: m for m in r("migration-facts")},
        )

    # Each actor's rows, grouped once for every page that lists them (networks' panels, state pages).
    @cached_property
    def actions_by_actor(self) -> dict[str, list[Row]]:
        return group_by(self.actions, "actor")

    @cached_property
    def memberships_by_member(self) -> dict[str, list[Row]]:
        return group_by(self.memberships, "member")

    @cached_property
    def parties_by_actor(self) -> dict[str, list[Row]]:
        return group_by(self.arrangement_parties, "actor")

    @cached_property
    def transfers_by_end(self) -> dict[str, list[Row]]:
        """Transfers under the actor they leave from and the one they go to."""
        return group_by(self.transfers, "from", "to")

    def actor(self, iri: str) -> Row:
        """An actor's row; an IRI the actors query does not know gets a placeholder row."""
        return self.actors.get(
            iri,
            {
                "actor": iri,
                "kind": "actor",
                "label_en": iri,
                "label_zh": "",
                "iso3": "",
                "iso2": "",
                "numeric": "",
                "region": "",
                "subregion": "",
                "wikidata": "",
                "geonames": "",
            },
        )

    def treaty_keys(self) -> list[str]:
        """The treaties with at least one action, in the order the pages list them."""
        present = {a["mtdsg"] for a in self.actions}
        return sorted(present, key=instrument_order)


# The UN instruments of the brief first, in the order the field lists them, then the others by key.
_FIRST = ["V-2", "V-5", "V-3", "V-4", "IV-13", "XVIII-12", "XVIII-12-a", "XVIII-12-b"]


def instrument_order(key: str) -> tuple[int, str]:
    return (_FIRST.index(key), "") if key in _FIRST else (len(_FIRST), key)


def state_page(row: Row) -> str:
    """Where a state's or economy's page is (relative to dist/), or "" for actors without one."""
    return f"states/{row['iso3']}.html" if row.get("iso3") and row.get("kind") in ("state", "economy") else ""


def forum_page(key: str) -> str:
    return f"forums/{key}.html"
