"""Records made once when the same thing arrives at the same moment: walk-ins, "we did", views, notes.

As in tests/reimbursement/test_concurrency.py: threads released together (a barrier), each with its
own database connection, with the work after the "is it already there?" look slowed, so that without
the row lock every thread would look, find nothing, and add its own. PostgreSQL only: SQLite has no
row locks and lets one writer at a time into the whole database.
"""

import datetime
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from engagement.models import Participant
from meetings import forms as meeting_forms
from meetings import services as participation
from meetings.models import Attendance, Feedback, Meeting, Response
from priorities.models import Action, ActionUpdate, Priority
from priorities.services import add_action_note
from tests.factories import make_item, make_meeting

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks and serialises all writes",
    ),
    pytest.mark.django_db(transaction=True),
]

SLOW = 0.3


@pytest.fixture(scope="module", autouse=True)
def _database_put_back(django_db_setup, django_db_blocker):
    """These tests commit, and pytest-django flushes after each: put back the rows migrations seed."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
        connection.creation.deserialize_db_from_string(before)


def at_once(call, times):
    """Run ``call`` in ``times`` threads released together; returns the results (exceptions fail the test)."""
    barrier = threading.Barrier(times)
    results = [None] * times

    def worker(index):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None and result[0] == "ok" for result in results), results
    return [value for _, value in results]


def slowed(monkeypatch, owner, name):
    original = getattr(owner, name)

    def slow(*args, **kwargs):
        result = original(*args, **kwargs)
        time.sleep(SLOW)
        return result

    monkeypatch.setattr(owner, name, slow)


@pytest.fixture
def held(partnership):
    return make_meeting(partnership, title="Held", status=Meeting.Status.HELD)


def test_ten_walk_ins_for_the_same_name_at_once_make_one_person_and_one_attendance(monkeypatch, staff_user, held):
    # Every desk looks the name up (and finds no one) before any of them saves.
    slowed(monkeypatch, meeting_forms.WalkInForm, "clean")
    url = reverse("meeting_walk_in", args=[held.pk])

    def walk_in():
        client = Client()
        client.force_login(staff_user)
        return client.post(url, {"name": "Wendy Walker", "email": "", "mode": "in_person"}).status_code

    assert at_once(walk_in, 10) == [302] * 10
    assert Participant.objects.filter(name="Wendy Walker").count() == 1
    assert Attendance.objects.filter(meeting=held).count() == 1


def test_the_same_we_did_sent_at_once_is_kept_once(monkeypatch, staff_user, held):
    item = make_item(held, title="Buses")
    slowed(monkeypatch, participation, "_same_response")

    def record():
        response = Response(
            what_we_did="We asked for a later bus.",
            decided_by="The board",
            decided_on=datetime.date(2024, 1, 10),
            changed=Response.Changed.DECISION,
        )
        return participation.record_response(item, response, recorded_by=staff_user).pk

    assert len(set(at_once(record, 5))) == 1
    assert Response.objects.filter(agenda_item=item).count() == 1


@pytest.mark.parametrize("known", [True, False], ids=["from-a-known-person", "from-someone-not-known"])
def test_the_same_views_sent_at_once_are_kept_once(monkeypatch, staff_user, held, known):
    item = make_item(held, title="Buses")
    person = Participant.objects.create(name="Pat Letter") if known else None
    original_create = Feedback.objects.create

    def slow_create(**fields):
        time.sleep(SLOW)
        return original_create(**fields)

    monkeypatch.setattr(Feedback.objects, "create", slow_create)

    def send():
        return participation.send_views(item, person, "More buses.", channel="email", recorded_by=staff_user)[0].pk

    assert len(set(at_once(send, 5))) == 1
    assert Feedback.objects.filter(agenda_item=item).count() == 1


def test_the_same_progress_note_sent_at_once_is_kept_once(monkeypatch, staff_user, partnership):
    priority = Priority.objects.create(partnership=partnership, number=1, title="Access")
    action = Action.objects.create(priority=priority, description="Map the venues")
    original_create = ActionUpdate.objects.create

    def slow_create(**fields):
        time.sleep(SLOW)
        return original_create(**fields)

    monkeypatch.setattr(ActionUpdate.objects, "create", slow_create)

    def note():
        return add_action_note(Action.objects.get(pk=action.pk), "Six venues mapped.", user=staff_user).pk

    assert len(set(at_once(note, 5))) == 1
    assert ActionUpdate.objects.filter(action=action).count() == 1
