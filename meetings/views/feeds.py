"""The iCalendar feed and the printable agenda pack.

Both are public: they show what the agenda page shows to the same person
(members-only papers are listed only for members of the meeting's partnership).
"""

import dataclasses
import datetime
import hashlib
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from engagement.models import Partnership
from toolkit.downloads import attachment, download_name
from toolkit.page_cache import content_version, public_page
from toolkit.pdf import html_to_pdf, stylesheet

from ..forms import PartnershipFilterForm
from ..models import AgendaItem, Meeting
from ..selectors import joining_link_for
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


def event_description(meeting, agenda_url, online_link=""):
    """Plain text: the partnership, the timed agenda, the online link (if given) and where to read the papers."""
    lines = []
    if meeting.is_cancelled:
        lines += ["This meeting has been cancelled.", ""]
    lines.append(meeting.partnership.name)
    lines.append(meeting.get_format_display())
    items = feed_items(meeting)
    if items:
        lines += ["", "Agenda:"]
        for item in items:
            when = item_time_range(item)
            lines.append(f"{when} {item.title}" if when else f"- {item.title}")
    if online_link:
        lines += ["", f"Join online: {online_link}"]
    elif meeting.online_link and meeting.format != Meeting.Format.IN_PERSON:
        lines += ["", "The joining link is sent to people who register."]
    lines += ["", f"Agenda and papers: {agenda_url}"]
    return "\n".join(lines)


def meeting_event(meeting, agenda_url, *, private_link=False):
    """One VEVENT for a meeting.

    The joining link is in it only when the chair made it public, or with ``private_link``
    (a message to someone registered, never a public feed).
    """
    online_link = meeting.online_link if private_link else meeting.public_online_link
    if meeting.times_to_be_confirmed:
        # The day is set but not the hours: an all-day event says so honestly.
        day = meeting.local_date
        start, end = day, day + datetime.timedelta(days=1)
    else:
        start, end = meeting.start.astimezone(london()), meeting.end.astimezone(london())
    location = meeting.venue or (online_link if meeting.format == Meeting.Format.ONLINE else "")
    event = icalendar.Event.new(
        uid=calendar_uid(meeting),
        summary=event_summary(meeting),
        description=event_description(meeting, agenda_url, online_link),
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
            [icalendar.Conference(online_link, feature="VIDEO", label="Join online")] if online_link else None
        ),
    )
    if online_link:
        # Not every calendar app reads CONFERENCE (RFC 7986); this one is easy to find.
        event.add("X-ONLINE-MEETING-URL", online_link)
    if meeting.is_cancelled:
        event.add("TRANSP", "TRANSPARENT")
    return event


def calendar_shell(partnership, one_meeting=None):
    """The VCALENDAR of a feed without its events: its name, description and refresh interval.

    With ``one_meeting``, the file "Add to calendar" gives: that meeting alone, not a feed to subscribe to
    (no refresh interval); its event has the same UID as in the feed, so adding both shows it once.
    """
    if one_meeting is not None:
        calendar = icalendar.Calendar.new(
            prodid=PRODID,
            uid=f"calendar-meeting-{one_meeting.pk}@{UID_DOMAIN}",
            name=event_summary(one_meeting),
            description=f"A meeting of {one_meeting.partnership.name}, from the Partnership Portal.",
            method="PUBLISH",
        )
    else:
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
    return calendar


def build_calendar(meetings, partnership, absolute_url, *, one_meeting=None, private_link=False):
    """An iCalendar of ``meetings`` (one partnership's, or everyone's) with the VTIMEZONE their times refer to.

    With ``one_meeting``, that meeting alone ("Add to calendar"; see ``calendar_shell``); ``private_link``
    puts its joining link in (an email to someone registered online, never a page or feed).
    """
    calendar = calendar_shell(partnership, one_meeting)
    if one_meeting is not None:
        meetings = [one_meeting]
    days = []
    for meeting in meetings:
        calendar.add_component(
            meeting_event(meeting, absolute_url(meeting.get_absolute_url()), private_link=private_link)
        )
        days.append(meeting.local_date)
    if not days:
        return calendar
    if settings.TIME_ZONE == UK_TIME_ZONE:
        # Before the events, as every calendar app writes it: some parsers read the file in one pass.
        calendar.subcomponents.insert(0, uk_time_zone())
    else:
        # Any other zone: icalendar's definition, for the years the meetings need.
        calendar.add_missing_timezones(
            first_date=datetime.date(min(days).year - 1, 1, 1), last_date=datetime.date(max(days).year + 2, 1, 1)
        )
    return calendar


# A VEVENT's text is kept under a digest of everything it is written from, so it is never stale and
# outlives the feed's own cache (which any content change clears): a region's feed rewrites only the
# meetings that changed, not thousands of unchanged ones (about 1 ms each through icalendar).
EVENT_CACHE_SECONDS = 7 * 24 * 60 * 60


