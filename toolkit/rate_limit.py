"""Counting what a visitor sends, per client address and per email, in the cache.

Visitors post without an account (views on an agenda item), so each post is
counted against the client's address (read the way django-axes reads it:
``settings.AXES_CLIENT_IP_CALLABLE``, which honours ``TRUSTED_PROXY_COUNT``)
and against the email address given, in fixed windows. No CAPTCHA: nothing a
screen-reader user cannot pass.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def client_address(request) -> str:
    return settings.AXES_CLIENT_IP_CALLABLE(request) or "unknown"


def _key(scope: str, what: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode("utf-8", "replace")).hexdigest()
    return f"rate:{scope}:{what}:{digest}"


def over_limit(scope: str, limits: dict[str, tuple[str, int]], seconds: int = 3600) -> bool:
    """Count one more post for each ``{what: (value, allowed)}``; True if any is past its limit.

    ``over_limit("visitor-views", {"ip": (address, 5), "email": (email, 3)})``.
    """
    over = False
    for what, (value, allowed) in limits.items():
        key = _key(scope, what, value)
        cache.add(key, 0, timeout=seconds)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)
            count = 1
        over = over or count > allowed
    return over
