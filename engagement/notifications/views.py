"""A person's email choices (/my/notifications/) and the one-click unsubscribe link in each message."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import kinds, services
from .models import NotificationPreference
from .tokens import read_token


def _kinds_for(user):
    """The kinds a person is shown: staff-only kinds only to people who hold an office role somewhere."""
    from engagement import roles

    office = roles.has_role(user, *roles.OFFICE_ROLES)
    return [kind for kind in kinds.KINDS.values() if office or not kind.staff_only]


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Each kind of email, on or off; must-get kinds are shown as always on."""
    shown = _kinds_for(request.user)
    if request.method == "POST":
        chosen = set(request.POST.getlist("kind"))
        changed = 0
        for kind in shown:
            if not kind.must_get:
                changed += services.set_preference(kind.key, kind.key in chosen, user_id=request.user.pk)
        messages.success(
            request, "Your email choices are saved." if changed else "Your email choices are saved (nothing changed)."
        )
        return redirect("notification_preferences")
    off = set(NotificationPreference.objects.filter(user=request.user, enabled=False).values_list("kind", flat=True))
    recipient = services.recipient_for_user(request.user)
    rows = [{"kind": kind, "enabled": kind.must_get or kind.key not in off} for kind in shown]
    return render(
        request,
        "notifications/preferences.html",
        {"rows": rows, "address": recipient.email if recipient else ""},
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie and no token of ours
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page asking to confirm; POST (the button, or the mail client's one-click): switch the kind off."""
    data = read_token(token)
    kind = kinds.KINDS.get(data["k"]) if data else None
    if kind is None or kind.must_get:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    address = data.get("e", "")
    user_id = data.get("u")
    if user_id is None and not address:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if user_id is not None and not get_user_model().objects.filter(pk=user_id).exists():
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    done = False
    if request.method == "POST":
        services.set_preference(kind.key, False, user_id=user_id, email=address)
        done = True
    return render(request, "notifications/unsubscribe.html", {"kind": kind, "done": done, "address": address})
