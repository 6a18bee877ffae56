"""The home page, a partnership's page, the health check, static pages and the 403 and 404 pages."""

import re
from dataclasses import dataclass
from urllib.parse import quote

from allauth.account.internal.flows.email_verification import send_verification_email_for_user
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Prefetch, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache

from engagement import roles
from engagement.account_adapter import needs_confirmation
from engagement.models import Membership, Partnership
from engagement.query_string import QueryForm, page_number
from meetings.forms import PartnershipFilterForm
from meetings.models import Meeting
from priorities.selectors import partnership_priorities
from toolkit.page_cache import content_version, public_page

UPCOMING_ON_HOME = 6
# The home page's directory of partnerships, this many at a time.


class DirectorySearch(QueryForm):
    """The home page's search box: words too long or with control characters (a NUL byte) are refused."""

    q = forms.CharField(required=False, max_length=200)


@public_page
def home(request):
    """The next meetings, and a directory of every partnership: the signed-in person's own first, then by level.

    A region has hundreds of partnerships, so the directory is grouped by level
    (system, place, neighbourhood) and, within a level, by the partnership
    above; ``?q=`` narrows it by name, short name or web address. The number of
    queries does not grow with the partnerships.
    """
    upcoming = (
        Meeting.objects.published()
        .upcoming()
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("partnership")[:UPCOMING_ON_HOME]
    )
    search = DirectorySearch(request.GET)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    partnerships = Partnership.objects.select_related("parent").order_by("name")
    if query:
        found = list(
            partnerships.filter(
                Q(name__icontains=query) | Q(short_name__icontains=query) | Q(slug__icontains=query.replace(" ", "-"))
            )
        )
        levels = directory(found)
    else:
        # The whole directory is kept as HTML until a partnership changes (the template's ``cache``),
        # so a region's 300 partnerships are read and written out only when the kept copy is gone.
        found = []
        levels = SimpleLazyObject(lambda: directory(list(partnerships)))
    context = {
        "upcoming": upcoming,
        "query": query,
        "query_refused": "q" in search.refused,
        "partnership_count": len(found),
        "directory": levels,
        "directory_version": content_version(Partnership),
        "directory_seconds": settings.FRAGMENT_CACHE_SECONDS,
        "own": own_partnerships(request.user, found),
    }
    return render(request, "partnership_portal/home.html", context)


@dataclass
class DirectoryGroup:
    """Partnerships of one level under one parent (``parent`` None: those with none above them)."""

    parent: Partnership | None
    partnerships: list


@dataclass
class DirectoryLevel:
    level: str
    label: str
    groups: list


def directory(partnerships) -> list[DirectoryLevel]:
    """``partnerships`` (with their parents loaded) by level, in the ladder's order, then by parent's name."""
    levels = []
    for level, label in Partnership.Level.choices:
        by_parent = {}
        for partnership in partnerships:
            if partnership.level == level:
                by_parent.setdefault(partnership.parent_id, []).append(partnership)
        if not by_parent:
            continue
        groups = [DirectoryGroup(members[0].parent, members) for members in by_parent.values()]
        groups.sort(key=lambda group: (group.parent is not None, group.parent.name if group.parent else ""))
        levels.append(DirectoryLevel(level, label, groups))
    return levels


@dataclass
class OwnPartnership:
    partnership: Partnership
    roles: list


def own_partnerships(user, loaded=()) -> list[OwnPartnership]:
    """The partnerships the person holds a role in directly, with the roles in words.

    The roles are those every role check of the request reads (``roles.held_directly``); the
    partnerships come from ``loaded`` (a search's), read only when it left one out.
    """
    held = roles.held_directly(user)
    if not held:
        return []
    by_pk = {partnership.pk: partnership for partnership in loaded if partnership.pk in held}
    missing = set(held) - set(by_pk)
    if missing:
        by_pk.update((p.pk, p) for p in Partnership.objects.filter(pk__in=missing))
    order = Membership.Role.values  # member, staff, chair, finance
    words = dict(Membership.Role.choices)
    return [
        OwnPartnership(partnership, [words[role].lower() for role in sorted(held[pk], key=order.index)])
        for pk, partnership in sorted(by_pk.items(), key=lambda pair: (pair[1].name, pair[0]))
    ]


@public_page
def partnership_detail(request, slug):
    """A partnership: purpose, objectives, principles, meetings, priorities."""
    partnership = get_object_or_404(
        Partnership.objects.select_related("parent").prefetch_related(
            Prefetch("children", queryset=Partnership.objects.order_by("name"))
        ),
        slug=slug,
    )
    now = timezone.now()
    meetings = Meeting.objects.published().filter(partnership=partnership).with_counts()
    context = {
        "partnership": partnership,
        "upcoming": meetings.upcoming(now),
        "past": meetings.past(now)[:12],
        "past_count": meetings.past(now).count(),
        # Priorities with their actions and progress, in a fixed number of queries.
        "priorities": partnership_priorities(partnership, request.user),
        # Joining (engagement/joining_views.py): a link for those not yet members, the requests for its office.
        "is_member": roles.is_member_of(request.user, partnership),
        "runs_it": roles.can_run(request.user, partnership),
    }
    return render(request, "partnership_portal/partnership_detail.html", context)


