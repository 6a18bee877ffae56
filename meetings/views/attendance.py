"""Staff's side of taking part: who came, the sign-in sheet, views received and 'we did'.

For the staff and chair of the meeting's partnership (or of one above it):
each view looks its meeting or item up through ``for_user``, so another
partnership's is "not found" (404), and the services check ``can_run`` again.
"""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from engagement.roles import office_required

from .. import selectors, services, sign_in_sheet
from ..attendance_import import AttendanceImportError, import_attendance
from ..forms import AttendanceImportForm, AttendanceSheetForm, RecordViewsForm, ResponseForm, WalkInForm
from ..models import AgendaItem, Attendance, Meeting


def _meeting(request, pk):
    """A meeting of a partnership the user runs; any other is "not found"."""
    return get_object_or_404(Meeting.objects.for_user(request.user).select_related("partnership"), pk=pk)


def _attendance_url(meeting):
    return reverse("meeting_attendance", args=[meeting.pk])


@office_required
def attendance(request, pk):
    """Record who came to a held meeting on one screen: came (in person or online) or not, system staff.

    Recording that someone with a claim waiting did not come asks first, naming
    them and their claims; nothing changes until staff confirm.
    """
    meeting = _meeting(request, pk)
    closed = services.attendance_closed_reason(meeting)
    rows = (
        Attendance.objects.filter(meeting=meeting)
        .select_related("participant__organisation")
        .order_by("participant__name", "pk")
    )
    if request.method == "POST" and not closed:
        sheet = AttendanceSheetForm(request.POST, rows=rows)
        if sheet.is_valid() and request.POST.get("action") != "back":
            changes = sheet.changes()
            at_stake = selectors.claims_at_stake(change.attendance for change in changes if change.withdraws)
            if at_stake and not sheet.cleaned_data["confirmed"]:
                return render(
                    request,
                    "meetings/participation/attendance_confirm.html",
                    {"meeting": meeting, "sheet": sheet, "at_stake": at_stake},
                )
            changed = services.save_attendance_changes(changes, by=request.user)
            counted = Attendance.objects.filter(meeting=meeting).counted().count()
            messages.success(
                request,
                f"Attendance saved ({changed} change{'s' if changed != 1 else ''}). "
                f"{counted} attendee{'s' if counted != 1 else ''} counted, not including system staff.",
            )
            if at_stake:
                named = "; ".join(f"{item.name} ({item.described})" for item in at_stake)
                messages.warning(request, f"Flagged for finance to check before paying: {named}.")
            return redirect(_attendance_url(meeting))
        if not sheet.is_valid():
            messages.error(request, "Nothing was saved: please correct the rows marked below.")
    else:
        if request.method == "POST":
            messages.error(request, closed)
        sheet = AttendanceSheetForm(rows=rows)
    return render(
        request,
        "meetings/participation/attendance.html",
        {
            "meeting": meeting,
            "sheet": sheet,
            "closed": closed,
            "walk_in_form": WalkInForm(user=request.user),
            "import_form": AttendanceImportForm(),
            "summary": selectors.registration_summary(meeting),
        },
    )


@office_required
def walk_in(request, pk):
    """Add someone who came without registering, finding their record first."""
    meeting = _meeting(request, pk)
    closed = services.attendance_closed_reason(meeting)
    if closed:
        messages.error(request, closed)
        return redirect(_attendance_url(meeting))
    if request.method == "POST":
        form = WalkInForm(request.POST, user=request.user)
        if form.is_valid():
            found = form.cleaned_data["participant"]
            person = found or form.new_participant()
            try:
                attendance, created = services.record_walk_in(
                    meeting,
                    person,
                    mode=form.cleaned_data["mode"],
                    counts_as_staff=form.cleaned_data["counts_as_staff"],
                    confirmed_new=form.cleaned_data.get("match") == form.NEW,
                    by=request.user,
                )
            except IntegrityError:
                # Someone else saved this email a moment ago.
                form.add_error("email", "Someone already has this email. Submit again to find them.")
            else:
                if found is None:
                    said = f"{person.name} added as a new person and marked as a walk-in."
                elif created:
                    said = f"Found {person.name}'s record; marked as a walk-in."
                else:
                    said = f"{person.name} was already on the list; now marked as attended."
                messages.success(request, said)
                return redirect(_attendance_url(meeting))
    else:
        form = WalkInForm(user=request.user)
    return render(request, "meetings/participation/walk_in.html", {"meeting": meeting, "form": form})


@office_required
def attendance_upload(request, pk):
    """Upload a sign-in sheet (CSV): every row or none, with row numbers in any error."""
    meeting = _meeting(request, pk)
    closed = services.attendance_closed_reason(meeting)
    errors = []
    if request.method == "POST" and not closed:
        form = AttendanceImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                result = import_attendance(meeting, form.cleaned_data["sheet"].read(), by=request.user)
            except AttendanceImportError as error:
                errors = error.errors
                form.add_error("sheet", "Nothing was imported. Correct the sheet and upload it again.")
            else:
                messages.success(request, result.summary())
                return redirect(_attendance_url(meeting))
    else:
        form = AttendanceImportForm()
    return render(
        request,
        "meetings/participation/import.html",
        {"meeting": meeting, "form": form, "errors": errors, "closed": closed},
    )


@office_required
def sign_in_sheet_csv(request, pk):
    """The list for the sign-in desk, with access needs people agreed to share."""
    meeting = _meeting(request, pk)
    return sign_in_sheet.response(selectors.sign_in_sheet(meeting), sign_in_sheet.filename_for(meeting))


@office_required
def record_views(request, pk):
    """Views staff received by email, phone, paper or in the meeting."""
    item = get_object_or_404(AgendaItem.objects.for_user(request.user).select_related("meeting__partnership"), pk=pk)
    if request.method == "POST":
        form = RecordViewsForm(request.POST, item=item, user=request.user)
        if form.is_valid():
            services.send_views(
                item,
                form.cleaned_data["participant"],
                form.cleaned_data["text"],
                channel=form.cleaned_data["channel"],
                recorded_by=request.user,
                themes=form.cleaned_data["themes"],
            )
            messages.success(request, f"Views on “{item.title}” recorded.")
            return redirect(f"{item.meeting.get_absolute_url()}#item-{item.pk}")
    else:
        form = RecordViewsForm(item=item, user=request.user)
    return render(request, "meetings/participation/record_views.html", {"item": item, "form": form})


@office_required
def record_response(request, pk):
    """'We did': what the decision makers did with what people said on an item."""
    item = get_object_or_404(
        AgendaItem.objects.for_user(request.user).select_related("meeting__partnership").prefetch_related("responses"),
        pk=pk,
    )
    if request.method == "POST":
        form = ResponseForm(request.POST, item=item)
        if form.is_valid():
            services.record_response(
                item, form.instance, views_summary=form.cleaned_data["views_summary"], recorded_by=request.user
            )
            messages.success(request, f"What was done about “{item.title}” is now on You said, we did.")
            return redirect(f"{reverse('you_said_we_did')}?partnership={item.meeting.partnership.slug}")
    else:
        form = ResponseForm(item=item)
    return render(request, "meetings/participation/response_form.html", {"item": item, "form": form})
