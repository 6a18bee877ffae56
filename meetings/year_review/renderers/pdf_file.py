"""The year review as an A4 PDF (WeasyPrint): title page, narrative, figures, charts and the appendix.

The charts are the page's own SVG. The appendix repeats its header row on
every page; every page has its number and, for a draft, says DRAFT at its
head and across it.
"""

from urllib.parse import quote

from django.http import HttpResponse
from django.template.loader import render_to_string

from toolkit.pdf import html_to_pdf

from . import finish
from .html_page import context, report_url

# "DRAFT" drawn as strokes, not text: a page background that a screen reader
# or pdftotext never reads into the middle of a sentence. Each page's head
# says "DRAFT – not final" in words.
DRAFT_LETTERS = [
    "M10 10 V130 H50 Q90 130 90 70 Q90 10 50 10 Z",  # D
    "M10 130 V10 H55 Q90 10 90 42 Q90 74 55 74 H10 M52 74 L92 130",  # R
    "M5 130 L50 10 L95 130 M24 86 H76",  # A
    "M90 10 H10 V130 M10 68 H72",  # F
    "M5 10 H95 M50 10 V130",  # T
]
WATERMARK_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600">'
    '<g transform="rotate(-40 300 300) translate(12 230)" fill="none" stroke="#e4e4e4" stroke-width="16" '
    'stroke-linejoin="round" stroke-linecap="round">'
    + "".join(f'<path transform="translate({115 * i} 0)" d="{d}"/>' for i, d in enumerate(DRAFT_LETTERS))
    + "</g></svg>"
)
WATERMARK_URL = "data:image/svg+xml," + quote(WATERMARK_SVG)


def pdf_bytes(report, page_url=""):
    """The PDF as bytes. Nothing is fetched from outside: no text in a review can make the server request a URL."""
    html = render_to_string(
        "meetings/reports/year_review_pdf.html",
        {**context(report), "page_url": page_url, "watermark_url": WATERMARK_URL},
    )
    # Only data: URLs (the draft watermark) are fetched: nothing leaves the server.
    return html_to_pdf(html, allow_data_urls=True)


def render(request, report):
    pdf = pdf_bytes(report, request.build_absolute_uri(report_url(report)))
    return finish(HttpResponse(pdf, content_type="application/pdf"), report, "pdf")
