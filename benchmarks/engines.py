"""The work the benchmark times, for each engine, run inside a child process.

The engine's process loads the graph once, then runs each further step in a forked copy of itself,
so that a step running past the limit can be stopped by killing its copy (a signal cannot interrupt
Oxigraph's Rust code) while the next step goes on from the loaded graph.
"""

from __future__ import annotations

import multiprocessing as mp
import resource
import signal
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 3  # runs per named query; the median is reported
SLOW_RUN = 10.0  # seconds: a query this slow is run once, not RUNS times

# Values for the named queries' parameters in the synthetic data; a list gives several cases.
PARAMS: dict[str, list[dict[str, str]]] = {
    "participation": [{}, {"iso3": "XAA"}],
    "transfers": [{}, {"iso3": "XAA"}],
    "parties-as-of": [{"instrument": "X-1", "date": "2020-01-01"}],
    "party-to-one-not-other": [{"a": "X-1", "b": "X-2"}],
    "receiving-states-party-status": [{"sender": "XAA", "instrument": "X-1"}],
    "forum-members": [{"forum": "f1"}],
    "forum-members-not-party": [{"forum": "f1", "instrument": "X-1"}],
    "forum-urged-not-joined": [{"forum": "f1", "date": "2020-01-01"}],
    "migration-profile": [{"iso3": "XAA"}],
    "forum-migration-totals": [{"forum": "f1"}],
}

LOAD, CHECKS, DERIVE, PAGE, FILES, SHACL = (
    "load",
    "validation: quality checks (queries/qc)",
    "derivation (queries/construct)",
    "network page (treaties, full graph)",
    "write graph files (ttl, nt, jsonld)",
    "validation: SHACL shapes (pySHACL)",
)


def query_cases(catalog) -> list[tuple[str, object, dict[str, str]]]:
    """(step name, query, parameter values) for every named research query."""
    cases = []
    for q in catalog.research():
        for values in PARAMS.get(q.name, [{}]):
            label = f"query {q.name}" + "".join(f" {k}={v}" for k, v in values.items() if k in ("iso3",))
            cases.append((label, q, values))
    return cases


class RdflibResults:
    """rdflib query results shaped like pyoxigraph's, so the page code runs on both engines."""

    class Term:
        def __init__(self, value):
            self.value = str(value)

    class Var:
        def __init__(self, name):
            self.value = name

    def __init__(self, result):
        self.variables = [self.Var(str(v)) for v in result.vars]
        self._rows = [{str(k): (None if v is None else self.Term(v)) for k, v in zip(result.vars, r)} for r in result]

    def __iter__(self):
        return iter(self._rows)


class RdflibKG:
    """The slice of KnowledgeGraph the benchmark needs, over one plain rdflib Graph."""

    def __init__(self):
        import rdflib

        self.g = rdflib.Graph()

    def load_files(self, paths) -> None:
        for p in paths:
            self.g.parse(p)

    def query(self, text, bindings=None):
        from migkg.core.store import to_rdflib

        return RdflibResults(self.g.query(text, initBindings={k: to_rdflib(v) for k, v in (bindings or {}).items()}))

    def shacl(self, shapes_file: Path) -> None:
        """pySHACL straight on this graph, with the options migkg's validation uses."""
        from migkg.steps.validate import run_pyshacl

        run_pyshacl(self.g, shapes_file)

    def derive(self, catalog) -> None:
        for rule in catalog.constructs():
            for t in self.g.query(rule.text):
                self.g.add(t)


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies, so a stopped benchmark leaves nothing running."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: children are still stopped on a normal exit


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(fn, runs: int) -> tuple[float, int]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if times[-1] > SLOW_RUN:
            break
    return statistics.median(times), len(times)


