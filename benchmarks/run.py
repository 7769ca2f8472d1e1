"""One command: python -m benchmarks.run [--scale tiny|1m|5m ...] [--out benchmarks/RESULTS.md]

For each scale, generates a synthetic graph, then times migkg's engine (pyoxigraph) and a plain
rdflib Graph on the same work: load, validation (the SPARQL quality checks), derivation (the
CONSTRUCT rules), every named research query (median of several runs), and writing the
full-graph treaty network page. Each engine runs in its own child process so that its peak
memory can be read. Prints a table and writes it to the results file.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import resource
import signal
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from .generate import SCALES, generate

ROOT = Path(__file__).resolve().parents[1]
PARAMS = {  # values for the named queries' required parameters in the synthetic data
    "parties-as-of": {"instrument": "X-1", "date": "2020-01-01"},
    "forum-members": {"forum": "f1"},
    "forum-members-not-party": {"forum": "f1", "instrument": "X-1"},
}
RUNS = 3


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


class RdflibResults:
    """rdflib query results shaped like pyoxigraph's, so the page code can run on both engines."""

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
    """The slice of KnowledgeGraph the benchmark needs, over a plain rdflib Graph."""

    def __init__(self):
        import rdflib

        self.g = rdflib.Graph()

    def load_file(self, path: Path) -> None:
        self.g.parse(path)

    def query(self, text, bindings=None):
        from migkg.store import to_rdflib

        return RdflibResults(self.g.query(text, initBindings={k: to_rdflib(v) for k, v in (bindings or {}).items()}))

    def add_derived(self, text):
        for t in self.g.query(text):
            self.g.add(t)


def _timed(fn, limit: float):
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(int(limit))
    t0 = time.perf_counter()
    try:
        fn()
        return time.perf_counter() - t0
    except Timeout:
        return None
    finally:
        signal.alarm(0)


def _engine_run(engine: str, data: Path, out: Path, limit: float, queue) -> None:
    from migkg.project import Project
    from migkg.queries import QueryCatalog
    from migkg.store import KnowledgeGraph
    from migkg.viz.networks import NetworkBuilder
    from migkg.viz.pages import render_page

    project = Project(ROOT)
    catalog = QueryCatalog(project)
    files = project.ontology_files() + [data]
    times: dict[str, float | None] = {}
    if engine == "migkg":
        kg = KnowledgeGraph()
        times["load"] = _timed(lambda: kg.load_files(files), limit)
        times["validation (qc queries)"] = _timed(lambda: [list(kg.query(c.text)) for c in catalog.checks()], limit)

        def derive_all():
            for rule in catalog.constructs():
                kg.add_derived(list(kg.query(rule.text)))
    else:
        kg = RdflibKG()
        times["load"] = _timed(lambda: [kg.load_file(f) for f in files], limit * 4)
        times["validation (qc queries)"] = _timed(lambda: [list(kg.query(c.text)) for c in catalog.checks()], limit)

        def derive_all():
            for rule in catalog.constructs():
                kg.add_derived(rule.text)

    times["derivation"] = _timed(derive_all, limit)
    for q in catalog.research():
        values = PARAMS.get(q.name, {})
        bindings = q.bind(values)
        runs = []
        for _ in range(RUNS if engine == "migkg" else 1):
            runs.append(_timed(lambda: list(kg.query(q.text, bindings)), limit))
            if runs[-1] is None:
                break
        times[f"query {q.name}"] = None if None in runs else statistics.median(runs)

    def page():
        net = NetworkBuilder(kg, project).treaties()
        (out / f"treaties-{engine}.html").write_text(render_page(net, "benchmark"), encoding="utf-8")

    times["network page (treaties)"] = _timed(page, limit * 4)
    if engine == "migkg":
        import pyoxigraph as ox

        times["write graph files (ttl, nt, jsonld)"] = _timed(
            lambda: [
                ox.serialize(kg.triples(), out / f"g.{ext}", format=fmt)
                for ext, fmt in (
                    ("ttl", ox.RdfFormat.TURTLE),
                    ("nt", ox.RdfFormat.N_TRIPLES),
                    ("jsonld", ox.RdfFormat.JSON_LD),
                )
            ],
            limit,
        )
        steps = [
            "load",
            "validation (qc queries)",
            "derivation",
            "network page (treaties)",
            "write graph files (ttl, nt, jsonld)",
        ]
        times["build total, without SHACL"] = (
            None if any(times[k] is None for k in steps) else sum(times[k] for k in steps)
        )
        times["SHACL shapes (pySHACL)"] = _timed(lambda: _shacl(kg, project), limit)
    times["peak memory (MiB)"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    queue.put(times)


def _shacl(kg, project) -> None:
    from migkg.validate import shacl_violations

    shacl_violations(kg, project.shapes_file)


def run_scale(name: str, limit: float) -> tuple[int, dict, dict]:
    ctx = mp.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="migkg-bench-") as tmp:
        data = Path(tmp) / f"synthetic-{name}.nt"
        triples = generate(data, **SCALES[name])
        results = {}
        for engine in ("migkg", "rdflib"):
            queue = ctx.Queue()
            proc = ctx.Process(target=_engine_run, args=(engine, data, Path(tmp), limit, queue))
            proc.start()
            results[engine] = queue.get()
            proc.join()
        return triples, results["migkg"], results["rdflib"]


