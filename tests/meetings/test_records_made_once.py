"""Records made once: the same "we did", progress note or views posted twice (a double click, a refresh
that resends, two tabs) make one row. What is really new is still kept.

Parallel posts on PostgreSQL: tests/meetings/test_concurrent_records.py.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant
from meetings.models import AgendaItem, Feedback, Response
from priorities.models import Action, ActionUpdate, Priority
from tests.factories import attend, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(held_meeting):
    return AgendaItem.objects.get(meeting=held_meeting)


def we_did(**fields):
    return {
        "what_we_did": "We moved the meeting to a step-free venue.",
        "decided_by": "The board",
        "decided_on": "2024-01-10",
        "changed": Response.Changed.DECISION,
        "status": Response.Status.DONE,
        **fields,
    }


def test_the_same_we_did_posted_twice_makes_one_row(client_for, item):
    client = client_for("staff")
    url = reverse("record_response", args=[item.pk])
    first, second = client.post(url, we_did()), client.post(url, we_did())
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(agenda_item=item).count() == 1


def test_a_different_we_did_on_the_same_item_is_kept(client_for, item):
    client = client_for("staff")
    url = reverse("record_response", args=[item.pk])
    client.post(url, we_did())
    client.post(url, we_did(status=Response.Status.IN_PROGRESS, what_we_did="The venue is booked for May."))
    assert Response.objects.filter(agenda_item=item).count() == 2


def test_the_same_we_did_saved_twice_in_the_back_office_makes_one_row(client, item):
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("operator", "operator@example.org", "x"))
    data = we_did(agenda_item=item.pk, decided_on="2024-01-10")
    first = client.post(reverse("admin:meetings_response_add"), data)
    second = client.post(reverse("admin:meetings_response_add"), data)
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(agenda_item=item).count() == 1


@pytest.mark.parametrize("known", [True, False], ids=["from-a-known-person", "from-someone-not-known"])
def test_the_same_views_recorded_twice_by_staff_make_one_row(client_for, item, known):
    person = make_participant(name="Pat Letter") if known else None
    if person:
        attend(item.meeting, person)  # one of the partnership's people: staff pick only those
    data = {"participant": person.pk if person else "", "channel": Feedback.Channel.EMAIL, "text": "More buses."}
    client = client_for("staff")
    url = reverse("record_views", args=[item.pk])
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert Feedback.objects.filter(agenda_item=item).count() == 1


def test_different_views_or_another_channel_are_each_kept(client_for, item):
    client = client_for("staff")
    url = reverse("record_views", args=[item.pk])
    client.post(url, {"participant": "", "channel": Feedback.Channel.EMAIL, "text": "More buses."})
    client.post(url, {"participant": "", "channel": Feedback.Channel.EMAIL, "text": "Later buses."})
    client.post(url, {"participant": "", "channel": Feedback.Channel.PAPER, "text": "More buses."})
    assert Feedback.objects.filter(agenda_item=item).count() == 3


def test_the_same_views_sent_twice_by_a_member_make_one_row(client_for, held_meeting, partnership):
    from tests.factories import make_item, make_meeting

    upcoming = make_meeting(partnership, title="Next")
    item = make_item(upcoming, title="Buses")
    client = client_for("member")
    url = reverse("send_views", args=[item.pk])
    assert client.post(url, {"text": "More buses."}).status_code == 302
    assert client.post(url, {"text": "More buses."}).status_code == 302
    assert Feedback.objects.filter(agenda_item=item).count() == 1


@pytest.fixture
def action(partnership):
    priority = Priority.objects.create(partnership=partnership, number=1, title="Access")
    return Action.objects.create(priority=priority, description="Map the venues")


@pytest.mark.parametrize("new_status", ["", Action.Status.IN_PROGRESS], ids=["note", "note-and-status"])
def test_the_same_progress_note_posted_twice_makes_one_row(client_for, action, new_status):
    client = client_for("staff")
    url = reverse("action_note_new", args=[action.pk])
    data = {"note": "Six venues mapped.", "new_status": new_status, "date": ""}
    assert client.post(url, data).status_code == client.post(url, data).status_code == 302
    assert ActionUpdate.objects.filter(action=action).count() == 1
    action.refresh_from_db()
    assert action.status == (new_status or Action.Status.NOT_STARTED)


def test_a_new_note_or_the_same_words_on_another_day_are_kept(client_for, action):
    client = client_for("staff")
    url = reverse("action_note_new", args=[action.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    client.post(url, {"note": "Six venues mapped.", "new_status": "", "date": ""})
    client.post(url, {"note": "Eight venues mapped.", "new_status": "", "date": ""})
    client.post(url, {"note": "Six venues mapped.", "new_status": "", "date": yesterday})
    assert ActionUpdate.objects.filter(action=action).count() == 3


def test_a_walk_in_sent_again_finds_the_person_added_the_first_time(held_meeting):
    """The service looks again under the meeting's lock: the desk's second "Add" is the same person."""
    from meetings import services as participation

    first, created = participation.record_walk_in(held_meeting, Participant(name="Wendy New"), mode="in_person")
    again, created_again = participation.record_walk_in(held_meeting, Participant(name="wendy new "), mode="online")
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Participant.objects.filter(name__iexact="wendy new").count() == 1


def test_staff_who_say_someone_is_new_get_a_new_person_even_with_the_same_name(held_meeting):
    from meetings import services as participation

    participation.record_walk_in(held_meeting, Participant(name="Sam Lee"), mode="in_person")
    _, created = participation.record_walk_in(
        held_meeting, Participant(name="Sam Lee"), mode="in_person", confirmed_new=True
    )
    assert created
    assert Participant.objects.filter(name="Sam Lee").count() == 2
