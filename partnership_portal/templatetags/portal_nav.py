"""Template tags of the page frame (templates/base.html and templates/includes/nav.html)."""

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from engagement.query_string import query_text

register = template.Library()

# Django's account pages (and allauth's, named ``account_…``): after signing in, coming back to one of
# these makes no sense (the sign-out page answers only a POST, the reset pages are for people who cannot sign in).
ACCOUNT_PAGES = {
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


@register.simple_tag(takes_context=True)
def sign_in_url(context):
    """The sign-in page, with ``?next=`` to come back to this page (query string included).

    On the sign-in page itself the ``next`` it already has is kept; an unsafe one (another
    site) is dropped here as Django's LoginView would refuse it.
    """
    login = reverse("login")
    request = context.get("request")
    if request is None:
        return login
    match = request.resolver_match
    if match is not None and (match.url_name in ACCOUNT_PAGES or (match.url_name or "").startswith("account_")):
        come_back_to = query_text(request, "next") if match.url_name == "login" else ""
    else:
        come_back_to = request.get_full_path()
    if not come_back_to or come_back_to == reverse("home"):
        return login
    if not url_has_allowed_host_and_scheme(come_back_to, allowed_hosts=None):
        return login
    query = QueryDict(mutable=True)
    query["next"] = come_back_to
    return f"{login}?{query.urlencode(safe='/')}"  # as Django's redirect_to_login writes it
