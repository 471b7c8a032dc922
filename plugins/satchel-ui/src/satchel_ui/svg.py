"""Charts and graphs as inline SVG, drawn on the server: no script, nothing fetched.

Every text and link that comes from the store goes through `escape`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape


def _number(value: float) -> str:
    return f"{value:.4g}"


def line_chart(
    points: Sequence[tuple[str, float, str | None]], title: str, width: int = 680, height: int = 260
) -> Markup:
    """A numeric value across runs: `points` are `(label, value, link)` in order."""
    left, right, top, bottom = 64, 56, 28, 40
    values = [value for _, value, _ in points]
    if not values:
        return Markup("")
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    step = (width - left - right) / max(1, len(values) - 1)

    def x(i: int) -> float:
        return left + (i * step if len(values) > 1 else (width - left - right) / 2)

    def y(v: float) -> float:
        return top + (high - v) / (high - low) * (height - top - bottom)

    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<text class="chart-title" x="{left}" y="18">{escape(title)}</text>',
        f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}"/>',
        f'<line class="axis" x1="{left}" y1="{height - bottom}" x2="{width - right}" '
        f'y2="{height - bottom}"/>',
    ]
    for tick in (low, (low + high) / 2, high):
        parts.append(
            f'<text class="tick" x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
            f"{_number(tick)}</text>"
        )
    line = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    parts.append(f'<polyline class="series" points="{line}"/>')
    every = max(1, len(points) // 8)
    for i, (label, value, link) in enumerate(points):
        dot = (
            f'<circle class="point" cx="{x(i):.1f}" cy="{y(value):.1f}" r="4">'
            f"<title>{escape(label)}: {_number(value)}</title></circle>"
        )
        parts.append(f'<a href="{escape(link)}">{dot}</a>' if link else dot)
        if i % every == 0:
            parts.append(
                f'<text class="tick" x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                f"{escape(label[:12])}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))


def histogram(bins: Sequence[tuple[float, float, int]], width: int = 360, height: int = 140) -> Markup:
    """An array's histogram: `(low, high, count)` per bar."""
    if not bins:
        return Markup("")
    top, bottom = 8, 20
    most = max(count for _, _, count in bins) or 1
    bar = width / len(bins)
    parts = [
        f'<svg class="histogram" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg"><title>histogram</title>'
    ]
    for i, (low, high, count) in enumerate(bins):
        tall = count / most * (height - top - bottom)
        parts.append(
            f'<rect class="bar" x="{i * bar + 1:.1f}" y="{height - bottom - tall:.1f}" '
            f'width="{max(1.0, bar - 2):.1f}" height="{tall:.1f}">'
            f"<title>[{_number(low)}, {_number(high)}): {count}</title></rect>"
        )
    parts.append(f'<text class="tick" x="0" y="{height - 4}">{_number(bins[0][0])}</text>')
    parts.append(
        f'<text class="tick" x="{width}" y="{height - 4}" text-anchor="end">{_number(bins[-1][1])}</text>'
    )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass
class Node:
    """A box of a graph: a step (run) or an artifact, placed at a column and row."""

    id: str
    label: str
    detail: str
    kind: str  # "step", "artifact" or "outside" (a run of another workflow)
    column: int
    row: int
    href: str | None = None
    marks: list[str] = field(default_factory=list)  # "cached", "error", "rerun"...


NODE_W, NODE_H, GAP_X, GAP_Y, PAD = 170, 46, 50, 22, 16


def graph(nodes: Sequence[Node], edges: Sequence[tuple[str, str]], title: str) -> Markup:
    """Boxes in columns, edges as curves from the right side of one to the left side of another."""
    if not nodes:
        return Markup("")
    first = min(node.column for node in nodes)
    columns = max(node.column for node in nodes) - first + 1
    rows = max(node.row for node in nodes) + 1
    width = PAD * 2 + columns * NODE_W + (columns - 1) * GAP_X
    height = PAD * 2 + rows * NODE_H + (rows - 1) * GAP_Y
    where = {
        node.id: (PAD + (node.column - first) * (NODE_W + GAP_X), PAD + node.row * (NODE_H + GAP_Y))
        for node in nodes
    }
    parts = [
        f'<svg class="graph" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path class="arrowhead" d="M 0 0 L 10 5 L 0 10 z"/>'
        "</marker></defs>",
    ]
    for source, target in edges:
        if source not in where or target not in where:
            continue
        (x1, y1), (x2, y2) = where[source], where[target]
        x1, y1, y2 = x1 + NODE_W, y1 + NODE_H / 2, y2 + NODE_H / 2
        bend = max(20.0, (x2 - x1) / 2)
        parts.append(
            f'<path class="edge" marker-end="url(#arrow)" d="M {x1:.1f} {y1:.1f} C {x1 + bend:.1f} {y1:.1f} '
            f'{x2 - bend:.1f} {y2:.1f} {x2:.1f} {y2:.1f}"/>'
        )
    for node in nodes:
        x, y = where[node.id]
        classes = " ".join(["node", node.kind, *node.marks])
        box = (
            f'<g class="{escape(classes)}" data-node="{escape(node.id)}">'
            f"<title>{escape(node.label)} {escape(node.detail)}</title>"
            f'<rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" '
            f'rx="{6 if node.kind != "artifact" else 16}"/>'
            f'<text class="label" x="{x + 10}" y="{y + 19}">{escape(_fit(node.label, 22))}</text>'
            f'<text class="detail" x="{x + 10}" y="{y + 36}">{escape(_fit(node.detail, 28))}</text></g>'
        )
        parts.append(f'<a href="{escape(node.href)}">{box}</a>' if node.href else box)
    parts.append("</svg>")
    return Markup("".join(parts))


def _fit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"
