"""The year review in HTML, CSV, XLSX and PDF (issue 4)."""

from django.http import Http404


def year_review(request, slug, year, fmt="html"):
    raise Http404
