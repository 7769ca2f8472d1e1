"""Query results as tables a researcher can read or load: terminal table, CSV, JSON, Markdown."""

from __future__ import annotations

import csv
import html
import io
import json
from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox

from .errors import MigkgError

_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                                "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
                                "unsignedShort", "unsignedByte")}
_REALS = {_XSD + t for t in ("decimal", "double", "float")}


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

    def to_pandas(self):
        """The table as a pandas DataFrame, each column in the narrowest type that holds it
        (numbers as nullable integers or floats, text as strings, unbound cells as missing).

        >>> Table(["iso3", "parties"], [["CHN", 1], ["AUS", None]]).to_pandas().dtypes["parties"]
        Int64Dtype()
        """
        pd = _pandas()
        return pd.DataFrame(self.rows, columns=self.columns).convert_dtypes()

    def records(self) -> list[dict]:
        """The rows as dictionaries, column name to cell."""
        return [dict(zip(self.columns, r)) for r in self.rows]

    def _repr_html_(self, most: int = 20) -> str:
        """How a notebook shows the table: the first `most` rows, every cell escaped."""
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in r) + "</tr>"
            for r in self.rows[:most]
        )
        more = f"<p>… {len(self.rows) - most:,} more rows</p>" if len(self.rows) > most else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def _pandas():
    try:
        import pandas
    except ImportError:
        raise MigkgError(
            "a DataFrame needs pandas, which is not installed",
            hint="install the extra: pip install 'migkg[pandas]' (or use .records() or .rows)",
        ) from None
    return pandas


def cell_text(term: ox.Term | None) -> str:
    """A result cell as text: a blank node as _:label, an unbound cell as empty."""
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def cell_value(term: ox.Term | None) -> object:
    """A result cell as a Python value: integers, decimals and booleans as such, an unbound cell
    as None, anything else (dates at their precision included) as its text.

    >>> cell_value(ox.Literal("59", datatype=ox.NamedNode(_XSD + "integer"))), cell_value(None)
    (59, None)
    """
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt in _REALS:
                return float(term.value)
        except ValueError:  # an ill-typed literal stays text
            return term.value
        if dt == _XSD + "boolean":
            return term.value in ("true", "1")
    return cell_text(term)


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


def _md_escape(s) -> str:
    s = "" if s is None else str(s)
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
