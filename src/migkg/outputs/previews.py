"""Small static SVG previews for the front page: the map, the matrix, a timeline, a network.

Each is drawn in Python from results the build already has, numbers only (no labels), so
the front page stays a plain HTML file with no script.
"""

from __future__ import annotations

import json
import math
from functools import cache

from .worldmap import topology_text


@cache
def _country_rings() -> dict[str, list[list[tuple[float, float]]]]:
    """Each shape's rings in degrees (TopoJSON arcs decoded), coarsened to about half a degree."""
    topo = json.loads(topology_text())
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantized positions
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices):
        out = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    rings: dict[str, list] = {}
    for g in topo["objects"]["countries"]["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]] if g["type"] == "Polygon" else []
        rings[g.get("id") or ""] = rings.get(g.get("id") or "", []) + [ring(p[0]) for p in polys]
    return rings


def _coarse(points, step: float = 0.5):
    kept, last = [], None
    for p in points:
        if last is None or abs(p[0] - last[0]) + abs(p[1] - last[1]) >= step:
            kept.append(p)
            last = p
    return kept if len(kept) >= 3 else []


def _subpath(points) -> str:
    """A ring as an SVG path; where a ring wraps round the antimeridian the pen is lifted."""
    out, last = [], None
    for x, y in points:
        cmd = "M" if last is None or abs(x - last) > 180 else "L"
        out.append(f"{cmd}{x + 180:.0f},{90 - y:.0f}")
        last = x
    return "".join(out)


def map_preview(fill_by_numeric: dict[str, str], default: str = "#ececec") -> str:
    """An equirectangular world, each shape filled by its ISO numeric code's colour."""
    paths = []
    for num, rings in sorted(_country_rings().items()):
        if num == "010":  # Antarctica: at this size a band along the bottom, and no state's
            continue
        d = " ".join(_subpath(pts) for pts in (_coarse(r, 1.0) for r in rings) if pts)
        if d:
            paths.append(f'<path d="{d}" fill="{fill_by_numeric.get(num, default)}"/>')
    return (
        '<svg class="preview" viewBox="0 8 360 150" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">'
        '<rect x="0" y="0" width="360" height="180" fill="#dbe9f4"/>'
        f'<g stroke="#777" stroke-width="0.15">{"".join(paths)}</g></svg>'
    )


def grid_preview(shares: list[list[float]], colour: str = "#1f77b4") -> str:
    """Rows by columns of shares in [0, 1], each a square shaded by its share."""
    rows, cols = len(shares), max((len(r) for r in shares), default=0)
    cells = "".join(
        f'<rect x="{c * 10}" y="{r * 10}" width="9" height="9" fill="{colour}" fill-opacity="{0.08 + 0.92 * v:.2f}"/>'
        for r, row in enumerate(shares)
        for c, v in enumerate(row)
    )
    return f'<svg class="preview" viewBox="0 0 {cols * 10} {rows * 10}" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">{cells}</svg>'


def line_preview(series: list[list[tuple[int, int]]], colours: list[str]) -> str:
    """Step lines of (year, count) points on shared axes."""
    points = [p for s in series for p in s]
    if not points:
        return ""
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    top = max(p[1] for p in points) or 1
    w, h = 300, 120

    def xy(year, n):
        return (year - x0) / max(x1 - x0, 1) * w, h - n / top * (h - 6)

    lines = []
    for s, c in zip(series, colours):
        pts = " ".join("{:.1f},{:.1f}".format(*xy(y, n)) for y, n in s)
        lines.append(f'<polyline points="{pts}" fill="none" stroke="{c}" stroke-width="2"/>')
    return f'<svg class="preview" viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">{"".join(lines)}</svg>'


def network_preview(hubs: int, spokes: list[int]) -> str:
    """Hubs on an inner ring, the other nodes on an outer ring, each joined to its hub."""
    if not hubs:
        return ""
    cx, cy = 150, 75
    hub_xy = [(cx + 30 * math.cos(2 * math.pi * i / hubs), cy + 30 * math.sin(2 * math.pi * i / hubs)) for i in range(hubs)]
    parts = []
    for j, hub in enumerate(spokes):
        a = 2 * math.pi * j / max(len(spokes), 1)
        x, y = cx + 120 * math.cos(a), cy + 65 * math.sin(a)
        hx, hy = hub_xy[hub % hubs]
        parts.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{hx:.1f}" y2="{hy:.1f}" stroke="#9ab" stroke-width="0.4"/>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="#4e79a7"/>')
    parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#e15759"/>' for x, y in hub_xy]
    return f'<svg class="preview" viewBox="0 0 300 150" xmlns="http://www.w3.org/2000/svg" aria-hidden="true">{"".join(parts)}</svg>'
