"""Network analytics with networkx: centrality, forum overlap and communities, as tables."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import networkx as nx

from ..core.atomic import staged_dir
from ..core.results import Table, to_csv, to_markdown
from .networks import Network


def _actor_projection(net: Network) -> nx.Graph:
    """Undirected simple graph of the network, for centrality measures."""
    return nx.Graph(net.graph.to_undirected())


def centrality(net: Network, top: int | None = None) -> Table:
    """Degree and betweenness centrality of the states (and organisations) in a network."""
    g = _actor_projection(net)
    if g.number_of_nodes() == 0:
        return Table(["iso3", "name", "degree", "degree_centrality", "betweenness"], [])
    degree = nx.degree_centrality(g)
    between = nx.betweenness_centrality(g, normalized=True)
    rows = []
    for n, d in net.graph.nodes(data=True):
        if d["group"] not in ("state", "organisation"):
            continue
        iso3 = next((v for k, v in d["facts"] if k == "ISO 3166 alpha-3"), "")
        rows.append([iso3, d["label_en"], str(g.degree(n)), f"{degree[n]:.4f}", f"{between[n]:.4f}"])
    rows.sort(key=lambda r: (-float(r[4]), -int(r[2]), r[1]))
    return Table(["iso3", "name", "degree", "degree_centrality", "betweenness"], rows[:top] if top else rows)


def forum_overlap(net: Network) -> Table:
    """Jaccard similarity of the forums' participants (observers included), for every pair of forums."""
    members: dict[str, set[str]] = {}
    names = {}
    for u, v, d in net.graph.edges(data=True):
        members.setdefault(v, set()).add(u)
        names[v] = net.graph.nodes[v]["label_en"]
    rows = []
    for a, b in combinations(sorted(members), 2):
        inter, union = members[a] & members[b], members[a] | members[b]
        rows.append([names[a], names[b], str(len(inter)), str(len(union)), f"{len(inter) / len(union):.3f}"])
    rows.sort(key=lambda r: (-float(r[4]), r[0], r[1]))
    return Table(["forum_a", "forum_b", "shared", "union", "jaccard"], rows)


def communities(net: Network) -> Table:
    """Communities of the undirected network by greedy modularity (deterministic)."""
    g = _actor_projection(net)
    if g.number_of_edges() == 0:
        return Table(["community", "size", "members"], [])
    found = nx.community.greedy_modularity_communities(g)
    rows = []
    for i, c in enumerate(sorted(found, key=lambda c: (-len(c), sorted(c)[0])), 1):
        names = sorted(net.graph.nodes[n]["label_en"] for n in c)
        rows.append([str(i), str(len(c)), "; ".join(names)])
    return Table(["community", "size", "members"], rows)


def analyses(forums: Network, arrangements: Network) -> dict[str, Table]:
    """Every analysis, by output name."""
    return {
        "centrality-forums": centrality(forums),
        "centrality-arrangements": centrality(arrangements),
        "forum-overlap": forum_overlap(forums),
        "communities-forums": communities(forums),
        "communities-arrangements": communities(arrangements),
    }


def analysis_markdown(tables: dict[str, Table], top: int = 10) -> str:
    """The tables as Markdown sections, each cut to its first `top` rows (the CSV files hold all)."""
    titles = {
        "centrality-forums": "Centrality of states in the state–forum network",
        "centrality-arrangements": "Centrality of states in the arrangement and transfer network",
        "forum-overlap": "Membership overlap between forums (Jaccard)",
        "communities-forums": "Communities in the state–forum network",
        "communities-arrangements": "Communities in the arrangement and transfer network",
    }
    parts = []
    for name, table in tables.items():
        shown = Table(table.columns, table.rows[:top])
        more = f" (first {top} of {len(table.rows)}; all in `analysis/{name}.csv`)" if len(table.rows) > top else ""
        body = to_markdown(shown) if table.rows else "No data yet.\n"
        parts.append(f"### {titles[name]}{more}\n\n{body}")
    return "\n".join(parts)


def write_analysis(tables: dict[str, Table], out: Path, staged: bool = True) -> list[Path]:
    """A CSV per analysis under out/analysis/, and out/analysis.md (all or nothing; `staged` as for the pages)."""
    if not staged:
        return _analysis_into(out, tables)
    with staged_dir(out) as stage:
        return [out / p.relative_to(stage) for p in _analysis_into(stage, tables)]


def _analysis_into(stage: Path, tables: dict[str, Table]) -> list[Path]:
    (stage / "analysis").mkdir()
    for name, table in tables.items():
        (stage / "analysis" / f"{name}.csv").write_text(to_csv(table), encoding="utf-8")
    note = "Network analytics (networkx). Forum memberships are only those sourced; see the report for coverage.\n\n"
    (stage / "analysis.md").write_text("# migkg network analytics\n\n" + note + analysis_markdown(tables), encoding="utf-8")
    return sorted([stage / "analysis" / f"{name}.csv" for name in tables] + [stage / "analysis.md"])
