"""/my/notifications/ and the one-click unsubscribe (RFC 8058) in every message a person may switch off."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.notifications.models import NotificationPreference
from engagement.notifications.services import wants
from engagement.notifications.tokens import make_token
from meetings import services
from meetings.models import Attendance
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

PAGE = "/my/notifications/"


def test_the_page_lists_each_kind_and_must_get_kinds_as_always_on(client, member):
    client.force_login(member)
    response = client.get(PAGE)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Meeting reminder" in text and "Claim decisions" in text and "You always get these." in text
    assert "Daily digest (staff)" not in text  # staff kinds only for the office
    assert "member@example.org" in text


def test_staff_see_the_staff_kinds(client, staff_user):
    client.force_login(staff_user)
    assert "Daily digest (staff)" in client.get(PAGE).content.decode()


def test_switching_a_kind_off_is_saved_with_a_message(client, member):
    client.force_login(member)
    keep = ["registered", "meeting_changed", "agenda_published", "we_did", "topic_changed"]  # all but the reminder
    response = client.post(PAGE, {"kind": keep}, follow=True)
    assert "Your email choices are saved." in response.content.decode()
    assert not wants("reminder", user_id=member.pk, email="")
    assert wants("registered", user_id=member.pk, email="")
    # The same form again changes nothing more.
    response = client.post(PAGE, {"kind": keep}, follow=True)
    assert "nothing changed" in response.content.decode()
    assert NotificationPreference.objects.filter(user=member).count() == 1
    # Must-get kinds cannot be switched off by leaving them out or forging them in.
    client.post(PAGE, {"kind": ["claim_decision", "\x00", "x" * 5000]})
    assert wants("claim_decision", user_id=member.pk, email="")


def test_the_page_needs_a_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_page_query_count_is_flat(client, member, django_assert_max_num_queries):
    client.force_login(member)
    with django_assert_max_num_queries(12):
        client.get(PAGE)
    for kind in ("reminder", "registered", "we_did"):
        NotificationPreference.objects.create(user=member, kind=kind, enabled=False)
    with django_assert_max_num_queries(12):
        client.get(PAGE)


def test_one_click_unsubscribe_switches_the_kind_off_without_a_sign_in(
    client, member, partnership, mailoutbox, committed
):
    meeting = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=9))
    with committed():
        services.register(meeting, member.participant, status=Attendance.Status.REGISTERED)
    header = mailoutbox[0].extra_headers["List-Unsubscribe"]
    url = header.strip("<>").removeprefix("https://portal.example.org")
    # GET only asks (link scanners open links); POST as a mail client does it (RFC 8058), no CSRF token.
    confirm = client.get(url)
    assert confirm.status_code == 200 and "Stop these emails" in confirm.content.decode()
    assert wants("registered", user_id=member.pk, email="")
    client.handler.enforce_csrf_checks = True
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "you will no longer get" in response.content.decode()
    assert not wants("registered", user_id=member.pk, email="")
    # Honoured: the next confirmation is skipped.
    later = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=12))
    with committed():
        services.register(later, member.participant, status=Attendance.Status.REGISTERED)
    assert len(mailoutbox) == 1


def test_someone_without_an_account_can_unsubscribe_by_address(client):
    token = make_token("we_did", user_id=None, email="phone@example.org")
    assert client.post(reverse("notification_unsubscribe", args=[token])).status_code == 200
    assert not wants("we_did", user_id=None, email="PHONE@example.org")


@pytest.mark.parametrize(
    "token",
    ["nonsense", "a" * 3000, "\x00", "eyJrIjoicmVtaW5kZXIifQ:1abc:bad", "%00%ff", "١٢٣"],
)
def test_a_bad_token_is_a_400_page(client, token):
    response = client.post(f"/my/notifications/unsubscribe/{token}/")
    assert response.status_code in (400, 404)
    assert client.get(f"/my/notifications/unsubscribe/{token}/").status_code in (400, 404)


def test_a_token_for_a_must_get_kind_or_a_gone_user_is_refused(client):
    for token in (
        make_token("claim_decision", user_id=None, email="a@example.org"),
        make_token("reminder", user_id=987654, email=""),
        make_token("no_such_kind", user_id=None, email="a@example.org"),
    ):
        assert client.post(reverse("notification_unsubscribe", args=[token])).status_code == 400
