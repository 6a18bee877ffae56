"""django-allauth fitted to the portal: its emails go through the outbox, its links start at ``SITE_URL``.

allauth serves sign-up, confirming and changing an address, and password reset
(settings ``ACCOUNT_*``); signing in stays the portal's own view, throttled by
django-axes. A new account holds no role in any partnership: roles come only
from a ``Membership``, when a partnership's office accepts a request to join.
"""

import uuid
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.auth_backends import AuthenticationBackend
from allauth.account.forms import ResetPasswordForm, SignupForm
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress
from django.contrib.sites.shortcuts import get_current_site
from django.core.validators import MaxLengthValidator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from engagement.notifications import kinds
from engagement.notifications.services import Recipient, notify
from engagement.notifications.tokens import fingerprint, site_url

# The one message that carries a password reset link (allauth's template prefix for it).
RESET_TEMPLATE = "account/email/password_reset_key"
# Longer than any real password, short enough that hashing and checking it stay quick.
PASSWORD_MAX_LENGTH = 1024
EMAIL_MAX_LENGTH = 254


def request_id(request) -> str:
    """An id for one web request, the same however often it is asked (a time, outside a request)."""
    if request is None:
        return timezone.now().isoformat()
    if not hasattr(request, "_account_mail_id"):
        request._account_mail_id = uuid.uuid4().hex
    return request._account_mail_id


def needs_confirmation(user) -> bool:
    """True for an account made by signing up whose address is not confirmed yet.

    Sign-up gives the account its primary address, unconfirmed. Accounts made another way (a join
    request accepted, the back office, ``load_demo``) have no allauth address rows, or only the
    non-primary ones allauth copies from ``User.email`` when it needs one, and sign in as before.
    """
    rows = list(EmailAddress.objects.filter(user=user).values_list("verified", "primary"))
    return any(primary and not verified for verified, primary in rows) and not any(v for v, _ in rows)


class AccountAdapter(DefaultAccountAdapter):
    """allauth's hooks: messages written to the outbox, links from ``SITE_URL``."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's message and queue it (``notify``) instead of sending it straight to SMTP.

        The outbox key names the event: this message (its template and confirmation key or reset
        token) asked for in this web request. The same event handled twice is one message; each
        new request is another, even within the second in which a reset token stays the same.
        """
        request = self.request
        ctx = {"email": email, "current_site": get_current_site(request) if request else None, **context}
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx, request).splitlines()).strip()
        body = render_to_string(f"{template_prefix}_message.txt", ctx, request).strip()
        user = context.get("user")
        recipient = Recipient(
            email=email,
            name=(user.get_full_name() or user.get_username()) if user is not None else "",
            user_id=user.pk if user is not None else None,
        )
        event = f"{context.get('uid', '')}-{context.get('key') or context.get('code') or ''}-{request_id(request)}"
        # A hash: the outbox shows its keys to staff, and a key must not be a working token.
        digest = fingerprint(f"{template_prefix}:{event}", length=40)
        kind = kinds.PASSWORD_RESET if template_prefix == RESET_TEMPLATE else kinds.ACCOUNT
        notify(
            kind,
            recipient,
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{digest}",
            subject=subject,
            template="notifications/email/account_message",
            context={"body": body},
        )

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))


class AccountAuthenticationBackend(AuthenticationBackend):
    """allauth's backend for its own flows; it grants no permissions (``MembershipBackend`` does that)."""

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False


class PortalSignupForm(SignupForm):
    """allauth's sign-up form (username, email, password twice), with a cap on how long a password may be."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password1", "password2"):
            if name in self.fields:
                self.fields[name].validators.append(MaxLengthValidator(PASSWORD_MAX_LENGTH))


class QuietResetPasswordForm(ResetPasswordForm):
    """The reset form, saying the same for an address with no account (no account is revealed).

    An address longer than any account's (``User.email``, 254 characters) is refused beside the field.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(MaxLengthValidator(EMAIL_MAX_LENGTH))

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        email = get_adapter().clean_email(email)
        self.users = filter_users_by_email(email, is_active=True, prefer_verified=True, for_login=True)
        return self.cleaned_data["email"]
