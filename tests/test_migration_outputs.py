"""The statistics reach the pages: each actor's side panel gives its latest migrant stock and share,
emigrants and refugees, with source and date, as the observations hold them."""

from __future__ import annotations

from migkg.outputs.networks import migration_facts
from migkg.workspace import Workspace

M = "https://w3id.org/migkg/ontology#"
SDMX = "http://purl.org/linked-data/sdmx/2009/dimension#"


def test_panel_lines_name_source_and_date_and_skip_what_is_missing():
    lines = migration_facts({"migrant_stock": "3276580", "migrant_share": "1.5", "emigrant_stock": "", "refugees_hosted": "0"})
    assert lines == [["international migrants, mid-2020 (UN DESA)", "3,276,580 (1.5% of the population)"],
                     ["refugees hosted, end of 2020 (UNHCR)", "0"]]  # a zero is a figure; an empty cell is none
    assert migration_facts({}) == []


def test_a_states_panel_shows_its_observations():
    ws = Workspace.open()
    hosted = next(iter(ws.graph.query(f"""SELECT ?n WHERE {{ ?o <http://purl.org/linked-data/cube#dataSet>
        <https://w3id.org/migkg/id/dataset/unhcr-refugees> ; <{SDMX}refArea> <https://w3id.org/migkg/id/state/PAK> ;
        <{SDMX}refPeriod> "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> ; <{M}refugeesHosted> ?n }}""")))["n"].value
    net = ws.networks.treaties()
    facts = dict(map(tuple, net.graph.nodes["https://w3id.org/migkg/id/state/PAK"]["facts"]))
    assert facts["refugees hosted, end of 2020 (UNHCR)"] == f"{int(hosted):,}"
    assert facts["international migrants, mid-2020 (UN DESA)"].endswith("% of the population)")
