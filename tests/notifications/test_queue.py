"""The queue itself: the database backend run by ``db_worker --batch``, and RQ on the machine's Redis."""

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from engagement.notifications.models import Notification
from meetings import services
from meetings.models import Attendance
from tests.factories import make_meeting

# These tests commit: the module puts the database back for the tests after it.
pytestmark = pytest.mark.usefixtures("database_put_back")

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # puts back the rows migrations seed
def test_registering_only_enqueues_and_db_worker_batch_sends(settings, member, partnership, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = DATABASE_TASKS
    meeting = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=9), title="Queued forum")
    services.register(meeting, member.participant, status=Attendance.Status.REGISTERED)
    # The request wrote the message and a task; nothing has been sent.
    assert mailoutbox == []
    assert Notification.objects.get().status == Notification.Status.QUEUED
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    assert [message.subject for message in mailoutbox] == [f"You are registered: Queued forum, {_when(meeting)}"]
    assert Notification.objects.get().status == Notification.Status.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # Running the worker again finds nothing to do and sends nothing more.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    assert len(mailoutbox) == 1


def _when(meeting):
    from meetings.notifications import when

    return when(meeting)


def _redis():
    import redis

    client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError:
        pytest.skip("No Redis on 127.0.0.1:6379")
    return client


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # puts back the rows migrations seed
def test_the_rq_backend_sends_through_redis(settings, member, partnership, mailoutbox):
    client = _redis()
    queue_name = f"portal-test-{uuid.uuid4().hex[:8]}"
    settings.RQ_QUEUES = {
        queue_name: {"URL": "redis://127.0.0.1:6379/15"},
        "default": {"URL": "redis://127.0.0.1:6379/15"},
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [queue_name]}}
    import django_rq.settings
    from django_tasks_rq import Job
    from rq import SimpleWorker

    from engagement.notifications.tasks import send_notification_task

    queues_before = django_rq.settings.QUEUES
    django_rq.settings.QUEUES = settings.RQ_QUEUES  # django-rq reads its queues once, at import
    original = send_notification_task.queue_name
    object.__setattr__(send_notification_task, "queue_name", queue_name)
    try:
        meeting = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=9), title="Redis forum")
        services.register(meeting, member.participant, status=Attendance.Status.REGISTERED)
        assert mailoutbox == []
        queue = django_rq.get_queue(queue_name, job_class=Job)
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection, job_class=Job).work(burst=True)
        assert len(mailoutbox) == 1 and mailoutbox[0].subject.startswith("You are registered: Redis forum")
        assert Notification.objects.get().status == Notification.Status.SENT
    finally:
        object.__setattr__(send_notification_task, "queue_name", original)
        django_rq.settings.QUEUES = queues_before
        for key in client.scan_iter(f"*{queue_name}*"):
            client.delete(key)
