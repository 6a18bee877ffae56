"""Writes for taking part: registering, recording who came, closing the loop, erasing a person.

Each function changes state inside one transaction and is safe to repeat:
doing the same thing twice has no second effect. Views, the admin and
management commands call these rather than saving models themselves.

Whoever records something for a meeting (``by``, or ``recorded_by`` for
views and 'we did') must run that meeting's partnership (``can_run``):
otherwise ``PermissionDenied``, whatever the view or admin already checked.
Management commands and the system pass no one.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from functools import partial

from django.core import serializers
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from engagement.models import Participant
from engagement.roles import can_chair, can_run
from toolkit.page_cache import content_changed

from . import notifications
from .models import AgendaItem, Attendance, Feedback, Meeting, Response
from .signals import meeting_published, send_on_commit


class ParticipationClosed(Exception):
    """Raised when a meeting no longer takes registrations (it has started or was cancelled)."""


def check_runs(by, partnership_id) -> None:
    """Refuse a record made by someone who does not run the partnership (``by`` None: a command, the system)."""
    if by is not None and not can_run(by, partnership_id):
        raise PermissionDenied("Only the partnership's staff and chair can record this.")


def publish_meeting(meeting: Meeting, by=None) -> tuple[Meeting, bool]:
    """Publish a draft meeting's agenda: from now it shows on every public page, list and feed.

    Returns ``(meeting, published_now)``. Publishing a published meeting changes nothing
    (the meeting's row is locked while we look, so two chairs pressing "Publish" at once
    publish it once) and tells no one again. Once committed, ``signals.meeting_published``
    is sent: the hook for the "agenda published" notification.
    """
    if by is not None and not can_chair(by, meeting.partnership_id):
        raise PermissionDenied("Only the partnership's chair can publish its agendas.")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("partnership").get(pk=meeting.pk)
        if meeting.published_at is not None:
            return meeting, False
        meeting.published_at = timezone.now()
        # save() moves updated_at (the calendar's LAST-MODIFIED) and, through post_save, drops visitors' cached pages.
        meeting.save(update_fields=["published_at", "updated_at"])
        send_on_commit(meeting_published, Meeting, meeting=meeting, by=by)
        return meeting, True


def registration_closed_reason(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """Why people can no longer say whether they are coming, or '' while they still can."""
    if meeting.status == Meeting.Status.CANCELLED:
        return "This meeting has been cancelled, so it no longer takes registrations."
    start = timezone.localtime(meeting.start)
    if (now or timezone.now()) >= meeting.start or meeting.status == Meeting.Status.HELD:
        return (
            f"Registration has closed: the meeting started at {start:%H:%M} on {start.day} {start:%B %Y}. "
            "If you need to tell us something, please contact the chair."
        )
    return ""


def attendance_closed_reason(meeting: Meeting, now: datetime.datetime | None = None) -> str:
    """Why staff cannot yet record who came, or '' when they can."""
    if meeting.status == Meeting.Status.CANCELLED:
        return "This meeting was cancelled, so there is no attendance to record."
    if meeting.status != Meeting.Status.HELD and (now or timezone.now()) < meeting.start:
        return "This meeting has not started yet: record who came once it has."
    return ""


def register(
    meeting: Meeting,
    participant: Participant,
    *,
    status: str,
    mode: str = Attendance.Mode.IN_PERSON,
    access_needs: str = "",
    share: bool = False,
) -> tuple[Attendance, bool]:
    """Say ``participant`` is coming (in person or online) or sends apologies.

    Refused with ``ParticipationClosed`` once the meeting starts. Returns
    ``(attendance, created)``.
    """
    if status not in (Attendance.Status.REGISTERED, Attendance.Status.APOLOGIES):
        raise ValueError(f"A member can register or send apologies, not {status!r}.")
    with transaction.atomic():
        # Lock the meeting so a registration cannot slip in while the chair marks it held.
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        reason = registration_closed_reason(meeting)
        if reason:
            raise ParticipationClosed(reason)
        attendance, created = Attendance.objects.update_or_create(
            meeting=meeting,
            participant=participant,
            defaults={
                "status": status,
                "mode": mode,
                "access_needs": access_needs.strip() if share else "",
                "share_access_needs": bool(share and access_needs.strip()),
            },
        )
        transaction.on_commit(partial(notifications.attendance_saved, attendance.pk))
        return attendance, created


def save_attendance_changes(changes: Iterable, *, by=None) -> int:
    """Save what the attendance screen changed; returns how many attendances changed.

    One UPDATE for each outcome (attended in person, absent, …), so at most a
    dozen queries however many people there are. Someone withdrawn who has a
    claim waiting (``selectors.claims_at_stake``) is then no longer recorded as
    attending: the claim's own checks flag it to finance.
    """
    changes = list(changes)
    if by is not None and changes:
        meeting_ids = {change.attendance.meeting_id for change in changes}
        for partnership_id in set(Meeting.objects.filter(pk__in=meeting_ids).values_list("partnership_id", flat=True)):
            check_runs(by, partnership_id)
    groups = defaultdict(list)
    for change in changes:
        groups[(change.status, change.mode, change.counts_as_staff)].append(change.attendance.pk)
    now = timezone.now()
    with transaction.atomic():
        for (status, mode, counts_as_staff), pks in groups.items():
            Attendance.objects.filter(pk__in=pks).update(
                status=status, mode=mode, counts_as_staff=counts_as_staff, updated_at=now
            )
        if changes:
            # update() sends no signal: visitors' cached pages must drop the old figures anyway.
            content_changed(Attendance)
    return len(changes)


def record_walk_in(
    meeting: Meeting,
    participant: Participant,
    *,
    mode: str,
    counts_as_staff: bool = False,
    confirmed_new: bool = False,
    by=None,
) -> tuple[Attendance, bool]:
    """Mark ``participant`` as having come to ``meeting``; returns ``(attendance, created)``.

    ``participant`` may be unsaved (someone new): it is saved in the same
    transaction. Someone who registered and then turned up keeps their one
    attendance; only people who had not registered are walk-ins.

    The meeting's row is locked, so walk-ins at one meeting are recorded one
    at a time. Someone new is first looked for again under the lock: the same
    email, or the same name without an email already at this meeting, is the
    same person (the desk pressed "Add" twice, or two people at the desk typed
    the same walk-in), unless staff saw the people of that name and said this
    is someone new (``confirmed_new``).
    """
    check_runs(by, meeting.partnership_id)
    with transaction.atomic():
        Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
        if participant.pk is None and not confirmed_new:
            participant = _same_person(meeting, participant) or participant
        if participant.pk is None:
            participant.save()
            attendance = None
        else:
            attendance = Attendance.objects.select_for_update().filter(meeting=meeting, participant=participant).first()
        if attendance is None:
            attendance = Attendance.objects.create(
                meeting=meeting,
                participant=participant,
                status=Attendance.Status.ATTENDED,
                mode=mode,
                counts_as_staff=counts_as_staff or participant.is_system_staff,
                is_walk_in=True,
            )
            return attendance, True
        attendance.status = Attendance.Status.ATTENDED
        attendance.mode = mode
        attendance.counts_as_staff = counts_as_staff or participant.is_system_staff
        attendance.save(update_fields=["status", "mode", "counts_as_staff", "updated_at"])
        return attendance, False


def _same_person(meeting, new):
    """A saved participant who is the unsaved ``new`` walk-in at ``meeting``, or None."""
    email = (new.email or "").strip()
    if email:
        return Participant.objects.filter(email__iexact=email).first()
    return (
        Participant.objects.filter(
            name__iexact=new.name.strip(), email="", erased_at__isnull=True, attendances__meeting=meeting
        )
        .order_by("pk")
        .first()
    )


def send_views(
    item: AgendaItem,
    participant: Participant | None,
    text: str,
    *,
    channel: str = Feedback.Channel.PORTAL,
    recorded_by=None,
    themes: Iterable = (),
) -> tuple[Feedback, bool]:
    """Keep someone's views on an agenda item; returns ``(feedback, created)``.

    The same words from the same person by the same channel are kept once,
    however often they are sent (a double click, a refresh, two tabs): the
    item's row is locked while we look. Views from someone not known are the
    same when the same member of staff recorded the same words.

    Views enter the loop: an item that needed nothing (or was asking for
    feedback) is now awaiting a response, so it shows as waiting, its days
    counted (``enter_loop``).
    """
    if recorded_by is not None:
        check_runs(recorded_by, item.meeting.partnership_id)
    text = text.strip()
    with transaction.atomic():
        locked = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
        existing = Feedback.objects.filter(agenda_item=item, participant=participant, channel=channel, text=text)
        if participant is None:
            existing = existing.filter(recorded_by=recorded_by)
        if existing.exists():
            return existing.order_by("pk").first(), False
        feedback = Feedback.objects.create(
            agenda_item=item, participant=participant, channel=channel, text=text, recorded_by=recorded_by
        )
        if themes:
            feedback.themes.set(themes)
        enter_loop(locked, feedback)
        item.feedback_status, item.feedback_requested_on = locked.feedback_status, locked.feedback_requested_on
        return feedback, True


# An item in one of these states has no one waiting yet: views sent on it start the wait.
NOT_YET_WAITING = (AgendaItem.FeedbackStatus.NONE, AgendaItem.FeedbackStatus.NEED_FEEDBACK)


def views_received(feedback: Feedback) -> bool:
    """``enter_loop`` for views saved elsewhere (the back office's form): the item's row is locked here."""
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().select_related("meeting").get(pk=feedback.agenda_item_id)
        return enter_loop(item, feedback)


def enter_loop(item: AgendaItem, feedback: Feedback) -> bool:
    """Put ``item`` (locked by the caller) into "awaiting response" now that ``feedback`` came; True if it moved.

    People wait from the item's "feedback requested on" date, or else from its meeting's
    day; views on an item that asked for nothing, sent after its meeting, start the wait on
    the day they came (not on the day of a meeting long before). A responded item stays
    responded: people have heard back on it.
    """
    if item.feedback_status not in NOT_YET_WAITING:
        return False
    fields = ["feedback_status"]
    if item.feedback_status == AgendaItem.FeedbackStatus.NONE and item.feedback_requested_on is None:
        sent_on = timezone.localdate(feedback.created_at)
        if sent_on > timezone.localdate(item.meeting.start):
            item.feedback_requested_on = sent_on
            fields.append("feedback_requested_on")
    item.feedback_status = AgendaItem.FeedbackStatus.AWAITING_RESPONSE
    item.save(update_fields=fields)
    return True


def record_response(
    item: AgendaItem, response: Response, *, views_summary: str | None = None, recorded_by=None
) -> Response:
    """Save the 'we did' for ``item`` and mark the item responded.

    ``response`` is an unsaved (or changed) ``Response``. Any response,
    including 'in progress' or 'not possible', means people have heard back.
    The same new 'we did' sent twice is kept once (the item's row is locked
    while we look): ``response`` then becomes the one already kept.
    """
    if recorded_by is not None:
        check_runs(recorded_by, item.meeting.partnership_id)
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        response.agenda_item = item
        if recorded_by is not None and response.recorded_by_id is None:
            response.recorded_by = recorded_by
        if response.status != Response.Status.NOT_POSSIBLE:
            response.reason = response.reason.strip()
        kept = _same_response(item, response) if response.pk is None else None
        if kept is not None:
            # The caller's object becomes the one already kept (the admin then shows that one).
            response.pk = kept.pk
            response._state.adding = False
            response.refresh_from_db()
        else:
            response.save()
        fields = []
        if item.feedback_status != AgendaItem.FeedbackStatus.RESPONDED:
            item.feedback_status = AgendaItem.FeedbackStatus.RESPONDED
            fields.append("feedback_status")
        if views_summary is not None and views_summary != item.views_summary:
            item.views_summary = views_summary
            fields.append("views_summary")
        if fields:
            item.save(update_fields=fields)
        transaction.on_commit(partial(notifications.we_did, response.pk))
        return response


def _same_response(item, response):
    """A 'we did' already kept for ``item`` that says what the unsaved ``response`` says, or None."""
    return (
        Response.objects.filter(
            agenda_item=item,
            what_we_did=response.what_we_did,
            decided_by=response.decided_by,
            decided_on=response.decided_on,
            changed=response.changed,
            status=response.status,
            reason=response.reason,
            reported_back_on=response.reported_back_on,
        )
        .order_by("pk")
        .first()
    )


def erase_participant(participant: Participant) -> Participant:
    """Anonymise a person at their request, keeping counts and financial records.

    Their access needs on each attendance go too: those are about the person.
    """
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        Attendance.objects.filter(participant=participant).update(access_needs="", share_access_needs=False)
        # A visitor's views keep the name and email they gave: those are about the person too.
        Feedback.with_pending.filter(participant=participant).update(visitor_name="", visitor_email="")
        if participant.erased_at is None:
            participant.anonymise()
        return participant


def participant_data(participants: Iterable[Participant]) -> dict:
    """Everything held about ``participants``, for a subject access request.

    Every record that points at the person is included, whichever app holds
    it (attendances, views, claims), so a new app's data is not forgotten.
    """
    export = []
    for participant in participants:
        related = {}
        for relation in participant._meta.related_objects:
            if relation.hidden:
                continue
            accessor = relation.get_accessor_name()
            if relation.one_to_one:
                obj = getattr(participant, accessor, None)
                objects = [obj] if obj is not None else []
            else:
                objects = list(getattr(participant, accessor).all())
            if objects:
                related[relation.related_model._meta.label] = [
                    {"id": row["pk"], **row["fields"]} for row in serializers.serialize("python", objects)
                ]
        (row,) = serializers.serialize("python", [participant])
        fields = row["fields"]
        fields["organisation"] = str(participant.organisation) if participant.organisation_id else None
        fields["user"] = participant.user.get_username() if participant.user_id else None
        export.append({"id": participant.pk, **fields, "records": related})
    return {"exported_at": timezone.now(), "participants": export}


class ExportEncoder(DjangoJSONEncoder):
    """JSON for exports: dates as ISO strings, anything else (files, decimals) as text."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)
