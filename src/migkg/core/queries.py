"""The query files under queries/ and the one catalogue through which code opens them.

Every query file, whatever its folder, carries the same kind of header: comment lines
`# key: value` anywhere in the file. A repeated key continues its value (long descriptions
and quotations wrap over several lines), except `param`, which declares one parameter per
line. Which keys a file may carry depends on its folder; a key another folder uses is an
error, so a claim header in a research query is caught instead of ignored.

    >>> q = parse_query_text("# title: Parties\\n# param: iso3 iso3 optional | the state\\nSELECT * {}", "cq", "parties")
    >>> q.title, [p.describe() for p in q.params]
    ('Parties', ['iso3 (iso3, optional) the state'])
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import MigkgError, QueryError
from .limits import decode_utf8, read_bytes_limited
from .params import PARAM_TYPES, Param, bind
from .project import Project

# The folders of queries/, what each holds, and the file names that count as members.
FOLDERS = {
    "cq": ("research questions (migkg query NAME)", "*.rq"),
    "qc": ("quality checks: each row is a violation", "*-violation.rq"),
    "construct": ("derivations, run in file-name order", "*.rq"),
    "claims": ("the seed papers' claims, checked as of their dates", "*.rq"),
    "report": ("tables of the build report", "*.rq"),
    "viz": ("the networks drawn as pages", "*.rq"),
    "lookup": ("lookups for the importers and linked-data tools", "*.rq"),
    "wikidata": ("queries sent to Wikidata (only on request)", "*.rq"),
    "reason": ("OWL clashes explained after HermiT finds one", "*-clash.rq"),
    "release": ("the flat tables of a release, which `migkg diff` also compares", "*.rq"),
}
COMMON_KEYS = ("title", "description", "param", "currency")
CLAIM_KEYS = ("paper", "claim", "claim_en", "paper_says", "agree", "reading", "as_of")
# A release table names the columns that identify a row (`key`) and documents each column.
TABLE_KEYS = ("key", "column")
OUTSIDE = "file"  # a .rq file outside queries/, e.g. a user's own: any key is read
KEYS = {kind: COMMON_KEYS for kind in FOLDERS} | {
    "claims": COMMON_KEYS + CLAIM_KEYS,
    "release": COMMON_KEYS + TABLE_KEYS,
    OUTSIDE: COMMON_KEYS + CLAIM_KEYS + TABLE_KEYS,
}
_HEADER = re.compile(r"^#\s*(" + "|".join(COMMON_KEYS + CLAIM_KEYS + TABLE_KEYS) + r")\s*:\s*(.*)$")
# What a query's answer is only as current as; those who show its answer add the matching note.
CURRENCIES = ("treaty-status",)
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_]\w*)\s+(?P<type>\w+)(?P<opts>(?:\s+(?:optional|local|default=\S+))*)\s*(?:\|\s*(?P<doc>.*))?$"
)


@dataclass
class NamedQuery:
    name: str
    path: Path
    text: str
    kind: str = OUTSIDE  # the folder under queries/ it belongs to
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    currency: str = ""  # e.g. "treaty-status": the answer is as current as the treaty tables
    headers: dict[str, str] = field(default_factory=dict)  # the folder's own keys, e.g. a claim's `paper`
    columns: dict[str, str] = field(default_factory=dict)  # a release table's `# column: NAME | meaning`

    def bind(self, values: dict[str, str]) -> dict[str, ox.Term]:
        """Turn the user's text values into RDF terms, checking names and types."""
        return bind(self.name, self.params, values)


def _param(value: str, where: str) -> Param:
    pm = _PARAM.match(value.strip())
    if not pm or pm["type"] not in PARAM_TYPES:
        raise QueryError(
            f"{where}: malformed parameter header '{value}'",
            hint="write '# param: NAME TYPE [optional] [local] [default=V] | description'; "
            f"TYPE is one of {', '.join(PARAM_TYPES)}",
        )
    opts = pm["opts"].split()
    default = next((o.split("=", 1)[1] for o in opts if o.startswith("default=")), None)
    return Param(pm["name"], pm["type"], "optional" in opts, default, (pm["doc"] or "").strip(), "local" in opts)


