"""Joining a partnership and visitors' views: each email is a must-get 'account' message from the outbox."""

import re
from unittest import mock

import pytest
from django.core import signing

from engagement import joining, joining_emails
from engagement.models import JoinRequest
from engagement.notifications.models import Notification
from engagement.notifications.services import set_preference
from meetings import visitor_views
from meetings.models import Feedback

from .conftest import html_of, to_one

pytestmark = pytest.mark.django_db

ASK = {"name": "Jo Joiner", "email": "jo@example.org", "voice": "own"}


@pytest.fixture
def partnership(partnership):
    partnership.contact_email = "hello@lewisham.example.org"
    partnership.save(update_fields=["contact_email"])
    return partnership


@pytest.fixture
def waiting(partnership):
    return JoinRequest.objects.create(partnership=partnership, **ASK, status=JoinRequest.Status.WAITING)


@pytest.fixture
def item(held_meeting):
    return held_meeting.agenda_items.get()


def later(seconds=60):
    return mock.patch("django.core.signing.time.time", return_value=signing.time.time() + seconds)


def links_in(text):
    return [link.rstrip(".,;)") for link in re.findall(r"https?://[^\s\"<>]+", text)]


def assert_an_account_message(message, *, subject, words):
    """From the partnership, replies to its contact, text and HTML alike, no unsubscribe (a must-get)."""
    assert message.subject == subject
    assert message.from_email == "Lewisham People's Partnership <noreply@localhost>"
    assert message.reply_to == ["hello@lewisham.example.org"]
    assert message.extra_headers["X-Portal-Notification"] == "account"
    assert "List-Unsubscribe" not in message.extra_headers
    html = html_of(message)
    for text in (message.body, html):
        assert "hello@lewisham.example.org" in text
        assert "Stop “" not in text and 'Stop "' not in text
        assert "<img" not in text  # readable with images off: there are none
        for word in words:
            assert word in text, word
    # The HTML links to everything the plain text does.
    assert set(links_in(message.body)) <= set(links_in(html))
    row = Notification.objects.get(subject=subject)
    assert row.kind == "account" and row.status == Notification.Status.SENT
    assert row.body_text and row.body_html and row.list_unsubscribe == ""
    return html


def test_the_confirmation_is_an_account_message_with_the_3_day_link(partnership, mailoutbox, committed):
    with committed():
        request, _ = joining.ask_to_join(partnership, **ASK)
    (message,) = to_one(mailoutbox, "jo@example.org")
    html = assert_an_account_message(
        message,
        subject="Confirm your email to join Lewisham People's Partnership",
        words=["Dear Jo Joiner", "within 3 days", "the partnership's staff will look at your request"],
    )
    link = links_in(message.body)[0]
    assert link.startswith("https://portal.example.org/join/confirm/") and f'href="{link}"' in html
    assert joining.request_for_token(link.rstrip("/").rsplit("/", 1)[1]) == request


