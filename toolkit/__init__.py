"""Code the apps share that belongs to none of them (like healthchecks' ``hc/lib``).

Imports no app of the project, only Django and libraries, so any app may use it:

- ``exports.py``: tables (headers, rows, widths, formats) written as CSV or
  XLSX, with the one spreadsheet-formula guard;
- ``downloads.py``: naming a download and sending it as an attachment;
- ``pdf.py``: HTML to a tagged PDF with WeasyPrint, fetching nothing from outside;
- ``page_cache.py``: whole pages for anonymous visitors, dropped when content changes.

Not a Django app: it has no models, templates or migrations.
"""