def parse_query_text(text: str, kind: str, name: str, path: Path | None = None) -> NamedQuery:
    """A query and its header, from the file's text (see the module's docstring for the grammar)."""
    source = str(path or name)
    q = NamedQuery(name=name, path=path or Path(name), text=text, kind=kind)
    values: dict[str, str] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        m = _HEADER.match(line.strip())
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key not in KEYS[kind]:
            raise QueryError(
                f"{source}:{lineno}: '# {key}:' is not a header of a query in queries/{kind}/",
                hint=f"its headers are: {', '.join(KEYS[kind])}",
            )
        if key == "param":
            q.params.append(_param(value, f"{source}:{lineno}"))
            continue
        if key == "column":
            name_, bar, doc = value.partition("|")
            if not bar or not name_.strip() or not doc.strip():
                raise QueryError(f"{source}:{lineno}: malformed column header '{value}'",
                                 hint="write '# column: NAME | what the column holds'")
            q.columns[name_.strip()] = doc.strip()
            continue
        if key == "currency" and value not in CURRENCIES:
            raise QueryError(f"{source}:{lineno}: unknown currency '{value}'", hint=f"use one of {', '.join(CURRENCIES)}")
        values[key] = f"{values[key]} {value}".strip() if key in values else value
    q.title = values.pop("title", "")
    q.description = values.pop("description", "")
    q.currency = values.pop("currency", "")
    q.headers = values
    return q


def load_query_file(path: Path, kind: str = OUTSIDE, name: str | None = None) -> NamedQuery:
    """Read one query file within the size limit; the only function that opens a query file."""
    try:
        text = decode_utf8(read_bytes_limited(path, "max_query_bytes"), str(path))
    except MigkgError as e:
        raise QueryError(e.message, hint=e.hint) from None
    return parse_query_text(text, kind, name or path.stem, path)


class QueryCatalog:
    """The project's queries/ folders (see FOLDERS), each file read once.

    A query is named by its folder and file stem, `catalog.get("viz/actors")`; a research
    question by its stem alone, `catalog.get("participation")`.
    """

    def __init__(self, project: Project):
        self.root = project.queries_dir
        self._loaded: dict[Path, NamedQuery] = {}

    def _load(self, path: Path, kind: str) -> NamedQuery:
        if path not in self._loaded:
            self._loaded[path] = load_query_file(path, kind)
        return self._loaded[path]

    def folder(self, kind: str) -> list[NamedQuery]:
        """Every query of one folder, in file-name order."""
        pattern = FOLDERS[kind][1]
        return [self._load(p, kind) for p in sorted((self.root / kind).glob(pattern))]

    def get(self, ref: str) -> NamedQuery:
        """A query by `folder/name`, or a research question by its name."""
        kind, _, name = ref.rpartition("/")
        kind = kind or "cq"
        if kind not in FOLDERS:
            raise QueryError(f"no query folder '{kind}'", hint=f"the folders are: {', '.join(FOLDERS)}")
        path = self.root / kind / f"{name}.rq"
        if not path.is_file():
            names = [q.name for q in self.folder(kind)]
            close = difflib.get_close_matches(name, names, n=3)
            what = f"query '{name}'" if kind == "cq" else f"query '{kind}/{name}'"
            hint = f"did you mean {', '.join(close)}?" if close else "run 'migkg queries' to list them"
            raise QueryError(f"unknown {what}", hint=hint)
        return self._load(path, kind)

    def find(self, name_or_file: str) -> NamedQuery:
        """What a user names on the command line: a research question, or any .rq file by path."""
        path = Path(name_or_file)
        if path.suffix == ".rq":
            if not path.is_file():
                raise QueryError(f"no query file at {path}")
            return load_query_file(path)
        return self.get(name_or_file)

    def research(self) -> list[NamedQuery]:
        return self.folder("cq")

    def checks(self) -> list[NamedQuery]:
        return self.folder("qc")

    def constructs(self) -> list[NamedQuery]:
        return self.folder("construct")

    def claims(self) -> list[NamedQuery]:
        return self.folder("claims")
