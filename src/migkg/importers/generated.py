"""What the importers share: reading input tables safely, reporting problems, writing output.

Input is checked in two tiers, which map to the documented exit codes:
- a file that cannot be used at all (unreadable, not a regular file, over the size limit,
  binary, not UTF-8) is a MigkgError: exit 2, the import stops there;
- everything wrong inside a readable table (bad CSV quoting, a blank header line, a row with
  too few or too many cells, a bad code or date, a duplicate, no data rows) is a Problem;
  the importer collects every one it can find and raises ImportFailed: exit 1.
Either way nothing is written: outputs are committed only after every input passed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..core.atomic import commit_files
from ..core.errors import MigkgError, OutputError
from ..core.limits import decode_utf8, read_bytes_limited
from ..core.project import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
# A hostile table can hold a million bad rows; the first ones are enough to act on.
MAX_LISTED = 200


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


class ImportFailed(MigkgError):
    """Problems found in the input tables; nothing was written. Exit 1."""

    exit_code = 1

    def __init__(
        self,
        problems: list[Problem],
        hint: str = "fix the input tables (or the alias list in src/migkg/importers/untc_participants.csv) "
        "and run again",
    ):
        # Read in file order, then line by line, however the checks found them.
        files = {p.file: i for i, p in reversed(list(enumerate(problems)))}
        listed = sorted(problems, key=lambda p: (files[p.file], p.line or 0))[:MAX_LISTED]
        more = f" (the first {MAX_LISTED} are listed)" if len(problems) > MAX_LISTED else ""
        message = f"the import found {len(problems)} problem(s){more}; no graph file was written"
        super().__init__(message, hint=hint)
        self.problems = listed

    def details(self) -> list[str]:
        return [str(p) for p in self.problems]


def shown(text: str, limit: int = 60) -> str:
    """A cell's text quoted for a message: control characters escaped (no terminal tricks), long text cut."""
    safe = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)
    return f"'{safe[:limit]}…' ({len(text):,} characters)" if len(safe) > limit else f"'{safe}'"


def read_text(path: Path, kind: str) -> str:
    """A whole input file as text, within the size limit; `kind` names what it should be ("a CSV table")."""
    data = read_bytes_limited(path)
    nul = data.find(b"\x00")
    if nul >= 0:
        # Text never holds NUL; a spreadsheet, an archive or UTF-16 text does.
        line = data.count(b"\n", 0, nul) + 1
        col = nul - (data.rfind(b"\n", 0, nul) + 1) + 1
        raise MigkgError(
            f"{path}:{line}:{col}: a NUL byte: this is a binary file (or UTF-16 text), not {kind}",
            hint="give the file as UTF-8 text (from a spreadsheet program: save as 'CSV UTF-8')",
        )
    text = decode_utf8(data, str(path))
    return text.removeprefix("\ufeff")  # the byte-order mark spreadsheet programs put before UTF-8


@dataclass
class CsvTable:
    path: Path
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (line, cells) of each data row with a cell for every column


def read_csv_table(path: Path, problems: list[Problem]) -> CsvTable | None:
    """The header and data rows of a CSV file, each row with the line it starts on.

    Rows the parser or the column count rejects are reported in `problems` and left out;
    blank lines are skipped. None if there is no usable header, or no data row at all.
    """
    text = read_text(path, "a CSV table")
    # strict: an unclosed quote is an error, not a cell that silently swallows the rest of the file.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    complete = True
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            # The parser cannot resynchronise after this, so the rest of the file is not read.
            if "field larger than field limit" in str(e):
                what = f"a cell longer than {csv.field_size_limit():,} characters, the CSV reader's limit"
            else:
                what = f"not valid CSV ({e})"
            span = "on this line" if reader.line_num <= start else f"between this line and line {reader.line_num}"
            problems.append(
                Problem(
                    path,
                    start,
                    f"{what}; usually a cell opened with a quote (\") that is not closed where it should be, "
                    f"{span}; the rest of the file was not read",
                )
            )
            complete = False
            break
        records.append((start, record))
    if not records:
        problems.append(Problem(path, 1, "the file is empty; expected a header row and data rows"))
        return None
    first_line, header = records[0]
    if not any(h.strip() for h in header):
        problems.append(
            Problem(
                path,
                first_line,
                "the first line is blank; the header row must be the first line (delete the blank line)",
            )
        )
        return None
    rows = []
    data = [(line, cells) for line, cells in records[1:] if any(c.strip() for c in cells)]  # no blank lines
    for line, cells in data:
        if len(cells) != len(header):
            why = (
                "the row looks cut short"
                if len(cells) < len(header)
                else "a stray comma, or a comma in a cell that is not quoted"
            )
            problems.append(
                Problem(
                    path,
                    line,
                    f"{len(cells)} cell{'s' if len(cells) != 1 else ''} where the header (line {first_line}) has "
                    f"{len(header)}: {why}. Every row needs one cell per column (an empty cell is fine); "
                    "quote cells that hold commas",
                )
            )
            continue
        rows.append((line, cells))
    if complete and not data:
        problems.append(
            Problem(
                path,
                first_line,
                "only a header row, no data rows; refusing to replace the graph with an empty one "
                "(give the full table)",
            )
        )
        return None
    return CsvTable(path, header, rows)


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(value, language=lang)
    if datatype:
        return ox.Literal(value, datatype=ox.NamedNode(XSD + datatype if ":" not in datatype else datatype))
    return ox.Literal(value)


def turtle_text(triples: list[ox.Triple], header: list[str], extra_prefixes: dict[str, str] | None = None) -> str:
    """Turtle with a '# GENERATED' header; triples sorted so a re-run gives identical bytes."""
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    used = {**PREFIXES, **(extra_prefixes or {})}
    body = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=used).decode("utf-8")
    lines = [f"# {h}" if h else "#" for h in header]
    return "\n".join(lines) + "\n\n" + body


def commit_outputs(files: dict[Path, str], inputs: list[Path]) -> None:
    """Write every output of one import in one step: all of them are replaced, or none is.

    commit_files renames one file after another, so a target that cannot be replaced by a
    file (a folder of that name, say) would leave the set half-replaced; such targets, and an
    output that would overwrite one of the inputs, are refused before anything is written.
    """
    read = {p.resolve() for p in inputs}
    for path in files:
        if path.resolve() in read:
            raise OutputError(
                f"refused: the output {path} is one of the input files; it would be overwritten",
                hint="give --out another path",
            )
        if path.exists() and not path.is_file():
            raise OutputError(
                f"refused: {path} exists and is not a regular file; nothing was written",
                hint="move it away, or give --out another path",
            )
    commit_files(files)
