"""The iCalendar feed and the printable agenda pack.

Both are public: they show what the agenda page shows to the same person
(members-only papers are listed only for people with a role).
"""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from engagement.models import Partnership
from toolkit.downloads import attachment, download_name
from toolkit.page_cache import public_page
from toolkit.pdf import html_to_pdf, stylesheet

from ..models import AgendaItem, Meeting
from .public import can_see_member_papers

# UIDs must not change when the site moves host, or calendars would show
# every meeting twice: a fixed domain, not the request's.
UID_DOMAIN = "partnership-portal"
PRODID = "-//Partnership Portal//Meetings//EN"
# Calendar apps poll; fifteen minutes of caching spares the database.
FEED_MAX_AGE_SECONDS = 15 * 60


def london():
    return ZoneInfo(settings.TIME_ZONE)


def calendar_uid(meeting):
    """The event's UID: stable for the life of the meeting, whatever the host."""
    return f"meeting-{meeting.pk}@{UID_DOMAIN}"


def item_time_range(item):
    """'09.45–10.00' (or '09.45' when the item has no length; '' with no time)."""
    if item.start_time is None:
        return ""
    end = item.end_time
    start_text = item.start_time.strftime("%H.%M")
    return f"{start_text}–{end:%H.%M}" if end else start_text


def event_summary(meeting):
    """The title people see in their calendar, naming the partnership when the title does not."""
    partnership = meeting.partnership
    summary = meeting.title
    if partnership.name.lower() not in summary.lower():
        summary = f"{summary} ({partnership.short_name or partnership.name})"
    if meeting.times_to_be_confirmed:
        summary += " – time to be confirmed"
    if meeting.is_cancelled:
        summary = f"Cancelled: {summary}"
    return summary


def event_description(meeting, agenda_url):
    """Plain text: the partnership, the timed agenda, the online link and where to read the papers."""
    lines = []
    if meeting.is_cancelled:
        lines += ["This meeting has been cancelled.", ""]
    lines.append(meeting.partnership.name)
    lines.append(meeting.get_format_display())
    items = list(meeting.agenda_items.all())
    if items:
        lines += ["", "Agenda:"]
        for item in items:
            when = item_time_range(item)
            lines.append(f"{when} {item.title}" if when else f"- {item.title}")
    if meeting.online_link:
        lines += ["", f"Join online: {meeting.online_link}"]
    lines += ["", f"Agenda and papers: {agenda_url}"]
    return "\n".join(lines)


def meeting_event(meeting, agenda_url):
    """One VEVENT for a meeting."""
    if meeting.times_to_be_confirmed:
        # The day is set but not the hours: an all-day event says so honestly.
        day = meeting.local_date
        start, end = day, day + datetime.timedelta(days=1)
    else:
        start, end = meeting.start.astimezone(london()), meeting.end.astimezone(london())
    location = meeting.venue or (meeting.online_link if meeting.format == Meeting.Format.ONLINE else "")
    event = icalendar.Event.new(
        uid=calendar_uid(meeting),
        summary=event_summary(meeting),
        description=event_description(meeting, agenda_url),
        start=start,
        end=end,
        # DTSTAMP is the last change, so an unchanged meeting reads the same on every request.
        stamp=meeting.updated_at,
        last_modified=meeting.updated_at,
        created=meeting.created_at,
        location=location or None,
        url=agenda_url,
        status="CANCELLED" if meeting.is_cancelled else "CONFIRMED",
        conferences=(
            [icalendar.Conference(meeting.online_link, feature="VIDEO", label="Join online")]
            if meeting.online_link
            else None
        ),
    )
    if meeting.online_link:
        # Not every calendar app reads CONFERENCE (RFC 7986); this one is easy to find.
        event.add("X-ONLINE-MEETING-URL", meeting.online_link)
    if meeting.is_cancelled:
        event.add("TRANSP", "TRANSPARENT")
    return event


