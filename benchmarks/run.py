"""One command: python -m benchmarks.run [--scale tiny|1m|5m ...] [--limit S] [--migkg-limit S] [--out FILE]

For each scale: generate a synthetic graph shaped like migkg's, then time migkg's engine
(pyoxigraph) and a plain rdflib Graph on the same work: load, validation, derivation, every named
research query (median of several runs), and the full-graph treaty network page. Prints a table
with both timings, their ratio and peak memory, checks the targets, and writes the results file.

Each engine runs in its own child process, so its peak memory is its own; it loads the graph once
and runs every further step in a forked copy of itself, which is killed if it runs past its limit.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import platform
import queue as queue_mod
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from importlib.metadata import version
from pathlib import Path

from .engines import CHECKS, DERIVE, FILES, LOAD, PAGE, ROOT, RUNS, SHACL, SLOW_RUN
from .engines import run_engine as engine_process
from .generate import SCALES, generate

TARGET_BUILD, TARGET_QUERY, TARGET_RATIO, TARGET_MEMORY = 30.0, 0.2, 10.0, 4096.0


@dataclass
class Outcome:
    seconds: float | None = None  # None: stopped or failed
    runs: int = 0
    note: str = ""  # "stopped after N s" or the error


@dataclass
class EngineRun:
    results: dict[str, Outcome] = field(default_factory=dict)
    peak_mib: float = 0.0


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_engine(engine: str, data: Path, derived: Path, out: Path, limit: float, label: str) -> EngineRun:
    """Start the engine's process and collect its reports; stop it if it goes silent past the limit."""
    run = EngineRun()
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=engine_process, args=(engine, data, derived, out, limit, q))
    child.start()
    current, started = None, time.monotonic()
    # The engine stops its own slow steps; this guards loading and the untimed work between steps.
    patience = limit * 1.5 + 120
    while True:
        try:
            msg = q.get(timeout=1.0)
        except queue_mod.Empty:
            if time.monotonic() - started > patience or (not child.is_alive() and q.empty()):
                why = "stopped" if child.is_alive() else f"the process died (exit code {child.exitcode})"
                if current:
                    run.results[current] = Outcome(note=f"{why} after {time.monotonic() - started:,.0f} s")
                _say(f"  [{label} {engine}] {current or 'between steps'}: {why}; the remaining steps are not run")
                break
            continue
        kind = msg[0]
        if kind == "begin":
            current, started = msg[1], time.monotonic()
            continue
        if kind == "end":
            _, step, seconds, runs, peak = msg
            run.results[step] = Outcome(seconds, runs)
            run.peak_mib = max(run.peak_mib, peak)
            _say(f"  [{label} {engine}] {step}: {fmt_time(seconds)}")
        elif kind in ("stopped", "failed"):
            run.results[msg[1]] = Outcome(note=msg[2])
            _say(f"  [{label} {engine}] {msg[1]}: {msg[2]}")
        elif kind == "done":
            run.peak_mib = max(run.peak_mib, msg[1])
            break
        current, started = None, time.monotonic()
    if child.is_alive():
        child.kill()
    child.join()
    return run


def fmt_time(v: float) -> str:
    return f"{v * 1000:,.1f} ms" if v < 1 else f"{v:,.2f} s"


def _cell(o: Outcome | None, query: bool = False) -> str:
    if o is None:
        return "-"
    if o.seconds is None:
        return o.note
    # Queries are run RUNS times; say so when a slow one was run only once.
    return fmt_time(o.seconds) + (" (1 run)" if query and o.runs == 1 and RUNS > 1 else "")


def _times(ratio: float) -> str:
    return f"{ratio:,.1f}x" if ratio < 100 else f"{ratio:,.0f}x"


def _ratio_value(a: Outcome | None, b: Outcome | None, limit: float) -> tuple[float, bool] | None:
    """rdflib's time over migkg's, and whether it is a lower bound (rdflib stopped); None if unknown."""
    if a is None or b is None or a.seconds is None or a.seconds <= 0:
        return None
    if b.seconds is None:
        return (limit / a.seconds, True) if b.note.startswith("stopped") else None
    return b.seconds / a.seconds, False


def _ratio(a: Outcome | None, b: Outcome | None, limit: float) -> str:
    r = _ratio_value(a, b, limit)
    return "" if r is None else ("> " if r[1] else "") + _times(r[0])


def _total(run: EngineRun, names: list[str]) -> Outcome | None:
    parts = [run.results.get(n) for n in names]
    if any(p is None or p.seconds is None for p in parts):
        return None
    return Outcome(sum(p.seconds for p in parts), 1)


def table(name: str, triples: int, ours: EngineRun, base: EngineRun, limit: float) -> str:
    lines = [
        f"### Scale {name}: {triples:,} synthetic triples, plus the ontology",
        "",
        "| step | migkg (pyoxigraph) | rdflib Graph | ratio (rdflib / migkg) |",
        "|---|---|---|---|",
    ]
    for step, a in ours.results.items():
        b = base.results.get(step)
        query = step.startswith("query ")
        other = _cell(b, query) if step in base.results else "(migkg only)"
        lines.append(f"| {step} | {_cell(a, query)} | {other} | {_ratio(a, b, limit)} |")
    common = [LOAD, CHECKS, DERIVE, PAGE]
    a, b = _total(ours, common), _total(base, common)
    lines.append(
        f"| load + checks + derivation + page | {_cell(a) if a else 'incomplete'} | {_cell(b) if b else 'incomplete (steps stopped)'} | {_ratio(a, b, limit)} |"
    )
    full = _total(ours, common + [FILES, SHACL])
    lines.append(f"| full build (adds SHACL and graph files) | {_cell(full) if full else 'incomplete'} | | |")
    lines.append(f"| peak memory (MiB) | {ours.peak_mib:,.0f} | {base.peak_mib:,.0f} | |")
    heading = "Targets:" if name == "1m" else "Targets (set for the 1m scale; shown for comparison):"
    lines += ["", heading, ""] + [f"- {t}" for t in targets(ours, base, limit)]
    return "\n".join(lines) + "\n"


