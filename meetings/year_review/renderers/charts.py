"""The year review's charts as server-rendered SVG, the same markup in the HTML page and the PDF.

No JavaScript and no ``style`` attributes (the CSP forbids inline styles):
presentation attributes only. Each chart has ``role="img"`` with a
``<title>`` and ``<desc>``; the page puts the same figures in a table
beside it for people using screen readers.
"""

import math

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = "DejaVu Sans, Liberation Sans, Arial, sans-serif"
INK = "#0b0c0c"
BAR = "#005eb8"  # 6.9:1 on white
PREVIOUS = "#6f6f6f"  # 5:1 on white
GRID = "#b1b4b6"

# At most this many date labels under the attendance bars: more would overlap.
MAX_DATE_LABELS = 12


def _svg(chart_id, width, height, title, desc, body):
    # Every text put into the markup is escaped; numbers are formatted here.
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{FONT}" font-size="12" fill="{INK}">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{''.join(body)}</svg>"
    )


def nice_ceiling(value):
    """A round number at or above ``value`` for the top of an axis (5, 10, 20, 25, 50, 100 …)."""
    if value <= 5:
        return 5
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def attendance_chart(report, chart_id="chart-attendance"):
    """Bars: attendees (not counting staff) at each held meeting, with the year's average as a dashed line."""
    width, height = 640, 300
    left, right, top, bottom = 44, 12, 24, 46
    plot_w, plot_h = width - left - right, height - top - bottom
    counts = [row.attendees for row in report.meetings]
    top_value = nice_ceiling(max(counts, default=0))
    band = plot_w / max(len(counts), 1)
    bar_w = min(max(band * 0.7, 1), 64)
    every = math.ceil(len(counts) / MAX_DATE_LABELS) or 1

    def y(value):
        return top + plot_h - plot_h * value / top_value

    body = []
    for tick in range(0, 5):
        value = top_value * tick / 4
        label = f"{value:g}"
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{label}</text>'
        )
    for index, row in enumerate(report.meetings):
        x = left + band * index + (band - bar_w) / 2
        body.append(
            f'<rect x="{x:.1f}" y="{y(row.attendees):.1f}" width="{bar_w:.1f}" '
            f'height="{plot_h * row.attendees / top_value:.1f}" fill="{BAR}"/>'
        )
        if band >= 22:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{y(row.attendees) - 4:.1f}" text-anchor="middle" '
                f'font-weight="bold">{row.attendees}</text>'
            )
        if index % every == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 16}" text-anchor="middle">'
                f"{row.date.day} {row.date:%b}</text>"
                f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle" '
                f'font-size="10">{row.date:%Y}</text>'
            )
    if counts:
        average = report.headline.average_attendance
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(average):.1f}" y2="{y(average):.1f}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{width - right}" y="{y(average) - 5:.1f}" text-anchor="end" font-size="11">'
            f"Average {report.headline.average_text}</text>"
        )
    body.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="{INK}"/>'
        f'<text x="{left}" y="{top - 10}" font-size="11">Attendees (not counting staff)</text>'
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 4}" text-anchor="middle" font-size="11">Meeting date</text>'
    )
    desc = (
        f"Bar chart of attendees at each of the {len(counts)} meetings held in {report.label}, "
        f"average {report.headline.average_text}. The same figures are in the table beside it."
    )
    return _svg(chart_id, width, height, f"Attendance at each meeting, {report.label}", desc, body)


def ladder_chart(report, chart_id="chart-ladder"):
    """Horizontal bars: share of agenda items at each rung, with the previous year beneath when there is one."""
    previous = report.has_previous
    width = 640
    label_w, value_w, top = 120, 150, 34 if previous else 12
    row_h = 40 if previous else 30
    height = top + row_h * max(len(report.ladder), 1) + 8
    plot_w = width - label_w - value_w
    shares = [rung.share for rung in report.ladder]
    if previous:
        shares += [rung.previous_share for rung in report.ladder]
    top_share = max(shares + [1])

    body = []
    if previous:
        body.append(
            f'<rect x="{label_w}" y="4" width="12" height="12" fill="{BAR}"/>'
            f'<text x="{label_w + 18}" y="14">{escape(report.label)}</text>'
            f'<rect x="{label_w + 110}" y="6" width="12" height="8" fill="{PREVIOUS}"/>'
            f'<text x="{label_w + 128}" y="14">{escape(report.previous_label)}</text>'
        )
    for index, rung in enumerate(report.ladder):
        y = top + row_h * index
        bar = plot_w * rung.share / top_share
        noun = "item" if rung.count == 1 else "items"
        body.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-weight="bold">{escape(rung.name)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="14" fill="{BAR}"/>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 15}">{rung.count} {noun} ({rung.share}%)</text>'
        )
        if previous:
            prev_bar = plot_w * rung.previous_share / top_share
            body.append(
                f'<rect x="{label_w}" y="{y + 21}" width="{prev_bar:.1f}" height="8" fill="{PREVIOUS}"/>'
                f'<text x="{label_w + prev_bar + 6:.1f}" y="{y + 29}" font-size="10">'
                f"{rung.previous_count} ({rung.previous_share}%)</text>"
            )
    body.append(f'<line x1="{label_w}" x2="{label_w}" y1="{top}" y2="{height - 8}" stroke="{INK}"/>')
    desc = f"Bar chart of the share of the {report.item_count} agenda items at each rung of the engagement ladder"
    desc += f", compared with {report.previous_label}." if previous else "."
    desc += " The same figures are in the table beside it."
    return _svg(chart_id, width, height, f"Depth of engagement, {report.label}", desc, body)
