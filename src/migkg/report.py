"""dist/report.md: what the graph holds, how current its sources are, and whether it validates."""

from __future__ import annotations

from .claims import check_all, findings_table
from .viz.analytics import analyses, analysis_markdown
from .viz.networks import NetworkBuilder
from .queries import parse_query_file
from .project import Project
from .results import Table, to_markdown
from .store import KnowledgeGraph
from .validate import Violation


def report_table(kg: KnowledgeGraph, project: Project, name: str) -> Table:
    q = parse_query_file(project.queries_dir / "report" / f"{name}.rq")
    return Table.from_solutions(kg.query(q.text))


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
        to_markdown(report_table(kg, project, "status-figures")),
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
        "Each claim in `queries/claims/` quotes a seed paper; the graph's answer is computed from the data above.",
        "A disagreement is a finding to report (the papers and the graph may count differently or at different dates), not an error.",
        "",
        to_markdown(findings_table(check_all(kg, project.queries_dir / "claims"))),
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
