"""A price chart drawn on the server: series in, SVG markup out (pure; no script needed to read it).

One line per market (each with its own colour, dash and point shape, so it reads without colour),
a y axis with a few round ticks in thousands of đồng, a few week labels on the x axis; `viewBox`
and width 100 % make it fit any screen (the view box is narrow so that its text stays readable on
a 360-px phone). It is an image with a <title> and a <desc> (role="img", aria-labelledby); the page
puts a text table of the same numbers beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 400, 250
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 40, 30
STYLES = (  # colour (contrast ≥ 3:1 on white), dash, point shape
    ("#1b5e20", "", "circle"),
    ("#0d47a1", "6 3", "square"),
    ("#b71c1c", "2 3", "triangle"),
    ("#4a148c", "10 3 2 3", "diamond"),
)


@dataclass(frozen=True)
class Line:
    name: str
    points: tuple[int | None, ...]  # one per x label; None: no price that week


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About `count` round values covering low..high (1, 2, 2.5 or 5 × a power of ten apart)."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 6))
        value += step
    return ticks


def _thousands(value: float) -> str:
    """The y labels: đồng in thousands, written the Vietnamese way ("35", "37,5")."""
    text = f"{value / 1000:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _shape(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "triangle":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 3.5:.1f} {x - 4.5:.1f},{y + 3.5:.1f}" '
                f'fill="{colour}"/>')
    if kind == "diamond":
        return (f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y:.1f} {x:.1f},{y + 4.5:.1f} '
                f'{x - 4.5:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def price_chart(lines: list[Line], x_labels: list[str], *, title: str, desc: str, y_label: str,
                chart_id: str = "price-chart", empty: str = "") -> str:
    """The SVG of the lines over the x labels; `y_label` names the axis ("nghìn đồng/kg")."""
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
             f'preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{title_id} {desc_id}" '
             f'class="price-chart" id="{escape(chart_id)}" font-family="system-ui, sans-serif" font-size="12">',
             f'<title id="{title_id}">{escape(title)}</title>', f'<desc id="{desc_id}">{escape(desc)}</desc>']
    values = [v for line in lines for v in line.points if v is not None]
    top = TOP + 16 * max(0, (len(lines) - 1) // 2)  # the legend: two markets a row
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - top - BOTTOM
    parts.append(f'<rect x="{LEFT}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#ffffff" stroke="#757575"/>')
    if not values or not x_labels:
        parts.append(f'<text x="{WIDTH / 2:.0f}" y="{top + plot_h / 2:.0f}" text-anchor="middle" fill="#424242">'
                     f'{escape(empty)}</text></svg>')
        return "".join(parts)
    ticks = nice_ticks(min(values), max(values))
    low, high = ticks[0], ticks[-1]
    span = (high - low) or 1

    def y_of(value: float) -> float:
        return top + plot_h - (value - low) * plot_h / span

    count = len(x_labels)

    def x_of(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    parts.append(f'<text x="4" y="{top - 8}" fill="#212121">{escape(y_label)}</text>')
    for tick in ticks:
        y = y_of(tick)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e0e0e0"/>')
        parts.append(f'<text x="{LEFT - 5}" y="{y + 4:.1f}" text-anchor="end" fill="#212121">{_thousands(tick)}</text>')
    step = max(1, math.ceil(count / 4))
    shown = sorted({*range(0, count, step), count - 1})
    if len(shown) > 1 and shown[-1] - shown[-2] < step:
        shown.pop(-2)
    for index in shown:
        anchor = "start" if index == 0 and count > 1 else "end" if index == count - 1 and count > 1 else "middle"
        parts.append(f'<text x="{x_of(index):.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}" fill="#212121">'
                     f'{escape(x_labels[index])}</text>')
    for number, line in enumerate(lines):
        colour, dash, shape = STYLES[number % len(STYLES)]
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(line.points):
            if value is None:
                runs.append([])
            else:
                runs[-1].append((x_of(index), y_of(value)))
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"{dashes}/>')
            for x, y in run:
                parts.append(_shape(shape, x, y, colour))
        # the legend, above the plot: a sample of the line and the market's name, two a row
        legend_x, legend_y = 4 + (number % 2) * (WIDTH // 2), 12 + 16 * (number // 2)
        parts.append(f'<line x1="{legend_x}" y1="{legend_y}" x2="{legend_x + 16}" y2="{legend_y}" stroke="{colour}" '
                     f'stroke-width="2.5"{dashes}/>' + _shape(shape, legend_x + 8, legend_y, colour))
        parts.append(f'<text x="{legend_x + 22}" y="{legend_y + 4}" fill="#212121">{escape(line.name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
