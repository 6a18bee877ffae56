"""Writes for taking part: registering, recording who came, closing the loop, erasing a person.

Each function changes state inside one transaction and is safe to repeat:
doing the same thing twice has no second effect. Views, the admin and
management commands call these rather than saving models themselves.
"""

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from engagement.models import Participant

from . import tasks
from .models import AgendaItem, Attendance, Feedback, Meeting, Response


class ParticipationClosed(Exception):
    """Raised when a meeting no longer takes registrations (it has started or was cancelled)."""


def registration_closed_reason(meeting, now=None):
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


def attendance_closed_reason(meeting, now=None):
    """Why staff cannot yet record who came, or '' when they can."""
    if meeting.status == Meeting.Status.CANCELLED:
        return "This meeting was cancelled, so there is no attendance to record."
    if meeting.status != Meeting.Status.HELD and (now or timezone.now()) < meeting.start:
        return "This meeting has not started yet: record who came once it has."
    return ""


def participant_for_user(user, create=False):
    """The participant record linked to ``user``; made from the user's name and email if asked.

    An unlinked, unerased participant with the user's email is the same person
    (one person, one record), so it is linked rather than duplicated. Accounts
    are created by staff, so their email addresses are trusted.
    """
    participant = Participant.objects.filter(user=user).first()
    if participant is not None or not create:
        return participant
    with transaction.atomic():
        email = (user.email or "").strip()
        if email:
            existing = (
                Participant.objects.select_for_update()
                .filter(email__iexact=email, user__isnull=True, erased_at__isnull=True)
                .first()
            )
            if existing is not None:
                existing.user = user
                existing.save(update_fields=["user"])
                return existing
            if Participant.objects.filter(email__iexact=email).exists():
                email = ""  # taken by someone else's record: never share an address
        name = user.get_full_name().strip() or user.get_username()
        return Participant.objects.create(name=name[:200], email=email, user=user)


def register(meeting, participant, *, status, mode=Attendance.Mode.IN_PERSON, access_needs="", share=False):
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
        tasks.enqueue_after_commit(tasks.registration_confirmed, attendance.pk)
        return attendance, created


def save_attendance_rows(forms):
    """Save the changed rows of the attendance screen in one UPDATE; returns how many changed.

    Each form's instance already holds the new mode and staff flag; its
    ``attended`` tick sets the status. Unticked keeps apologies as apologies
    and marks everyone else absent.
    """
    changed = []
    for form in forms:
        attendance = form.instance
        if form.cleaned_data["attended"]:
            status = Attendance.Status.ATTENDED
        elif attendance.status == Attendance.Status.APOLOGIES:
            status = Attendance.Status.APOLOGIES
        else:
            status = Attendance.Status.ABSENT
        if status == attendance.status and not form.has_changed():
            continue
        attendance.status = status
        # System staff are never counted, whatever the tick box says.
        attendance.counts_as_staff = attendance.counts_as_staff or attendance.participant.is_system_staff
        attendance.updated_at = timezone.now()
        changed.append(attendance)
    if changed:
        with transaction.atomic():
            Attendance.objects.bulk_update(changed, ["status", "mode", "counts_as_staff", "updated_at"])
    return len(changed)


def record_walk_in(meeting, participant, *, mode, counts_as_staff=False):
    """Mark ``participant`` as having come to ``meeting``; returns ``(attendance, created)``.

    ``participant`` may be unsaved (someone new): it is saved in the same
    transaction. Someone who registered and then turned up keeps their one
    attendance; only people who had not registered are walk-ins.
    """
    with transaction.atomic():
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


def send_views(item, participant, text, *, channel=Feedback.Channel.PORTAL, recorded_by=None, themes=()):
    """Keep someone's views on an agenda item; a repeat of the same words is not kept twice."""
    text = text.strip()
    with transaction.atomic():
        existing = Feedback.objects.filter(agenda_item=item, participant=participant, channel=channel, text=text)
        if participant is not None and existing.exists():
            return existing.first(), False
        feedback = Feedback.objects.create(
            agenda_item=item, participant=participant, channel=channel, text=text, recorded_by=recorded_by
        )
        if themes:
            feedback.themes.set(themes)
        return feedback, True


def record_response(item, response, *, views_summary=None, recorded_by=None):
    """Save the 'we did' for ``item`` and mark the item responded.

    ``response`` is an unsaved (or changed) ``Response``. Any response,
    including 'in progress' or 'not possible', means people have heard back.
    """
    with transaction.atomic():
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        response.agenda_item = item
        if recorded_by is not None and response.recorded_by_id is None:
            response.recorded_by = recorded_by
        if response.status != Response.Status.NOT_POSSIBLE:
            response.reason = response.reason.strip()
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
        tasks.enqueue_after_commit(tasks.we_did, response.pk)
        return response


def erase_participant(participant):
    """Anonymise a person at their request, keeping counts and financial records.

    Their access needs on each attendance go too: those are about the person.
    """
    with transaction.atomic():
        participant = Participant.objects.select_for_update().get(pk=participant.pk)
        Attendance.objects.filter(participant=participant).update(access_needs="", share_access_needs=False)
        if participant.erased_at is None:
            participant.anonymise()
        return participant


def participant_data(participants):
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
