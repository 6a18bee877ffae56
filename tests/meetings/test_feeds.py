"""The iCalendar feed: /meetings/calendar.ics, parsed back with the icalendar package."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings.models import Meeting
from tests.conftest import ROLES
from tests.factories import aware, make_item, make_meeting, make_partnership

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def every_year_in_the_feed(settings):
    """These tests' meetings are on fixed dates (2023, 2024): the feed's window (FEED_PAST_DAYS) is
    widened to take them all; tests/meetings/test_region_scale.py tests the window itself."""
    settings.FEED_PAST_DAYS = 365 * 50


def fetch_calendar(client, **query):
    response = client.get(reverse("meeting_calendar"), query)
    assert response.status_code == 200
    return response, Calendar.from_ical(response.content)


def events_by_uid(calendar):
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_feed_is_valid_icalendar_with_one_event_per_meeting(client, partnership, meeting, held_meeting):
    response, calendar = fetch_calendar(client)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert str(calendar["X-WR-CALNAME"]) == "Partnership meetings"
    assert set(events_by_uid(calendar)) == {
        f"meeting-{meeting.pk}@partnership-portal",
        f"meeting-{held_meeting.pk}@partnership-portal",
    }
    # Every event has what RFC 5545 requires of it.
    for event in calendar.walk("VEVENT"):
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event


def test_an_empty_feed_is_still_a_valid_calendar(client, db):
    _, calendar = fetch_calendar(client)
    assert calendar.walk("VEVENT") == []
    assert calendar["X-WR-CALNAME"]


def test_uids_do_not_change_between_requests_or_hosts(client, meeting):
    _, first = fetch_calendar(client)
    response = client.get(reverse("meeting_calendar"), HTTP_HOST="localhost")
    second = Calendar.from_ical(response.content)
    assert set(events_by_uid(first)) == set(events_by_uid(second)) == {f"meeting-{meeting.pk}@partnership-portal"}
    # An unchanged meeting reads the same each time (DTSTAMP is its last change, not "now").
    uid = f"meeting-{meeting.pk}@partnership-portal"
    assert events_by_uid(first)[uid]["DTSTAMP"].dt == events_by_uid(second)[uid]["DTSTAMP"].dt
    assert events_by_uid(first)[uid]["DTSTAMP"].dt == meeting.updated_at.replace(microsecond=0)


def test_summer_and_winter_times_are_europe_london_with_a_vtimezone(client, partnership):
    summer = make_meeting(partnership, start=aware(2024, 4, 23, 10, 0))  # BST, UTC+1
    winter = make_meeting(partnership, start=aware(2023, 12, 6, 10, 0))  # GMT
    _, calendar = fetch_calendar(client)
    events = events_by_uid(calendar)
    summer_start = events[f"meeting-{summer.pk}@partnership-portal"]["DTSTART"]
    winter_start = events[f"meeting-{winter.pk}@partnership-portal"]["DTSTART"]
    assert summer_start.params["TZID"] == winter_start.params["TZID"] == "Europe/London"
    assert summer_start.dt == datetime.datetime(2024, 4, 23, 10, 0, tzinfo=LONDON)
    assert summer_start.dt.utcoffset() == datetime.timedelta(hours=1)
    assert winter_start.dt.utcoffset() == datetime.timedelta(0)
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/London"


def test_the_vtimezone_is_two_yearly_rules_valid_for_any_year(client, partnership):
    make_meeting(partnership, start=aware(2024, 4, 23, 10, 0))
    _, calendar = fetch_calendar(client)
    (zone,) = calendar.walk("VTIMEZONE")
    assert calendar.subcomponents[0] is zone  # before the events that refer to it
    rules = {rule.name: rule for rule in zone.subcomponents}
    assert set(rules) == {"DAYLIGHT", "STANDARD"}
    for name, month, offsets, onset in (
        ("DAYLIGHT", 3, (0, 1), datetime.time(1, 0)),  # 01:00 GMT becomes 02:00 BST
        ("STANDARD", 10, (1, 0), datetime.time(2, 0)),  # 02:00 BST becomes 01:00 GMT
    ):
        rule = rules[name]
        assert rule["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [month], "BYDAY": ["-1SU"]}
        assert "RDATE" not in rule and "UNTIL" not in rule["RRULE"]
        assert (rule["TZOFFSETFROM"].td, rule["TZOFFSETTO"].td) == tuple(datetime.timedelta(hours=h) for h in offsets)
        assert rule["DTSTART"].dt.time() == onset and rule["DTSTART"].dt.year <= 2000
    assert "COMMENT" not in zone  # no "only works from … to …"


def test_an_empty_feed_has_no_vtimezone(client, db):
    _, calendar = fetch_calendar(client)
    assert calendar.walk("VTIMEZONE") == []


def test_event_has_summary_location_online_link_and_agenda_in_description(client, partnership):
    hybrid = make_meeting(
        partnership,
        start=aware(2024, 4, 23, 10, 0),
        title="Year 1 Review",
        venue="Civic Suite, Catford Road, London SE6 9SE",
        online_link="https://meet.example.org/lpp",
        online_link_public=True,
        format=Meeting.Format.HYBRID,
    )
    make_item(hybrid, title="Arrivals", start_time=datetime.time(9, 45), duration_minutes=15)
    make_item(hybrid, title="Dates for 2024/25", start_time=datetime.time(11, 50), duration_minutes=10)
    _, calendar = fetch_calendar(client)
    event = events_by_uid(calendar)[f"meeting-{hybrid.pk}@partnership-portal"]
    agenda_url = f"http://testserver/meetings/{hybrid.pk}/"
    assert str(event["SUMMARY"]) == "Year 1 Review (Lewisham People's Partnership)"
    assert str(event["LOCATION"]) == "Civic Suite, Catford Road, London SE6 9SE"
    assert str(event["URL"]) == agenda_url
    assert str(event["X-ONLINE-MEETING-URL"]) == "https://meet.example.org/lpp"
    assert str(event["CONFERENCE"]) == "https://meet.example.org/lpp"
    description = str(event["DESCRIPTION"])
    assert "09.45–10.00 Arrivals" in description
    assert "11.50–12.00 Dates for 2024/25" in description
    assert "Join online: https://meet.example.org/lpp" in description
    assert f"Agenda and papers: {agenda_url}" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_online_meeting_gives_its_link_as_location(client, partnership):
    online = make_meeting(
        partnership, format=Meeting.Format.ONLINE, online_link="https://meet.example.org/x", online_link_public=True
    )
    _, calendar = fetch_calendar(client)
    assert str(events_by_uid(calendar)[f"meeting-{online.pk}@partnership-portal"]["LOCATION"]) == (
        "https://meet.example.org/x"
    )


def test_cancelled_meeting_carries_status_cancelled(client, partnership, meeting):
    cancelled = make_meeting(partnership, title="Called off", status=Meeting.Status.CANCELLED)
    _, calendar = fetch_calendar(client)
    events = events_by_uid(calendar)
    event = events[f"meeting-{cancelled.pk}@partnership-portal"]
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("Cancelled: ")
    assert "This meeting has been cancelled." in str(event["DESCRIPTION"])
    assert str(events[f"meeting-{meeting.pk}@partnership-portal"]["STATUS"]) == "CONFIRMED"


def test_meeting_with_times_to_be_confirmed_is_an_all_day_event(client, partnership):
    tbc = make_meeting(partnership, start=aware(2024, 6, 26, 10, 0), times_to_be_confirmed=True)
    _, calendar = fetch_calendar(client)
    event = events_by_uid(calendar)[f"meeting-{tbc.pk}@partnership-portal"]
    assert event["DTSTART"].dt == datetime.date(2024, 6, 26)
    assert event["DTEND"].dt == datetime.date(2024, 6, 27)
    assert "time to be confirmed" in str(event["SUMMARY"])


def test_feed_for_one_partnership_has_only_its_meetings_and_its_name(client, partnership, meeting):
    other = make_partnership(name="Lancashire and South Cumbria", slug="lancashire-south-cumbria")
    make_meeting(other, title="Elsewhere")
    response, calendar = fetch_calendar(client, partnership="lewisham")
    assert set(events_by_uid(calendar)) == {f"meeting-{meeting.pk}@partnership-portal"}
    assert str(calendar["X-WR-CALNAME"]) == "Lewisham People's Partnership meetings"
    assert 'filename="lewisham-meetings.ics"' in response["Content-Disposition"]


def test_feed_for_an_unknown_partnership_is_404(client, partnership):
    assert client.get(reverse("meeting_calendar"), {"partnership": "nowhere"}).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_subscribe(client_for, role, meeting):
    response = client_for(role).get(reverse("meeting_calendar"))
    assert response.status_code == 200
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 1


@pytest.mark.parametrize("count", [5, 50])
def test_feed_query_count_does_not_grow_with_meetings(client, django_assert_max_num_queries, partnership, count):
    for day in range(count):
        meeting = make_meeting(partnership, start=aware(2024, 1, 1) + datetime.timedelta(days=day))
        make_item(meeting, start_time=datetime.time(10, 0), duration_minutes=30)
        make_item(meeting, start_time=datetime.time(10, 30), duration_minutes=30)
    with django_assert_max_num_queries(3):
        response = client.get(reverse("meeting_calendar"), {"partnership": "lewisham"})
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == count


def test_demo_feed_has_the_23_april_2024_agenda(client, demo_data):
    april = Meeting.objects.get(partnership__slug="lewisham", start__date=datetime.date(2024, 4, 23))
    _, calendar = fetch_calendar(client, partnership="lewisham")
    event = events_by_uid(calendar)[f"meeting-{april.pk}@partnership-portal"]
    assert event["DTSTART"].dt == datetime.datetime(2024, 4, 23, 10, 0, tzinfo=LONDON)
    description = str(event["DESCRIPTION"])
    assert "09.45–10.00 Arrivals" in description
    assert "11.50–12.00 Dates for 2024/25" in description


def test_each_event_is_written_once_until_its_meeting_changes(partnership, monkeypatch, settings):
    """The feed's text is the same as writing every event afresh, but unchanged events come from the cache."""
    from django.core.cache import cache

    from meetings.views import feeds

    cache.clear()
    first = make_meeting(partnership, start=aware(2030, 7, 1, 18), title="Summer board", venue="Hall")
    make_item(first, title="Welcome", start_time=datetime.time(18, 0), duration_minutes=10)
    make_meeting(partnership, start=aware(2030, 12, 1, 18), title="Winter board", online_link="https://x.example/1")

    def url(path):
        return "https://portal.example" + path

    written = []
    real = feeds.meeting_event
    monkeypatch.setattr(
        feeds,
        "meeting_event",
        lambda meeting, agenda_url, **kw: written.append(meeting.pk) or real(meeting, agenda_url, **kw),
    )
    fresh = feeds.build_calendar(feeds.calendar_meetings(), None, url).to_ical()
    written.clear()
    assert feeds.calendar_text(feeds.calendar_meetings(), None, url) == fresh
    assert len(written) == 2
    written.clear()
    assert feeds.calendar_text(feeds.calendar_meetings(), None, url) == fresh
    assert written == [], "unchanged events are not written again"
    item = first.agenda_items.get()
    item.title = "Welcome and apologies"
    item.save()
    again = feeds.calendar_text(feeds.calendar_meetings(), None, url)
    assert written == [first.pk] and b"Welcome and apologies" in again
    assert again == feeds.build_calendar(feeds.calendar_meetings(), None, url).to_ical()
