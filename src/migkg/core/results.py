"""Query results as tables a researcher can read or load: terminal table, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


class Format(str, Enum):
    """How a table is shown: in a terminal, or as text to load elsewhere."""

    table = "table"  # a terminal table (rich), for reading
    csv = "csv"
    json = "json"
    md = "md"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]

    @classmethod
    def from_solutions(cls, solutions: ox.QuerySolutions) -> "Table":
        columns = [v.value for v in solutions.variables]
        rows = [[cell_text(sol[c]) for c in columns] for sol in solutions]
        return cls(columns, rows)


def cell_text(term: ox.Term | None) -> str:
    """A result cell as text: a blank node as _:label, an unbound cell as empty."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


# A cell that starts with one of these is run as a formula by spreadsheet programs
# (OWASP, "CSV Injection"); tab and carriage return can hide such a start.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """The cell as a spreadsheet shows it, but never runs it: a leading apostrophe before a formula start."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def to_csv(t: Table, spreadsheet: bool = False) -> str:
    """CSV with the data unchanged; `spreadsheet=True` neutralises cells a spreadsheet would run as formulas."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    fix = spreadsheet_safe if spreadsheet else (lambda c: c)
    w.writerow([fix(c) for c in t.columns])
    w.writerows([fix(c) for c in r] for r in t.rows)
    return buf.getvalue()


def _md_escape(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(t: Table) -> str:
    lines = ["| " + " | ".join(_md_escape(c) for c in t.columns) + " |", "|" + "|".join("---" for _ in t.columns) + "|"]
    lines += ["| " + " | ".join(_md_escape(c) for c in r) + " |" for r in t.rows]
    return "\n".join(lines) + "\n"


def write_stream(columns: list[str], rows, fmt: str, out, spreadsheet: bool = False) -> int:
    """Write rows to a text stream as they arrive, in csv, json or md (csv and md the same text as
    to_csv and to_markdown give for a whole table); return how many were written.

    >>> import sys
    >>> write_stream(["iso3", "name"], iter([["CHN", "China"]]), "csv", sys.stdout)
    iso3,name
    CHN,China
    1
    """
    fmt = Format(fmt).value
    fix = spreadsheet_safe if (spreadsheet and fmt == "csv") else (lambda c: c)
    n = 0
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow([fix(c) for c in columns])
        for r in rows:
            w.writerow([fix(c) for c in r])
            n += 1
    elif fmt == "json":
        for r in rows:
            item = json.dumps(dict(zip(columns, r)), ensure_ascii=False, indent=1).replace("\n", "\n ")
            out.write(("[\n " if n == 0 else ",\n ") + item)
            n += 1
        out.write("[]\n" if n == 0 else "\n]\n")
    elif fmt == "md":
        out.write(to_markdown(Table(columns, [])))
        for r in rows:
            out.write("| " + " | ".join(_md_escape(c) for c in r) + " |\n")
            n += 1
    else:
        raise ValueError(f"write_stream cannot write {fmt}")
    return n
