"""Server-rendered SVG charts: horizontal bars (optionally stacked) and the state tile grid.

No JavaScript. Each chart is an <svg role="img"> with a <title> and a <desc> that screen readers
announce; the page shows the same numbers in a table beside it. Everything written into the SVG
goes through format_html, so labels are escaped.
"""

import html
import uuid

from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

# Colour-blind-safe palette (Okabe–Ito) for series; a sequential blue scale for the map.
SERIES_COLOURS = ["#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#999999"]
SCALE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]

ROW_HEIGHT = 22
LABEL_WIDTH = 190
BAR_WIDTH = 330
VALUE_WIDTH = 70


def _escape(text):
    """conditional_escape(text), without its generic path for a plain str (most labels)."""
    if type(text) is str:
        return html.escape(text)
    return conditional_escape(text)


def _fmt(value):
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def bar_chart(title, rows, *, desc="", series=None, unit="", hide_below=0):
    """rows: [(label, value)] or, with `series` (names), [(label, [v1, v2, ...])] stacked.
    hide_below: counts from 1 to hide_below−1 are neither drawn nor written (shown "<N").

    The SVG is written with plain string formatting: every text (labels, names, title, unit)
    is escaped as conditional_escape would, numbers (digits, commas, a point) are written as
    str() writes them: what format_html did for each element, at a tenth of the cost
    (issue 17)."""
    if hide_below:
        rows = [
            (
                label,
                [_hide(v, hide_below) for v in value]
                if series is not None
                else _hide(value, hide_below),
            )
            for label, value in rows
        ]
    chart_id = f"chart-{uuid.uuid4().hex[:8]}"
    stacked = series is not None
    values = [sum(v) if stacked else v for _label, v in rows]
    top = max([v for v in values if v is not None] or [0]) or 1
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = []
    legend_rows = 0
    names = [_escape(name) for name in series] if stacked else []
    unit_html = _escape(unit)
    if stacked:
        # The legend wraps onto further lines rather than run past the chart's right edge.
        x, legend_rows = LABEL_WIDTH, 1
        for i, name in enumerate(series):
            item_width = 24 + 7 * len(str(name))
            if x > LABEL_WIDTH and x + item_width > width:
                x, legend_rows = LABEL_WIDTH, legend_rows + 1
            y = (legend_rows - 1) * ROW_HEIGHT
            parts.append(
                f'<rect x="{x}" y="{y + 4}" width="12" height="12" '
                f'fill="{SERIES_COLOURS[i % len(SERIES_COLOURS)]}"></rect>'
                f'<text x="{x + 16}" y="{y + 15}" font-size="11">{names[i]}</text>'
            )
            x += item_width
        # What each piece's tooltip adds after the row's label.
        suffixes = [_escape(f" · {name}" if name else "") for name in series]
    legend_height = ROW_HEIGHT * legend_rows
    height = legend_height + ROW_HEIGHT * max(len(rows), 1) + 6
    bar_height = ROW_HEIGHT - 6
    for index, (label, value) in enumerate(rows):
        y = legend_height + index * ROW_HEIGHT
        label_html = _escape(label)
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" font-size="11" text-anchor="end">'
            f"{_escape(_shorten(str(label)))}</text>"
        )
        pieces = value if stacked else [value]
        x = LABEL_WIDTH
        for i, piece in enumerate(pieces):
            if not piece:
                continue
            w = max(BAR_WIDTH * piece / top, 1)
            parts.append(
                f'<rect x="{round(x, 1)}" y="{y + 3}" width="{round(w, 1)}" '
                f'height="{bar_height}" fill="{SERIES_COLOURS[i % len(SERIES_COLOURS)]}">'
                f"<title>{label_html}{suffixes[i] if stacked else ''}: "
                f"{_fmt(piece)}{unit_html}</title></rect>"
            )
            x += w
        total = sum(p for p in pieces if p) if pieces else 0
        hidden = [p for p in pieces if isinstance(p, _Hidden)]
        shown = _fmt(total) + unit
        if hidden:
            below = f"<{hidden[0].threshold}"
            shown = f"{shown} (+{below})" if total else below
        parts.append(
            f'<text x="{round(x, 1) + 4}" y="{y + 15}" font-size="12">{_escape(shown)}</text>'
        )
    return mark_safe(  # noqa: S308 -- every text above went through _escape
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d"><title id="{chart_id}-t">'
        f"{_escape(title)}</title>"
        f'<desc id="{chart_id}-d">{_escape(desc or title)}</desc>{"".join(parts)}</svg>'
    )


