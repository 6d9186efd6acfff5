"""Bar charts as inline SVG, rendered on the server (no JavaScript, no build step).

A chart is an image with a text title and description for screen readers; the page always
puts a table with the same figures beside it. Labels are real text at a readable size.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 28, 48
BAR = "#0b4f6c"
LINE = "#a4161a"
LIMIT = "#4a5360"


@dataclass
class Point:
    label: str
    value: float | None
    text: str  # the value as shown to a reader
    line: float | None = None  # a second series drawn as a line (e.g. a rolling mean)


def bar_chart(
    chart_id: str,
    title: str,
    points: list[Point],
    *,
    limit: float | None = None,
    limit_label: str = "",
    line_label: str = "",
    percent: bool = False,
) -> SafeString:
    """An SVG bar chart of `points`, optionally with a line series and a horizontal limit."""
    values = [p.value for p in points if p.value is not None]
    values += [p.line for p in points if p.line is not None]
    if limit is not None:
        values.append(limit)
    top = max(values) if values else 0
    top = 1.0 if percent else (top * 1.15 if top > 0 else 1.0)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(points), 1)
    bar_w = max(step * 0.6, 2)

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    parts = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(_describe(points, line_label))}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{LIMIT}"/>',
    ]
    for tick in (0.0, 0.5, 1.0):
        value = top * tick
        label = f"{value * 100:.0f} %" if percent else f"{value:.1f}".replace(".", ",")
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1b1f24">{escape(label)}</text>'
        )
    every = max(1, len(points) // 12)
    line_coords = []
    for index, point in enumerate(points):
        x = LEFT + index * step + (step - bar_w) / 2
        centre = x + bar_w / 2
        if point.value is not None:
            parts.append(
                f'<rect x="{x:.1f}" y="{y(point.value):.1f}" width="{bar_w:.1f}" '
                f'height="{TOP + plot_h - y(point.value):.1f}" fill="{BAR}"/>'
            )
            if len(points) <= 24:
                parts.append(
                    f'<text x="{centre:.1f}" y="{y(point.value) - 4:.1f}" text-anchor="middle" '
                    f'font-size="11" fill="#1b1f24">{escape(point.text)}</text>'
                )
        if point.line is not None:
            line_coords.append(f"{centre:.1f},{y(point.line):.1f}")
        if index % every == 0:
            parts.append(
                f'<text x="{centre:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                f'font-size="12" fill="#1b1f24">{escape(point.label)}</text>'
            )
    if len(line_coords) > 1:
        parts.append(
            f'<polyline points="{" ".join(line_coords)}" fill="none" stroke="{LINE}" '
            f'stroke-width="2.5"/>'
        )
    if limit is not None:
        parts.append(
            f'<line x1="{LEFT}" y1="{y(limit):.1f}" x2="{WIDTH - RIGHT}" y2="{y(limit):.1f}" '
            f'stroke="{LIMIT}" stroke-dasharray="6 4"/>'
        )
        parts.append(
            f'<text x="{WIDTH - RIGHT}" y="{y(limit) - 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1b1f24">{escape(limit_label)}</text>'
        )
    legend = [f"Staplar: {title.lower()}"]
    if line_coords:
        legend.append(f"röd linje: {line_label}")
    parts.append(
        f'<text x="{LEFT}" y="{HEIGHT - 8}" font-size="12" fill="#1b1f24">'
        f"{escape('; '.join(legend))}</text>"
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _describe(points: list[Point], line_label: str) -> str:
    shown = [f"{p.label}: {p.text}" for p in points]
    return "; ".join(shown) if shown else "Inga värden"
