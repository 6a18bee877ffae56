"""One meeting as iCalendar: "Add to calendar" (issue 16)."""

import icalendar
import pytest
from django.urls import reverse

from tests.factories import make_item, make_meeting, page_text

pytestmark = pytest.mark.django_db


def test_add_to_calendar_gives_that_one_meeting(client, partnership):
    meeting = make_meeting(partnership, title="Just this one")
    make_item(meeting, title="Welcome")
    make_meeting(partnership, title="Another meeting")
    response = client.get(reverse("meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 1
    assert "Just this one" in str(events[0]["SUMMARY"])
    assert str(events[0]["UID"]) == f"meeting-{meeting.pk}@partnership-portal"


def test_the_agenda_button_links_to_the_meeting_file(client, partnership):
    meeting = make_meeting(partnership)
    body = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meeting_ics", args=[meeting.pk]) in body
    assert "Add to calendar" in page_text(client.get(meeting.get_absolute_url()))


def test_an_unknown_or_draft_meeting_is_not_found(client, partnership):
    draft = make_meeting(partnership, draft=True)
    assert client.get(reverse("meeting_ics", args=[draft.pk])).status_code == 404
    assert client.get("/meetings/999999/meeting.ics").status_code == 404


@pytest.mark.parametrize("items", [1, 15])
def test_meeting_file_queries_do_not_grow(client, partnership, items, django_assert_max_num_queries):
    meeting = make_meeting(partnership)
    for _ in range(items):
        make_item(meeting)
    with django_assert_max_num_queries(4):
        assert client.get(reverse("meeting_ics", args=[meeting.pk])).status_code == 200
