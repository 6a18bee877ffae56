"""The year review as a web page (templates/meetings/reports/year_review.html)."""

from django.shortcuts import render as render_template
from django.urls import reverse

from engagement.roles import can_report, can_run

from ..wording import DEFINITIONS
from ..years import FIRST_YEAR, LAST_YEAR
from . import charts, finish

FILE_FORMATS = [("csv", "CSV (appendix table)"), ("xlsx", "Excel workbook"), ("pdf", "PDF (A4, for printing)")]


def report_url(report, fmt="html", year=None):
    """The report's address, as a page or a file, for this year or another."""
    year = report.year if year is None else year
    if fmt == "html":
        return reverse("year_review", kwargs={"slug": report.partnership.slug, "year": year})
    return reverse("year_review_file", kwargs={"slug": report.partnership.slug, "year": f"{year:04d}", "fmt": fmt})


def context(report):
    """What both the page and the PDF show: the report, its charts and how the figures are counted."""
    return {
        "report": report,
        "partnership": report.partnership,
        "attendance_chart": charts.attendance_chart(report),
        "ladder_chart": charts.ladder_chart(report),
        "definitions": DEFINITIONS,
    }


def render(request, report):
    page = context(report)
    page["files"] = [(report_url(report, fmt), label, report.filename(fmt)) for fmt, label in FILE_FORMATS]
    page["previous_year_url"] = report_url(report, year=report.year - 1) if report.year > FIRST_YEAR else ""
    page["next_year_url"] = report_url(report, year=report.year + 1) if report.year < LAST_YEAR else ""
    page["previous_year_label"] = report.partnership.financial_year_label(report.year - 1)
    page["next_year_label"] = report.partnership.financial_year_label(report.year + 1)
    # Links to pages the reader may open, for this partnership (not a role held elsewhere).
    page["can_report_here"] = can_report(request.user, report.partnership)
    page["can_write_review"] = can_run(request.user, report.partnership)
    return finish(render_template(request, "meetings/reports/year_review.html", page), report)
