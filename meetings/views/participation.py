"""Taking part, for members: registering, sending views, 'My views' and 'you said, we did'.

Staff's side (recording who came, views received, 'we did') is in
``meetings/views/attendance.py``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property

from engagement.query_string import page_number
from engagement.roles import MEMBER, can_run, covers, is_member_of, member_required, role_required
from engagement.services import participant_for_user
from toolkit.page_cache import public_page

from .. import selectors, services
from ..forms import PartnershipFilterForm, RegistrationForm, SendViewsForm
from ..models import AgendaItem, Attendance, Feedback, Meeting, Response

VIEWS_PER_PAGE = 20
WAITING_PER_PAGE = 25
RESPONDED_PER_PAGE = 10


def agenda_participation_context(request, meeting):
    """What the agenda page shows about taking part, in a fixed number of queries.

    - members of the meeting's partnership: their registration (and a form to
      change it until the meeting starts) and the views they sent on each item;
    - its staff and chair (``can_run``): how many are coming, every view
      received, and links to the staff pages;
    - anyone with a role there, once the meeting is held: the voices in the room.

    Each flag is for this meeting's partnership (or one above it): a role held
    in another partnership shows nothing it would then refuse.
    """
    user = request.user
    is_member = takes_part_in(user, meeting)
    is_office = can_run(user, meeting.partnership_id)
    items = list(meeting.agenda_items.all())  # prefetched by the agenda view
    context = {
        "is_member": is_member,
        "is_office": is_office,
        "registration_closed": services.registration_closed_reason(meeting),
        "attendance_closed": services.attendance_closed_reason(meeting),
    }
    if is_member:
        participant = participant_for_user(user)
        attendance = None
        if participant is not None:
            attendance = Attendance.objects.filter(meeting=meeting, participant=participant).first()
        context["my_attendance"] = attendance
        if not context["registration_closed"]:
            context["registration_form"] = RegistrationForm(
                initial=RegistrationForm.initial_for(attendance, participant), meeting=meeting
            )
    if is_office:
        context["registrations"] = selectors.registration_summary(meeting)
    if meeting.status == Meeting.Status.HELD and is_member_of(user, meeting.partnership_id):
        context["voices"] = selectors.meeting_voices(meeting)
        context["show_all_names"] = is_office
    if is_member or is_office:
        views = list(selectors.feedback_visible_to(user).filter(agenda_item__meeting=meeting).order_by("created_at"))
        by_item = {}
        for view in views:
            by_item.setdefault(view.agenda_item_id, []).append(view)
        for item in items:
            item.visible_views = by_item.get(item.pk, [])
    return context


def takes_part_in(user, meeting):
    """Members of the meeting's partnership (or one above) register and send views; the meeting is public."""
    return covers(user, meeting.partnership_id, MEMBER)


def _refuse_outsiders(request, meeting):
    if not takes_part_in(request.user, meeting):
        raise PermissionDenied(f"Taking part in this meeting is for members of {meeting.partnership}.")


def _meeting_anchor(meeting, anchor):
    return f"{meeting.get_absolute_url()}#{anchor}"


@role_required(MEMBER)
def register(request, pk):
    """Say you are coming (in person or online) or send apologies; change it until the meeting starts."""
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user).select_related("partnership"), pk=pk)
    _refuse_outsiders(request, meeting)
    closed = services.registration_closed_reason(meeting)
    participant = participant_for_user(request.user)
    attendance = None
    if participant is not None:
        attendance = Attendance.objects.filter(meeting=meeting, participant=participant).first()
    if request.method == "POST":
        if closed:
            messages.error(request, closed)
            return redirect(_meeting_anchor(meeting, "taking-part"))
        form = RegistrationForm(request.POST, meeting=meeting)
        if form.is_valid():
            participant = participant_for_user(request.user, create=True)
            status, mode = form.registration()
            try:
                attendance, created = services.register(
                    meeting,
                    participant,
                    status=status,
                    mode=mode,
                    access_needs=form.cleaned_data["access_needs"],
                    share=form.cleaned_data["share_access_needs"],
                )
            except services.ParticipationClosed as closed_now:
                messages.error(request, str(closed_now))
                return redirect(_meeting_anchor(meeting, "taking-part"))
            messages.success(request, _registration_message(meeting, attendance, created))
            return redirect(_meeting_anchor(meeting, "taking-part"))
    else:
        form = RegistrationForm(initial=RegistrationForm.initial_for(attendance, participant), meeting=meeting)
    return render(
        request,
        "meetings/participation/register.html",
        {"meeting": meeting, "form": form, "closed": closed, "my_attendance": attendance},
    )


def _registration_message(meeting, attendance, created):
    day = timezone.localtime(meeting.start)
    when = f"{meeting.title} on {day:%A} {day.day} {day:%B %Y}"
    if attendance.status == Attendance.Status.APOLOGIES:
        said = f"Thank you for letting us know. We have sent your apologies for {when}."
    elif attendance.mode == Attendance.Mode.ONLINE:
        said = f"You are registered to join {when} online."
    else:
        said = f"You are registered to come to {when} in person."
    if not created:
        said = "Your answer has been changed. " + said
    return said + " You can change this until the meeting starts."


