"""migkg: a knowledge graph of international migration governance.

    >>> import migkg
    >>> kg = migkg.open()          # the graph, loaded and derived on first use
    >>> kg.query("forum-members", forum="bali-process").title
    'Members and observers of a forum'

See `migkg.api` for the rest: your own SPARQL, DataFrames, networkx and rdflib.
"""

__version__ = "0.1.0"


def open(project=None):  # noqa: A001 -- `migkg.open()`, as researchers call it
    """The graph of the project at `project`, or of the one migkg finds (see `migkg.api.open`).

    Importing migkg stays cheap: the engine and the data load only when this is called.
    """
    from .api import open as open_graph

    return open_graph(project)
