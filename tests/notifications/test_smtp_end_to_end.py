"""End to end through a real SMTP server on localhost (aiosmtpd), which refuses the first try: the retry is proven."""

import datetime
import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from engagement.notifications import services as outbox
from engagement.notifications.models import Notification
from meetings import services
from meetings.models import Attendance, Meeting
from tests.factories import make_meeting


class RefusesFirst:
    """An SMTP handler that answers 451 (try again later) to the first message, then keeps each one."""

    def __init__(self, refusals=1):
        self.refusals = refusals
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    handler = RefusesFirst()
    with socket.socket() as probe:  # a free port (aiosmtpd checks its own port once started, so 0 will not do)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_TIMEOUT = 5
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_a_message_refused_once_is_retried_and_arrives_whole(smtp_server, member, partnership, committed):
    partnership.contact_email = "hello@lewisham.example.org"
    partnership.save()
    meeting = make_meeting(
        partnership,
        start=timezone.now() + datetime.timedelta(days=9),
        title="SMTP forum",
        venue="Catford Library",
        format=Meeting.Format.HYBRID,
        online_link="https://meet.example.org/smtp",
    )
    with committed():
        services.register(meeting, member.participant, status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)
    notification = Notification.objects.get()
    assert notification.status == Notification.Status.FAILED
    assert "451" in notification.last_error and notification.attempts == 1
    assert smtp_server.received == []

    outbox.send_due(now=notification.next_attempt_at + datetime.timedelta(seconds=1))

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT and notification.attempts == 2
    (envelope,) = smtp_server.received
    assert envelope.rcpt_tos == ["mina@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["From"] == "Lewisham People's Partnership <noreply@localhost>"
    assert message["To"] == "mina@example.org"
    assert message["Reply-To"] == "hello@lewisham.example.org"
    assert message["Subject"].startswith("You are registered: SMTP forum")
    assert message["List-Unsubscribe"].strip().startswith("<https://portal.example.org/my/notifications/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Catford Library" in text and "https://meet.example.org/smtp" in text
    assert "Catford Library" in html and "<img" not in html
    (calendar,) = [part for part in message.iter_attachments() if part.get_filename() == "meeting.ics"]
    assert calendar.get_content_type() == "text/calendar"
    assert "SUMMARY:SMTP forum" in calendar.get_content()
    # Sent once: another sweep and the task again send nothing more.
    outbox.send_due(now=timezone.now() + datetime.timedelta(days=1))
    outbox.send_notification(notification.pk)
    assert len(smtp_server.received) == 1
