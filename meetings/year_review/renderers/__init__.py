"""Renderers of the year review: each formats a ``YearReviewReport`` and never queries the database.

``RENDERERS`` maps the URL's format to a function ``(request, report) -> HttpResponse``.
"""

from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets (CSV injection); a tab or carriage return can hide one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Text a spreadsheet will show and never evaluate: a leading apostrophe where it would be a formula.

    Numbers and dates pass unchanged, so they stay numbers and dates.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def finish(response, report, extension=None):
    """Headers every format shares: the file name, and no caching of a review that is not public."""
    if extension:
        response["Content-Disposition"] = content_disposition_header(True, report.filename(extension))
    if report.is_public:
        patch_cache_control(response, private=True, max_age=0)
    else:
        # Drafts and unpublished reviews: not kept by browsers or proxies.
        patch_cache_control(response, private=True, no_store=True)
    return response


def renderers():
    from . import csv_file, html_page, pdf_file, xlsx_file

    return {
        "html": html_page.render,
        "csv": csv_file.render,
        "xlsx": xlsx_file.render,
        "pdf": pdf_file.render,
    }
