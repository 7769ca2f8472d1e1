"""How current and complete the graph is: the tables every output that shows facts reads.

The report, the pages and the command line all say how current the treaty data is beside
what they show, so a 2014 list is never mistaken for today's; the wording lives here once.
"""

from __future__ import annotations

from ..core.queries import QueryCatalog
from ..core.results import Table
from ..core.store import KnowledgeGraph


def report_table(kg: KnowledgeGraph, catalog: QueryCatalog, name: str) -> Table:
    """One of the report's tables: the query queries/report/NAME.rq, as a table."""
    return Table.from_solutions(kg.query(catalog.get(f"report/{name}").text))


def instrument_currency(kg: KnowledgeGraph, catalog: QueryCatalog) -> Table:
    """Per instrument: the status table's as-of date, and the later cited actions."""
    return report_table(kg, catalog, "instrument-currency")


def currency_by_treaty(currency: Table) -> dict[str, dict[str, str]]:
    """`instrument_currency` by treaty key: table_as_of, later_actions, latest_later_action."""
    col = {c: i for i, c in enumerate(currency.columns)}
    return {
        r[col["mtdsg"]]: {
            "table_as_of": r[col["table_as_of"]],
            "later_actions": r[col["later_actions"]],
            "latest_later_action": r[col["latest_later_action"]],
        }
        for r in currency.rows
    }


def currency_note(currency: Table) -> str:
    """One line beside query results and on every page, from `instrument_currency`."""
    parts = []
    for mtdsg, as_of, later, latest in currency.rows:
        extra = f", +{later} later cited action(s) to {latest}" if later != "0" else ""
        parts.append(f"{mtdsg} {as_of}{extra}")
    return "treaty status as of: " + "; ".join(parts)


def status_figures_table(kg: KnowledgeGraph, catalog: QueryCatalog) -> Table:
    """Each headline figure beside the graph's parties as of its date, counted by `parties-as-of` itself.

    Actors that query marks uncertain (a month or year that straddles the date) are listed, not counted.
    """
    figures = report_table(kg, catalog, "status-figures")
    as_of = catalog.get("parties-as-of")
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
