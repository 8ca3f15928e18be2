"""Charts drawn as SVG on the server, from the same numbers as the table printed under them.
Each is an image with an accessible name (role="img", <title>) and a description pointing at
its data table; every text in it is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1b1f24"
BAR = "#0b5cad"
LINE = "#d5d9df"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float  # what the bar's length is drawn from
    text: str  # the value as the table prints it


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Horizontal bars, one per row, labelled on the left and valued on the right."""
    row, label_width, bar_width, value_width = 28, 250, 340, 90
    width, height = label_width + bar_width + value_width, max(row * len(bars), row) + 8
    top = max((b.value for b in bars), default=0) or 1
    parts = _open(chart_id, title, description, width, height)
    for i, bar in enumerate(bars):
        y = 4 + i * row
        length = max(bar.value, 0) / top * bar_width
        parts += [
            f'<text x="{label_width - 8}" y="{y + 18}" text-anchor="end" fill="{INK}" font-size="13">'
            f"{escape(bar.label)}</text>",
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{BAR}"></rect>',
            f'<text x="{label_width + length + 6:.1f}" y="{y + 18}" fill="{INK}" font-size="13">'
            f"{escape(bar.text)}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def histogram(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> SafeString:
    """Vertical bars side by side (a distribution's bins), counts above, bin labels below."""
    column, plot_height = 112, 150
    width = max(column * len(bars), column) + 20
    height = plot_height + 50
    top = max((b.value for b in bars), default=0) or 1
    parts = _open(chart_id, title, description, width, height)
    parts.append(f'<line x1="10" y1="{plot_height + 20}" x2="{width - 10}" y2="{plot_height + 20}" stroke="{LINE}"/>')
    for i, bar in enumerate(bars):
        x = 10 + i * column
        tall = max(bar.value, 0) / top * plot_height
        y = plot_height + 20 - tall
        parts += [
            f'<rect x="{x + 8}" y="{y:.1f}" width="{column - 16}" height="{tall:.1f}" fill="{BAR}"></rect>',
            f'<text x="{x + column / 2}" y="{y - 4:.1f}" text-anchor="middle" fill="{INK}" font-size="13">'
            f"{escape(bar.text)}</text>",
            f'<text x="{x + column / 2}" y="{plot_height + 38}" text-anchor="middle" fill="{INK}" font-size="12">'
            f"{escape(bar.label)}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()
