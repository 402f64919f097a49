"""Small charts drawn as inline SVG on the server, for the findings report.

The report is one self-contained document read in a browser and printed to PDF
by WeasyPrint, so its charts carry no script and need no plotting library: each
function returns the markup of one <svg> element, every text in it escaped.
Each chart has a <title> (its accessible name) and a text label on every bar,
so the figures can be read without the colours.
"""

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Colour-blind-safe (Okabe-Ito), dark enough for white-on-colour legends.
PALETTE = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
FONT = "font-family:DejaVu Sans,Arial,sans-serif;font-size:11px"
# Characters of a row label that fit its column; longer labels end in "…".
# Limitation: an average glyph width, not the font's metrics, so a label of
# wide letters may still touch the edge; measuring needs the font file (e.g.
# with fontTools) on every machine that generates reports.
CHARS_PER_PIXEL = 1 / 6.8


def percent(value: float) -> str:
    return f"{value:.0%}"


def _label(text: str, width: float) -> str:
    fits = max(int(width * CHARS_PER_PIXEL), 4)
    return text if len(text) <= fits else text[: fits - 1].rstrip() + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _svg(width: float, height: float, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{_number(width)}" height="{_number(height)}" '
        f'viewBox="0 0 {_number(width)} {_number(height)}" style="{FONT}">'
        f"<title>{escape(title)}</title>"
    )
    # Every piece of text above and in `body` has been escaped.
    return mark_safe(head + "".join(body) + "</svg>")


def hbar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    title: str,
    maximum: float | None = None,
    value_format=percent,
    width: int = 560,
    label_width: int = 220,
    bar_height: int = 14,
    gap: int = 6,
    colour: str = PALETTE[0],
) -> SafeString:
    """One horizontal bar per (label, value), drawn against `maximum` (the
    largest value when not given); the value is written after each bar."""
    values = [max(value, 0.0) for _label_text, value in rows]
    top = maximum if maximum is not None else max(values, default=0.0)
    value_width = 48
    span = width - label_width - value_width
    body = []
    for index, ((text, _value), value) in enumerate(zip(rows, values, strict=True)):
        y = index * (bar_height + gap)
        length = span * min(value / top, 1.0) if top > 0 else 0.0
        middle = y + bar_height / 2 + 4
        body.append(
            f"<g><title>{escape(text)}: {escape(value_format(value))}</title>"
            f'<text x="{label_width - 6}" y="{_number(middle)}" text-anchor="end">'
            f"{escape(_label(text, label_width - 6))}</text>"
            f'<rect x="{label_width}" y="{y}" width="{_number(length)}" '
            f'height="{bar_height}" fill="{colour}"/>'
            f'<text x="{_number(label_width + length + 4)}" y="{_number(middle)}">'
            f"{escape(value_format(value))}</text></g>"
        )
    height = max(len(rows) * (bar_height + gap) - gap, bar_height)
    return _svg(width, height, title, body)


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[float]]],
    series: Sequence[str],
    *,
    title: str,
    shares: bool = True,
    width: int = 560,
    label_width: int = 180,
    bar_height: int = 18,
    gap: int = 8,
) -> SafeString:
    """One bar per (label, values), its segments in the order of `series`, with
    a legend below. With `shares` each bar fills the width and its segments are
    the values' shares of the row's total (written in segments wide enough);
    otherwise bars are drawn against the largest row total, in counts."""
    if len(series) > len(PALETTE):
        raise ValueError(f"At most {len(PALETTE)} series, not {len(series)}.")
    totals = [sum(max(value, 0.0) for value in values) for _text, values in rows]
    span = width - label_width
    top = max(totals, default=0.0)
    body = []
    for index, ((text, values), total) in enumerate(zip(rows, totals, strict=True)):
        if len(values) != len(series):
            raise ValueError(f"{text!r} has {len(values)} values for {len(series)}.")
        y = index * (bar_height + gap)
        scale = (span / total if shares else span / top) if total > 0 else 0.0
        x = float(label_width)
        body.append(
            f'<text x="{label_width - 6}" y="{_number(y + bar_height / 2 + 4)}" '
            f'text-anchor="end">{escape(_label(text, label_width - 6))}'
            f"<title>{escape(text)}</title></text>"
        )
        for name, value, colour in zip(series, values, PALETTE, strict=False):
            length = max(value, 0.0) * scale
            if length <= 0:
                continue
            shown = percent(value / total) if shares else _number(value)
            body.append(
                f"<g><title>{escape(text)}, {escape(name)}: {escape(shown)}</title>"
                f'<rect x="{_number(x)}" y="{y}" width="{_number(length)}" '
                f'height="{bar_height}" fill="{colour}"/>'
            )
            if length >= 7 * len(shown) + 4:
                body.append(
                    f'<text x="{_number(x + length / 2)}" '
                    f'y="{_number(y + bar_height / 2 + 4)}" text-anchor="middle" '
                    f'fill="#fff">{escape(shown)}</text>'
                )
            body.append("</g>")
            x += length

    legend_y = len(rows) * (bar_height + gap) + 4
    x = float(label_width)
    for name, colour in zip(series, PALETTE, strict=False):
        step = 14 + 6.5 * len(name) + 12
        if x + step > width and x > label_width:
            # Wrap the legend rather than run past the chart's edge.
            x, legend_y = float(label_width), legend_y + 16
        body.append(
            f'<rect x="{_number(x)}" y="{legend_y}" width="10" height="10" '
            f'fill="{colour}"/><text x="{_number(x + 14)}" y="{legend_y + 9}">'
            f"{escape(name)}</text>"
        )
        x += step
    return _svg(width, legend_y + 14, title, body)
