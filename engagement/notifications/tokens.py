"""Signed one-click unsubscribe links (who, a user id or an address, and which kind, nothing else),
and the fingerprints that stand for an event's details in an outbox key."""

import hashlib

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "notifications.unsubscribe"


def make_token(kind: str, *, user_id: int | None, email: str) -> str:
    return signing.dumps({"k": kind, "u": user_id, "e": "" if user_id else email}, salt=SALT, compress=True)


def read_token(token: str) -> dict | None:
    """``{"k": kind, "u": user id or None, "e": address}``, or None for a token that is not ours."""
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        return None
    if not isinstance(data.get("u"), int | type(None)) or not isinstance(data.get("e", ""), str):
        return None
    return data


def unsubscribe_url(kind: str, *, user_id: int | None, email: str) -> str:
    path = reverse("notification_unsubscribe", args=[make_token(kind, user_id=user_id, email=email)])
    return f"{settings.SITE_URL}{path}"


def fingerprint(*parts, length: int = 16) -> str:
    """A short hash of ``parts`` for a message's key: a new value is a new message, and a link's token
    never appears in a key (keys are shown and searched in the outbox)."""
    return hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()[:length]


def site_url(path: str) -> str:
    """An absolute link for a message: ``SITE_URL`` and the path."""
    return f"{settings.SITE_URL}{path}"
