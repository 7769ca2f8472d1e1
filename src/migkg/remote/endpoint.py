"""Working with a SPARQL server the user runs: publish the built graph to it (Graph Store
HTTP Protocol) and run the named queries there (SPARQL 1.1 Protocol)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from ..core.errors import MigkgError, QueryError
from .client import ClientConfig, SparqlClient
from ..core.queries import NamedQuery
from ..core.results import Table


def push(graph_file: Path, store_url: str, graph: str | None = None, timeout: float = 300.0) -> None:
    """Replace the target graph (or the default graph) on the server with the file's triples."""
    if not store_url.startswith(("http://", "https://")):
        raise MigkgError(
            f"'{store_url}' is not an http(s) address",
            hint="give the server's Graph Store endpoint, e.g. http://localhost:7878/store",
        )
    target = (
        store_url
        + ("&" if "?" in store_url else "?")
        + ("graph=" + urllib.parse.quote(graph, safe="") if graph else "default")
    )
    data = graph_file.read_bytes()
    request = urllib.request.Request(
        target, data=data, method="PUT", headers={"Content-Type": "application/n-triples", "User-Agent": "migkg push"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status not in (200, 201, 204):
                raise MigkgError(f"{store_url} answered HTTP {response.status} to the upload")
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")[:300]
        raise MigkgError(
            f"{store_url} refused the upload: HTTP {e.code} {e.reason}: {body}",
            hint="check that the address is the server's Graph Store endpoint and that it accepts writes",
        ) from None
    except (urllib.error.URLError, OSError) as e:
        raise MigkgError(
            f"cannot reach {store_url}: {getattr(e, 'reason', e)}", hint="is the server running?"
        ) from None


def remote_query(endpoint: str, query: NamedQuery, values: dict[str, str], timeout: float = 60.0) -> Table:
    """Run a named query on another endpoint; parameters travel as a VALUES block of checked RDF terms."""
    bindings = query.bind(values)
    local = [p.name for p in query.params if p.local and p.name in bindings]
    if local:
        raise QueryError(
            f"parameter {', '.join(local)} of '{query.name}' is used inside a FILTER and cannot be sent "
            "to a remote endpoint as VALUES",
            hint="run this query locally, or leave the parameter out",
        )
    text = query.text
    if bindings:
        names = sorted(bindings)
        text += (
            "\nVALUES ("
            + " ".join("?" + n for n in names)
            + ") { ("
            + " ".join(str(bindings[n]) for n in names)
            + ") }\n"
        )
    client = SparqlClient(ClientConfig(endpoint=endpoint, timeout=timeout, retries=1))
    variables, rows = client.select_table(text)
    return Table(variables, [[r.get(v, "") for v in variables] for r in rows])
