"""The year review in HTML, CSV, XLSX and PDF, and the list of reviews (issue 4).

``meetings/year_review/`` computes the figures once; its ``renderers/``
format them. These views only check the address and who may see it.
"""

import datetime

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from engagement import roles
from engagement.models import Partnership
from engagement.query_string import page_number
from toolkit.page_cache import public_page

from ..models import Meeting, YearReview
from ..year_review import build_year_review, can_see_year_review, year_or_none
from ..year_review.renderers import renderers

# The reports page lists this many partnerships at a time.
PARTNERSHIPS_PER_PAGE = 20


@require_safe
@public_page
def year_review(request, slug, year, fmt="html"):
    """One partnership's year review, as a page or a file.

    While there is no review or it is a draft (or final but not public),
    only that partnership's staff, chair and finance (or those of a partnership
    above it) may see it; anonymous visitors are
    asked to sign in and everyone else gets 403. A final review the chair
    has made public is open to all.
    """
    year = year_or_none(year)
    render_report = renderers().get(fmt)
    if year is None or render_report is None:
        raise Http404("No such year review: the year is the first year of the financial year, e.g. 2023.")
    partnership = get_object_or_404(Partnership, slug=slug)
    review = YearReview.objects.filter(partnership=partnership, year=year).first()
    if not can_see_year_review(request.user, review, partnership):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    # Draft meetings are the office's alone: a public review (and its cached copy) never counts them.
    report = build_year_review(
        partnership, year, review=review, include_drafts=roles.can_run(request.user, partnership.pk)
    )
    return render_report(request, report)


def review_years(partnerships):
    """Each partnership's years with meetings or a review, newest first, in two queries.

    Reads only these partnerships' meetings and reviews (a page of them: ``report_index``), so the
    page costs the same in a region of 300 partnerships as in one of three.
    Returns ``[(partnership, [{"year", "label", "held", "review"}, ...]), ...]``.
    """
    by_partnership = {p.pk: p for p in partnerships}
    months = (
        Meeting.objects.filter(partnership__in=list(by_partnership))
        .annotate(y=ExtractYear("start"), m=ExtractMonth("start"))
        .values("partnership_id", "y", "m")
        .annotate(held=Count("pk", filter=Q(status=Meeting.Status.HELD)))
        .order_by()
    )
    reviews = {(r.partnership_id, r.year): r for r in YearReview.objects.filter(partnership__in=list(by_partnership))}
    years = {pk: {} for pk in by_partnership}
    for row in months:
        partnership = by_partnership[row["partnership_id"]]
        year = partnership.financial_year_of(datetime.date(row["y"], row["m"], 1))
        years[partnership.pk][year] = years[partnership.pk].get(year, 0) + row["held"]
    for partnership_id, year in reviews:
        years[partnership_id].setdefault(year, 0)
    listing = []
    for partnership in partnerships:
        rows = [
            {
                "year": year,
                "year_text": f"{year:04d}",
                "label": partnership.financial_year_label(year),
                "held": held,
                "review": reviews.get((partnership.pk, year)),
            }
            for year, held in sorted(years[partnership.pk].items(), key=lambda kv: -kv[0])
            if year_or_none(year) is not None
        ]
        listing.append((partnership, rows))
    return listing


@roles.report_required
@require_safe
def report_index(request):
    """The year reviews of the partnerships the user may report on, with links to each format."""
    partnerships = roles.scope(Partnership.objects.order_by("name"), request.user, *roles.REPORT_ROLES, path="pk")
    page = Paginator(partnerships, PARTNERSHIPS_PER_PAGE).get_page(page_number(request))  # a region: 300
    return render(request, "meetings/reports/index.html", {"listing": review_years(page.object_list), "page_obj": page})
