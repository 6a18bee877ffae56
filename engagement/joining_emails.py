"""The emails of joining a partnership: confirm your address, welcome, and a kind no.

Sent with ``send_mail`` for now; they move onto the notifications queue when it lands.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

SITE_URL_SETTING = "SITE_URL"


def _absolute(path: str) -> str:
    return getattr(settings, SITE_URL_SETTING, "http://localhost:8000").rstrip("/") + path


def send_confirmation(request, token: str) -> None:
    link = _absolute(reverse("join_confirm", args=[token]))
    send_mail(
        f"Confirm your email to join {request.partnership}",
        f"Hello {request.name},\n\n"
        f"Thank you for asking to join {request.partnership}. Please confirm that this is your email address "
        f"by opening this link within 3 days:\n\n{link}\n\n"
        "Once you have confirmed it, the partnership's staff will look at your request and write to you.\n\n"
        "If you did not ask to join, you can ignore this email.",
        None,
        [request.email],
    )


def send_welcome(request, user, new_account: bool) -> None:
    partnership = request.partnership
    if new_account:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        link = _absolute(reverse("password_reset_confirm", args=[uid, token]))
        account = (
            f"Your username is {user.get_username()}. Choose your password here (the link works once):\n\n{link}\n"
        )
    else:
        account = f"Sign in with your existing account ({user.get_username()}): {_absolute(reverse('login'))}\n"
    send_mail(
        f"Welcome to {partnership}",
        f"Hello {request.name},\n\n"
        f"You are now a member of {partnership}.\n\n{account}\n"
        "How taking part works:\n"
        f"- Meetings: every meeting and its agenda is on {_absolute(partnership.get_absolute_url())}. "
        "Tell us you are coming, in person or online, from the agenda page, and say what would help you take part.\n"
        "- Your views: send your views on any agenda item from its agenda page, before or after the meeting. "
        "We tell you what was done with them under 'You said, we did'.\n"
        "- Payment for your time: the partnership pays for time and expenses under its payment policy "
        f"({_absolute(reverse('claim_policy'))}); claim from the portal after a meeting.\n",
        None,
        [request.email],
    )


def send_declined(request) -> None:
    send_mail(
        f"Your request to join {request.partnership}",
        f"Hello {request.name},\n\n"
        f"Thank you for asking to join {request.partnership}. We are not able to add you as a member this time.\n\n"
        f"{request.decline_reason}\n\n"
        "Meetings and their agendas stay open to everyone on the partnership's page.",
        None,
        [request.email],
    )
