"""The iCalendar feed and the printable agenda pack."""

from django.http import Http404


def meeting_calendar(request):
    raise Http404


def meeting_agenda_pdf(request, pk):
    raise Http404