def _fmt(v, memory=False):
    if v is None:
        return "timed out"
    return f"{v:,.0f}" if memory else (f"{v * 1000:,.1f} ms" if v < 1 else f"{v:,.2f} s")


def table(name: str, triples: int, ours: dict, base: dict, limit: float) -> str:
    lines = [
        f"### Scale {name}: {triples:,} triples of synthetic data (plus the ontology)",
        "",
        "| step | migkg (pyoxigraph) | rdflib Graph | ratio (rdflib / migkg) |",
        "|---|---|---|---|",
    ]
    for step in ours:
        a, b = ours[step], base.get(step)
        memory = step.startswith("peak memory")
        if step not in base:
            lines.append(f"| {step} | {_fmt(a, memory)} | (migkg only) | |")
            continue
        ratio = "" if memory or a in (None, 0) else (f"> {limit / a:,.0f}x" if b is None else f"{b / a:,.1f}x")
        lines.append(
            f"| {step} | {_fmt(a, memory)} | {_fmt(b, memory) if b is not None else f'> {limit:g} s (timed out)'} | {ratio} |"
        )
    return "\n".join(lines) + "\n"


def machine() -> str:
    import os

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()}, {os.cpu_count()} cores, {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.platform()}"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", action="append", choices=sorted(SCALES), help="scale(s) to run (default: 1m and 5m)")
    ap.add_argument("--limit", type=float, default=300.0, help="seconds before a step counts as timed out")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md", help="results file")
    args = ap.parse_args(argv)
    scales = args.scale or ["1m", "5m"]
    parts = [
        "# migkg benchmark results",
        "",
        f"Run on {date.today().isoformat()} with `python -m benchmarks.run {' '.join('--scale ' + s for s in scales)}`.",
        f"Machine: {machine()}.",
        "",
        "Each engine runs in its own child process; times are wall-clock; named queries are the median of "
        f"{RUNS} runs for migkg and one run for rdflib; a step over {args.limit:g} s is stopped and shown as timed out.",
        "Validation here is the SPARQL quality checks; the SHACL shapes (pySHACL, on rdflib) are reported in the notes.",
        "",
    ]
    for name in scales:
        print(f"scale {name}: generating and running (this can take a while)...", flush=True)
        triples, ours, base = run_scale(name, args.limit)
        t = table(name, triples, ours, base, args.limit)
        print(t, flush=True)
        parts.append(t)
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists():
        parts.append(notes.read_text(encoding="utf-8"))
    args.out.write_text("\n".join(parts), encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
