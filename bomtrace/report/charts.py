"""Charts as inline SVG: horizontal bars and 100% stacked bars, no script, no fonts to fetch.

Every label is escaped here (the SVG is handed to the template as Markup); long labels are cut
with an ellipsis and keep their full text in a <title> tooltip.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from bomtrace import resources
from bomtrace.countries import bare_name

#: Colour-blind-safe colours (Okabe-Ito, then Tableau), one per leading country.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#4E79A7",
           "#9C755F", "#76B7B2")
OTHER_COLOUR = "#8c8c8c"
UNRESOLVED_COLOUR = "#d9d9d9"
POSSIBLE_COLOUR = "#f0dcb4"
#: The segment key of lines attributed only at `possible` confidence (not counted under a country).
POSSIBLE = "possible"
WIDTH = 720
LABEL_WIDTH = 210
VALUE_WIDTH = 130
BAR = 18
GAP = 8
CHAR = 7.4  # a generous average width of a 12px sans-serif character (capitals are wider), for cutting labels


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, colour and the text shown after it."""

    label: str
    value: float
    colour: str
    note: str = ""


def cut(text: str, width: float) -> str:
    """Text shortened with an ellipsis to fit `width` pixels at the chart's font size."""
    most = max(4, int(width / CHAR))
    return text if len(text) <= most else text[: most - 1] + "\u2026"


def segment_name(code: str | None) -> str:
    """What a segment or bar of lines is called: the country, 'Possible (not counted)' or 'Unresolved'."""
    if code == POSSIBLE:
        return "Possible (not counted)"
    return bare_name(code) if code else "Unresolved"


@lru_cache(maxsize=1)
def _fixed_colours() -> dict[str, str]:
    """data/country_colours.csv: the colour each of the commonest countries always gets."""
    with resources.data_file("country_colours.csv").open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["colour"] for row in csv.DictReader(handle)}


def colour_of(code: str) -> str:
    """A country's colour, the same in every report and comparison: its own from the table, else one
    of the palette chosen by the code itself (never by what else is on the chart)."""
    fixed = _fixed_colours()
    if code in fixed:
        return fixed[code]
    return PALETTE[int(hashlib.sha256(code.encode()).hexdigest(), 16) % len(PALETTE)]


def country_colours(codes: Sequence[str | None]) -> dict[str | None, str]:
    """Each country's fixed colour, in the given order (leading first, for legends); possible lines
    pale; None (unresolved) light grey."""
    colours: dict[str | None, str] = {None: UNRESOLVED_COLOUR, POSSIBLE: POSSIBLE_COLOUR}
    for code in codes:
        if code and code != POSSIBLE:
            colours[code] = colour_of(code)
    return colours


def _svg(height: float, title: str, body: list[str]) -> Markup:
    head = (f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {WIDTH} '
            f'{height:.0f}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')
    return Markup(head + "".join(body) + "</svg>")


def _label(x: float, y: float, text: str, width: float, anchor: str = "end") -> str:
    shown = cut(text, width)
    tip = f"<title>{escape(text)}</title>" if shown != text else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle">'
            f"{tip}{escape(shown)}</text>")


def bar_chart(bars: Sequence[Bar], title: str) -> Markup:
    """Horizontal bars scaled to the largest value, label on the left, note on the right."""
    top = max((b.value for b in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    body = []
    for i, b in enumerate(bars):
        y = GAP + i * (BAR + GAP)
        width = max(1.0, span * b.value / top) if b.value else 0.0
        body.append(_label(LABEL_WIDTH - 8, y + BAR / 2, b.label, LABEL_WIDTH - 12))
        body.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" '
                    f'fill="{b.colour}"><title>{escape(b.label)}: {escape(b.note)}</title></rect>')
        body.append(f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR / 2:.1f}" '
                    f'dominant-baseline="middle" class="note">{escape(b.note)}</text>')
    return _svg(GAP + len(bars) * (BAR + GAP), title, body)


def stacked_chart(rows: Sequence[tuple[str, Sequence[tuple[str | None, int]]]],
                  colours: dict[str | None, str], title: str) -> Markup:
    """One 100% bar per row, split by country (None = unresolved), with a legend underneath."""
    span = WIDTH - LABEL_WIDTH - 50
    body = []
    for i, (label, parts) in enumerate(rows):
        y = GAP + i * (BAR + GAP)
        total = sum(n for _, n in parts) or 1
        body.append(_label(LABEL_WIDTH - 8, y + BAR / 2, label, LABEL_WIDTH - 12))
        x = float(LABEL_WIDTH)
        for code, n in parts:
            width = span * n / total
            name = segment_name(code)
            body.append(f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR}" '
                        f'fill="{colours.get(code, OTHER_COLOUR)}" stroke="#fff" stroke-width="0.5">'
                        f"<title>{escape(label)}: {escape(name)} {n} of {total}</title></rect>")
            x += width
        body.append(f'<text x="{x + 6:.1f}" y="{y + BAR / 2:.1f}" dominant-baseline="middle" '
                    f'class="note">{total}</text>')
    legend, height = _legend(rows, colours, float(GAP + len(rows) * (BAR + GAP)))
    return _svg(height, title, body + legend)


def _legend(rows: Sequence[tuple[str, Sequence[tuple[str | None, int]]]], colours: dict[str | None, str],
            y: float) -> tuple[list[str], float]:
    """Legend swatches for the countries that appear, in colour order, wrapped across the width."""
    present = {code for _, parts in rows for code, _ in parts}
    order: list[str | None] = [c for c in colours if c in present and c not in (None, POSSIBLE)]
    order += [c for c in (POSSIBLE, None) if c in present]
    body, x = [], float(LABEL_WIDTH)
    y += 4
    for code in order:
        name = segment_name(code)
        if colours.get(code, OTHER_COLOUR) == OTHER_COLOUR and code is not None:
            continue
        width = 16 + len(name) * CHAR + 14
        if x + width > WIDTH:
            x, y = float(LABEL_WIDTH), y + 18
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{colours.get(code)}"/>')
        body.append(f'<text x="{x + 16:.1f}" y="{y + 6:.1f}" dominant-baseline="middle">'
                    f"{escape(name)}</text>")
        x += width
    if any(colours.get(c) == OTHER_COLOUR for c in present if c is not None):
        if x + 120 > WIDTH:
            x, y = float(LABEL_WIDTH), y + 18
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{OTHER_COLOUR}"/>')
        body.append(f'<text x="{x + 16:.1f}" y="{y + 6:.1f}" dominant-baseline="middle">Other</text>')
    return body, y + 22