def targets(ours: EngineRun, base: EngineRun, limit: float) -> list[str]:
    out = []
    full = _total(ours, [LOAD, CHECKS, DERIVE, PAGE, FILES, SHACL])
    core = _total(ours, [LOAD, CHECKS, DERIVE, PAGE, FILES])
    out.append(
        f"full build under {TARGET_BUILD:g} s: "
        + ("incomplete" if full is None else ("met" if full.seconds < TARGET_BUILD else "missed") + f" ({fmt_time(full.seconds)})")
        + ("" if core is None else f"; without SHACL {fmt_time(core.seconds)}")
    )
    queries = {s: o for s, o in ours.results.items() if s.startswith("query ")}
    slow = [f"{s[6:]} {_cell(o, True)}" for s, o in queries.items() if o.seconds is None or o.seconds >= TARGET_QUERY]
    out.append(
        f"every named query under {TARGET_QUERY * 1000:g} ms (median): "
        + (f"met ({len(queries)} of {len(queries)})" if not slow else f"missed by {len(slow)} of {len(queries)}: " + "; ".join(slow))
    )
    below = []
    for s, a in queries.items():
        r = _ratio_value(a, base.results.get(s), limit)
        if r is None or r[0] < TARGET_RATIO:
            below.append(f"{s[6:]} {_ratio(a, base.results.get(s), limit) or 'n/a'}")
    out.append(
        f"every named query at least {TARGET_RATIO:g}x faster than rdflib: "
        + ("met" if not below else f"missed by {len(below)} of {len(queries)}: " + "; ".join(below))
    )
    out.append(
        f"peak memory under {TARGET_MEMORY / 1024:g} GiB: "
        + ("met" if ours.peak_mib < TARGET_MEMORY else "missed")
        + f" (migkg {ours.peak_mib:,.0f} MiB)"
    )
    return out


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB RAM; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, pyoxigraph {version('pyoxigraph')}, rdflib {version('rdflib')}, "
        f"pyshacl {version('pyshacl')}"
    )


def run_scale(name: str, limit: float, migkg_limit: float, workdir: Path) -> str:
    data = workdir / f"synthetic-{name}.nt"
    _say(f"scale {name}: generating synthetic data...")
    triples = generate(data, **SCALES[name])
    _say(f"scale {name}: {triples:,} triples; running migkg, then rdflib (a step is stopped after {migkg_limit:g} s and {limit:g} s)")
    derived = workdir / f"derived-{name}.nt"
    ours = run_engine("migkg", data, derived, workdir, migkg_limit, name)
    base = run_engine("rdflib", data, derived, workdir, limit, name)
    return table(name, triples, ours, base, limit)


def main(argv=None) -> None:
    from migkg.core.atomic import write_text_atomic

    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", action="append", choices=sorted(SCALES), help="scale to run; repeat for several (default: 1m and 5m)")
    ap.add_argument(
        "--limit", type=float, default=60.0, help="seconds after which a baseline (rdflib) step is stopped (default: 60)"
    )
    ap.add_argument(
        "--migkg-limit", type=float, default=600.0, help="seconds after which a migkg step is stopped (default: 600)"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md", help="results file to write")
    args = ap.parse_args(argv)
    if args.limit <= 0 or args.migkg_limit <= 0:
        ap.error("--limit and --migkg-limit must be positive numbers of seconds")
    scales = args.scale or ["1m", "5m"]
    command = "python -m benchmarks.run" + "".join(f" --scale {s}" for s in scales)
    parts = [
        "# migkg benchmark results",
        "",
        f"Run on {date.today().isoformat()} with `{command}`; a step is stopped after {args.migkg_limit:g} s for migkg "
        f"and {args.limit:g} s for rdflib.",
        "",
        f"Machine: {machine()}.",
        "",
        f"Each engine runs in its own child process; times are wall-clock. Named queries: median of {RUNS} "
        f"runs, or one run when it takes over {SLOW_RUN:g} s. A step past the limit is stopped and shown so; "
        "its ratio is then a lower bound. When a baseline step is stopped, the baseline goes on with migkg's "
        "derived triples, so both engines always query the same data.",
        "",
    ]
    with tempfile.TemporaryDirectory(prefix="migkg-bench-") as tmp:
        for name in scales:
            text = run_scale(name, args.limit, args.migkg_limit, Path(tmp))
            print(text, flush=True)
            parts.append(text)
    notes = ROOT / "benchmarks" / "NOTES.md"
    if notes.exists() and args.out.resolve() == (ROOT / "benchmarks" / "RESULTS.md").resolve():
        parts.append(notes.read_text(encoding="utf-8"))
    write_text_atomic(args.out, "\n".join(parts))
    _say(f"wrote {args.out}")


if __name__ == "__main__":
    main()
