"""Asking to join a partnership: the request, the emailed link, staff's decision, the welcome."""

import re
from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from engagement import joining
from engagement.models import JoinRequest, Membership, Participant
from engagement.roles import MEMBER

pytestmark = pytest.mark.django_db

ASK = {
    "name": "Jo Joiner",
    "email": "jo@example.org",
    "voice": "organisation",
    "organisation_name": "Deptford Tenants",
    "ways": ["online", "phone"],
    "access_needs": "Large print, please.",
}


def link_in(mail):
    return re.search(r"https?://\S+", mail.body).group(0).removeprefix(settings.SITE_URL)


def committed():
    """Run what the block leaves for after commit: the outbox's sends (the immediate task backend in tests)."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def ask(client, partnership, **changes):
    with committed():
        return client.post(reverse("join", args=[partnership.slug]), {**ASK, **changes})


def later(seconds=60):
    """The clock moved on: a link signed now differs from one signed before."""
    return mock.patch("django.core.signing.time.time", return_value=signing.time.time() + seconds)


def waiting_request(partnership, **fields):
    return JoinRequest.objects.create(
        partnership=partnership, **{**ASK, "status": JoinRequest.Status.WAITING, **fields}
    )


def test_a_visitor_asks_to_join_and_is_sent_a_link_to_confirm(client, partnership, mailoutbox):
    response = ask(client, partnership)
    assert response.status_code == 302
    request = JoinRequest.objects.get()
    assert request.status == JoinRequest.Status.UNCONFIRMED
    assert request.ways == ["online", "phone"] and request.organisation_name == "Deptford Tenants"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["jo@example.org"]
    page = client.get(link_in(mailoutbox[0]))
    assert page.status_code == 200 and b"email is confirmed" in page.content
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WAITING and request.email_confirmed_at is not None


def test_the_form_is_labelled_and_says_what_happens(client, partnership):
    page = client.get(reverse("join", args=[partnership.slug]))
    text = page.content.decode()
    for label in ("Your name", "Your email address", "How you like to take part", "Access needs (optional)"):
        assert label in text
    assert "In person" in text and "By post" in text


def test_an_organisation_must_be_named_and_bad_input_changes_nothing(client, partnership):
    response = ask(client, partnership, organisation_name="")
    assert response.status_code == 200
    assert "Name the organisation or community" in response.content.decode()
    response = ask(client, partnership, email="not an email", ways=["teleport"], name="x\x00y")
    assert response.status_code == 200
    assert not JoinRequest.objects.exists()


def test_asking_twice_keeps_one_request(client, partnership, mailoutbox):
    ask(client, partnership)
    with later():
        ask(client, partnership, email="JO@example.org")
    assert JoinRequest.objects.count() == 1
    assert len(mailoutbox) == 2  # the link is sent again, a new one
    assert link_in(mailoutbox[0]) != link_in(mailoutbox[1])


def test_a_member_is_told_they_are_in(client, partnership, member):
    client.force_login(member)
    page = client.get(reverse("join", args=[partnership.slug]))
    assert b"already a member" in page.content
    ask(client, partnership)
    assert not JoinRequest.objects.exists()


def test_a_broken_or_expired_link_is_a_clear_400(client, partnership, mailoutbox):
    assert client.get(reverse("join_confirm", args=["rubbish"])).status_code == 400
    assert client.get(reverse("join_confirm", args=["12:abc:def"])).status_code == 400
    ask(client, partnership)
    token = joining.confirmation_token(JoinRequest.objects.get())
    with mock.patch("django.core.signing.time.time", return_value=signing.time.time() + 4 * 86400):
        response = client.get(reverse("join_confirm", args=[token]))
    assert response.status_code == 400 and b"has expired" in response.content
    assert JoinRequest.objects.get().status == JoinRequest.Status.UNCONFIRMED


def test_staff_approve_a_request_which_makes_a_member_with_a_welcome(client, partnership, staff_user, mailoutbox):
    request = waiting_request(partnership)
    client.force_login(staff_user)
    with committed():
        response = client.post(
            reverse("join_requests", args=[partnership.slug]), {"request": request.pk, "decision": "approve"}
        )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED and request.decided_by == staff_user
    user = request.user
    assert Membership.objects.filter(user=user, partnership=partnership, role=MEMBER).exists()
    participant = Participant.objects.get(user=user)
    assert participant.voice == Participant.Voice.ORGANISATION and participant.community == "Deptford Tenants"
    assert not user.has_usable_password()
    welcome = mailoutbox[-1]
    assert "payment" in welcome.body.lower() and "views" in welcome.body and "Meetings" in welcome.body
    # The set-your-password link works.
    page = client.get(link_in(welcome), follow=True)
    assert page.status_code == 200 and b"new_password1" in page.content


def test_approving_twice_has_one_effect_and_links_an_existing_account(partnership, staff_user, mailoutbox):
    existing = User.objects.create_user("jo", email="jo@example.org")
    request = waiting_request(partnership, voice="own", organisation_name="")
    with committed():
        joining.approve_join_request(request, staff_user)
    with committed():
        joining.approve_join_request(request, staff_user)
    assert User.objects.filter(email__iexact="jo@example.org").count() == 1
    assert Membership.objects.filter(user=existing, partnership=partnership).count() == 1
    assert len(mailoutbox) == 1


def test_declining_needs_kind_words_and_sends_them(client, partnership, chair, mailoutbox):
    request = waiting_request(partnership)
    client.force_login(chair)
    url = reverse("join_requests", args=[partnership.slug])
    client.post(url, {"request": request.pk, "decision": "decline", "decline_reason": "  "})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WAITING
    with committed():
        client.post(url, {"request": request.pk, "decision": "decline", "decline_reason": "We are full this year."})
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.DECLINED
    assert "We are full this year." in mailoutbox[-1].body
    with pytest.raises(ValidationError):
        joining.decline_join_request(waiting_request(partnership, email="x@example.org"), chair, "")


def test_only_the_partnerships_office_decides(partnership, member, elsewhere_users):
    request = waiting_request(partnership)
    for person in (member, elsewhere_users["elsewhere_chair"]):
        with pytest.raises(PermissionDenied):
            joining.approve_join_request(request, person)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.WAITING


def test_an_unconfirmed_request_cannot_be_approved(partnership, staff_user):
    request = waiting_request(partnership, status=JoinRequest.Status.UNCONFIRMED)
    with pytest.raises(ValidationError):
        joining.approve_join_request(request, staff_user)


def test_the_requests_page_lists_waiting_requests_with_a_flat_query_count(
    client, partnership, staff_user, django_assert_max_num_queries
):
    client.force_login(staff_user)
    url = reverse("join_requests", args=[partnership.slug])
    assert b"No one is waiting" in client.get(url).content
    for n in range(3):
        waiting_request(partnership, email=f"p{n}@example.org", name=f"Person {n}")
    with django_assert_max_num_queries(12):
        first = client.get(url)
    for n in range(3, 30):
        waiting_request(partnership, email=f"p{n}@example.org", name=f"Person {n}")
    with django_assert_max_num_queries(12):
        client.get(url)
    assert b"Person 0" in first.content
    assert b"Page 1 of 2" in client.get(url).content


def test_the_partnership_page_links_joining_for_visitors_only(client, partnership, member, staff_user):
    join = reverse("join", args=[partnership.slug])
    assert join in client.get(partnership.get_absolute_url()).content.decode()
    client.force_login(member)
    assert join not in client.get(partnership.get_absolute_url()).content.decode()
    client.force_login(staff_user)
    assert (
        reverse("join_requests", args=[partnership.slug]) in client.get(partnership.get_absolute_url()).content.decode()
    )


def test_the_back_office_approves_and_declines_with_kind_words(client, partnership, chair, mailoutbox):
    approve, decline = waiting_request(partnership), waiting_request(partnership, email="d@example.org")
    client.force_login(chair)
    changelist = reverse("admin:engagement_joinrequest_changelist")
    client.post(changelist, {"action": "approve", "_selected_action": [approve.pk], "index": 0})
    approve.refresh_from_db()
    assert approve.status == JoinRequest.Status.APPROVED
    page = client.post(changelist, {"action": "decline", "_selected_action": [decline.pk], "index": 0})
    assert b"Kind words" in page.content
    client.post(
        changelist, {"action": "decline", "_selected_action": [decline.pk], "post": "yes", "decline_reason": ""}
    )
    decline.refresh_from_db()
    assert decline.status == JoinRequest.Status.WAITING
    client.post(
        changelist,
        {"action": "decline", "_selected_action": [decline.pk], "post": "yes", "decline_reason": "Not this time."},
    )
    decline.refresh_from_db()
    assert decline.status == JoinRequest.Status.DECLINED and decline.decline_reason == "Not this time."


def test_a_decided_request_posted_again_changes_nothing(client, partnership, staff_user):
    request = waiting_request(partnership)
    client.force_login(staff_user)
    url = reverse("join_requests", args=[partnership.slug])
    client.post(url, {"request": request.pk, "decision": "approve"})
    response = client.post(url, {"request": request.pk, "decision": "decline", "decline_reason": "No."}, follow=True)
    request.refresh_from_db()
    assert request.status == JoinRequest.Status.APPROVED
    assert b"already been decided" in response.content
    assert client.post(url, {"request": "\x00", "decision": "zzz"}).status_code == 302


def test_asking_is_limited_per_email_and_per_address(client, partnership, mailoutbox):
    for n in range(3):
        assert ask(client, partnership, name=f"Jo {n}").status_code == 302
    response = ask(client, partnership)
    assert response.status_code == 429 and "try again in an hour" in response.content.decode()
    # The address has asked five times now (the refused one counts too): the next is refused whatever the email.
    assert ask(client, partnership, email="other@example.org").status_code == 302
    assert ask(client, partnership, email="last@example.org").status_code == 429
    assert JoinRequest.objects.count() == 2  # Jo's three asks are one request


def test_the_join_page_has_a_flat_query_count(client, partnership, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        assert client.get(reverse("join", args=[partnership.slug])).status_code == 200


def test_the_home_directory_and_the_nav_offer_visitors_a_way_to_join(client, partnership):
    page = client.get(reverse("home")).content.decode()
    assert reverse("join", args=[partnership.slug]) in page
    assert f'href="{reverse("home")}#partnerships">Join</a>' in page
