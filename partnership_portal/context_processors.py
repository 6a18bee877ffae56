"""What every page's frame needs to know about the signed-in person: which menu links to offer.

Only the navigation reads these flags. They say whether the person holds a
role *somewhere* (the menu links to pages that then show each person their
own partnerships' records); a link or button about one partnership's record
(edit this review, see this item's views) asks ``engagement.roles`` about that
partnership in its view (``can_run(user, partnership)``), never these.
"""

from django.utils.functional import SimpleLazyObject

from engagement import roles as role_checks


def navigation_flags(user) -> dict:
    """``{"office", "reports", "approver", "payer"}``: the roles the person holds in some partnership (one query)."""
    held = role_checks.role_names(user)
    return {
        # Runs some partnership's meetings and records (staff or chair).
        "office": bool(held & set(role_checks.OFFICE_ROLES)),
        "reports": bool(held & set(role_checks.REPORT_ROLES)),
        # Decides claims somewhere; only finance pays a run (the chair approves but does not pay).
        "approver": bool(held & set(role_checks.APPROVER_ROLES)),
        "payer": bool(held & set(role_checks.PAYER_ROLES)),
    }


def roles(request):
    """``nav``: the menu's flags, read only if a template asks (cached public pages never do)."""
    user = request.user
    return {"nav": SimpleLazyObject(lambda: navigation_flags(user))}