class _Hidden(int):
    """A suppressed count: drawn as nothing, written as "<N"."""

    def __new__(cls, threshold):
        obj = super().__new__(cls, 0)
        obj.threshold = threshold
        return obj


def hidden(threshold):
    """A count that is published only as "<threshold": drawn as nothing, written "<N"."""
    return _Hidden(threshold)


def _hide(value, threshold):
    if value and 0 < value < threshold:
        return _Hidden(threshold)
    return value


def _shorten(text, limit=25):
    return text if len(text) <= limit else text[: limit - 1] + "…"


# Mexico's 32 states as a tile grid (column, row), roughly where each one lies.
STATE_TILES = {
    "BC": (0, 0), "SON": (1, 0), "CHIH": (2, 0), "COAH": (3, 0), "NL": (4, 0), "TAMS": (5, 0),
    "BCS": (0, 1), "SIN": (1, 1), "DGO": (2, 1), "ZAC": (3, 1), "SLP": (4, 1), "YUC": (8, 1),
    "NAY": (1, 2), "AGS": (2, 2), "GTO": (3, 2), "QRO": (4, 2), "HGO": (5, 2), "CAM": (7, 2),
    "QROO": (8, 2),
    "JAL": (1, 3), "MICH": (2, 3), "MEX": (3, 3), "CDMX": (4, 3), "TLAX": (5, 3), "VER": (6, 3),
    "TAB": (7, 3),
    "COL": (1, 4), "GRO": (2, 4), "MOR": (3, 4), "PUE": (4, 4), "OAX": (5, 4), "CHIS": (6, 4),
}  # fmt: skip
TILE = 54


def scale_colour(value, top):
    """One of five sequential colours; white for zero."""
    if not value:
        return "#ffffff", "#212529"
    step = min(int(len(SCALE) * value / (top or 1)), len(SCALE) - 1)
    return SCALE[step], ("#ffffff" if step >= 3 else "#212529")


def state_grid(title, counts, *, desc="", names=None, display=None):
    """counts: {state code: number}. display: {code: text} to show instead of the number (for
    example "<5" where small counts are suppressed)."""
    chart_id = f"map-{uuid.uuid4().hex[:8]}"
    names = names or {}
    display = display or {}
    top = max(counts.values(), default=0)
    tiles = []
    for code, (col, row) in STATE_TILES.items():
        value = counts.get(code, 0)
        fill, ink = scale_colour(value, top)
        shown = display.get(code, _fmt(value))
        x, y = col * TILE, row * TILE
        tiles.append(
            format_html(
                '<g><title>{}: {}</title><rect x="{}" y="{}" width="{}" height="{}" rx="4" '
                'fill="{}" stroke="#6c757d" stroke-width="1"></rect>'
                '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="{}">{}</text>'
                '<text x="{}" y="{}" font-size="13" font-weight="bold" text-anchor="middle" '
                'fill="{}">{}</text></g>',
                names.get(code, code),
                shown,
                x + 2,
                y + 2,
                TILE - 4,
                TILE - 4,
                fill,
                x + TILE / 2,
                y + 20,
                ink,
                code,
                x + TILE / 2,
                y + 38,
                ink,
                shown,
            )
        )
    legend = []
    for i, colour in enumerate(SCALE):
        legend.append(
            format_html(
                '<rect x="{}" y="{}" width="18" height="12" fill="{}" stroke="#6c757d"></rect>',
                i * 22,
                5 * TILE + 10,
                colour,
            )
        )
    legend.append(
        format_html(
            '<text x="{}" y="{}" font-size="11">0 – {}</text>',
            len(SCALE) * 22 + 6,
            5 * TILE + 21,
            _fmt(top),
        )
    )
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="report-map" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" aria-labelledby="{id}-t {id}-d">'
        '<title id="{id}-t">{title}</title><desc id="{id}-d">{desc}</desc>{tiles}{legend}</svg>',
        w=9 * TILE,
        h=5 * TILE + 30,
        id=chart_id,
        title=title,
        desc=desc or title,
        tiles=format_html_join("", "{}", ((t,) for t in tiles)),
        legend=format_html_join("", "{}", ((item,) for item in legend)),
    )
