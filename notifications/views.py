"""What a person is emailed about (/my/notifications/) and the one-click unsubscribe."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from engagement.models import Participant
from engagement.roles import CHAIR, STAFF, has_role

from .models import MUST_GET, OFFICE_KINDS, Kind, Preference
from .outbox import normalise, read_unsubscribe_token, set_preference


def addresses_for(user) -> list[str]:
    """The addresses the portal may write to for ``user``: their account's and their participant record's."""
    found = [user.email, *Participant.objects.filter(user=user).values_list("email", flat=True)]
    return sorted({normalise(email) for email in found if email})


def kinds_for(user) -> list[str]:
    """The kinds a person may switch on or off: office digests only for staff and the chair."""
    office = has_role(user, STAFF, CHAIR)
    return [kind for kind in Kind.values if kind not in MUST_GET and (office or kind not in OFFICE_KINDS)]


class PreferencesForm(forms.Form):
    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.BooleanField(label=Kind(kind).label, required=False)


@login_required
def preferences(request):
    """Per kind of message, switched on or off, for every address the person has here."""
    addresses = addresses_for(request.user)
    kinds = kinds_for(request.user)
    off = set(
        Preference.objects.filter(email__in=addresses, enabled=False, kind__in=kinds).values_list("kind", flat=True)
    )
    if request.method == "POST":
        form = PreferencesForm(request.POST, kinds=kinds)
        if form.is_valid() and addresses:
            for kind in kinds:
                for email in addresses:
                    set_preference(email, kind, form.cleaned_data[kind])
            messages.success(request, "Your email choices have been saved.")
            return redirect("notification_preferences")
    else:
        form = PreferencesForm(initial={kind: kind not in off for kind in kinds}, kinds=kinds)
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "addresses": addresses,
            "must_get": [Kind(kind).label for kind in Kind.values if kind in MUST_GET],
        },
    )


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session and no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks to confirm; POST (one click from the mail client, or the button) switches the kind off."""
    found = read_unsubscribe_token(token)
    if found is None:
        raise Http404("This unsubscribe link is not valid. Sign in and choose what you get under My emails.")
    email, kind = found
    if kind in MUST_GET:
        raise Http404("This message cannot be switched off.")
    done = request.method == "POST"
    if done:
        set_preference(email, kind, False)
    return render(
        request,
        "notifications/unsubscribe.html",
        {"email": email, "kind_label": Kind(kind).label, "done": done, "token": token},
    )
