"""The outbox: a message per event and person, sent once, retried with back-off, honouring choices."""

import datetime
from email import message_from_bytes
from unittest import mock

import pytest
from django.utils import timezone

from notifications.models import MAX_ATTEMPTS, Kind, Notification
from notifications.outbox import Message, deliver, queue, queue_many, set_preference, unsubscribe_token
from notifications.tasks import send_due_notifications

pytestmark = pytest.mark.django_db


def reminder(partnership, email="pat@example.org", key="test:1"):
    return Message(
        kind=Kind.REMINDER,
        key=key,
        to_email=email,
        to_name="Pat Person",
        partnership=partnership,
        subject="Reminder: Spring meeting",
        template="meetings/email/paper_added",
        reason="you registered for Spring meeting",
        context={"meeting": {"title": "Spring meeting"}, "when": "Tuesday", "paper": {"title": "Budget"}},
    )


def test_a_message_is_sent_from_the_partnership_with_its_contact_and_reason(
    lewisham, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(reminder(lewisham))
    (email,) = mailoutbox
    assert email.from_email == "Lewisham People's Partnership <noreply@localhost>"
    assert email.to == ["Pat Person <pat@example.org>"]
    assert email.reply_to == ["lpp@example.org"]
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert "lpp@example.org" in body
        assert "Why you are getting this: you registered for Spring meeting" in body
        assert "https://portal.example.org/notifications/unsubscribe/" in body
    assert "<img" not in html  # readable with images off: no picture carries any words
    assert Notification.objects.get().status == Notification.Status.SENT


def test_optional_messages_carry_one_click_unsubscribe_headers(
    lewisham, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(reminder(lewisham))
    headers = message_from_bytes(mailoutbox[0].message().as_bytes())
    assert " ".join(headers["List-Unsubscribe"].split()).startswith(
        "<https://portal.example.org/notifications/unsubscribe/"
    )
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_messages_a_person_must_get_have_no_unsubscribe(lewisham, mailoutbox, django_capture_on_commit_callbacks):
    message = reminder(lewisham)
    message.kind = Kind.CLAIM_DECISION
    set_preference("pat@example.org", Kind.CLAIM_DECISION, False)  # cannot be switched off
    with django_capture_on_commit_callbacks(execute=True):
        queue(message)
    (email,) = mailoutbox
    assert "List-Unsubscribe" not in email.extra_headers
    assert "unsubscribe" not in email.body.lower()


def test_the_same_key_is_one_message(lewisham, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(reminder(lewisham))
        queue(reminder(lewisham))
        queue_many([reminder(lewisham), reminder(lewisham)])
    assert len(mailoutbox) == 1
    assert Notification.objects.count() == 1


def test_delivering_twice_sends_once(lewisham, mailoutbox):
    row = queue_many([reminder(lewisham)], send=False)[0]
    assert deliver(row.pk) == Notification.Status.SENT
    assert deliver(row.pk) == Notification.Status.SENT
    assert len(mailoutbox) == 1


def test_a_person_who_switched_a_kind_off_is_not_sent_it(lewisham, mailoutbox, django_capture_on_commit_callbacks):
    set_preference("PAT@example.org", Kind.REMINDER, False)
    with django_capture_on_commit_callbacks(execute=True):
        queue(reminder(lewisham))
    assert mailoutbox == []
    assert Notification.objects.get().status == Notification.Status.SKIPPED


def test_a_failed_send_is_kept_and_retried_with_back_off(lewisham, mailoutbox):
    row = queue_many([reminder(lewisham)], send=False)[0]
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=ConnectionRefusedError("refused")):
        assert deliver(row.pk) == Notification.Status.RETRYING
    row.refresh_from_db()
    assert row.attempts == 1 and "refused" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert deliver(row.pk) == Notification.Status.RETRYING  # not due yet: not tried
    assert row.attempts == 1 and mailoutbox == []
    later = timezone.now() + datetime.timedelta(hours=1)
    assert deliver(row.pk, now=later) == Notification.Status.SENT
    row.refresh_from_db()
    assert row.attempts == 2 and row.last_error == "" and len(mailoutbox) == 1


def test_after_the_last_attempt_it_gives_up(lewisham):
    row = queue_many([reminder(lewisham)], send=False)[0]
    now = timezone.now()
    with mock.patch("django.core.mail.EmailMessage.send", side_effect=OSError("down")):
        for attempt in range(MAX_ATTEMPTS):
            deliver(row.pk, now=now + datetime.timedelta(days=attempt + 1))
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == MAX_ATTEMPTS


def test_the_due_task_sends_what_is_waiting(lewisham, mailoutbox):
    queue_many([reminder(lewisham, key="a"), reminder(lewisham, email="b@example.org", key="b")], send=False)
    send_due_notifications.enqueue()
    assert len(mailoutbox) == 2


def test_an_unsubscribe_token_is_for_one_address_and_kind():
    token = unsubscribe_token("Pat@Example.org", Kind.REMINDER)
    from notifications.outbox import read_unsubscribe_token

    assert read_unsubscribe_token(token) == ("pat@example.org", "reminder")
    assert read_unsubscribe_token(token[:-2] + "xx") is None
    assert read_unsubscribe_token("not-a-token") is None