def test_the_welcome_has_the_set_password_link_and_how_taking_part_works(
    waiting, staff_user, mailoutbox, committed, client
):
    with committed():
        joining.approve_join_request(waiting, staff_user)
    (message,) = to_one(mailoutbox, "jo@example.org")
    html = assert_an_account_message(
        message,
        subject="Welcome to Lewisham People's Partnership",
        words=[
            "You are now a member",
            "Your username is",
            "the link works once",
            "Meetings:",
            "Your views:",
            "You said, we did",
            "Payment for your time:",
            "https://portal.example.org/p/lewisham/",
            "https://portal.example.org/claims/policy/",
        ],
    )
    assert "<ul" in html and html.count("<li") == 3
    assert "Your username is jo." in message.body and "<strong>jo</strong>" in html
    set_password = links_in(message.body)[0].removeprefix("https://portal.example.org")
    assert set_password.startswith("/accounts/reset/")
    page = client.get(set_password, follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content
    assert Notification.objects.get().recipient_id == JoinRequest.objects.get().user_id  # the new account


def test_a_welcome_to_an_existing_account_says_sign_in(partnership, staff_user, mailoutbox, committed):
    from django.contrib.auth.models import User

    User.objects.create_user("jo-old", email="jo@example.org")
    request = JoinRequest.objects.create(partnership=partnership, **ASK, status=JoinRequest.Status.WAITING)
    with committed():
        joining.approve_join_request(request, staff_user)
    (message,) = to_one(mailoutbox, "jo@example.org")
    assert "Sign in with your existing account (jo-old): https://portal.example.org/accounts/login/" in message.body
    assert "/accounts/reset/" not in message.body


def test_the_decline_gives_the_reason(waiting, chair, mailoutbox, committed):
    with committed():
        joining.decline_join_request(waiting, chair, "We are full this year.\nPlease ask again in April.")
    (message,) = to_one(mailoutbox, "jo@example.org")
    html = assert_an_account_message(
        message,
        subject="Your request to join Lewisham People's Partnership",
        words=["not able to add you as a member this time", "We are full this year.", "Please ask again in April."],
    )
    assert "We are full this year.<br>Please ask again in April." in html


def test_the_visitors_confirmation_is_an_account_message(item, mailoutbox, committed):
    with committed():
        pending = visitor_views.keep_pending(item, "Val Visitor", "val@example.org", "More benches, please.")
    (message,) = to_one(mailoutbox, "val@example.org")
    assert_an_account_message(
        message,
        subject="Confirm your views on “Community space”",
        words=["Dear Val Visitor", "within 3 days", "Held meeting, 27 September 2023", "reach the chair and staff"],
    )
    assert "More benches" not in message.body  # a stranger's words are not relayed to an address not yet confirmed
    token = links_in(message.body)[0].rstrip("/").rsplit("/", 1)[1]
    assert visitor_views.pending_for_token(token) == pending


def test_account_messages_cannot_be_switched_off(partnership, mailoutbox, committed):
    assert set_preference("account", False, user_id=None, email="jo@example.org") is False
    with committed():
        joining.ask_to_join(partnership, **ASK)
    assert len(mailoutbox) == 1


# The same event twice sends once; asking again sends again.


def test_each_event_processed_twice_sends_once(waiting, staff_user, item, mailoutbox, committed):
    token = joining.confirmation_token(waiting)
    pending = Feedback.with_pending.create(
        agenda_item=item, channel=Feedback.Channel.VISITOR, text="Benches.", visitor_name="Val", visitor_email="v@x.org"
    )
    visitor_token = signing.TimestampSigner(salt=visitor_views._SALT).sign(str(pending.pk))
    from django.contrib.auth.models import User

    user = User.objects.create_user("jo", email="jo@example.org")
    waiting.decline_reason = "Not this time."
    for _ in range(2):
        with committed():
            joining_emails.send_confirmation(waiting, token)
            joining_emails.send_welcome(waiting, user, new_account=False)
            joining_emails.send_declined(waiting)
            visitor_views.send_confirmation(pending, item, visitor_token)
    keys = sorted(Notification.objects.values_list("key", flat=True))
    assert [key.split(":")[0] for key in keys] == [
        "join-confirm",
        "join-declined",
        "join-welcome",
        "visitor-confirm",
    ]
    assert len(mailoutbox) == 4


def test_approving_or_declining_twice_sends_once(partnership, staff_user, chair, mailoutbox, committed):
    approve = JoinRequest.objects.create(partnership=partnership, **ASK, status=JoinRequest.Status.WAITING)
    decline = JoinRequest.objects.create(
        partnership=partnership, name="Di", email="di@example.org", status=JoinRequest.Status.WAITING
    )
    for _ in range(2):
        with committed():
            joining.approve_join_request(approve, staff_user)
            joining.decline_join_request(decline, chair, "Not this time.")
    assert len(to_one(mailoutbox, "jo@example.org")) == 1 and len(to_one(mailoutbox, "di@example.org")) == 1
    assert Notification.objects.count() == 2


def test_asking_again_sends_a_new_confirmation(partnership, mailoutbox, committed):
    with committed():
        request, _ = joining.ask_to_join(partnership, **ASK)
    with later(), committed():
        again, created = joining.ask_to_join(partnership, **ASK)
    assert again == request and not created
    first, second = to_one(mailoutbox, "jo@example.org")
    assert links_in(first.body)[0] != links_in(second.body)[0]
    assert Notification.objects.filter(kind="account", status=Notification.Status.SENT).count() == 2
    # A new request (after the first was declined) gets its own confirmation too.
    JoinRequest.objects.filter(pk=request.pk).update(status=JoinRequest.Status.DECLINED, decline_reason="No.")
    with committed():
        new, created = joining.ask_to_join(partnership, **ASK)
    assert created and new != request
    assert len(to_one(mailoutbox, "jo@example.org")) == 3


def test_a_visitor_sending_the_same_views_again_gets_a_new_confirmation(item, mailoutbox, committed):
    with committed():
        pending = visitor_views.keep_pending(item, "Val Visitor", "val@example.org", "Benches.")
    with later(), committed():
        again = visitor_views.keep_pending(item, "Val Visitor", "val@example.org", "Benches.")
    assert again == pending
    first, second = to_one(mailoutbox, "val@example.org")
    assert links_in(first.body)[0] != links_in(second.body)[0]
    assert Notification.objects.filter(key__startswith=f"visitor-confirm:{pending.pk}:").count() == 2


def test_an_approval_rolled_back_sends_no_welcome(waiting, staff_user, mailoutbox, committed):
    from django.db import transaction

    with committed():
        with transaction.atomic():
            joining.approve_join_request(waiting, staff_user)
            transaction.set_rollback(True)
    assert mailoutbox == [] and not Notification.objects.exists()
