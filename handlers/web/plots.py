"""Small server-drawn SVG charts for the supervisor dashboard: bars, lines and a lat/lon frame map.

Every bar and point carries data-series, data-label and data-value, so a test (or a screen reader's
table) can read the figure from the SVG itself. No script and no style attribute: the page's CSP holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#9b2c2c", "#6b46c1", "#b7791f", "#2c7a7b", "#4a5568")
WIDTH = 640
BAR_HEIGHT = 18
LABEL_WIDTH = 220


def _a(value: object) -> str:
    return escape(str(value), quote=True)


def _number(value: float) -> str:
    return f"{value:g}"


def _svg(title: str, height: int, body: str, width: int = WIDTH) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{_a(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" class="plot">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def _legend(series: list[str], y: int, names: Mapping[str, str] | None = None) -> str:
    """Coloured keys; `names` gives a series code its readable name (the data attributes keep the code)."""
    return "".join(
        f'<rect x="{10 + i * 110}" y="{y}" width="10" height="10" fill="{PALETTE[i % len(PALETTE)]}"/>'
        f'<text x="{24 + i * 110}" y="{y + 9}" font-size="11">{escape((names or {}).get(name, name))}</text>'
        for i, name in enumerate(series)
    )


def bar_chart(title: str, bars: list[tuple[str, str, float]], empty: str) -> str:
    """Horizontal bars (label, series, value); bars of one label sit together, coloured by series."""
    if not bars:
        return _svg(title, 30, f'<text x="10" y="20" font-size="12">{escape(empty)}</text>')
    series = list(dict.fromkeys(s for _, s, _ in bars))
    top = max(value for _, _, value in bars) or 1
    scale = (WIDTH - LABEL_WIDTH - 50) / top
    parts, y, previous = [], 24 if len(series) > 1 else 6, None
    if len(series) > 1:
        parts.append(_legend(series, 6))
    for label, name, value in bars:
        if label != previous:
            short = label if len(label) <= 18 else label[:17] + "…"
            parts.append(
                f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" font-size="12" text-anchor="end">{escape(short)}</text>'
            )
            previous = label
        colour = PALETTE[series.index(name) % len(PALETTE)]
        parts.append(
            f'<rect class="bar" x="{LABEL_WIDTH}" y="{y}" width="{value * scale:.1f}" height="{BAR_HEIGHT - 4}" '
            f'fill="{colour}" data-label="{_a(label)}" data-series="{_a(name)}" data-value="{_number(value)}">'
            f"<title>{escape(label)} {escape(name)}: {_number(value)}</title></rect>"
            f'<text x="{LABEL_WIDTH + value * scale + 4:.1f}" y="{y + 12}" font-size="11">{_number(value)}</text>'
        )
        y += BAR_HEIGHT
    return _svg(title, y + 6, "".join(parts))


def line_chart(
    title: str,
    points: list[tuple[str, str, float]],
    empty: str,
    names: Mapping[str, str] | None = None,
) -> str:
    """One line per series over the x labels (days), from (x, series, value); a missing point counts 0."""
    if not points:
        return _svg(title, 30, f'<text x="10" y="20" font-size="12">{escape(empty)}</text>')
    xs = sorted({x for x, _, _ in points})
    series = list(dict.fromkeys(s for _, s, _ in points))
    values = {(x, s): v for x, s, v in points}
    top = max(values.values()) or 1
    left, right, upper, lower = 40, WIDTH - 20, 30, 210
    step = (right - left) / max(len(xs) - 1, 1)

    def at(i: int, value: float) -> tuple[float, float]:
        return left + i * step, lower - (lower - upper) * value / top

    parts = [
        _legend(series, 6, names),
        f'<line x1="{left}" y1="{lower}" x2="{right}" y2="{lower}" stroke="#888"/>',
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{lower}" stroke="#888"/>',
        f'<text x="{left - 4}" y="{upper + 4}" font-size="10" text-anchor="end">{_number(top)}</text>',
        f'<text x="{left - 4}" y="{lower}" font-size="10" text-anchor="end">0</text>',
        f'<text x="{left}" y="{lower + 16}" font-size="10">{escape(xs[0])}</text>',
        f'<text x="{right}" y="{lower + 16}" font-size="10" text-anchor="end">{escape(xs[-1])}</text>',
    ]
    for number, name in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        spots = [(x, values.get((x, name), 0.0)) for x in xs]
        line = " ".join(
            f"{px:.1f},{py:.1f}" for px, py in (at(i, v) for i, (_, v) in enumerate(spots))
        )
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>')
        for i, (x, value) in enumerate(spots):
            px, py = at(i, value)
            parts.append(
                f'<circle class="point" cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}" '
                f'data-label="{_a(x)}" data-series="{_a(name)}" data-value="{_number(value)}">'
                f"<title>{escape(x)} {escape(name)}: {_number(value)}</title></circle>"
            )
    return _svg(title, lower + 24, "".join(parts))


# A frame of latitude and longitude, not a border: each province is drawn as the box of whole degrees
# that holds it (rounded outward from its extent in ordinary atlases), so nothing pretends to precision.
FRAME = (108.0, 134.0, 33.0, 47.0)  # west, east, south, north (degrees)
PROVINCE_BOXES = {
    "jilin": (121.0, 132.0, 40.0, 47.0),
    "shanxi": (110.0, 115.0, 34.0, 41.0),
}


def map_chart(
    title: str, boxes: list[tuple[str, str]], places: list[tuple[str, str, float, float, bool]]
) -> str:
    """Province boxes (id, name) and places (id, name, lat, lon, takes foreign cards) on the frame."""
    west, east, south, north = FRAME
    width, height = 520, 300
    scale = min(width / (east - west), height / (north - south))

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * scale, (north - lat) * scale

    parts = []
    for meridian in range(int(west), int(east) + 1, 2):
        x, _ = xy(meridian, north)
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#eee"/>')
        parts.append(f'<text x="{x + 2:.1f}" y="{height - 2}" font-size="9">{meridian}°E</text>')
    for parallel in range(int(south), int(north) + 1, 2):
        _, y = xy(west, parallel)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" stroke="#eee"/>')
        parts.append(f'<text x="2" y="{y - 2:.1f}" font-size="9">{parallel}°N</text>')
    for province, name in boxes:
        if province not in PROVINCE_BOXES:
            continue
        w, e, s, n = PROVINCE_BOXES[province]
        x0, y0 = xy(w, n)
        x1, y1 = xy(e, s)
        parts.append(
            f'<rect class="province" x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
            f'fill="none" stroke="#718096" stroke-dasharray="4 3" data-label="{_a(province)}"/>'
            f'<text x="{x0 + 4:.1f}" y="{y0 + 14:.1f}" font-size="12">{escape(name)}</text>'
        )
    for place, name, lat, lon, foreign in places:
        x, y = xy(lon, lat)
        parts.append(
            f'<circle class="place" cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{PALETTE[2] if foreign else PALETTE[1]}" '
            f'data-label="{_a(place)}" data-lat="{lat:g}" data-lon="{lon:g}" data-value="{int(foreign)}">'
            f"<title>{escape(name)}</title></circle>"
        )
    return _svg(title, height, "".join(parts), width)