def event_cache_key(meeting, agenda_url):
    """A digest of every value ``meeting_event`` reads, and of the format it writes."""
    partnership = meeting.partnership
    items = [(item.title, item.start_time, item.duration_minutes) for item in feed_items(meeting)]
    written_from = (
        meeting.pk,
        meeting.title,
        meeting.status,
        meeting.format,
        meeting.start,
        meeting.end,
        meeting.times_to_be_confirmed,
        meeting.venue,
        meeting.online_link,
        meeting.online_link_public,
        meeting.created_at,
        meeting.updated_at,
        partnership.name,
        partnership.short_name,
        items,
        agenda_url,
        settings.TIME_ZONE,
        icalendar.__version__,
    )
    return f"meeting-vevent:{hashlib.sha256(repr(written_from).encode()).hexdigest()}"


def calendar_text(meetings, partnership, absolute_url):
    """``build_calendar(...).to_ical()``, byte for byte, with each event's text from the cache when it is there."""
    meetings = list(meetings)
    if settings.TIME_ZONE != UK_TIME_ZONE or not meetings:
        return build_calendar(meetings, partnership, absolute_url).to_ical()
    wanted = []
    for meeting in meetings:
        agenda_url = absolute_url(meeting.get_absolute_url())
        wanted.append((event_cache_key(meeting, agenda_url), meeting, agenda_url))
    found = cache.get_many([key for key, _, _ in wanted])
    written = {}
    for key, meeting, agenda_url in wanted:
        if key not in found and key not in written:
            written[key] = meeting_event(meeting, agenda_url).to_ical()
    if written:
        cache.set_many(written, EVENT_CACHE_SECONDS)
    shell = calendar_shell(partnership)
    shell.add_component(uk_time_zone())  # before the events, as build_calendar puts it
    head = shell.to_ical()
    end = b"END:VCALENDAR\r\n"
    assert head.endswith(end)
    events = b"".join(found.get(key) or written[key] for key, _, _ in wanted)
    return head[: -len(end)] + events + end


UK_TIME_ZONE = "Europe/London"


def uk_time_zone():
    """Europe/London as two yearly rules (as Outlook, Google and Apple write it), right for any year.

    Since 1996 the UK's clocks go forward at 01:00 UTC on the last Sunday of March and back at
    01:00 UTC on the last Sunday of October. icalendar's own definition lists each change one by
    one (RDATE) for a few years; Mozilla's ical.js (Thunderbird, many web calendars) reads that as
    GMT all year and shows summer meetings an hour late (tests/meetings/test_feeds_icaljs.py).
    Each rule's DTSTART is local time before the change: 01:00 GMT, 02:00 BST.
    """
    zone = icalendar.Timezone()
    zone.add("TZID", UK_TIME_ZONE)
    zone.add("X-LIC-LOCATION", UK_TIME_ZONE)
    for kind, name, onset, offset_from, offset_to, month in (
        (icalendar.TimezoneDaylight, "BST", datetime.datetime(1996, 3, 31, 1, 0), 0, 1, 3),
        (icalendar.TimezoneStandard, "GMT", datetime.datetime(1996, 10, 27, 2, 0), 1, 0, 10),
    ):
        rule = kind()
        rule.add("TZNAME", name)
        rule.add("TZOFFSETFROM", datetime.timedelta(hours=offset_from))
        rule.add("TZOFFSETTO", datetime.timedelta(hours=offset_to))
        rule.add("DTSTART", onset)
        rule.add("RRULE", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
        zone.add_component(rule)
    return zone


def feed_window(now=None):
    """The oldest meeting end a feed lists: ``settings.FEED_PAST_DAYS`` (365 by default) before now.

    A calendar app wants what is coming and what happened lately, not every meeting ever held: a
    region's feed of six years would be thousands of events on every poll.
    """
    return (now or timezone.now()) - datetime.timedelta(days=settings.FEED_PAST_DAYS)


def calendar_events(meetings):
    """Published ``meetings`` with what their events show: partnership and agenda titles (two queries)."""
    return (
        meetings.published()
        .select_related("partnership")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.only(
                    "id", "meeting_id", "order", "title", "start_time", "duration_minutes"
                ).order_by("order"),
            )
        )
    )


@dataclasses.dataclass(frozen=True, slots=True)
class FeedItem:
    """What a feed shows of an agenda item: read as plain rows, since a model instance for each of a
    region's 18,000 items cost most of the feed's time."""

    title: str
    start_time: datetime.time | None
    duration_minutes: int | None

    end_time = AgendaItem.end_time


