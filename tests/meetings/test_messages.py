"""What meetings tell people: content, recipients, choices honoured, each sent once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from engagement.roles import CHAIR, MEMBER, STAFF
from meetings import messages, participation
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Paper, Response
from notifications.models import Kind, Notification
from notifications.outbox import set_preference
from tests.factories import attend, make_item, make_meeting, make_participant, make_partnership, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run what a change queued (after commit), as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def lpp(db):
    return make_partnership(name="Lewisham People's Partnership", slug="lpp", contact_email="lpp@example.org")


@pytest.fixture
def meeting(lpp):
    return make_meeting(
        lpp,
        title="Spring meeting",
        venue="Civic Suite, Catford",
        online_link="https://meet.example.org/lpp",
        format=Meeting.Format.HYBRID,
        access_information="Step-free entrance on Rushey Green.",
        published_at=timezone.now(),
    )


def person(name, email, role=MEMBER):
    user = make_user(email.split("@")[0], role)
    return make_participant(name=name, email=email, user=user)


def bodies(email):
    return email.body, email.alternatives[0][0]


def test_registering_sends_a_confirmation_with_the_meeting_as_a_calendar_file(meeting, run, mailoutbox):
    mina = person("Mina Member", "mina@example.org")
    with run():
        participation.register(meeting, mina, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)
    (email,) = mailoutbox
    assert email.to == ["Mina Member <mina@example.org>"]
    assert email.subject == "You are registered: Spring meeting"
    for body in bodies(email):
        assert "joining online" in body and "https://meet.example.org/lpp" in body
    (name, content, mimetype) = email.attachments[0]
    assert name == f"meeting-{meeting.pk}.ics" and mimetype == "text/calendar"
    assert content.count("BEGIN:VEVENT") == 1 and "Spring meeting" in content
    assert "List-Unsubscribe" not in email.extra_headers  # a confirmation is a message a person must get


def test_in_person_registration_gets_the_venue_but_not_a_private_link(meeting, run, mailoutbox):
    mina = person("Mina Member", "mina@example.org")
    with run():
        participation.register(meeting, mina, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.IN_PERSON)
    body = mailoutbox[0].body
    assert "Civic Suite, Catford" in body and "meet.example.org" not in body


def test_the_same_answer_twice_is_confirmed_once_and_apologies_have_no_calendar_file(meeting, run, mailoutbox):
    mina = person("Mina Member", "mina@example.org")
    for answer in (Attendance.Status.REGISTERED, Attendance.Status.REGISTERED, Attendance.Status.APOLOGIES):
        with run():
            participation.register(meeting, mina, status=answer)
    assert [email.subject for email in mailoutbox] == [
        "You are registered: Spring meeting",
        "Apologies received: Spring meeting",
    ]
    assert mailoutbox[1].attachments == []


def test_access_needs_for_a_meeting_within_a_week_go_to_staff_at_once(meeting, run, mailoutbox):
    make_user("officer", STAFF)
    mina = person("Mina Member", "mina@example.org")
    with run():
        participation.register(
            meeting, mina, status=Attendance.Status.REGISTERED, access_needs="BSL interpreter", share=True
        )
    staff_email = next(email for email in mailoutbox if email.to == ["officer@example.org"])
    assert "BSL interpreter" in staff_email.body and "Mina Member" in staff_email.body
    assert "Access needs for Spring meeting" in staff_email.subject
    assert "BSL interpreter" not in mailoutbox[0].body or mailoutbox[0].to == ["officer@example.org"]


def test_a_meeting_moved_or_cancelled_tells_everyone_registered_once(meeting, run, mailoutbox):
    mina, otto = person("Mina Member", "mina@example.org"), person("Otto Other", "otto@example.org")
    attend(meeting, mina, status=Attendance.Status.REGISTERED)
    attend(meeting, otto, status=Attendance.Status.APOLOGIES)  # not coming: not told
    with run():
        meeting.venue = "Leemore Centre"
        meeting.save()
    (moved,) = mailoutbox
    assert moved.to == ["Mina Member <mina@example.org>"] and moved.subject == "Changed: Spring meeting"
    assert "(venue)" in moved.body and "Leemore Centre" in moved.body
    assert moved.attachments[0][0].endswith(".ics")
    with run():
        meeting.summary = "A summary is not news"
        meeting.save()
    assert len(mailoutbox) == 1
    with run():
        meeting.status = Meeting.Status.CANCELLED
        meeting.save()
    assert mailoutbox[1].subject == "Cancelled: Spring meeting" and "has been cancelled" in mailoutbox[1].body
    messages.meeting_changed(meeting.pk, ["status"])  # the task again: nothing more
    assert len(mailoutbox) == 2


def test_reminders_go_once_within_the_partnerships_window_with_venue_access_and_link(meeting, lpp, mailoutbox, run):
    mina, otto = person("Mina Member", "mina@example.org"), person("Otto Other", "otto@example.org")
    attend(meeting, mina, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)
    attend(meeting, otto, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.IN_PERSON)
    too_early = meeting.start - datetime.timedelta(days=3)
    with run():
        assert messages.queue_due_reminders(too_early) == 0
    lpp.reminder_days_before = 4
    lpp.save()
    with run():
        assert messages.queue_due_reminders(too_early) == 2
        assert messages.queue_due_reminders(too_early) == 0  # idempotent
    online = next(email for email in mailoutbox if "mina" in email.to[0])
    in_person = next(email for email in mailoutbox if "otto" in email.to[0])
    assert "https://meet.example.org/lpp" in online.body and "Step-free entrance" in online.body
    assert "Civic Suite, Catford" in in_person.body and "meet.example.org" not in in_person.body
    assert "List-Unsubscribe" in online.extra_headers


def test_a_person_who_switched_reminders_off_gets_none(meeting, mailoutbox, run):
    mina = person("Mina Member", "mina@example.org")
    attend(meeting, mina, status=Attendance.Status.REGISTERED)
    set_preference("mina@example.org", Kind.REMINDER, False)
    with run():
        messages.queue_due_reminders(meeting.start - datetime.timedelta(days=1))
    assert mailoutbox == []
    assert Notification.objects.get().status == Notification.Status.SKIPPED


def test_the_send_scheduled_messages_command_queues_reminders(meeting, mailoutbox):
    from django.core.management import call_command

    attend(meeting, person("Mina Member", "mina@example.org"), status=Attendance.Status.REGISTERED)
    meeting.start = timezone.now() + datetime.timedelta(days=1)
    meeting.end = meeting.start + datetime.timedelta(hours=2)
    Meeting.objects.filter(pk=meeting.pk).update(start=meeting.start, end=meeting.end)
    call_command("send_scheduled_messages", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("send_notifications", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [email.subject.split(":")[0] for email in mailoutbox] == ["Reminder"]


def test_agenda_published_goes_to_the_partnerships_members_who_want_it(meeting, lpp, mailoutbox, run):
    past = make_meeting(lpp, start=timezone.now() - datetime.timedelta(days=30), status=Meeting.Status.HELD)
    mina, otto = person("Mina Member", "mina@example.org"), person("Otto Other", "otto@example.org")
    attend(past, mina)
    attend(past, otto)
    elsewhere = person("Elsa Elsewhere", "elsa@example.org")
    attend(make_meeting(make_partnership(), start=past.start), elsewhere)
    staff_person = person("Sam Staff", "sam@example.org", role=STAFF)  # not a member
    attend(past, staff_person)
    set_preference("otto@example.org", Kind.AGENDA_PUBLISHED, False)
    make_item(meeting, title="Cost of living")
    with run():
        messages.agenda_published(meeting.pk)
        messages.agenda_published(meeting.pk)
    (email,) = mailoutbox
    assert email.to == ["Mina Member <mina@example.org>"]
    assert "Agenda published: Spring meeting" in email.subject and "Cost of living" in email.body
    assert "you are a member of Lewisham People's Partnership" in email.body
    assert "Otto" not in email.body and "Elsa" not in email.body  # no other person's data


def test_a_paper_added_after_publishing_tells_the_members(meeting, lpp, mailoutbox, run):
    mina = person("Mina Member", "mina@example.org")
    attend(meeting, mina, status=Attendance.Status.REGISTERED)
    with run():
        Paper.objects.create(meeting=meeting, title="Budget 2025", url="https://example.org/budget.pdf")
    (email,) = mailoutbox
    assert email.subject == "New paper for Spring meeting: Budget 2025"


def test_we_did_tells_everyone_who_sent_views_in_any_channel_with_an_address(meeting, mailoutbox, run, chair):
    item = make_item(meeting, title="Cost of living", feedback_status=AgendaItem.FeedbackStatus.AWAITING_RESPONSE)
    mina = person("Mina Member", "mina@example.org")
    phoned = make_participant(name="Phil Phone", email="phil@example.org")
    no_address = make_participant(name="Nora Noaddress", email="")
    participation.send_views(item, mina, "More warm spaces")
    participation.send_views(item, mina, "And longer hours")
    participation.send_views(item, phoned, "By phone", channel=Feedback.Channel.PHONE)
    participation.send_views(item, no_address, "On paper", channel=Feedback.Channel.PAPER)
    response = Response(
        what_we_did="Six more warm spaces opened.",
        decided_by="Lewisham Health and Care Partnership board",
        decided_on=datetime.date(2025, 3, 1),
        changed=Response.Changed.SERVICE,
    )
    with run():
        participation.record_response(item, response, recorded_by=chair)
    assert sorted(email.to[0] for email in mailoutbox) == [
        "Mina Member <mina@example.org>",
        "Phil Phone <phil@example.org>",
    ]
    for body in bodies(mailoutbox[0]):
        assert "Six more warm spaces opened." in body
        assert "Lewisham Health and Care Partnership board" in body
        assert f"/meetings/{meeting.pk}/#item-{item.pk}" in body
    with run():
        participation.record_response(item, response, recorded_by=chair)  # saved again: no second email
    assert len(mailoutbox) == 2


def test_staff_get_one_daily_digest_and_the_chair_a_weekly_list(meeting, lpp, mailoutbox, run):
    make_user("officer", STAFF)
    make_user("chairperson", CHAIR)
    mina = person("Mina Member", "mina@example.org")
    attend(meeting, mina, status=Attendance.Status.REGISTERED)
    old = make_meeting(lpp, start=timezone.now() - datetime.timedelta(days=200), status=Meeting.Status.HELD)
    make_item(old, title="Waiting too long", feedback_status=AgendaItem.FeedbackStatus.AWAITING_RESPONSE)
    with run():
        assert messages.queue_staff_digests() == 1
        assert messages.queue_staff_digests() == 0
        assert messages.queue_chair_weekly() == 1
        assert messages.queue_chair_weekly() == 0
    digest = next(email for email in mailoutbox if email.to == ["officer@example.org"])
    assert "Spring meeting" in digest.body and "Mina Member" in digest.body
    weekly = next(email for email in mailoutbox if email.to == ["chairperson@example.org"])
    assert "Waiting too long" in weekly.body and "target 60" in weekly.body


def test_the_request_only_enqueues_and_the_task_sends(client, meeting, django_capture_on_commit_callbacks):
    """Web requests only enqueue: the email goes when the queued task runs, after the commit."""
    client.force_login(make_user("mina", MEMBER))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(f"/meetings/{meeting.pk}/register/", {"coming": "in_person"})
    assert response.status_code == 302 and Attendance.objects.filter(meeting=meeting).exists()
    assert mail.outbox == [] and queued
    with django_capture_on_commit_callbacks(execute=True):
        for callback in queued:
            callback()
    assert [email.subject for email in mail.outbox] == ["You are registered: Spring meeting"]
