"""A region's size (issue 13): the calendar feed is bounded, and no list costs more queries as the region grows.

``bench/scale.py`` times every page at the demo's size and at a region's; these tests hold the shape
that keeps those times flat: the feed lists upcoming meetings and the last ``FEED_PAST_DAYS`` only
(one partnership's with ``?partnership=<slug>``), and the calendar feed, the back office's lists,
its index and the reports page make the same number of queries for 3 partnerships' worth of records
as for 30.
"""

import datetime
import itertools

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from engagement.models import Participant, Partnership
from meetings.models import AgendaItem, Feedback, Meeting, Response
from tests.factories import attend, make_item, make_meeting, make_partnership, make_user

NOW = timezone.now()


def days_from_now(days):
    return NOW + datetime.timedelta(days=days)


def uids(response):
    assert response.status_code == 200
    return {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}


def uid(meeting):
    return f"meeting-{meeting.pk}@partnership-portal"


_numbers = itertools.count()


def build_region(count):
    """``count`` partnerships, each with an old, a recent and an upcoming meeting, items, people and views."""
    partnerships = []
    for _ in range(count):
        n = next(_numbers)
        partnership = make_partnership(name=f"Region partnership {n:03d}", slug=f"region-{n:03d}")
        partnerships.append(partnership)
        for days in (-800, -100, 30):
            meeting = make_meeting(
                partnership,
                start=days_from_now(days),
                status=Meeting.Status.HELD if days < 0 else Meeting.Status.SCHEDULED,
            )
            item = make_item(meeting, start_time=datetime.time(10, 0), duration_minutes=30)
            make_item(meeting, feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
            person = Participant.objects.create(name=f"Person {n}-{days}")
            attend(meeting, person)
            Feedback.objects.create(agenda_item=item, participant=person, text="More notice, please.")
            if days < 0:
                Response.objects.create(
                    agenda_item=item, what_we_did="Papers go out a week before.", decided_on=meeting.start.date()
                )
    return partnerships


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


# --- The feed's bounds and its per-partnership filter -------------------------------------------


def test_the_feed_lists_upcoming_meetings_and_the_last_year_not_every_meeting_ever(client, partnership):
    old = make_meeting(partnership, start=days_from_now(-400))
    last_year = make_meeting(partnership, start=days_from_now(-300))
    yesterday = make_meeting(partnership, start=days_from_now(-1))
    upcoming = make_meeting(partnership, start=days_from_now(14))
    far_ahead = make_meeting(partnership, start=days_from_now(900))
    listed = uids(client.get(reverse("meeting_calendar")))
    assert listed == {uid(last_year), uid(yesterday), uid(upcoming), uid(far_ahead)}
    assert uid(old) not in listed


def test_feed_past_days_sets_how_far_back_the_feed_goes(client, partnership, settings):
    month_ago = make_meeting(partnership, start=days_from_now(-30))
    week_ago = make_meeting(partnership, start=days_from_now(-7))
    upcoming = make_meeting(partnership, start=days_from_now(7))
    settings.PUBLIC_PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0  # the same address twice: no kept page
    settings.FEED_PAST_DAYS = 14
    assert uids(client.get(reverse("meeting_calendar"))) == {uid(week_ago), uid(upcoming)}
    settings.FEED_PAST_DAYS = 60
    assert uids(client.get(reverse("meeting_calendar"))) == {uid(month_ago), uid(week_ago), uid(upcoming)}


def test_a_meeting_still_going_on_is_in_the_feed_however_short_the_window(client, partnership, settings):
    settings.FEED_PAST_DAYS = 0
    started_an_hour_ago = make_meeting(partnership, start=days_from_now(0) - datetime.timedelta(hours=1))
    assert uids(client.get(reverse("meeting_calendar"))) == {uid(started_an_hour_ago)}


def test_a_partnerships_feed_has_only_its_own_meetings(client, db):
    first, second = build_region(2)
    listed = uids(client.get(reverse("meeting_calendar"), {"partnership": first.slug}))
    assert listed == {uid(m) for m in first.meetings.filter(end__gte=days_from_now(-365))}
    assert len(listed) == 2  # the recent and the upcoming meeting; not the one of 800 days ago


@pytest.mark.parametrize(
    "query",
    [
        {"partnership": "nowhere"},
        {"partnership": "x" * 5000},
        {"partnership": "lewisham'; DROP TABLE meetings_meeting; --"},
        {"partnership": "\x00"},
        {"partnership": ["lewisham", "nowhere"]},
    ],
    ids=["unknown", "very-long", "sql", "nul", "two-values"],
)
def test_a_feed_for_an_unknown_partnership_is_404_never_500(client, partnership, query):
    assert client.get(reverse("meeting_calendar"), query).status_code in (200, 404)
    if query["partnership"] == "nowhere":
        assert client.get(reverse("meeting_calendar"), query).status_code == 404


def test_the_feed_is_kept_for_signed_in_readers_and_a_change_shows_at_once(client_for, partnership, settings):
    settings.FRAGMENT_CACHE_SECONDS = 60
    meeting = make_meeting(partnership, start=days_from_now(7))
    client = client_for("member")
    assert uids(client.get(reverse("meeting_calendar"))) == {uid(meeting)}
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("meeting_calendar"))
    assert uids(again) == {uid(meeting)}
    assert not any("meetings_meeting" in query["sql"] for query in captured), "the kept feed is served"
    added = make_meeting(partnership, start=days_from_now(8))  # a save changes the meetings' version
    assert uids(client.get(reverse("meeting_calendar"))) == {uid(meeting), uid(added)}