@never_cache
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class SignInView(LoginView):
    """Django's sign-in page (``next`` and its safety check included), saying once whom it signed in.

    An account made by signing up signs in only once its address is confirmed: until then the
    page says so, and sends the confirmation link again (allauth limits how often).
    """

    def form_valid(self, form):
        user = form.get_user()
        if needs_confirmation(user):
            sent = send_verification_email_for_user(self.request, user)
            form.add_error(
                None,
                "Please confirm your email address before you sign in: open the link in the email we sent you."
                + (" We have sent it again." if sent else ""),
            )
            return self.form_invalid(form)
        response = super().form_valid(form)
        user = form.get_user()
        messages.success(self.request, f"Signed in as {user.get_full_name() or user.username}.")
        return response


# Partnerships' contacts on one page of the accessibility statement.
CONTACTS_PER_PAGE = 50


@public_page
def accessibility(request):
    """The accessibility statement UK public-sector sites publish, with whom to ask for another format.

    ``?partnership=<slug>`` (the link from a partnership's pages) shows that
    partnership's contact; without it, every partnership that gives one, a page at a time.
    """
    form = PartnershipFilterForm(request.GET)
    chosen = form.cleaned_data["partnership"] if form.is_valid() else None
    with_contacts = Partnership.objects.exclude(contact_email="", contact_phone="", contact_address="")
    if chosen is not None or not form.is_valid():
        contacts = Paginator(Partnership.objects.none(), CONTACTS_PER_PAGE).get_page(1)
    else:
        contacts = Paginator(with_contacts.order_by("name"), CONTACTS_PER_PAGE).get_page(page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "chosen": chosen, "page_obj": contacts, "query": query.urlencode()}
    return render(request, "partnership_portal/accessibility.html", context)


# --- Pages for "not found" and "not allowed" (handler404 and handler403 in urls.py) ---------------

# What the first word of a URL's name says the page was about, and the list to look in instead.
PAGE_KINDS = {
    "partnership": ("partnership", "home", "all partnerships"),
    "meeting": ("meeting", "meeting_list", "all meetings"),
    "paper": ("paper", "meeting_list", "all meetings"),
    "priority": ("priority", "priority_list", "all priorities"),
    "action": ("action", "priority_list", "all priorities"),
    "claim": ("claim", "claim_list", "your claims"),
    "receipt": ("receipt", "claim_list", "your claims"),
    "year": ("year review", "report_index", "the reports"),
}
# Django's own words for an object that is not there: too technical to show.
STOCK_MESSAGE = re.compile(r"^No \w+ matches the given query\.$")


def _page_kind(request):
    match = getattr(request, "resolver_match", None)
    name = (match.url_name or "") if match else ""
    return PAGE_KINDS.get(name.split("_")[0])


def _partnership_of(request):
    """The partnership the address names, when it names one that exists (for "back to …")."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    kwargs, name = match.kwargs, match.url_name or ""
    if isinstance(kwargs.get("slug"), str):
        return Partnership.objects.filter(slug=kwargs["slug"]).first()
    pk = kwargs.get("pk")
    if not isinstance(pk, int):
        return None
    if name.startswith("meeting_"):
        # A draft's partnership is not named: the draft is not found, and neither is where it would be.
        return Partnership.objects.filter(meetings__pk=pk, meetings__published_at__isnull=False).first()
    if name in ("send_views", "record_views", "record_response"):
        return Partnership.objects.filter(meetings__agenda_items__pk=pk, meetings__published_at__isnull=False).first()
    return None


def _error_page(request, template, status, message):
    if not hasattr(request, "user"):  # refused before the user was read
        request.user = AnonymousUser()
    kind = _page_kind(request)
    context = {
        "message": message,
        "kind": kind[0] if kind else None,
        "list_url": reverse(kind[1]) if kind else None,
        "list_label": kind[2] if kind else None,
        "partnership": _partnership_of(request),
        "sign_in_url": f"{reverse('login')}?next={quote(request.get_full_path())}",
    }
    return render(request, template, context, status=status)


def _own_message(exception):
    """The exception's message when the portal wrote it for people, else ''."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and not STOCK_MESSAGE.match(message) else ""


def page_not_found(request, exception=None):
    """404 in the site's frame: what was not found, in plain words, and where to go instead."""
    return _error_page(request, "404.html", 404, _own_message(exception))


def permission_denied(request, exception=None):
    """403 in the site's frame: who the page is for, and a way on (sign in, the partnership, home)."""
    return _error_page(request, "403.html", 403, _own_message(exception))