def build_calendar(meetings, partnership, absolute_url):
    """An iCalendar of ``meetings`` (one partnership's, or everyone's) with a VTIMEZONE covering their years."""
    who = partnership.name if partnership else "the partnerships"
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        uid=f"calendar-{partnership.slug if partnership else 'all'}@{UID_DOMAIN}",
        name=f"{partnership.name} meetings" if partnership else "Partnership meetings",
        description=f"Meetings of {who}, from the Partnership Portal.",
        method="PUBLISH",
        refresh_interval=datetime.timedelta(hours=6),
    )
    calendar.add("X-WR-TIMEZONE", settings.TIME_ZONE)
    days = []
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, absolute_url(meeting.get_absolute_url())))
        days.append(meeting.local_date)
    if days:
        # Only the years the meetings need: a VTIMEZONE from 1970 would weigh more than the events.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(days).year - 1, 1, 1), last_date=datetime.date(max(days).year + 2, 1, 1)
        )
    return calendar


def calendar_meetings(partnership=None):
    """Every meeting with its partnership and agenda titles, in two queries however many there are."""
    meetings = (
        Meeting.objects.select_related("partnership")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.only(
                    "id", "meeting_id", "order", "title", "start_time", "duration_minutes"
                ).order_by("order"),
            )
        )
        .order_by("start")
    )
    if partnership is not None:
        meetings = meetings.filter(partnership=partnership)
    return meetings


@public_page
def meeting_calendar(request):
    """All meetings (or one partnership's, ``?partnership=<slug>``) as an iCalendar feed."""
    slug = request.GET.get("partnership", "").strip()
    partnership = get_object_or_404(Partnership, slug=slug) if slug else None
    calendar = build_calendar(calendar_meetings(partnership), partnership, request.build_absolute_uri)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    filename = download_name(partnership.slug if partnership else "", "meetings", extension="ics")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE_SECONDS)
    return response


# --- The printable agenda pack ------------------------------------------------------------------


def render_pdf(html):
    """A tagged (screen-reader friendly) A4 PDF from the agenda pack's HTML, with the print stylesheet.

    The pack needs nothing from outside (fonts are the system's, the stylesheet
    is passed in), so nothing is fetched.
    """
    return html_to_pdf(html, stylesheets=[stylesheet(finders.find("css/print-agenda.css"))])


def agenda_filename(meeting):
    """e.g. ``lewisham-2024-04-23-agenda.pdf``."""
    return download_name(meeting.partnership.slug, meeting.local_date, "agenda", extension="pdf")


def agenda_pack_context(meeting, user, absolute_url):
    """What the pack shows: the agenda page's content, without what needs a screen."""
    items = list(meeting.agenda_items.all())
    papers = list(meeting.papers.all())
    member = can_see_member_papers(user)
    visible_papers = [paper for paper in papers if member or paper.is_public]
    rungs = {item.engagement_type.rank: item.engagement_type for item in items if item.engagement_type}
    return {
        "meeting": meeting,
        "items": [(item_time_range(item), item) for item in items],
        "papers": visible_papers,
        "hidden_paper_count": len(papers) - len(visible_papers),
        "rungs": [rungs[rank] for rank in sorted(rungs)],
        "show_outcomes": meeting.status == Meeting.Status.HELD,
        "agenda_url": absolute_url(meeting.get_absolute_url()),
        "printed_on": timezone.localdate(),
    }


def meeting_agenda_pdf(request, pk):
    """The agenda pack as an A4 PDF, for people who read on paper."""
    meeting = get_object_or_404(Meeting.objects.for_agenda(), pk=pk)
    html = render_to_string(
        "meetings/agenda_pdf.html", agenda_pack_context(meeting, request.user, request.build_absolute_uri)
    )
    return attachment(HttpResponse(render_pdf(html), content_type="application/pdf"), agenda_filename(meeting))
