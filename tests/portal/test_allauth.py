"""Accounts through django-allauth: signing up, confirming and changing an address, resetting a password.

Every message goes to the notifications outbox (``Notification``), never straight to SMTP; signing
in stays /accounts/login/ (axes throttles it), and an account gives no role in any partnership.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser, User
from django.core import mail
from django.urls import reverse

from engagement.account_adapter import AccountAdapter
from engagement.models import Membership
from engagement.notifications.models import Notification
from tests.factories import PASSWORD, page_text

NEW_PASSWORD = "Correct-Horse-Battery-42"
SIGN_UP = {
    "username": "newcomer",
    "email": "newcomer@example.org",
    "password1": NEW_PASSWORD,
    "password2": NEW_PASSWORD,
}


def outbox(**filters):
    return list(Notification.objects.filter(**filters).order_by("pk"))


def link_in(message, path_start):
    """The path of the first link in an outbox message that starts with ``path_start`` (links start at SITE_URL)."""
    match = re.search(rf"https://portal\.example\.org({re.escape(path_start)}[^\s]*)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def sign_up(client, **changes):
    return client.post(reverse("account_signup"), {**SIGN_UP, **changes})


def confirm(client, message):
    """Open the confirmation link of ``message`` and press "Confirm"; returns the final response."""
    link = link_in(message, "/accounts/confirm-email/")
    page = client.get(link)
    assert page.status_code == 200
    assert "Confirm my address" in page_text(page)
    return client.post(link, follow=True)


def test_sign_up_confirm_then_sign_in(client, db):
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session  # not signed in until the address is confirmed
    assert "Confirm your email address" in page_text(client.get(response["Location"]))

    [message] = outbox()
    assert (message.kind, message.email, message.subject) == (
        "account",
        "newcomer@example.org",
        "Confirm your email address",
    )
    assert message.recipient == User.objects.get(username="newcomer")
    assert "Ask to join" in message.body_text and "Dear newcomer," in message.body_text
    assert 'href="https://portal.example.org/accounts/confirm-email/' in message.body_html

    confirmed = confirm(client, message)
    assert confirmed.redirect_chain[-1][0] == reverse("login")
    assert "You have confirmed newcomer@example.org" in page_text(confirmed)
    assert "Ask to join" in page_text(confirmed)
    assert EmailAddress.objects.get(email="newcomer@example.org").verified

    signed_in = client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD}, follow=True)
    assert signed_in.redirect_chain == [(reverse("home"), 302)]
    assert "Signed in as newcomer." in page_text(signed_in)


def test_the_confirmation_is_sent_through_the_queue(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client)
    [sent] = mail.outbox
    assert sent.to == ["newcomer@example.org"] and sent.subject == "Confirm your email address"
    assert outbox()[0].status == Notification.Status.SENT


def test_an_unconfirmed_account_cannot_sign_in_and_is_told_to_confirm(client, db):
    sign_up(client)
    response = client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Please confirm your email address before you sign in" in page_text(response)
    assert SESSION_KEY not in client.session
    assert len(outbox()) == 1  # the link was sent moments ago: allauth waits before sending it again


def test_sign_up_gives_no_role_anywhere(client, partnership):
    sign_up(client)
    confirm(client, outbox()[0])
    user = User.objects.get(username="newcomer")
    assert not Membership.objects.filter(user=user).exists()
    assert not user.groups.exists() and not user.is_staff and not user.is_superuser
    assert user.get_all_permissions() == set()


def test_a_signed_up_person_can_ask_to_join(client, partnership):
    sign_up(client)
    confirm(client, outbox()[0])
    client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD})
    response = client.get(reverse("join", args=[partnership.slug]))
    assert response.status_code == 200


def test_an_address_already_used_is_refused_beside_the_field(client, member):
    for email in ("member@example.org", "MEMBER@example.org"):
        response = sign_up(client, email=email)
        assert response.status_code == 200
        errors = response.context["form"].errors["email"]
        assert errors == ["A user is already registered with this email address."]
        assert "A user is already registered with this email address." in page_text(response)
    assert not User.objects.filter(username="newcomer").exists()
    assert outbox() == []


def test_a_username_already_used_is_refused(client, member):
    response = sign_up(client, username="member")
    assert response.status_code == 200
    assert response.context["form"].errors["username"]


def test_passwords_that_differ_or_are_weak_are_refused(client, db):
    assert sign_up(client, password2="something-else-99").context["form"].errors
    assert sign_up(client, password1="12345678", password2="12345678").context["form"].errors["password1"]
    assert not User.objects.filter(username="newcomer").exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("username", "new\x00comer"),
        ("email", "new\x00comer@example.org"),
        ("password1", "Correct\x00Horse"),
        ("username", "x" * 100_000),
        ("email", "x" * 100_000 + "@example.org"),
        ("password1", "x" * 100_000),
    ],
)
def test_nul_bytes_and_huge_values_are_form_errors_not_server_errors(client, db, field, value):
    changes = {field: value}
    if field == "password1":
        changes["password2"] = value
    response = sign_up(client, **changes)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not User.objects.exists()


def test_sign_in_page_offers_an_account(client, db):
    body = page_text(client.get(reverse("login")))
    assert f'href="{reverse("account_signup")}"' in body and "Create an account" in body


def test_sign_up_page_says_an_account_is_not_membership(client, db):
    response = client.get(reverse("account_signup"))
    body = page_text(response)
    assert body.count("<h1") == 1
    for name in ("username", "email", "password1", "password2"):
        assert re.search(rf'<label[^>]*for="id_{name}"', body), name
    assert "does not make you a member" in body


def test_a_signed_in_person_is_not_offered_sign_up(client, member):
    client.force_login(member)
    assert client.get(reverse("account_signup")).status_code == 302


# --- Changing the address ------------------------------------------------------------------------


@pytest.fixture
def confirmed(client, db):
    """A person who signed up and confirmed, signed in; the outbox emptied."""
    sign_up(client)
    confirm(client, outbox()[0])
    client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD})
    Notification.objects.all().delete()
    return User.objects.get(username="newcomer")


def test_a_new_address_counts_only_once_confirmed(client, confirmed):
    response = client.post(reverse("account_email"), {"action_add": "", "email": "moved@example.org"}, follow=True)
    assert response.status_code == 200
    assert "Waiting for you to confirm" in page_text(response)
    [message] = outbox()
    assert (message.kind, message.email, message.subject) == (
        "account",
        "moved@example.org",
        "Confirm your new email address",
    )
    confirmed.refresh_from_db()
    assert confirmed.email == "newcomer@example.org"  # nothing changes until the new address is confirmed

    confirm(client, message)
    confirmed.refresh_from_db()
    assert confirmed.email == "moved@example.org"
    assert list(EmailAddress.objects.filter(user=confirmed).values_list("email", "verified", "primary")) == [
        ("moved@example.org", True, True)
    ]


def test_a_new_address_used_by_another_account_is_refused(client, confirmed, member):
    response = client.post(reverse("account_email"), {"action_add": "", "email": "member@example.org"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert outbox() == []


def test_the_email_page_needs_signing_in(client, db):
    response = client.get(reverse("account_email"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("value", ["x\x00@example.org", "x" * 100_000, "not an address"])
def test_a_bad_new_address_is_a_form_error(client, confirmed, value):
    response = client.post(reverse("account_email"), {"action_add": "", "email": value})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


# --- Password reset through the outbox -----------------------------------------------------------


def test_each_reset_request_is_a_message_and_the_same_event_is_one(client, member, rf):
    for _ in range(2):
        assert client.post(reverse("account_reset_password"), {"email": "member@example.org"}).status_code == 302
    first, second = outbox()
    assert first.kind == second.kind == "password_reset"
    assert first.key != second.key
    assert first.subject == "Reset your password"
    assert link_in(first, "/accounts/password/reset/key/")

    # The same event handled again (the same request, template, token) writes nothing more.
    mail_context = {"user": member, "uid": "1", "key": "token", "password_reset_url": "https://portal.example.org/x/"}
    request = rf.post("/accounts/password/reset/")
    request.user = AnonymousUser()
    with allauth_context.request_context(request):
        for _ in range(2):
            AccountAdapter().send_mail("account/email/password_reset_key", "member@example.org", mail_context)
    assert len(outbox()) == 3


@pytest.mark.parametrize("value", ["a" * 300 + "@example.org", "member@example.org\x00", "not an address"])
def test_a_bad_reset_address_is_refused_beside_the_field(client, member, value):
    response = client.post(reverse("account_reset_password"), {"email": value})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert outbox() == []


def test_the_reset_key_in_the_outbox_is_no_working_token(client, member):
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    [message] = outbox()
    token = link_in(message, "/accounts/password/reset/key/").rsplit("/", 2)[-2].split("-", 1)[1]
    assert token not in message.key


def test_a_reset_from_an_emailed_link_then_signs_in(client, member):
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    form_page = client.get(link_in(outbox()[0], "/accounts/password/reset/key/"), follow=True)
    done = client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == reverse("account_reset_password_from_key_done")
    assert client.post(reverse("login"), {"username": "member", "password": NEW_PASSWORD}).status_code == 302


@pytest.mark.parametrize("name", ["password_reset", "password_reset_done"])
def test_the_old_reset_names_still_serve_the_reset_pages(client, db, name):
    assert reverse(name).startswith("/accounts/password_reset/")
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert response.templates[0].name.startswith("account/password_reset")


def test_the_old_password_change_names_still_serve(client, member):
    client.force_login(member)
    assert client.get(reverse("password_change")).status_code == 200
    assert client.get(reverse("password_change_done")).status_code == 200
    assert reverse("password_reset_confirm", args=["MQ", "set-password"]) == "/accounts/reset/MQ/set-password/"
    assert client.get(reverse("password_reset_complete")).status_code == 200


# --- Throttling and query counts -----------------------------------------------------------------


def test_axes_still_locks_a_signed_up_account_after_repeated_failures(client, confirmed, settings):
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "newcomer", "password": "guess"})
    response = client.post(reverse("login"), {"username": "newcomer", "password": NEW_PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_sign_up_pages_in_few_queries(client, db, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(reverse("account_signup")).status_code == 200
    with django_assert_max_num_queries(20):
        assert sign_up(client).status_code == 302
    with django_assert_max_num_queries(2):
        assert client.get(reverse("account_email_verification_sent")).status_code == 200
    link = link_in(outbox()[0], "/accounts/confirm-email/")
    with django_assert_max_num_queries(5):
        assert client.get(link).status_code == 200


def test_email_page_in_few_queries(client, confirmed, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        assert client.get(reverse("account_email")).status_code == 200
    with django_assert_max_num_queries(15):
        assert (
            client.post(reverse("account_email"), {"action_add": "", "email": "moved@example.org"}).status_code == 302
        )


def test_reset_pages_in_few_queries(client, member, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert client.get(reverse("account_reset_password")).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.post(reverse("account_reset_password"), {"email": "member@example.org"}).status_code == 302


def test_sign_in_still_answers_to_username_and_password(client, member):
    assert PASSWORD
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(member.pk)


def test_an_account_from_before_allauth_changes_its_address_the_same_way(client, member):
    """Accounts made by joining or by the demo have no allauth rows: the page shows their address as it is."""
    client.force_login(member)
    page = page_text(client.get(reverse("account_email")))
    assert "member@example.org" in page and "Changing to" not in page
    client.post(reverse("account_email"), {"action_add": "", "email": "mina@example.net"})
    assert "Changing to" in page_text(client.get(reverse("account_email")))
    [message] = outbox()
    assert message.email == "mina@example.net"
    confirm(client, message)
    member.refresh_from_db()
    assert member.email == "mina@example.net"
    client.logout()
    assert client.post(reverse("login"), {"username": "member", "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("name", ["account_change_password", "account_reauthenticate", "account_inactive"])
def test_allauths_other_pages_sit_in_the_sites_frame(client, member, name):
    client.force_login(member)
    response = client.get(reverse(name))
    assert response.status_code == 200
    body = page_text(response)
    assert '<nav class="navbar' in body and "Skip to main content" in body
    assert body.count("<h1") == 1
