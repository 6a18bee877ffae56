"""Whole pages for anonymous visitors, kept for a short while and dropped as soon as content changes.

Most visitors are not signed in and see the same agenda, meeting list and
calendar feed as each other. ``public_page`` keeps such a response in the
cache (Redis when ``REDIS_URL`` is set, so every app server shares it) for
``PUBLIC_PAGE_CACHE_SECONDS`` and serves it again without rendering.

A response is kept only when it is the same for every anonymous visitor: a
200 to a GET or HEAD with no message waiting, no cookie set, no CSRF token in
the page and no ``no-store``. Signed-in people always get a fresh page.

Every key carries the *content version*: a token that changes whenever a
model of a content app (``settings.PUBLIC_PAGE_CONTENT_APPS``: partnerships,
meetings, priorities) is saved or deleted, so a chair's edit shows to visitors at once. Bulk ``update()``
calls send no signal; those pages are at most ``PUBLIC_PAGE_CACHE_SECONDS``
old. Without Redis each worker process has its own cache and its own
version, so another worker can show the old page for up to that long.

Parts of pages that read only a few models (the home page's directory of
partnerships, the calendar feed) are kept for everyone, signed in or not, under
``content_version(Model, ...)``: a token per model, changed only when a row of
that model is saved or deleted. A region's hundreds of partnerships change
their meetings many times a day and their names seldom, so the directory
outlives every meeting edit. Such parts are kept for ``FRAGMENT_CACHE_SECONDS``;
code that changes rows with ``update()`` says so with ``content_changed(Model)``.
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

VERSION_KEY = "public-page:version"
# Part of every model's token: ``content_changed()`` without a model (a change it does not name) drops them all.
ANY_MODEL_KEY = f"{VERSION_KEY}:any-model"


def _model_key(model):
    return f"{VERSION_KEY}:{model._meta.label_lower}"


def content_version(*models):
    """The current content version: a token, not a counter, so a lost key never brings back old pages.

    With ``models``, the tokens of those models alone (see the module's docstring), in one read.
    """
    keys = [ANY_MODEL_KEY, *map(_model_key, models)] if models else [VERSION_KEY]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, uuid.uuid4().hex, timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return ":".join(found[key] for key in keys)


def content_changed(sender=None, instance=None, **kwargs):
    """Pages kept so far are no longer served: now, and again once the change is committed.

    Once now, for the request that made the change; inside a transaction, once more after
    the commit, so a page rendered by another request in between from the old data is
    dropped too. (Outside one the change is already committed: once is enough.) Parts kept
    under the version of ``sender`` (the model saved or deleted; for a many-to-many change,
    its table and the model of ``instance``) are dropped with them; with no ``sender``, every
    model's.
    """
    if sender is not None and sender._meta.app_label not in settings.PUBLIC_PAGE_CONTENT_APPS:
        return
    keys = [VERSION_KEY]
    if sender is None:
        keys.append(ANY_MODEL_KEY)
    for model in (sender, type(instance)):
        if model is not None and hasattr(model, "_meta"):
            keys.append(_model_key(model))

    def bump():
        cache.set_many({key: uuid.uuid4().hex for key in keys}, timeout=None)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def connect_signals():
    """Listen for changes to any model (the project's ``AppConfig.ready`` calls this once)."""
    for signal in (post_save, post_delete, m2m_changed):
        signal.connect(content_changed, dispatch_uid=f"public-page-{signal!r}")


def _cacheable_request(request):
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _key(request):
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    return f"public-page:{content_version()}:{request.method}:{address}"


def public_page(view):
    """Serve ``view``'s page to anonymous visitors from the cache while the content is unchanged."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request)
        response = cache.get(key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if _cacheable_response(request, response):
            cache.set(key, response, settings.PUBLIC_PAGE_CACHE_SECONDS)
        return response

    return wrapped
