"""The outbox: sent once however often the task runs, failures retried with back-off, "retry now" in the back office."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engagement.notifications import services
from engagement.notifications.models import Notification
from engagement.notifications.tasks import send_notification_task

pytestmark = pytest.mark.django_db


def write(partnership, key="event:1", email="mina@example.org", kind="reminder", user_id=None):
    return services.notify(
        kind,
        services.Recipient(email=email, name="Mina", user_id=user_id),
        key=key,
        subject="Hello",
        template="meetings/email/paper_added",
        context={"paper": {"title": "A paper", "is_public": True}, "meeting": {"title": "M"}},
        partnership=partnership,
    )


def test_the_same_event_is_one_row_and_one_email(partnership, mailoutbox, committed):
    with committed():
        first = write(partnership)
        second = write(partnership)
    assert first.pk == second.pk
    assert len(mailoutbox) == 1


def test_a_task_run_twice_sends_once(partnership, mailoutbox, committed):
    with committed():
        notification = write(partnership)
    assert len(mailoutbox) == 1
    send_notification_task.call(notification.pk)
    send_notification_task.enqueue(notification.pk)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 1


def test_a_failed_send_is_recorded_and_retried_after_the_back_off(partnership, mailoutbox, committed):
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("451 try later")
    ):
        with committed():
            notification = write(partnership)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1 and "451 try later" in notification.last_error
    assert notification.next_attempt_at > timezone.now()
    # Not due yet: the sweep leaves it.
    assert services.send_due() == {}
    later = notification.next_attempt_at + datetime.timedelta(seconds=1)
    assert services.send_due(now=later) == {"sent": 1}
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 2
    assert len(mailoutbox) == 1


def test_after_the_last_try_it_stays_failed(partnership, committed):
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("down")):
        with committed():
            notification = write(partnership)
        now = timezone.now()
        for _ in range(services.MAX_ATTEMPTS):
            now += datetime.timedelta(days=1)
            services.send_due(now=now)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == services.MAX_ATTEMPTS
    assert notification.next_attempt_at is None


def test_a_kind_switched_off_after_writing_is_skipped_when_sending(partnership, member, mailoutbox):
    notification = write(partnership, user_id=member.pk)  # outside commit capture: written, not yet sent
    services.set_preference("reminder", False, user_id=member.pk)
    assert services.send_notification(notification.pk) == Notification.Status.SKIPPED
    assert mailoutbox == []


def test_the_outbox_lists_and_retries_for_the_partnerships_office(
    client, partnership, staff_user, elsewhere_users, committed
):
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages", side_effect=OSError("refused")):
        with committed():
            notification = write(partnership)
    client.force_login(staff_user)
    changelist = reverse("admin:notifications_notification_changelist")
    response = client.get(changelist, {"status__exact": "failed"})
    assert response.status_code == 200
    assert "mina@example.org" in response.content.decode() and "Failed" in response.content.decode()
    assert "OSError: refused" in response.content.decode()  # why it failed, in the list
    with committed():
        response = client.post(changelist, {"action": "retry_now", "_selected_action": [notification.pk]}, follow=True)
    assert "1 message(s) put back on the queue." in response.content.decode()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1
    # Another partnership's chair sees none of it.
    client.force_login(elsewhere_users["elsewhere_chair"])
    response = client.get(changelist)
    assert response.status_code == 200 and "mina@example.org" not in response.content.decode()


def test_the_outbox_is_read_only(client, partnership, staff_user, committed):
    with committed():
        notification = write(partnership)
    client.force_login(staff_user)
    response = client.get(reverse("admin:notifications_notification_change", args=[notification.pk]))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert client.get(reverse("admin:notifications_notification_add")).status_code == 403


def test_the_outbox_list_query_count_stays_flat(client, partnership, staff_user, django_assert_max_num_queries):
    client.force_login(staff_user)
    for n in range(3):
        write(partnership, key=f"flat:{n}")
    with django_assert_max_num_queries(15):
        client.get(reverse("admin:notifications_notification_changelist"))
    for n in range(3, 30):
        write(partnership, key=f"flat:{n}")
    with django_assert_max_num_queries(15):
        client.get(reverse("admin:notifications_notification_changelist"))


def test_gov_uk_notify_gets_the_plain_text_without_the_attachment(settings, partnership, member, committed):
    from meetings import services as meeting_services
    from meetings.models import Attendance
    from tests.factories import make_meeting

    settings.EMAIL_BACKEND = "django_gov_notify.backends.NotifyEmailBackend"
    settings.GOVUK_NOTIFY_API_KEY = "test-key"
    settings.GOVUK_NOTIFY_PLAIN_EMAIL_TEMPLATE_ID = "8bb2ba8a-8f2b-4c87-8e8d-0c5ab2a5d0e1"
    meeting = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=9), title="Notify forum")
    with mock.patch("django_gov_notify.backends.NotificationsAPIClient") as client_class:
        with committed():
            meeting_services.register(meeting, member.participant, status=Attendance.Status.REGISTERED)
    (call,) = client_class.return_value.send_email_notification.call_args_list
    assert call.kwargs["email_address"] == "mina@example.org"
    assert call.kwargs["template_id"] == "8bb2ba8a-8f2b-4c87-8e8d-0c5ab2a5d0e1"
    assert call.kwargs["personalisation"]["subject"].startswith("You are registered: Notify forum")
    assert 'Stop "Registration confirmed" emails' in call.kwargs["personalisation"]["body"]
    assert Notification.objects.get().status == Notification.Status.SENT


def test_send_due_notifications_sends_what_is_due(partnership, mailoutbox):
    import io

    from django.core.management import call_command

    notification = write(partnership)  # not committed in this test: its task never ran
    Notification.objects.filter(pk=notification.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    call_command("send_due_notifications", stdout=out)
    assert "1 sent" in out.getvalue()
    assert len(mailoutbox) == 1
    call_command("send_due_notifications", stdout=out)
    assert len(mailoutbox) == 1
