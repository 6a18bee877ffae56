"""Renderers of the year review: each formats a ``YearReviewReport`` and never queries the database.

``renderers()`` maps the URL's format to a function ``(request, report) -> HttpResponse``.
"""

from django.utils.cache import patch_cache_control

from toolkit.downloads import attachment


def finish(response, report, extension=None):
    """Headers every format shares: the file name, and no caching of a review that is not public."""
    if extension:
        attachment(response, report.filename(extension))
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
