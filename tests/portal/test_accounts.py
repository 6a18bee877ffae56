"""Signing in and out (Django's auth views), and choosing a new password by email (allauth's)."""

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, page_text

NEW_PASSWORD = "Correct-Horse-Battery-42"


def test_login_page_has_labelled_fields(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = page_text(response)
    assert re.search(r'<label\s+for="id_username"', body)
    assert re.search(r'<label\s+for="id_password"', body)
    assert body.count("<h1") == 1


def test_member_signs_in_and_lands_on_the_home_page(client, member):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(member.pk)


def test_sign_in_goes_back_to_the_page_asked_for(client, member):
    response = client.post(reverse("login") + "?next=/meetings/", {"username": "member", "password": PASSWORD})
    assert response["Location"] == "/meetings/"


def test_sign_in_never_redirects_to_another_site(client, member):
    response = client.post(
        reverse("login") + "?next=https://evil.example.com/", {"username": "member", "password": PASSWORD}
    )
    assert response["Location"] == reverse("home")


def test_wrong_password_says_so_and_signs_nobody_in(client, member):
    response = client.post(reverse("login"), {"username": "member", "password": "not-the-password"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in page_text(response)
    assert SESSION_KEY not in client.session


def test_repeated_failures_lock_the_account_for_a_while(client, member, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "member", "password": "guess"})
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session


def test_sign_out_is_a_post(client, member):
    client.force_login(member)
    assert client.get(reverse("logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in client.session


def outbox():
    """The messages written to the notifications outbox, oldest first (they are sent from there)."""
    from engagement.notifications.models import Notification

    return list(Notification.objects.order_by("pk"))


def reset_link(message):
    """The path of allauth's reset link in an outbox message (it starts at SITE_URL)."""
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", message.body_text)
    assert match, message.body_text
    return match.group(1)


def test_the_old_reset_addresses_serve_allauths_pages(client, member):
    assert client.get(reverse("password_reset")).context["form"].__class__.__name__ == "QuietResetPasswordForm"
    response = client.post(reverse("password_reset"), {"email": "member@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    assert [message.kind for message in outbox()] == ["password_reset"]
    assert "Check your email" in page_text(client.get(reverse("password_reset_done")))


def test_password_reset_by_email_lets_the_person_choose_a_new_password(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert [(message.kind, message.email) for message in outbox()] == [("password_reset", "member@example.org")]

    # The emailed link redirects once to a page that no longer holds the token in its address.
    form_page = client.get(reset_link(outbox()[0]), follow=True)
    assert form_page.status_code == 200
    assert not form_page.context.get("token_fail")
    assert "password1" in form_page.context["form"].fields
    response = client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")

    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    signed_in = client.post(reverse("login"), {"username": "member", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_reset_link_works_only_once(client, member):
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    link = reset_link(outbox()[0])
    form_page = client.get(link, follow=True)
    client.post(form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client.get(link, follow=True)
    assert again.context["token_fail"] is True
    assert "This link has expired or has already been used." in page_text(again)


def test_weak_new_password_is_refused_beside_the_field(client, member):
    client.post(reverse("account_reset_password"), {"email": "member@example.org"})
    form_page = client.get(reset_link(outbox()[0]), follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    member.refresh_from_db()
    assert member.check_password(PASSWORD)


def test_reset_for_an_unknown_address_sends_nothing_and_reveals_nothing(client, member):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert outbox() == [] and mail.outbox == []


def test_djangos_set_password_link_still_works(client, member):
    """The link a welcome to a partnership carries (engagement/joining_emails.py): Django's uid/token."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    uid = urlsafe_base64_encode(force_bytes(member.pk))
    link = reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(member)])
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response["Location"] == reverse("password_reset_complete")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    "name",
    ["account_reset_password", "account_reset_password_done", "password_reset_complete", "account_signup"],
)
def test_account_pages_open(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert page_text(response).count("<h1") == 1


# --- Signing in says so, once, and goes back where the person was --------------------------------


def sign_in_link(html):
    """The href of the main menu's "Sign in" link, as the browser would read it."""
    import html as html_module

    nav = re.search(r'<nav class="navbar.*?</nav>', html, re.S).group(0)
    return html_module.unescape(re.search(r'<a class="nav-link" href="([^"]+)">Sign in</a>', nav).group(1))


def test_signing_in_says_signed_in_as_once(client, member):
    member.first_name, member.last_name = "Mina", "Member"
    member.save()
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(reverse("home"), 302)]
    assert page_text(response).count("Signed in as Mina Member.") == 1
    assert "Signed in as Mina Member." not in page_text(client.get(reverse("home")))


def test_signing_in_from_a_page_comes_back_to_it_with_its_query(client, member, partnership):
    page = reverse("meeting_list") + "?partnership=lewisham&format=hybrid"
    link = sign_in_link(client.get(page).content.decode())
    assert link == reverse("login") + "?next=" + "/meetings/%3Fpartnership%3Dlewisham%26format%3Dhybrid"
    response = client.post(link, {"username": "member", "password": PASSWORD}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    assert "Signed in as member." in page_text(response)


def test_sign_in_page_keeps_its_next_and_account_pages_add_none(client, db):
    login = reverse("login")
    assert sign_in_link(client.get(login + "?next=/claims/").content.decode()) == login + "?next=/claims/"
    assert sign_in_link(client.get(login + "?next=https://evil.example.com/").content.decode()) == login
    assert sign_in_link(client.get(reverse("password_reset_complete")).content.decode()) == login
    for allauth_page in ("account_signup", "account_reset_password", "account_email_verification_sent"):
        assert sign_in_link(client.get(reverse(allauth_page)).content.decode()) == login, allauth_page
    assert sign_in_link(client.get(reverse("home")).content.decode()) == login


@pytest.mark.parametrize(
    "unsafe", ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)", "/\\evil.example.com"]
)
def test_an_unsafe_next_is_refused_and_the_person_lands_at_home(client, member, unsafe):
    response = client.post(reverse("login"), {"username": "member", "password": PASSWORD, "next": unsafe})
    assert response["Location"] == reverse("home")
    assert "Signed in as member." in page_text(client.get(response["Location"]))


def test_sign_in_page_does_not_offer_an_unsafe_next_back(client, db):
    html = client.get(reverse("login") + "?next=https://evil.example.com/").content.decode()
    assert 'name="next" value=""' in html
