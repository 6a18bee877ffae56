"""The real queue: the database backend run by `db_worker --batch`, and RQ on Redis run by a burst worker.

Every other test runs tasks at once (the immediate backend, tests/conftest.py);
these put a message through a queue and a worker, as production does.
"""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from notifications.models import Kind, Notification
from notifications.outbox import Message, queue

REDIS_URL = "redis://127.0.0.1:6379/7"  # this test's own database: flushed, never shared


def message(partnership):
    return Message(
        kind=Kind.REMINDER,
        key="queue-test",
        to_email="pat@example.org",
        partnership=partnership,
        subject="Through the queue",
        template="meetings/email/paper_added",
        reason="a test",
        context={"meeting": {"title": "Spring meeting"}, "when": "Tuesday", "paper": {"title": "Budget"}},
    )


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_database_queue_holds_the_message_until_db_worker_runs(lewisham, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    queue(message(lewisham))
    assert mailoutbox == []  # the request only enqueued
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.fixture
def redis_queue():
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS_URL} (.ci/run starts it)")
    connection.flushdb()
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        RQ_QUEUES={"default": {"URL": REDIS_URL}},
    ):
        yield connection
    connection.flushdb()


@pytest.mark.django_db(transaction=True)
def test_the_rq_queue_holds_the_message_until_a_burst_worker_runs(redis_queue, lewisham, mailoutbox):
    queue(message(lewisham))
    assert mailoutbox == []
    assert redis_queue.llen("rq:queue:default") == 1
    # SimpleWorker runs jobs in this process, so the test database and the outbox are the ones we read.
    call_command(
        "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job", "--worker-class", "rq.SimpleWorker"
    )
    assert len(mailoutbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT
    assert redis_queue.llen("rq:queue:default") == 0
