"""Query results as tables a researcher can read or load: terminal table, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

import pyoxigraph as ox

FORMATS = ("table", "csv", "json", "md")


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> "Table":
        columns = [v.value for v in solutions.variables]
        rows = [[_cell(sol[c]) for c in columns] for sol in solutions]
        return cls(columns, rows)


def _cell(term: ox.Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def to_csv(t: Table) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(t.columns)
    w.writerows(t.rows)
    return buf.getvalue()


def to_json(t: Table) -> str:
    return json.dumps([dict(zip(t.columns, r)) for r in t.rows], ensure_ascii=False, indent=1) + "\n"


def _md_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(t: Table) -> str:
    lines = ["| " + " | ".join(_md_escape(c) for c in t.columns) + " |", "|" + "|".join("---" for _ in t.columns) + "|"]
    lines += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in t.rows]
    return "\n".join(lines) + "\n"
