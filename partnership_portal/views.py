"""The home page, a partnership's page, the health check and static pages."""

from django.db import connection
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from engagement.models import Partnership
from meetings.models import Meeting
from priorities.selectors import partnership_priorities
from toolkit.page_cache import public_page

UPCOMING_ON_HOME = 6


@public_page
def home(request):
    """Partnerships and the next meetings across them."""
    partnerships = Partnership.objects.select_related("parent").order_by("level", "name")
    upcoming = (
        Meeting.objects.upcoming()
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("partnership")[:UPCOMING_ON_HOME]
    )
    return render(request, "partnership_portal/home.html", {"partnerships": partnerships, "upcoming": upcoming})


@public_page
def partnership_detail(request, slug):
    """A partnership: purpose, objectives, principles, meetings, priorities."""
    partnership = get_object_or_404(
        Partnership.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Partnership.objects.order_by("name"))
        ),
        slug=slug,
    )
    now = timezone.now()
    meetings = Meeting.objects.filter(partnership=partnership).with_counts()
    context = {
        "partnership": partnership,
        "upcoming": meetings.upcoming(now),
        "past": meetings.past(now)[:12],
        "past_count": meetings.past(now).count(),
        # Priorities with their actions and progress, in a fixed number of queries.
        "priorities": partnership_priorities(partnership, request.user),
    }
    return render(request, "partnership_portal/partnership_detail.html", context)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def accessibility(request):
    """The accessibility statement UK public-sector sites publish."""
    return render(request, "partnership_portal/accessibility.html")