def _in_worker(fn, runs: int, limit: float):
    """Run a step in a forked copy of this process (graph and all), so it can be killed on time-out.

    Returns ("end", seconds, runs, peak MiB), ("stopped", note) or ("failed", message).
    """
    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)

    def work():
        _die_with_parent()
        try:
            seconds, n = _measure(fn, runs)
            send.send(("end", seconds, n, _peak_mib()))
        except Exception as e:
            send.send(("failed", f"{type(e).__name__}: {e}"))

    worker = ctx.Process(target=work)
    worker.start()
    send.close()
    ready = recv.poll(limit)
    if not ready:
        worker.kill()
        worker.join()
        return ("stopped", f"stopped after {limit:g} s")
    try:
        result = recv.recv()
    except EOFError:
        result = ("failed", "the worker process died")
    worker.join()
    if result[0] == "failed" and worker.exitcode not in (0, None):
        result = ("failed", f"{result[1]} (exit code {worker.exitcode})")
    return result


def run_engine(engine: str, data: Path, derived: Path, out: Path, limit: float, queue) -> None:
    """Time every step for one engine, reporting ("begin", step), ("end", step, seconds, runs, MiB),
    ("stopped"|"failed", step, note) and finally ("done", MiB) on the queue."""
    _die_with_parent()
    import pyoxigraph as ox

    from migkg.outputs.graphfiles import write_graph_files
    from migkg.steps.derive import derive
    from migkg.core.project import Project
    from migkg.core.queries import QueryCatalog
    from migkg.core.store import DERIVED_GRAPH, KnowledgeGraph
    from migkg.steps.validate import check_violations, shacl_violations
    from migkg.outputs.networks import NetworkBuilder
    from migkg.outputs.viewdata import ViewData
    from migkg.outputs.pages import render_page

    project = Project(ROOT)
    catalog = QueryCatalog(project)
    peak = 0.0

    def step(name, fn, runs=1):
        nonlocal peak
        queue.put(("begin", name))
        result = _in_worker(fn, runs, limit)
        if result[0] == "end":
            peak = max(peak, result[3])
            queue.put(("end", name, *result[1:]))
        else:
            queue.put((result[0], name, result[1]))

    # Loading happens in this process (the graph is what the workers inherit); the parent guards its time.
    kg = KnowledgeGraph() if engine == "migkg" else RdflibKG()
    files = project.ontology_files() + [data]
    queue.put(("begin", LOAD))
    seconds, _ = _measure(lambda: kg.load_files(files), 1)
    queue.put(("end", LOAD, seconds, 1, _peak_mib()))

    if engine == "migkg":
        step(CHECKS, lambda: check_violations(kg, catalog))
        # SHACL runs before derivation, on the asserted triples, as in the build.
        step(SHACL, lambda: shacl_violations(kg, project.shapes_file))
        step(DERIVE, lambda: derive(kg, catalog))
        derive(kg, catalog)  # the worker's derived triples died with it; derive again here, untimed
        quads = kg.store.quads_for_pattern(None, None, None, DERIVED_GRAPH)
        # Written for the baseline, which then queries exactly the same triples.
        ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), derived, ox.RdfFormat.N_TRIPLES)
    else:
        step(CHECKS, lambda: [list(kg.query(c.text)) for c in catalog.checks()])
        step(SHACL, lambda: kg.shacl(project.shapes_file))
        step(DERIVE, lambda: kg.derive(catalog))
        kg.load_files([derived])  # migkg's derived triples, untimed: same data for both engines' queries

    for name, q, values in query_cases(catalog):
        bindings = q.bind(values)
        step(name, lambda q=q, b=bindings: list(kg.query(q.text, b)), runs=RUNS)

    def page():
        net = NetworkBuilder(ViewData.read(kg, catalog)).treaties()
        (out / f"treaties-{engine}.html").write_text(render_page(net, "benchmark"), encoding="utf-8")

    step(PAGE, page)
    if engine == "migkg":
        step(FILES, lambda: write_graph_files(kg, out))  # as the build writes them
    queue.put(("done", max(peak, _peak_mib())))
