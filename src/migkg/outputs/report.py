"""dist/report.md: what the graph holds, how current its sources are, and whether it validates.

The report only renders: every table in it is computed once by the build (see
migkg.workspace) and handed over, the same tables the pages and the command line show.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.results import Table, to_markdown
from .analytics import analysis_markdown
from .worldmap import MapCoverage

# The queries of queries/report/ that the report shows as they are.
REPORT_TABLES = ("class-counts", "instrument-currency", "instrument-counts", "forums", "source-dates", "migration-datasets")
# Research queries (queries/cq/) the migration-profile section shows, with the parameters it gives them.
MIGRATION_QUERIES = {
    "treaty-parties-by-derived-role": {"instrument": "IV-13", "year": "2015"},
    "largest-migrant-share": {"year": "2020", "min_population": "1000000"},
    "refugee-hosts-status": {"year": "2020", "top": "10"},
}


@dataclass
class ReportInputs:
    tables: dict[str, Table]  # REPORT_TABLES by name
    status_figures: Table
    findings: Table
    analyses: dict[str, Table]
    derived: dict[str, int]
    triples: int
    today: str
    migration: dict[str, Table]  # MIGRATION_QUERIES by name
    map_coverage: MapCoverage | None = None


def map_section(c: MapCoverage | None) -> list[str]:
    """What the world map could not join: states without a shape, shapes without a state."""
    if c is None:
        return []
    states = ", ".join(f"{name} ({iso3})" for iso3, name in c.states_without_shape) or "none"
    shapes = ", ".join(f"{name} ({num})" if num else f"{name} (no ISO code)" for num, name in c.shapes_without_state)
    return [
        "## World map coverage",
        "",
        f"Natural Earth 1:50m shapes (world-atlas 2.0.2) joined by ISO 3166-1 numeric code: {c.matched} of the "
        "graph's states and economies have a shape.",
        "",
        f"- States and economies with no shape (not drawn on the map; the matrix and their pages show them): {states}.",
        f"- Shapes that are no state or economy of the graph (drawn as \"not known\"): {shapes or 'none'}.",
        "",
    ]


def render_report(r: ReportInputs) -> str:
    today = r.today
    parts = [
        "# migkg build report",
        "",
        f"Triples in the merged graph: **{r.triples}** (ontology, vocabularies, instance data and derived facts).",
        "",
        "Facts come from dated sources. Treaty status tables from the UN Treaty Collection are "
        "snapshots: a party count below is as of its source's date, not today.",
        "",
        "## Resources per class",
        "",
        to_markdown(r.tables["class-counts"]),
        "## How current the treaty data is",
        "",
        "The UN Treaty Collection tables are a 2013–2015 snapshot. Later actions are included only where a",
        "later source is cited for them; for every other state, the graph knows its status only as of the table's date.",
        "",
        to_markdown(r.tables["instrument-currency"]),
        "## Reconciliation with the depositary's headline figures",
        "",
        "Each row sets a dated headline figure (UNTC's \"Status as at\", a UN office's running count; see",
        "`graph/status-figures.ttl`) beside the graph's count of parties as of the same date. `uncertain` lists",
        "actors whose consent is dated only to a month or year that straddles the date: counted on neither side.",
        "`note` says which states research found to account for the difference, or what was searched.",
        "",
        to_markdown(r.status_figures),
        "## Treaty actions and parties per instrument",
        "",
        "`parties` counts actors whose latest consent is not followed by a denunciation, "
        "as derived from the actions in the graph.",
        "",
        to_markdown(r.tables["instrument-counts"]),
        "## Forums and their membership lists",
        "",
        "A `partial` list holds only the memberships a source could be found for; counts and claims over it are lower bounds.",
        "",
        to_markdown(r.tables["forums"]),
        "## Sources and their as-of dates",
        "",
        to_markdown(r.tables["source-dates"]),
        "## The seed papers' claims",
        "",
        "Each claim in `queries/claims/` quotes a seed paper; the graph's answer is computed from the data above,",
        f"as of the date the claim speaks of (column `as of`); `today` gives the answer as of the day of this build ({today})",
        "where it differs. A disagreement is a finding to report (the papers and the graph may count differently), not an error.",
        "",
        to_markdown(r.findings),
        "## Migration profile",
        "",
        "The statistics are RDF Data Cube observations (`graph/migration/`, coverage in `graph/migration/COVERAGE.md`),",
        "each dataset with its source and as-of date. UN DESA's stocks are mid-year estimates; UNHCR's figures are at",
        "the end of each year. A revision revises earlier years too, so a figure quoted from an older revision differs.",
        "",
        to_markdown(r.tables["migration-datasets"]),
        "Treaty status below is as current as the section on the treaty data says.",
        "",
        "### The Migrant Workers Convention among destination and origin states, mid-2015",
        "",
        "States grouped by the roles the project's rule derives from their shares (migrants, or emigrants, at least 10%",
        "of the population; `queries/construct/50-migration-roles-from-statistics.rq`), and how many of each group were",
        "party to the ICRMW (IV-13) on 1 July 2015. `migkg query treaty-parties-by-derived-role` for other treaties and years.",
        "",
        to_markdown(r.migration["treaty-parties-by-derived-role"]),
        "### The largest migrant shares, mid-2020 (states of at least a million people)",
        "",
        to_markdown(r.migration["largest-migrant-share"]),
        "### The largest refugee-hosting states at the end of 2020 and their refugee-instrument status",
        "",
        to_markdown(r.migration["refugee-hosts-status"]),
        *map_section(r.map_coverage),
        "## Network analytics",
        "",
        analysis_markdown(r.analyses, top=5),
        "## Derivations",
        "",
        to_markdown(Table(["rule", "triples"], [[k, str(v)] for k, v in sorted(r.derived.items())])),
        "## Validation",
        "",
        # A build with violations stops before any output is written, so a report always says this.
        "No violations: the graph conforms to the SHACL shapes and passes every check in `queries/qc/`.\n",
    ]
    return "\n".join(parts)
