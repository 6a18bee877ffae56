"""Sending in batches: a meeting's reminder is a task per batch of rows, each row sent once, failures retried alone."""

import datetime
import threading
import time
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.module_loading import import_string

from engagement.models import Participant
from engagement.notifications import sending, services
from engagement.notifications.models import Notification
from meetings import notifications as meeting_messages
from meetings.models import Attendance
from tests.factories import make_meeting

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mailoutbox")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


class CountingBackend(EmailBackend):
    """The test backend, counting the connections opened."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()


def run_tasks():
    """Run the database queue's tasks here, as ``db_worker`` would (it closes connections, which a test keeps)."""
    from django_tasks_db.models import DBTaskResult

    for task in DBTaskResult.objects.all():
        import_string(task.task_path).call(*task.args_kwargs["args"], **task.args_kwargs["kwargs"])


def registered(meeting, people, first=0):
    participants = Participant.objects.bulk_create(
        Participant(name=f"Person {n}", email=f"person{n}@example.org") for n in range(first, first + people)
    )
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, participant=participant, status=Attendance.Status.REGISTERED)
        for participant in participants
    )


def soon(partnership, **fields):
    return make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=1), title="Big forum", **fields)


def write(partnership, people, kind="reminder"):
    """``people`` outbox rows, written (not yet sent)."""
    with transaction.atomic(), services.sends_in_batches():
        rows = [
            services.notify(
                kind,
                services.Recipient(email=f"person{n}@example.org", name=f"Person {n}"),
                key=f"batch-test:{n}",
                subject="Hello",
                template="meetings/email/paper_added",
                context={"paper": {"title": "A paper", "is_public": True}, "meeting": {"title": "M"}},
                partnership=partnership,
            )
            for n in range(people)
        ]
    return [row.pk for row in rows]


def test_a_meetings_reminder_is_one_task_per_batch_and_one_message_per_person(settings, partnership, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    monkeypatch.setattr(services, "SEND_BATCH", 3)
    meeting = soon(partnership)
    registered(meeting, 7)
    assert meeting_messages.send_reminders_for(meeting) == 7
    tasks = DBTaskResult.objects.all()
    assert [task.task_path.rsplit(".", 1)[1] for task in tasks] == ["send_notifications_task"] * 3
    assert sorted(len(task.args_kwargs["args"][0]) for task in tasks) == [1, 3, 3]
    assert mail.outbox == []  # the command only writes; the worker sends
    run_tasks()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"person{n}@example.org" for n in range(7))
    for message in mail.outbox:
        assert len(message.to) == 1 and not message.cc and not message.bcc
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert set(Notification.objects.values_list("status", flat=True)) == {Notification.Status.SENT}
    # The command run again (it runs hourly) writes and sends nothing more.
    meeting_messages.send_reminders_for(meeting)
    run_tasks()
    assert Notification.objects.count() == 7 and len(mail.outbox) == 7
    assert DBTaskResult.objects.count() == 3


def test_each_message_greets_its_own_person_only(partnership, committed):
    meeting = soon(partnership)
    registered(meeting, 3)
    with committed():
        meeting_messages.send_reminders_for(meeting)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        own = Participant.objects.get(email=message.to[0]).name
        assert message.body.startswith(f"Dear {own},") and message.body.count("Dear ") == 1


def test_a_batch_run_twice_sends_each_row_once(partnership):
    ids = write(partnership, 4)
    assert sending.send_batch(ids) == {"sent": 4}
    assert sending.send_batch(ids) == {}
    assert services.send_notification(ids[0]) == Notification.Status.SENT
    assert len(mail.outbox) == 4
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_a_batch_sends_through_one_connection(settings, partnership):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    sending.send_batch(write(partnership, 5))
    assert len(mail.outbox) == 5
    assert CountingBackend.opened == 1


def test_a_failed_row_in_a_batch_is_retried_alone_after_the_back_off(partnership):
    ids = write(partnership, 4)
    real_send = EmailBackend.send_messages

    def refuse_person_2(self, messages):
        if messages[0].to == ["person2@example.org"]:
            raise OSError("451 try later")
        return real_send(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", refuse_person_2):
        assert sending.send_batch(ids) == {"sent": 3, "failed": 1}
    failed = Notification.objects.get(email="person2@example.org")
    assert failed.status == Notification.Status.FAILED and failed.attempts == 1
    assert "451 try later" in failed.last_error
    assert failed.next_attempt_at > timezone.now()
    assert sending.send_due() == {}  # not due yet
    assert sending.send_due(now=failed.next_attempt_at + datetime.timedelta(seconds=1)) == {"sent": 1}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"person{n}@example.org" for n in range(4))
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT and failed.attempts == 2


