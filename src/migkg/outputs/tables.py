"""The flat tables of a release (queries/release/): one CSV each for R, Stata or pandas, and what
`migkg diff` compares between two builds. Each is run once and rendered as CSV, as a data
dictionary, and as rows keyed by the columns its `# key:` header names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..core.queries import NamedQuery, QueryCatalog
from ..core.results import Table

_ORDER = re.compile(r"^\d+-")  # the file's ordering prefix (10-treaty-actions) is not the table's name


@dataclass
class ReleaseTable:
    name: str
    query: NamedQuery
    table: Table

    @property
    def key(self) -> list[str]:
        return self.query.headers.get("key", self.table.columns[0]).split()

    def keyed(self) -> dict[tuple[str, ...], dict[str, str]]:
        """Rows by their key's values."""
        at = [self.table.columns.index(k) for k in self.key]
        return {tuple(r[i] for i in at): dict(zip(self.table.columns, r)) for r in self.table.rows}


def table_name(q: NamedQuery) -> str:
    return _ORDER.sub("", q.name)


def release_tables(kg, catalog: QueryCatalog) -> list[ReleaseTable]:
    """Every release table of the graph `kg`, in file order."""
    return [ReleaseTable(table_name(q), q, Table.from_solutions(kg.query(q.text))) for q in catalog.folder("release")]
