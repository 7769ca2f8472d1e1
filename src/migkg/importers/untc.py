"""The UN Treaty Collection status tables: every signature and consent, as treaty-action events.

Table layout (as scraped by zmjones/untreaties): a `Participant` column, then a signature
column (absent where the treaty is open to accession only) and a consent column. A cell is
`D Mon YYYY` and an optional UNTC marker: none = ratification, a = accession, d = succession,
A = acceptance, AA = approval. In a signature column, d marks a succession to a signature:
the state becomes a signatory, not a party.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox

from ..core.errors import MigkgError
from ..core import ids
from .generated import CsvTable, ImportFailed, Problem, lit, read_text, shown
from .names import NameIndex

# ImportFailed and Problem live in generated.py (countries.py reports problems too); the CLI imports them from here.
__all__ = ["ImportFailed", "Problem", "action_triples", "import_untc", "mtdsg_number"]

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONSENT_KIND = {"": "ratification", "a": "accession", "d": "succession", "A": "acceptance", "AA": "approval"}
_CELL = re.compile(r"^(\d{1,2} [A-Z][a-z]{2} \d{4})(?:\s+(a|d|A|AA))?$")
# MTDSG chapters run to XXIX; two digits keep a hostile file name from a huge Roman numeral.
_FILE = re.compile(r"^(\d{1,2})-(\d{1,4})(?:-([a-z]))?$")
ROMAN = [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


m = ids.term  # the ontology's terms, closed: a misspelling fails at once


def roman(n: int) -> str:
    out = ""
    for value, numeral in ROMAN:
        while n >= value:
            out, n = out + numeral, n - value
    return out


def mtdsg_number(path: Path) -> str:
    """'18-12-a.csv' -> 'XVIII-12-a' (the file names of the reference tables)."""
    found = _FILE.match(path.stem)
    if not found:
        raise MigkgError(
            f"{path}: cannot tell the MTDSG number from the file name",
            hint="name status tables CHAPTER-NUMBER[-letter].csv, e.g. 5-2.csv or 18-12-a.csv",
        )
    chapter, number, letter = found.groups()
    return f"{roman(int(chapter))}-{number}" + (f"-{letter}" if letter else "")


@dataclass
class Action:
    mtdsg: str
    actor_path: str
    kind: str
    date: date
    marker: str | None  # None for signatures without a marker
    line: int
    statements: list[str] = field(default_factory=list)

    @property
    def iri(self) -> ox.NamedNode:
        key = self.actor_path.split("/", 1)[1]
        return ids.action(self.mtdsg, key, self.kind, self.date.isoformat())


@dataclass
class TableImport:
    mtdsg: str
    path: Path
    actions: list[Action] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)  # coverage notes: rows where a marker looks missing
    rows: int = 0


def parse_cell(text: str) -> tuple[date, str] | None:
    found = _CELL.match(text.strip())
    if not found:
        return None
    try:
        return datetime.strptime(found.group(1), "%d %b %Y").date(), found.group(2) or ""
    except ValueError:  # e.g. 31 Feb 1990
        return None


def read_declarations(path: Path) -> list[tuple[int, str, str]]:
    """Blocks headed '#State' -> (line, state name, text); empty blocks are left out."""
    blocks, name, start, lines = [], None, 0, []
    for i, line in enumerate(read_text(path, "a text file of declarations").splitlines(), 1):
        if line.startswith("#"):
            if name is not None and "\n".join(lines).strip():
                blocks.append((start, name, "\n".join(lines).strip()))
            name, start, lines = line[1:].strip(), i, []
        else:
            lines.append(line)
    if name is not None and "\n".join(lines).strip():
        blocks.append((start, name, "\n".join(lines).strip()))
    return blocks


def read_table(
    path: Path, table: CsvTable | None, names: NameIndex, adopted: dict[str, date], problems: list[Problem]
) -> TableImport:
    """The actions in one status table, already read by read_csv_table (None: it had no usable rows)."""
    mtdsg = mtdsg_number(path)
    result = TableImport(mtdsg, path)
    if table is None:
        return result
    header = [h.strip().lower() for h in table.header]
    # Two layouts only: Participant, consent; or Participant, Signature, consent. Any other
    # column would be dropped without a word, so it is refused.
    layout_ok = header[0] == "participant" and (
        len(header) == 2 or (len(header) == 3 and header[1].startswith("signature"))
    )
    if not layout_ok:
        problems.append(
            Problem(
                path,
                1,
                f"the header {', '.join(shown(h) for h in table.header)} is not a UNTC status table's: "
                "expected 'Participant', then 'Signature' (unless the treaty is open to accession only), "
                "then the consent column",
            )
        )
        return result
    sig_col = 1 if len(header) == 3 else None
    consent_col = len(header) - 1
    seen: dict[str, int] = {}
    for line, row in table.rows:
        name = row[0].strip()
        if not name:
            problems.append(
                Problem(path, line, "a row with dates but no participant name; add the name or delete the row")
            )
            continue
        result.rows += 1
        if name in seen:
            problems.append(Problem(path, line, f"duplicate row for {shown(name)} (the first is on line {seen[name]})"))
            continue
        seen[name] = line
        actor = names.actor(name)
        if actor is None:
            hint = names.suggest(name)
            also = f" (closest known names: {', '.join(hint)})" if hint else ""
            problems.append(Problem(path, line, f"unknown participant {shown(name)}{also}"))
            continue
        signature = None
        cells = [(sig_col, "signature"), (consent_col, "consent")] if sig_col else [(consent_col, "consent")]
        for col, role in cells:
            text = row[col].strip()
            if not text:
                continue
            parsed = parse_cell(text)
            if parsed is None:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"cannot read the {role} cell {shown(text)} of {shown(name)} "
                        "(expected 'D Mon YYYY' and an optional marker a, d, A or AA)",
                    )
                )
                continue
            when, marker = parsed
            if role == "signature":
                if marker not in ("", "d"):
                    problems.append(
                        Problem(path, line, f"marker '{marker}' is not used in a signature column ({shown(name)})")
                    )
                    continue
                signature = Action(mtdsg, actor.path, "signature", when, marker or None, line)
                result.actions.append(signature)
            else:
                result.actions.append(Action(mtdsg, actor.path, CONSENT_KIND[marker], when, marker, line))
                if sig_col and marker == "" and signature is None:
                    result.flagged.append(
                        f"line {line}: {name} — ratification ({text}) with no signature; "
                        "UNTC may record an accession marker here (kept as recorded)"
                    )
            if mtdsg in adopted and when < adopted[mtdsg]:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"{role} of {shown(name)} dated {when} is before the instrument was adopted ({adopted[mtdsg]})",
                    )
                )
    return result


def attach_declarations(table: TableImport, path: Path, names: NameIndex, problems: list[Problem]) -> None:
    by_actor: dict[str, list[Action]] = {}
    for a in table.actions:
        by_actor.setdefault(a.actor_path, []).append(a)
    for line, name, text in read_declarations(path):
        actor = names.actor(name)
        if actor is None:
            hint = names.suggest(name)
            also = f" (closest known names: {', '.join(hint)})" if hint else ""
            problems.append(Problem(path, line, f"unknown participant {shown(name)}{also}"))
            continue
        actions = by_actor.get(actor.path)
        if not actions:
            problems.append(
                Problem(path, line, f"declarations for {shown(name)}, who has no action in {table.path.name}")
            )
            continue
        # UNTC prints reservations under the participant; they are made on consent (or on signature if no consent).
        target = next((a for a in actions if a.kind != "signature"), actions[0])
        target.statements.append(text)


def action_triples(table: TableImport, source: ox.NamedNode) -> list[ox.Triple]:
    t = []
    inst = ids.instrument(table.mtdsg)
    for a in table.actions:
        s = a.iri
        t += [
            ox.Triple(s, RDF_TYPE, m("TreatyAction")),
            ox.Triple(s, m("actor"), ids.path(a.actor_path)),
            ox.Triple(s, m("instrument"), inst),
            ox.Triple(s, m("actionKind"), ids.action_kind(a.kind)),
            ox.Triple(s, m("date"), lit(a.date.isoformat(), "date")),
            ox.Triple(s, m("source"), source),
        ]
        if a.marker is not None:
            t.append(ox.Triple(s, m("untcMarker"), lit(a.marker)))
        for i, text in enumerate(a.statements, 1):
            st = ox.NamedNode(f"{s.value}/statement-{i}")
            t += [
                ox.Triple(s, m("hasStatement"), st),
                ox.Triple(st, RDF_TYPE, m("StatementOnAction")),
                ox.Triple(st, m("text"), lit(text, lang="en")),
                ox.Triple(st, m("source"), source),
            ]
    return t


def import_untc(
    read: list[tuple[Path, CsvTable | None]], names: NameIndex, adopted: dict[str, date], problems: list[Problem]
) -> list[TableImport]:
    """Every table (and its declarations/ file, if any); raise ImportFailed listing every problem so far and found."""
    tables = []
    for path, csv_table in read:
        table = read_table(path, csv_table, names, adopted, problems)
        declarations = path.parent.parent / "declarations" / f"{path.stem}.txt"
        if declarations.is_file():
            attach_declarations(table, declarations, names, problems)
        tables.append(table)
    dupes = Counter(t.mtdsg for t in tables)
    problems += [Problem(t.path, None, f"a second table for {t.mtdsg}") for t in tables if dupes[t.mtdsg] > 1]
    if problems:
        raise ImportFailed(problems)
    return tables
