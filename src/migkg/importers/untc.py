"""The UN Treaty Collection status tables: every signature and consent, as treaty-action events.

Table layout (as scraped by zmjones/untreaties): a `Participant` column, then a signature
column (absent where the treaty is open to accession only) and a consent column. A cell is
`D Mon YYYY` and an optional UNTC marker: none = ratification, a = accession, d = succession,
A = acceptance, AA = approval. In a signature column, d marks a succession to a signature:
the state becomes a signatory, not a party.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pyoxigraph as ox

from ..errors import MigkgError
from ..project import ID_NS, ONTOLOGY_NS
from .generated import lit
from .names import NameIndex

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CONSENT_KIND = {"": "ratification", "a": "accession", "d": "succession", "A": "acceptance", "AA": "approval"}
_CELL = re.compile(r"^(\d{1,2} [A-Z][a-z]{2} \d{4})(?:\s+(a|d|A|AA))?$")
_FILE = re.compile(r"^(\d+)-(\d+)(?:-([a-z]))?$")
ROMAN = [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def m(term: str) -> ox.NamedNode:
    return ox.NamedNode(ONTOLOGY_NS + term)


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


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ImportFailed(MigkgError):
    exit_code = 1

    def __init__(self, problems: list[Problem]):
        super().__init__(
            f"the import found {len(problems)} problem(s); no graph file was written",
            hint="fix the input tables (or the alias list in src/migkg/importers/untc_participants.csv) and run again",
        )
        self.problems = problems


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
        return ox.NamedNode(f"{ID_NS}action/{self.mtdsg}/{key}/{self.kind}-{self.date.isoformat()}")


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
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("#"):
            if name is not None and "\n".join(lines).strip():
                blocks.append((start, name, "\n".join(lines).strip()))
            name, start, lines = line[1:].strip(), i, []
        else:
            lines.append(line)
    if name is not None and "\n".join(lines).strip():
        blocks.append((start, name, "\n".join(lines).strip()))
    return blocks


def read_table(path: Path, names: NameIndex, adopted: dict[str, date], problems: list[Problem]) -> TableImport:
    mtdsg = mtdsg_number(path)
    result = TableImport(mtdsg, path)
    try:
        with path.open(encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    except (OSError, UnicodeDecodeError) as e:
        problems.append(Problem(path, None, f"cannot read the table ({e})"))
        return result
    if not rows or rows[0][0].strip() != "Participant":
        problems.append(Problem(path, 1, "the first column must be headed 'Participant'"))
        return result
    header = [h.lower() for h in rows[0]]
    sig_col = 1 if len(header) > 2 and header[1].startswith("signature") else None
    consent_col = len(header) - 1
    seen: Counter[str] = Counter()
    for line, row in enumerate(rows[1:], 2):
        if not row or not row[0].strip():
            continue
        result.rows += 1
        name = row[0].strip()
        seen[name] += 1
        if seen[name] > 1:
            problems.append(Problem(path, line, f"duplicate row for '{name}'"))
            continue
        actor = names.resolve(name)
        if actor is None:
            hint = names.suggest(name)
            also = f" (closest known names: {', '.join(hint)})" if hint else ""
            problems.append(Problem(path, line, f"unknown participant '{name}'{also}"))
            continue
        signature = None
        cells = [(sig_col, "signature"), (consent_col, "consent")] if sig_col else [(consent_col, "consent")]
        for col, role in cells:
            text = row[col].strip() if col < len(row) else ""
            if not text:
                continue
            parsed = parse_cell(text)
            if parsed is None:
                problems.append(
                    Problem(
                        path,
                        line,
                        f"cannot read the {role} cell '{text}' of '{name}' "
                        "(expected 'D Mon YYYY' and an optional marker a, d, A or AA)",
                    )
                )
                continue
            when, marker = parsed
            if role == "signature":
                if marker not in ("", "d"):
                    problems.append(
                        Problem(path, line, f"marker '{marker}' is not used in a signature column ('{name}')")
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
                        f"{role} of '{name}' dated {when} is before the instrument was adopted ({adopted[mtdsg]})",
                    )
                )
    return result


def attach_declarations(table: TableImport, path: Path, names: NameIndex, problems: list[Problem]) -> None:
    by_actor: dict[str, list[Action]] = {}
    for a in table.actions:
        by_actor.setdefault(a.actor_path, []).append(a)
    for line, name, text in read_declarations(path):
        actor = names.resolve(name)
        if actor is None:
            hint = names.suggest(name)
            also = f" (closest known names: {', '.join(hint)})" if hint else ""
            problems.append(Problem(path, line, f"unknown participant '{name}'{also}"))
            continue
        actions = by_actor.get(actor.path)
        if not actions:
            problems.append(Problem(path, line, f"declarations for '{name}', who has no action in {table.path.name}"))
            continue
        # UNTC prints reservations under the participant; they are made on consent (or on signature if no consent).
        target = next((a for a in actions if a.kind != "signature"), actions[0])
        target.statements.append(text)


def action_triples(table: TableImport, source: ox.NamedNode) -> list[ox.Triple]:
    t = []
    inst = ox.NamedNode(f"{ID_NS}instrument/{table.mtdsg}")
    for a in table.actions:
        s = a.iri
        t += [
            ox.Triple(s, RDF_TYPE, m("TreatyAction")),
            ox.Triple(s, m("actor"), ox.NamedNode(ID_NS + a.actor_path)),
            ox.Triple(s, m("instrument"), inst),
            ox.Triple(s, m("actionKind"), ox.NamedNode(f"{ID_NS}action-kind/{a.kind}")),
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


def import_untc(paths: list[Path], names: NameIndex, adopted: dict[str, date]) -> list[TableImport]:
    """Read every table (and its declarations/ file, if any); raise ImportFailed listing every problem."""
    problems: list[Problem] = []
    tables = []
    for path in paths:
        table = read_table(path, names, adopted, problems)
        declarations = path.parent.parent / "declarations" / f"{path.stem}.txt"
        if declarations.is_file():
            attach_declarations(table, declarations, names, problems)
        tables.append(table)
    dupes = Counter(t.mtdsg for t in tables)
    problems += [Problem(t.path, None, f"a second table for {t.mtdsg}") for t in tables if dupes[t.mtdsg] > 1]
    if problems:
        raise ImportFailed(problems)
    return tables