def feed_text(client):
    """Every event's summary and description, unfolded."""
    events = Calendar.from_ical(client.get(reverse("meeting_calendar")).content).walk("VEVENT")
    return "\n".join(f"{event['SUMMARY']}\n{event['DESCRIPTION']}" for event in events)


def feed_is_served_from_the_cache(client):
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("meeting_calendar"))
    return not any("meetings_meeting" in query["sql"] for query in captured)


def test_the_feed_outlives_changes_to_what_it_does_not_show(client_for, partnership, settings):
    """A region's attendances, papers and views change all day; the feed is written again only for its own."""
    settings.FRAGMENT_CACHE_SECONDS = 60
    meeting = make_meeting(partnership, start=days_from_now(7))
    client = client_for("member")
    client.get(reverse("meeting_calendar"))
    attend(meeting, Participant.objects.create(name="Ada"), status="registered")
    assert feed_is_served_from_the_cache(client)
    item = make_item(meeting, title="Dental access")
    assert not feed_is_served_from_the_cache(client), "a new agenda item is in the event's description"
    assert "Dental access" in feed_text(client)
    partnership.name = "Lewisham Health and Care Partnership (renamed)"
    partnership.save()
    assert "(renamed)" in feed_text(client)
    item.delete()
    assert "Dental access" not in feed_text(client)


def test_cancelling_meetings_in_bulk_drops_the_kept_feed(admin_client, partnership, settings):
    """The back office's "cancel the selected meetings" writes with update(), which sends no signal."""
    settings.FRAGMENT_CACHE_SECONDS = 60
    meeting = make_meeting(partnership, start=days_from_now(7))
    assert b"STATUS:CONFIRMED" in admin_client.get(reverse("meeting_calendar")).content
    changelist = reverse("admin:meetings_meeting_changelist")
    admin_client.post(changelist, {"action": "mark_cancelled", "_selected_action": [meeting.pk]})
    assert b"STATUS:CANCELLED" in admin_client.get(reverse("meeting_calendar")).content


# --- Flat query counts: 3 partnerships' worth against 30 ------------------------------------------


SIZES = (3, 30)


