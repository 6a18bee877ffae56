"""The emails of joining a partnership: confirm your address, welcome, and a kind no.

Each goes through the outbox (``notifications.notify``) as a must-get ``account``
message from the partnership, in plain text and HTML. Keys name the event and
so make a repeat of it send nothing: the welcome and the decline are one each
per request; a confirmation is one per link, so a request sent again (a new
link, signed at a new moment) is a new email, while the same link is sent once.
"""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .notifications import kinds
from .notifications.services import Recipient, notify
from .notifications.tokens import fingerprint, site_url


def send_confirmation(request, token: str) -> None:
    """The link that confirms the address of a request to join (sent again with a new link if they ask again)."""
    from .joining import CONFIRM_DAYS  # joining imports this module

    partnership = request.partnership
    notify(
        kinds.ACCOUNT,
        Recipient(request.email, request.name, request.user_id),
        key=f"join-confirm:{request.pk}:{fingerprint(token)}",
        subject=f"Confirm your email to join {partnership}",
        template="notifications/email/join_confirm",
        context={"confirm_url": site_url(reverse("join_confirm", args=[token])), "days": CONFIRM_DAYS},
        partnership=partnership,
    )


def send_welcome(request, user, new_account: bool) -> None:
    """You are a member: how to sign in (a link to choose a password, for a new account) and how taking part works."""
    partnership = request.partnership
    context = {
        "new_account": new_account,
        "username": user.get_username(),
        "login_url": site_url(reverse("login")),
        "partnership_url": site_url(partnership.get_absolute_url()),
        "policy_url": site_url(reverse("claim_policy")),
    }
    if new_account:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        context["set_password_url"] = site_url(reverse("password_reset_confirm", args=[uid, token]))
    notify(
        kinds.ACCOUNT,
        Recipient(request.email, request.name, user.pk),
        key=f"join-welcome:{request.pk}",
        subject=f"Welcome to {partnership}",
        template="notifications/email/join_welcome",
        context=context,
        partnership=partnership,
    )


def send_declined(request) -> None:
    """The staff's kind reason for not adding the person this time."""
    partnership = request.partnership
    notify(
        kinds.ACCOUNT,
        Recipient(request.email, request.name, request.user_id),
        key=f"join-declined:{request.pk}",
        subject=f"Your request to join {partnership}",
        template="notifications/email/join_declined",
        context={"reason": request.decline_reason, "partnership_url": site_url(partnership.get_absolute_url())},
        partnership=partnership,
    )
