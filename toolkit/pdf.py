"""HTML to an A4, tagged (screen-reader friendly) PDF with WeasyPrint, fetching nothing from outside."""

import functools
from pathlib import Path


@functools.cache
def stylesheet(path: str):
    """A WeasyPrint stylesheet from a file, read once per process."""
    from weasyprint import CSS

    return CSS(string=Path(path).read_text(encoding="utf-8"))


def html_to_pdf(html: str, *, stylesheets=(), allow_data_urls: bool = False) -> bytes:
    """The PDF of ``html``.

    No URL is fetched (``allow_data_urls`` lets through ``data:`` URLs only,
    such as an inline watermark), so no text typed into a page can make the
    server request an address; fonts are the system's.
    """
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=frozenset({"data"} if allow_data_urls else ()))
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=list(stylesheets), pdf_tags=True)
