from engagement.roles import CHAIR, FINANCE, STAFF, has_role


def roles(request):
    """What the navigation needs to know about the user's roles."""
    user = request.user
    return {
        "is_office": has_role(user, STAFF, CHAIR),
        "is_finance": has_role(user, FINANCE, CHAIR),
        # Only finance pays a run (the chair approves claims but does not pay them).
        "is_payer": has_role(user, FINANCE),
    }
