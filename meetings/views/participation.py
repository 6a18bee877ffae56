"""Registration, attendance, views and 'you said, we did' (issue 3)."""

from django.http import Http404


def agenda_participation_context(request, meeting):
    """What the agenda page shows about taking part. Filled in by issue 3."""
    return {}


def you_said_we_did(request):
    raise Http404
