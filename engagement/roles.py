"""Who may do what, and where: every role check in the portal is one of these.

A role is an ``engagement.Membership``: a person holds it in one partnership,
and it covers that partnership and every partnership below it (a system-level
chair runs its places and neighbourhoods); nothing covers upwards or sideways.
Superusers are the platform operators and hold every role everywhere.

Views, forms, the admin and services ask these named checks
(``can_run(user, partnership)``, ``can_pay(user, claim)``) and scope their
querysets with ``scope(queryset, user, *roles)`` (each model's queryset has a
``for_user`` that calls it), so a rule changes in one place.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

MEMBER = "member"
STAFF = "staff"
CHAIR = "chair"
FINANCE = "finance"
ALL_ROLES = (MEMBER, STAFF, CHAIR, FINANCE)

# Who runs a partnership's meetings and records (attendance, views, "we did", reports).
OFFICE_ROLES = (STAFF, CHAIR)
# Who decides claims (approve or send back); only finance pays them.
APPROVER_ROLES = (FINANCE, CHAIR)
PAYER_ROLES = (FINANCE,)
# Who sees a partnership's reports: its office and its finance.
REPORT_ROLES = (STAFF, CHAIR, FINANCE)

# How a 403 page names who a page is for.
ROLE_IN_WORDS = {MEMBER: "members", STAFF: "staff", CHAIR: "the chair", FINANCE: "finance"}


def roles_in_words(roles):
    """'staff and the chair', 'members', 'finance, staff and the chair'."""
    words = [ROLE_IN_WORDS.get(role, role) for role in roles]
    return " and ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} and {words[-1]}"


# Reading a user's roles: once per request, kept on the user object.


def _held(user):
    """``{role: {partnership ids held directly}}``, read once and kept on the user."""
    if not hasattr(user, "_held_roles"):
        from engagement.models import Membership

        held = {}
        # order_by(): Membership's default ordering joins users and partnerships, which this never needs.
        rows = Membership.objects.filter(user=user).order_by().values_list("partnership_id", "role")
        for partnership_id, role in rows:
            held.setdefault(role, set()).add(partnership_id)
        user._held_roles = held
    return user._held_roles


def held_directly(user):
    """``{partnership id: {roles}}`` the user holds there themselves (not through a partnership above):
    the same one read per request as every role check."""
    if not user.is_authenticated:
        return {}
    found = {}
    for role, ids in _held(user).items():
        for partnership_id in ids:
            found.setdefault(partnership_id, set()).add(role)
    return found


def _children(user):
    """``{parent id: [child ids]}`` for the whole tree, read once per user object (300 rows for a region)."""
    if not hasattr(user, "_partnership_children"):
        from engagement.models import Partnership

        children = {}
        for pk, parent_id in Partnership.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        user._partnership_children = children
    return user._partnership_children


# What is kept on a user object once read: ours, then Django's permission caches (ModelBackend).
_READ_ROLE_ATTRIBUTES = ("_held_roles", "_partnership_children", "_covered")
_READ_ROLE_ATTRIBUTES += ("_perm_cache", "_user_perm_cache", "_group_perm_cache")


def forget_roles(user):
    """Drop what was read of a user's roles (after their memberships change), Django's permission caches too."""
    for attribute in _READ_ROLE_ATTRIBUTES:
        user.__dict__.pop(attribute, None)


def role_names(user):
    """The roles a user holds in any partnership."""
    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return frozenset(ALL_ROLES)
    return frozenset(role for role, ids in _held(user).items() if ids)


def has_role(user, *roles):
    """True if the user holds any of ``roles`` in some partnership; superusers hold them all."""
    return bool(role_names(user) & set(roles))


def covered_ids(user, *roles):
    """The ids of the partnerships where the user holds one of ``roles``, and of every partnership below them.

    Not for superusers, who cover everything: ``scope`` and ``covers`` ask ``is_superuser`` first.
    """
    if not user.is_authenticated:
        return frozenset()
    cache = user.__dict__.setdefault("_covered", {})
    key = frozenset(roles)
    if key not in cache:
        held = _held(user)
        cache[key] = _with_below(user, [pk for role in roles for pk in held.get(role, ())])
    return cache[key]


def _with_below(user, partnership_ids):
    """``partnership_ids`` and the ids of every partnership below them (the tree read once per user)."""
    found = set()
    todo = list(partnership_ids)
    if todo:
        children = _children(user)
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, ()))
    return frozenset(found)


def partnership_and_below(user, partnership):
    """The id of ``partnership`` (an object or an id) and of every partnership below it, read as ``user``
    reads the tree (once per user object)."""
    return _with_below(user, [getattr(partnership, "pk", partnership)])


def covers(user, partnership, *roles):
    """True if the user holds one of ``roles`` in ``partnership`` (an object or an id) or in one above it."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    partnership_id = getattr(partnership, "pk", partnership)
    return partnership_id in covered_ids(user, *roles)