def test_a_failed_row_gets_a_retry_task_of_its_own(settings, partnership):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    with transaction.atomic():
        ids = write(partnership, 3)
    DBTaskResult.objects.all().delete()
    with mock.patch.object(EmailBackend, "send_messages", side_effect=OSError("down")):
        sending.send_batch(ids)
    retries = DBTaskResult.objects.all()
    assert sorted(task.args_kwargs["args"][0] for task in retries) == sorted(ids)
    assert all(task.task_path.endswith(".send_notification_task") for task in retries)
    assert all(task.run_after > timezone.now() for task in retries)


def test_people_who_switched_the_kind_off_are_skipped_in_a_batch(partnership):
    ids = write(partnership, 3)
    services.set_preference("reminder", False, user_id=None, email="Person1@example.org")
    assert sending.send_batch(ids) == {"sent": 2, "skipped": 1}
    assert sorted(message.to[0] for message in mail.outbox) == ["person0@example.org", "person2@example.org"]
    assert Notification.objects.get(email="person1@example.org").status == Notification.Status.SKIPPED


def test_a_batch_queries_the_same_however_many_rows(partnership):
    ids = write(partnership, 14)
    counts = []
    for batch in (ids[:2], ids[2:]):
        with CaptureQueriesContext(connection) as queries:
            assert sending.send_batch(batch) == {"sent": len(batch)}
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 6


def test_writing_a_meetings_reminder_queries_the_same_however_many_people(partnership):
    counts = []
    for first, people in ((0, 3), (3, 40)):
        meeting = soon(partnership)
        registered(meeting, people, first=first)
        with CaptureQueriesContext(connection) as queries:
            assert meeting_messages.send_reminders_for(meeting) == people
        counts.append(len(queries))
        # Run again (the command runs hourly): nothing rendered or written, and no more queries.
        with CaptureQueriesContext(connection) as queries:
            meeting_messages.send_reminders_for(meeting)
        assert len(queries) <= counts[-1]
    assert counts[0] == counts[1] <= 12
    assert Notification.objects.filter(kind="reminder").count() == 43


def test_a_row_written_meanwhile_by_another_run_is_kept_once(partnership):
    recipient = services.Recipient(email="mina@example.org", name="Mina")
    with transaction.atomic(), services.sends_in_batches():
        for n, email in enumerate(["mina@example.org", "noor@example.org"]):
            services.notify(
                "reminder",
                services.Recipient(email=email, name=f"Person {n}"),
                key="race:1",
                subject="Hello",
                template="meetings/email/paper_added",
                context={"paper": {"title": "A paper", "is_public": True}, "meeting": {"title": "M"}},
                partnership=partnership,
            )
        # Another run writes Mina's row (outside the gathering) before this block ends.
        Notification.objects.create(key="race:1:mina@example.org", kind="reminder", email=recipient.email)
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        "race:1:mina@example.org",
        "race:1:noor@example.org",
    ]


def test_nothing_is_written_when_the_block_fails(partnership):
    with pytest.raises(RuntimeError), transaction.atomic(), services.sends_in_batches():
        services.notify(
            "reminder",
            services.Recipient(email="late@example.org"),
            key="fails:1",
            subject="Hello",
            template="meetings/email/paper_added",
            context={"paper": {"title": "A paper", "is_public": True}, "meeting": {"title": "M"}},
        )
        raise RuntimeError
    assert not Notification.objects.exists()


class SlowBackend(EmailBackend):
    def send_messages(self, messages):
        time.sleep(0.05)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("database_put_back")
def test_two_runs_of_a_batch_at_once_send_each_row_once(settings, partnership):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite's workers run one at a time)")
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    settings.TASKS = DATABASE_TASKS  # written and queued, not sent by the test's immediate backend
    ids = write(partnership, 6)
    assert mail.outbox == []
    start = threading.Barrier(2)
    results = []

    def run():
        from django.db import connections

        try:
            start.wait()
            results.append(sending.send_batch(ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(message.to[0] for message in mail.outbox) == sorted(f"person{n}@example.org" for n in range(6))
    assert sum(result.get("sent", 0) for result in results) == 6
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}
