"""The four roles, as Django groups, and the checks every view uses.

Views ask ``has_role(user, STAFF, CHAIR)`` rather than looking at groups or
``is_staff`` themselves, so a rule changes in one place.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

MEMBER = "Member"
STAFF = "Staff"
CHAIR = "Chair"
FINANCE = "Finance"
ALL_ROLES = (MEMBER, STAFF, CHAIR, FINANCE)

# Who may see the back-office side of the portal (records, reports, views).
OFFICE_ROLES = (STAFF, CHAIR)

# How a 403 page names who a page is for.
ROLE_IN_WORDS = {MEMBER: "members", STAFF: "staff", CHAIR: "the chair", FINANCE: "finance"}


def roles_in_words(roles):
    """'staff and the chair', 'members', 'finance, staff and the chair'."""
    words = [ROLE_IN_WORDS.get(role, role) for role in roles]
    return " and ".join(words) if len(words) < 3 else f"{', '.join(words[:-1])} and {words[-1]}"


def role_names(user):
    """The user's role names, read once per request and kept on the user."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return user._role_names


def has_role(user, *roles):
    """True if the user holds any of ``roles``; superusers hold them all."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(role_names(user) & set(roles))


def role_required(*roles):
    """View decorator: anonymous users are sent to log in, others without the role get 403."""

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
