"""Public pages: the meeting list, an agenda, and papers."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from engagement.query_string import page_number
from engagement.roles import is_member_of
from toolkit.page_cache import public_page

from ..filters import MeetingFilter
from ..models import Meeting, Paper
from ..selectors import joining_link_for
from ..topics import supporters_by_item

MEETINGS_PER_PAGE = 20


def can_see_member_papers(user, meeting):
    """Members-only papers are for the meeting's partnership: anyone with a role there or in one above it."""
    return is_member_of(user, meeting.partnership_id)


@public_page
def meeting_list(request):
    """All meetings, newest first, filterable by partnership, year, format and engagement type."""
    meeting_filter = MeetingFilter(request.GET, queryset=Meeting.objects.published().with_counts().order_by("-start"))
    # An unknown partnership or year in a shared link shows an empty list that names it, as every list does.
    meetings = meeting_filter.qs if meeting_filter.is_valid() else Meeting.objects.none()
    page = Paginator(meetings, MEETINGS_PER_PAGE).get_page(page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "meetings/meeting_list.html",
        {"filter": meeting_filter, "page_obj": page, "meetings": page.object_list, "query": query.urlencode()},
    )


@public_page
def meeting_detail(request, pk):
    """The agenda: timed items, engagement type of each, papers, outcomes.

    A draft is not found except by the people who run its partnership, who see it marked as a draft.
    """
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).for_agenda(), pk=pk)
    papers = list(meeting.papers.all())
    member = can_see_member_papers(request.user, meeting)
    visible_papers = [p for p in papers if member or p.is_public]
    items = list(meeting.agenda_items.all())
    from_topics = supporters_by_item([item.pk for item in items])
    for item in items:  # "Proposed by members of the partnership, supported by N people"
        item.topic_supporters = from_topics.get(item.pk)
    context = {
        "meeting": meeting,
        "items": items,
        "papers": visible_papers,
        "hidden_paper_count": len(papers) - len(visible_papers),
    }
    context.update(participation_context(request, meeting))
    # Members' registration is read above (for the "Taking part" form): no second query for the link.
    attendance = context["my_attendance"] if "my_attendance" in context else ...
    context["joining_link"] = joining_link_for(meeting, request.user, attendance)
    context["joining_link_private"] = bool(context["joining_link"]) and not meeting.online_link_public
    return render(request, "meetings/meeting_detail.html", context)


def participation_context(request, meeting):
    """Extra context for the agenda page from the participation features.

    Kept as one hook so the agenda view stays short; see
    ``meetings/views/participation.py``.
    """
    from .participation import agenda_participation_context

    return agenda_participation_context(request, meeting)


def paper_download(request, pk):
    """A paper's file or link; members-only papers: visitors log in, others outside the partnership get 403."""
    paper = get_object_or_404(
        Paper.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)).select_related("meeting"), pk=pk
    )
    if not paper.is_public and not can_see_member_papers(request.user, paper.meeting):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied("This paper is for members of the meeting's partnership.")
    if paper.url and not paper.file:
        return redirect(paper.url)
    if not paper.file:
        raise Http404("This paper has no file.")
    try:
        handle = paper.file.open("rb")
    except FileNotFoundError:
        raise Http404("This paper's file is missing.") from None
    extension = paper.file.name.rsplit(".", 1)[-1] if "." in paper.file.name else "pdf"
    return FileResponse(handle, as_attachment=False, filename=f"{paper.title[:80]}.{extension}")
