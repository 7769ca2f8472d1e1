"""dist/report.md: what the graph holds, how current its sources are, and whether it validates."""

from __future__ import annotations

from datetime import date

from ..steps.claims import check_all, findings_table
from .analytics import analyses, analysis_markdown
from .networks import NetworkBuilder
from ..core.queries import QueryCatalog, parse_query_file
from ..core.project import Project
from ..core.results import Table, to_markdown
from ..core.store import KnowledgeGraph
from ..steps.validate import Violation


def report_table(kg: KnowledgeGraph, project: Project, name: str) -> Table:
    q = parse_query_file(project.queries_dir / "report" / f"{name}.rq")
    return Table.from_solutions(kg.query(q.text))


def status_figures_table(kg: KnowledgeGraph, project: Project) -> Table:
    """Each headline figure beside the graph's parties as of its date, counted by `parties-as-of` itself.

    Actors that query marks uncertain (a month or year that straddles the date) are listed, not counted.
    """
    figures = report_table(kg, project, "status-figures")
    as_of = QueryCatalog(project).resolve("parties-as-of")
    rows = []
    for instrument, day, headline, note, source in figures.rows:
        parties = Table.from_solutions(kg.query(as_of.text, as_of.bind({"instrument": instrument, "date": day})))
        col = {c: i for i, c in enumerate(parties.columns)}
        certain = {(r[col["iso3"]], r[col["name_en"]]) for r in parties.rows if r[col["status"]] == "party"}
        uncertain = [r for r in parties.rows if r[col["status"]] == "uncertain"]
        maybe = sorted({f"{r[col['name_en']] or r[col['iso3']]} ({r[col['since']]})" for r in uncertain})
        difference = int(headline) - len(certain)
        rows.append([instrument, day, headline, str(len(certain)), str(difference), ", ".join(maybe), note, source])
    return Table(["instrument", "as_of", "headline", "graph", "difference", "uncertain", "note", "source"], rows)


def currency_note(kg: KnowledgeGraph, project: Project) -> str:
    """One line for stderr beside query results, so a 2014 list is never mistaken for today's."""
    t = report_table(kg, project, "instrument-currency")
    parts = []
    for mtdsg, as_of, later, latest in t.rows:
        extra = f", +{later} later cited action(s) to {latest}" if later != "0" else ""
        parts.append(f"{mtdsg} {as_of}{extra}")
    return "treaty status as of: " + "; ".join(parts)


def render_report(
    kg: KnowledgeGraph, project: Project, violations: list[Violation], derived: dict[str, int], triple_count: int
) -> str:
    classes = report_table(kg, project, "class-counts")
    today = date.today().isoformat()
    parts = [
        "# migkg build report",
        "",
        f"Triples in the merged graph: **{triple_count}** (ontology, vocabularies, instance data and derived facts).",
        "",
        "Facts come from dated sources. Treaty status tables from the UN Treaty Collection are "
        "snapshots: a party count below is as of its source's date, not today.",
        "",
        "## Resources per class",
        "",
        to_markdown(classes),
        "## How current the treaty data is",
        "",
        "The UN Treaty Collection tables are a 2013–2015 snapshot. Later actions are included only where a",
        "later source is cited for them; for every other state, the graph knows its status only as of the table's date.",
        "",
        to_markdown(report_table(kg, project, "instrument-currency")),
        "## Reconciliation with the depositary's headline figures",
        "",
        "Each row sets a dated headline figure (UNTC's \"Status as at\", a UN office's running count; see",
        "`graph/status-figures.ttl`) beside the graph's count of parties as of the same date. `uncertain` lists",
        "actors whose consent is dated only to a month or year that straddles the date: counted on neither side.",
        "`note` says which states research found to account for the difference, or what was searched.",
        "",
        to_markdown(status_figures_table(kg, project)),
        "## Treaty actions and parties per instrument",
        "",
        "`parties` counts actors whose latest consent is not followed by a denunciation, "
        "as derived from the actions in the graph.",
        "",
        to_markdown(report_table(kg, project, "instrument-counts")),
        "## Forums and their membership lists",
        "",
        "A `partial` list holds only the memberships a source could be found for; counts and claims over it are lower bounds.",
        "",
        to_markdown(report_table(kg, project, "forums")),
        "## Sources and their as-of dates",
        "",
        to_markdown(report_table(kg, project, "source-dates")),
        "## The seed papers' claims",
        "",
        "Each claim in `queries/claims/` quotes a seed paper; the graph's answer is computed from the data above,",
        f"as of the date the claim speaks of (column `as of`); `today` gives the answer as of the day of this build ({today})",
        "where it differs. A disagreement is a finding to report (the papers and the graph may count differently), not an error.",
        "",
        to_markdown(findings_table(check_all(kg, project.queries_dir / "claims", today=today))),
        "## Network analytics",
        "",
        analysis_markdown(analyses(NetworkBuilder(kg, project)), top=5),
        "## Derivations",
        "",
        to_markdown(Table(["rule", "triples"], [[k, str(v)] for k, v in sorted(derived.items())])),
        "## Validation",
        "",
    ]
    if violations:
        rows = [[v.rule, v.location(), v.node, v.message] for v in violations]
        parts.append(to_markdown(Table(["rule", "file", "node", "message"], rows)))
    else:
        parts.append("No violations: the graph conforms to the SHACL shapes and passes every check in `queries/qc/`.\n")
    return "\n".join(parts)