def feed_items(meeting):
    """The meeting's agenda, as ``calendar_meetings`` read it (else from the database)."""
    items = getattr(meeting, "feed_items", None)
    return list(meeting.agenda_items.all()) if items is None else items


def calendar_meetings(partnership=None, now=None):
    """Upcoming meetings and those of the last ``FEED_PAST_DAYS``, with their partnership and agenda titles.

    Two queries however many there are; one partnership's (``?partnership=<slug>``) or everyone's.
    """
    meetings = Meeting.objects.published().filter(end__gte=feed_window(now))
    if partnership is not None:
        meetings = meetings.filter(partnership=partnership)
    meetings = list(meetings.select_related("partnership").order_by("start"))
    by_meeting = {meeting.pk: [] for meeting in meetings}
    items = AgendaItem.objects.filter(meeting__end__gte=feed_window(now))
    if partnership is not None:
        items = items.filter(meeting__partnership=partnership)
    for meeting_id, title, start_time, duration in items.order_by("meeting_id", "order").values_list(
        "meeting_id", "title", "start_time", "duration_minutes"
    ):
        if meeting_id in by_meeting:
            by_meeting[meeting_id].append(FeedItem(title, start_time, duration))
    for meeting in meetings:
        meeting.feed_items = by_meeting[meeting.pk]
    return meetings


def feed_cache_key(request, partnership):
    """The same feed for everyone, signed in or not, while what it is written from and the day are unchanged.

    It reads meetings, their agenda items and partnerships, nothing else: a change to a paper, an
    attendance or a priority keeps it (``toolkit.page_cache``, versions per model).
    """
    slug = partnership.slug if partnership else ""
    site = f"{request.scheme}://{request.get_host()}"  # the events' URLs are absolute
    version = content_version(Meeting, AgendaItem, Partnership)
    return f"meeting-feed:{version}:{timezone.localdate()}:{settings.FEED_PAST_DAYS}:{site}:{slug}"


@public_page
def meeting_calendar(request):
    """Upcoming and recent meetings (or one partnership's, ``?partnership=<slug>``) as an iCalendar feed.

    The feed is the same for every reader (it lists no members' papers), so its text is kept in the
    cache for signed-in readers too (for ``FRAGMENT_CACHE_SECONDS``; 0 never), until a meeting, an
    agenda item or a partnership changes (``toolkit.page_cache``) or the day does. A region's feed of
    thousands of events is written once per change, not once per calendar app's poll.
    """
    form = PartnershipFilterForm(request.GET)
    if not form.is_valid():
        # A calendar app subscribed to a mistyped address hears "not found", not an empty calendar.
        raise Http404(" ".join(form.problems))
    partnership = form.cleaned_data["partnership"]
    seconds = settings.FRAGMENT_CACHE_SECONDS
    key = feed_cache_key(request, partnership)
    body = cache.get(key) if seconds > 0 else None
    if body is None:
        body = calendar_text(calendar_meetings(partnership), partnership, request.build_absolute_uri)
        if seconds > 0:
            cache.set(key, body, seconds)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = download_name(partnership.slug if partnership else "", "meetings", extension="ics")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    patch_cache_control(response, public=True, max_age=FEED_MAX_AGE_SECONDS)
    return response


@public_page
def meeting_ics(request, pk):
    """One published meeting as an iCalendar file: "Add to calendar" on its agenda page. Drafts are not found."""
    meeting = get_object_or_404(calendar_events(Meeting.objects.all()), pk=pk)
    body = build_calendar([], meeting.partnership, request.build_absolute_uri, one_meeting=meeting).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = download_name(meeting.partnership.slug, meeting.local_date, "meeting", extension="ics")
    response["Content-Disposition"] = content_disposition_header(True, filename)
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
    member = can_see_member_papers(user, meeting)
    visible_papers = [paper for paper in papers if member or paper.is_public]
    rungs = {item.engagement_type.rank: item.engagement_type for item in items if item.engagement_type}
    return {
        "meeting": meeting,
        "items": [(item_time_range(item), item) for item in items],
        "papers": visible_papers,
        "hidden_paper_count": len(papers) - len(visible_papers),
        "rungs": [rungs[rank] for rank in sorted(rungs)],
        "show_outcomes": meeting.status == Meeting.Status.HELD,
        "joining_link": joining_link_for(meeting, user),
        "agenda_url": absolute_url(meeting.get_absolute_url()),
        "printed_on": timezone.localdate(),
    }


def meeting_agenda_pdf(request, pk):
    """The agenda pack as an A4 PDF, for people who read on paper."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_agenda(), pk=pk)
    html = render_to_string(
        "meetings/agenda_pdf.html", agenda_pack_context(meeting, request.user, request.build_absolute_uri)
    )
    return attachment(HttpResponse(render_pdf(html), content_type="application/pdf"), agenda_filename(meeting))