def test_the_feed_makes_the_same_queries_for_3_or_30_partnerships(client, db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    build_region(SIZES[0])
    few = queries_for(client, reverse("meeting_calendar"))
    build_region(SIZES[1] - SIZES[0])
    assert queries_for(client, reverse("meeting_calendar")) == few
    assert few <= 3


BIG_TABLES = ["meetings.Meeting", "meetings.AgendaItem", "meetings.Attendance", "meetings.Feedback"]
BIG_TABLES += ["meetings.Response", "meetings.Paper", "reimbursement.Claim", "priorities.Action"]


def changelists():
    """Every registered model's list in the back office."""
    for model in sorted(admin.site._registry, key=lambda model: model._meta.label):
        opts = model._meta
        yield opts.label, reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


@pytest.mark.parametrize("label", BIG_TABLES)
def test_big_tables_lists_never_count_the_whole_table_twice_or_group_by_date(label):
    from django.apps import apps

    model_admin = admin.site._registry[apps.get_model(label)]
    assert model_admin.show_full_result_count is False
    assert not model_admin.date_hierarchy


def test_every_admin_list_and_the_index_make_the_same_queries_for_3_or_30_partnerships(admin_client, db):
    build_region(SIZES[0])
    urls = [("index", reverse("admin:index")), *changelists()]
    few = {label: queries_for(admin_client, url) for label, url in urls}
    build_region(SIZES[1] - SIZES[0])
    many = {label: queries_for(admin_client, url) for label, url in urls}
    assert many == few


def test_the_admin_meeting_list_counts_items_and_attendees_without_joining_them(admin_client, db):
    build_region(2)
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 200
    listing = [q["sql"] for q in captured if q["sql"].startswith('SELECT "meetings_meeting"."id"')]
    assert listing
    for joined in ("meetings_attendance", "meetings_agendaitem"):
        assert all(f'LEFT OUTER JOIN "{joined}"' not in sql for sql in listing)
    page = response.context["cl"].result_list
    counts = {m.pk: (m._items, m._attendees) for m in page}
    assert set(counts.values()) == {(2, 1)}


def test_the_chairs_overdue_panel_shows_ten_and_counts_the_rest(client_for, partnership, settings):
    for n in range(12):
        meeting = make_meeting(partnership, start=days_from_now(-100 - n), status=Meeting.Status.HELD)
        make_item(meeting, feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
    recent = make_meeting(partnership, start=days_from_now(-2), status=Meeting.Status.HELD)
    make_item(recent, feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)  # within 60 days: not overdue
    response = client_for("chair").get(reverse("admin:index"))
    panel = response.context["overdue"] if "overdue" in response.context else None
    content = response.content.decode()
    assert "Waiting too long for feedback" in content
    assert "12 items in all" in content
    if panel is not None:
        assert len(panel["items"]) == 10
        waits = [item.days_waiting for item in panel["items"]]
        assert waits == sorted(waits, reverse=True)  # the longest wait first


def test_the_reports_page_lists_twenty_partnerships_a_page_in_flat_queries(admin_client, partnership):
    client = admin_client  # an operator: every partnership's reports
    build_region(SIZES[0])
    few = queries_for(client, reverse("report_index"))
    build_region(SIZES[1] - SIZES[0])
    assert queries_for(client, reverse("report_index")) == few
    first = client.get(reverse("report_index"))
    assert len(first.context["listing"]) == 20
    second = client.get(reverse("report_index"), {"page": 2})
    assert len(second.context["listing"]) == 31 - 20  # Lewisham and the 30
    assert client.get(reverse("report_index"), {"page": "999"}).status_code == 200
    assert client.get(reverse("report_index"), {"page": "x"}).status_code == 200


def test_you_said_we_did_makes_the_same_queries_for_3_or_30_partnerships(client, db):
    build_region(SIZES[0])
    few = queries_for(client, reverse("you_said_we_did"))
    build_region(SIZES[1] - SIZES[0])
    assert queries_for(client, reverse("you_said_we_did")) == few


def test_the_theme_and_partnership_lists_count_by_subquery(admin_client, partnership):
    from engagement.models import Theme

    theme = Theme.objects.create(name="Access")
    meeting = make_meeting(partnership, start=days_from_now(7))
    for _ in range(2):
        make_item(meeting).themes.add(theme)
    themes = admin_client.get(reverse("admin:engagement_theme_changelist")).context["cl"].result_list
    assert {t.name: t._items for t in themes}["Access"] == 2
    listed = admin_client.get(reverse("admin:engagement_partnership_changelist")).context["cl"].result_list
    assert {p.slug: p._meetings for p in listed}["lewisham"] == 1


def test_the_home_page_directory_reads_the_region_in_flat_queries(client, db, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    build_region(SIZES[0])
    few = queries_for(client, reverse("home"))
    build_region(SIZES[1] + 5 - SIZES[0])
    assert queries_for(client, reverse("home")) == few
    listed = sum(
        len(group.partnerships) for level in client.get(reverse("home")).context["directory"] for group in level.groups
    )
    assert listed == Partnership.objects.count()


def test_recording_views_offers_the_partnerships_people_not_the_regions(client_for, partnership, staff_user):
    from meetings.forms import senders_for

    meeting = make_meeting(partnership, start=days_from_now(-3), status=Meeting.Status.HELD)
    item = make_item(meeting)
    ours = Participant.objects.create(name="Our regular")
    attend(meeting, ours)
    below = make_partnership(slug="below", parent=partnership)
    from_below = Participant.objects.create(name="From a neighbourhood below")
    attend(make_meeting(below), from_below)
    newcomer_user = make_user("new-member", "member", partnership=partnership)
    newcomer = Participant.objects.create(name="A member at no meeting yet", user=newcomer_user)
    unknown = Participant.objects.create(name="Not at any meeting, member of nothing")
    theirs = Participant.objects.create(name="Someone of another partnership")
    attend(make_meeting(make_partnership(slug="far-away")), theirs)
    offered = set(senders_for(item, staff_user))
    assert {ours, from_below, newcomer} <= offered
    assert theirs not in offered and unknown not in offered
    response = client_for("staff").get(reverse("record_views", args=[item.pk]))
    assert "Our regular" in response.content.decode()
    assert "Someone of another partnership" not in response.content.decode()