@role_required(MEMBER)
def send_views(request, pk):
    """A member sends their views on an agenda item, before or after the meeting."""
    item = get_object_or_404(
        AgendaItem.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)).select_related(
            "meeting__partnership"
        ),
        pk=pk,
    )
    _refuse_outsiders(request, item.meeting)
    anchor = _meeting_anchor(item.meeting, f"item-{item.pk}")
    if not item.is_business:
        messages.error(request, "This part of the agenda does not take views. Choose an item of business.")
        return redirect(anchor)
    if request.method == "POST":
        form = SendViewsForm(request.POST)
        if form.is_valid():
            participant = participant_for_user(request.user, create=True)
            services.send_views(item, participant, form.cleaned_data["text"])
            messages.success(
                request,
                f"Thank you: your views on “{item.title}” have gone to the chair and staff. You can read "
                "them again under My views.",
            )
            return redirect(anchor)
    else:
        form = SendViewsForm()
    mine = selectors.feedback_visible_to(request.user).filter(agenda_item=item, participant__user=request.user)
    return render(
        request,
        "meetings/participation/send_views.html",
        {"item": item, "meeting": item.meeting, "form": form, "my_views": mine.order_by("created_at")},
    )


@member_required
def my_views(request):
    """The views you sent (or staff recorded for you), newest first, with what was done."""
    views = (
        Feedback.objects.filter(participant__user=request.user, agenda_item__meeting__published_at__isnull=False)
        .select_related("agenda_item__meeting__partnership")
        .prefetch_related(
            Prefetch("agenda_item__responses", queryset=Response.objects.order_by("decided_on", "pk")),
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(views, VIEWS_PER_PAGE).get_page(page_number(request))
    today = timezone.localdate()
    views = list(page.object_list)
    for view in views:
        view.standing = selectors.standing_of(view.agenda_item, today)
    return render(request, "meetings/participation/my_views.html", {"page_obj": page, "views": views})


class PagedByPartnership(Paginator):
    """Pages a list ordered by partnership (name, then id) first, without sorting a whole region's items.

    A plain paginator's page sorts every row of the region (10,000 items waiting) to keep 25, and counts
    them all again. Here one query counts each partnership's rows; a page then reads only the few
    partnerships it spans, through meetings' (partnership, start) index, so its cost is a partnership's
    items however large the region. The list's own order says what comes first within a partnership.
    """

    @cached_property
    def counts(self) -> list[tuple[int, int]]:
        """(partnership id, rows) in the list's order, from the list itself, so the filters can never differ."""
        rows = self.object_list.prefetch_related(None).order_by("meeting__partnership__name", "meeting__partnership_id")
        return list(rows.values_list("meeting__partnership").annotate(rows=Count("pk")))

    @cached_property
    def count(self) -> int:
        return sum(rows for _, rows in self.counts)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        spanned, before, seen = [], 0, 0
        for partnership_id, rows in self.counts:
            if seen < top and seen + rows > bottom:
                if not spanned:
                    before = seen
                spanned.append(partnership_id)
            seen += rows
        items = self.object_list.filter(meeting__partnership__in=spanned)[bottom - before : top - before]
        return self._get_page(items, number, self)


@public_page
def you_said_we_did(request):
    """What people said, what was done, and what is still waiting, per partnership, oldest wait first."""
    form = PartnershipFilterForm(request.GET)
    if form.is_valid():
        partnership = form.cleaned_data["partnership"]
        waiting_items = selectors.waiting_for_feedback(partnership).filter(meeting__published_at__isnull=False)
        responded_items = selectors.responded_items(partnership).filter(meeting__published_at__isnull=False)
    else:
        # An unknown partnership: both lists empty, and the page names it (as every list does).
        partnership, waiting_items, responded_items = None, AgendaItem.objects.none(), AgendaItem.objects.none()
    waiting = PagedByPartnership(waiting_items, WAITING_PER_PAGE).get_page(page_number(request, "waiting_page"))
    responded = PagedByPartnership(responded_items, RESPONDED_PER_PAGE).get_page(page_number(request, "responded_page"))
    waiting_items = selectors.with_days_waiting(waiting.object_list)
    query = request.GET.copy()
    for key in ("waiting_page", "responded_page"):
        query.pop(key, None)
    return render(
        request,
        "meetings/participation/you_said_we_did.html",
        {
            "form": form,
            "partnership": partnership,
            "waiting": waiting,
            "waiting_items": waiting_items,
            "responded": responded,
            "query": query.urlencode(),
            # Each list's pager keeps the other list on its page.
            "keep_responded": f"responded_page={responded.number}",
            "keep_waiting": f"waiting_page={waiting.number}",
        },
    )
