"""python -m benchmarks.pages [--out FILE] [--runs N]

The real graph's site: the time of a full `migkg build` (every page, state and forum pages
included), then each page's time to interactive in headless Chromium (navigation start to the
page's ready flag, median of N loads). Targets: a build under 60 s, every page under 2 s.
Appends the figures, with the machine and date, to benchmarks/RESULTS.md (or FILE).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_BUILD, TARGET_PAGE = 60.0, 2.0
# Each page and what it sets when it is ready for the reader (the front and state pages have no script).
PAGES = {
    "index.html": "",
    "map.html": "window.migkgReady === true",
    "matrix.html": "window.migkgReady === true",
    "timeline.html": "window.migkgTimelineReady === true",
    "treaties.html": "window.migkgReady === true",
    "forums.html": "window.migkgReady === true",
    "arrangements.html": "window.migkgReady === true",
    "states/CHN.html": "",
    "forums/bali-process.html": "",
}


def build_site(out: Path) -> float:
    from migkg.build import build_workspace
    from migkg.workspace import Workspace

    started = time.perf_counter()
    build_workspace(Workspace.open(ROOT), out)
    return time.perf_counter() - started


def time_pages(site: Path, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from support.browser import launch

    out = {}
    with sync_playwright() as p:
        browser = launch(p)
        for name, ready in PAGES.items():
            times = []
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto((site / name).as_uri())
                if ready:
                    page.wait_for_function(ready, timeout=60000)
                # From the navigation's start, as the browser measured it, to now (ready).
                times.append(page.evaluate("performance.now()") / 1000)
                page.close()
            out[name] = statistics.median(times)
        browser.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="migkg-pages-"))
    try:
        site = tmp / "dist"
        print("building the site…", file=sys.stderr, flush=True)
        build = build_site(site)
        print(f"  build: {build:.1f} s; timing pages in Chromium…", file=sys.stderr, flush=True)
        pages = time_pages(site, args.runs)
        sizes = {n: (site / n).stat().st_size for n in PAGES}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    ok = lambda good: "met" if good else "MISSED"  # noqa: E731
    lines = [
        "",
        f"## Pages on the real graph, {date.today().isoformat()}",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Chromium headless; median of {args.runs} loads. `python -m benchmarks.pages`.",
        "",
        "| what | time | size | target |",
        "|---|---:|---:|---|",
        f"| full `migkg build` (every page) | {build:.1f} s | | < {TARGET_BUILD:.0f} s: {ok(build < TARGET_BUILD)} |",
    ]
    lines += [
        f"| {n} interactive | {t:.2f} s | {sizes[n] / 1e6:.2f} MB | < {TARGET_PAGE:.0f} s: {ok(t < TARGET_PAGE)} |"
        for n, t in pages.items()
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    with args.out.open("a", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
