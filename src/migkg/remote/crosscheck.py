"""Our treaty actions compared with Wikidata's "signatory" (P1891) and "ratified by" (P6193)
statements: agreements, differing dates, facts only we have, facts only Wikidata has; and
QuickStatements lines so researchers can contribute the missing ones back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..core.atomic import staged_dir
from ..core.project import Project
from ..core.queries import QueryCatalog
from ..core.results import Table, to_csv, to_markdown
from ..core.store import KnowledgeGraph
from .client import SparqlClient, values_block

WD = "http://www.wikidata.org/entity/"
AGREE, DATE_DIFFERS, WD_UNDATED, ONLY_OURS, ONLY_WIKIDATA = (
    "agree",
    "date differs",
    "Wikidata has no date",
    "only in migkg",
    "only in Wikidata",
)


@dataclass(frozen=True)
class Fact:
    treaty: str  # Wikidata entity IRI
    prop: str  # P1891 or P6193
    state: str
    date: str  # YYYY-MM-DD or ""


@dataclass
class Comparison:
    status: str
    treaty: str
    prop: str
    state: str
    ours: str
    theirs: str
    label: str  # "V-2 CHN"
    source_url: str = ""
    retrieved: str = ""


def local_facts(kg: KnowledgeGraph, project: Project) -> list[dict[str, str]]:
    q = QueryCatalog(project).get("lookup/actions-for-wikidata")
    solutions = kg.query(q.text)
    cols = [v.value for v in solutions.variables]
    return [{c: (s[c].value if s[c] is not None else "") for c in cols} for s in solutions]


def remote_facts(client: SparqlClient, project: Project, treaties: list[str], batch: int = 50) -> list[Fact]:
    text = QueryCatalog(project).get("wikidata/treaty-participants").text
    facts = []
    for i in range(0, len(treaties), batch):
        for r in client.select(text + "\n" + values_block("treaty", treaties[i : i + batch]) + "\n"):
            facts.append(Fact(r["treaty"], r["property"], r["state"], r.get("date", "")[:10]))
    return facts


def compare(ours: list[dict[str, str]], theirs: list[Fact]) -> list[Comparison]:
    ours_by_key: dict[tuple, list[dict]] = {}
    for r in ours:
        ours_by_key.setdefault((r["treaty_wd"], r["property"], r["state_wd"]), []).append(r)
    theirs_by_key: dict[tuple, list[Fact]] = {}
    for f in theirs:
        theirs_by_key.setdefault((f.treaty, f.prop, f.state), []).append(f)
    labels = {(r["treaty_wd"], r["state_wd"]): f"{r['mtdsg']} {r['iso3']}".strip() for r in ours}
    out = []
    for key in sorted(set(ours_by_key) | set(theirs_by_key)):
        mine, wd = ours_by_key.get(key, []), theirs_by_key.get(key, [])
        label = labels.get((key[0], key[2]), "")
        if not wd:
            for r in mine:
                out.append(Comparison(ONLY_OURS, *key, r["date"], "", label, r["source_url"], r["retrieved"]))
            continue
        if not mine:
            for f in wd:
                out.append(Comparison(ONLY_WIKIDATA, *key, "", f.date, label))
            continue
        their_dates = sorted({f.date for f in wd})
        for r in mine:
            if r["date"] in their_dates:
                status, theirs_shown = AGREE, r["date"]
            elif their_dates == [""]:
                status, theirs_shown = WD_UNDATED, ""
            else:
                status, theirs_shown = DATE_DIFFERS, ", ".join(d for d in their_dates if d)
            out.append(Comparison(status, *key, r["date"], theirs_shown, label, r["source_url"], r["retrieved"]))
    return out


def _qid(iri: str) -> str:
    return iri.removeprefix(WD)


def quickstatements(rows: list[Comparison], today: date) -> str:
    """QuickStatements (V1) for the dated facts Wikidata lacks, each with reference URL (S854) and retrieved (S813)."""
    lines = []
    for c in rows:
        if c.status != ONLY_OURS or not c.ours:
            continue
        ref = []
        if c.source_url:
            ref += ["S854", f'"{c.source_url}"']
            retrieved = c.retrieved or today.isoformat()
            ref += ["S813", f"+{retrieved}T00:00:00Z/11"]
        lines.append("\t".join([_qid(c.treaty), c.prop, _qid(c.state), "P585", f"+{c.ours}T00:00:00Z/11", *ref]))
    return "\n".join(lines) + ("\n" if lines else "")


def report_table(rows: list[Comparison]) -> Table:
    return Table(
        ["status", "treaty", "state", "property", "migkg_date", "wikidata_date", "treaty_wd", "state_wd"],
        [
            [
                c.status,
                c.label.split(" ")[0] if c.label else "",
                c.label.split(" ")[-1] if " " in c.label else "",
                c.prop,
                c.ours,
                c.theirs,
                c.treaty,
                c.state,
            ]
            for c in rows
        ],
    )


def summary(rows: list[Comparison]) -> Table:
    order = [AGREE, DATE_DIFFERS, WD_UNDATED, ONLY_OURS, ONLY_WIKIDATA]
    return Table(["status", "facts"], [[s, str(sum(c.status == s for c in rows))] for s in order])


def run_crosscheck(kg: KnowledgeGraph, project: Project, client: SparqlClient, out: Path, today: date) -> list[Path]:
    ours = local_facts(kg, project)
    treaties = sorted({r["treaty_wd"] for r in ours})
    theirs = remote_facts(client, project, treaties) if treaties else []
    rows = compare(ours, theirs)
    table = report_table(rows)
    md = [
        "# migkg ↔ Wikidata: treaty participation cross-check",
        "",
        f"Compared {len(ours)} migkg treaty actions on {len(treaties)} treaties with Wikidata's P1891 (signatory)",
        f"and P6193 (ratified by) statements, at {client.config.endpoint}. Signatures are compared with P1891,",
        "consents of any kind (ratification, accession, succession, acceptance, approval) with P6193, by date (P585).",
        "",
        to_markdown(summary(rows)),
        to_markdown(table),
    ]
    with staged_dir(out) as stage:
        (stage / "wikidata.md").write_text("\n".join(md), encoding="utf-8")
        (stage / "wikidata.csv").write_text(to_csv(table), encoding="utf-8")
        (stage / "wikidata-quickstatements.txt").write_text(quickstatements(rows, today), encoding="utf-8")
        return [out / p.name for p in sorted(stage.iterdir())]