def scope(queryset, user, *roles, path="partnership"):
    """``queryset`` narrowed to the partnerships where the user holds one of ``roles`` (``path`` leads there)."""
    if not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    ids = covered_ids(user, *roles)
    if not ids:
        return queryset.none()
    return queryset.filter(**{f"{path}__in": sorted(ids)})


# The named checks.


def is_operator(user):
    """Platform operators (superusers): they alone create and delete partnerships and appoint chairs."""
    return user.is_authenticated and user.is_superuser


def is_member_of(user, partnership):
    """Any role in the partnership or one above it: members-only papers and pages."""
    return covers(user, partnership, *ALL_ROLES)


def can_run(user, partnership):
    """Staff or chair of the partnership (or one above): meetings, attendance, views, "we did", reports."""
    return covers(user, partnership, *OFFICE_ROLES)


def can_chair(user, partnership):
    """The chair of the partnership (or one above): agendas, page text, member and staff roles."""
    return covers(user, partnership, CHAIR)


def can_report(user, partnership):
    """Staff, chair or finance of the partnership (or one above): its reports and exports."""
    return covers(user, partnership, *REPORT_ROLES)


def claim_partnership_id(claim):
    """The partnership a claim is paid by: that of its policy."""
    return claim.policy.partnership_id


def can_approve(user, claim):
    """Finance or chair of the claim's partnership: approve or send back (never their own: the service checks)."""
    return covers(user, claim_partnership_id(claim), *APPROVER_ROLES)


def can_pay(user, claim):
    """Finance of the claim's partnership: mark it paid, include it in a payment run."""
    return covers(user, claim_partnership_id(claim), *PAYER_ROLES)


def can_give_role(user, partnership, role):
    """Operators give any role anywhere; a chair gives member and staff roles in their own partnerships."""
    if is_operator(user):
        return True
    return role in (MEMBER, STAFF) and can_chair(user, partnership)


# View decorators.


def role_required(*roles):
    """View decorator: anonymous users are sent to log in; others with none of ``roles`` anywhere get 403.

    Which partnership's records they then see is the view's ``scope``; an object
    outside it is a 404 (``get_object_or_404`` on the scoped queryset).
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied(f"This page is for {roles_in_words(roles)}.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


office_required = role_required(*OFFICE_ROLES)
approver_required = role_required(*APPROVER_ROLES)
report_required = role_required(*REPORT_ROLES)
member_required = role_required(*ALL_ROLES)


# Claims


def approves_anywhere(user):
    """Finance or chair of some partnership: the approvers' queue and year summary (each then scoped)."""
    return has_role(user, *APPROVER_ROLES)


def pays_anywhere(user):
    """Finance of some partnership: the payment run (scoped to the partnerships they pay)."""
    return has_role(user, *PAYER_ROLES)


payer_required = role_required(*PAYER_ROLES)
