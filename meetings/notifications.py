"""What the meetings app tells people, by email through the outbox (``engagement.notifications``).

Each function builds one kind of message for each person it concerns and
hands it to ``notify``, which writes it once (keys name the event and the
person) and sends it from the queue. The services call these after their
transaction commits; ``send_reminders`` calls the rest. What the office is sent
(the staff's digest, the chair's waiting list) is in ``meetings.staff_notifications``.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from engagement import roles
from engagement.notifications import kinds
from engagement.notifications.models import reminder_days
from engagement.notifications.services import (
    SwitchedOff,
    nearest_holding,
    notify,
    people_holding,
    recipient_for_participant,
    recipient_for_user,
    sends_in_batches,
)
from engagement.notifications.tokens import fingerprint, site_url

from .models import Attendance, Feedback, Meeting, Paper, Response
from .topics import Topic, TopicStatusChange, TopicSupport

# Access needs asked this close to a meeting reach staff at once; others wait for the daily digest.
ACCESS_NEEDS_URGENT = datetime.timedelta(days=7)


def when(meeting) -> str:
    """'Wednesday 27 September 2023, 10:00 to 12:30' in the portal's time zone."""
    start, end = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if meeting.times_to_be_confirmed:
        return f"{day} (time to be confirmed)"
    return f"{day}, {start:%H:%M} to {end:%H:%M}"


def _link_for(meeting, attendance=None) -> str:
    """The joining link: for an online meeting, or a hybrid one to someone joining online (or not yet known)."""
    link = meeting.online_link or ""
    if not link or meeting.format == Meeting.Format.IN_PERSON:
        return ""
    if attendance is None:  # a message to members at large: only a link the chair made public
        return meeting.public_online_link
    if meeting.format == Meeting.Format.HYBRID:
        return link if attendance.mode == Attendance.Mode.ONLINE else ""
    return link


def meeting_context(meeting, attendance=None) -> dict:
    return {
        "meeting": meeting,
        "when": when(meeting),
        "agenda_url": site_url(meeting.get_absolute_url()),
        "online_link": _link_for(meeting, attendance),
        "attendance": attendance,
    }


def meeting_ics(meeting, attendance=None) -> dict:
    """The meeting alone as an iCalendar attachment, with the joining link when this person may have it."""
    from .views.feeds import build_calendar

    private_link = bool(_link_for(meeting, attendance))
    meeting = Meeting.objects.for_agenda().get(pk=meeting.pk)
    calendar = build_calendar([], meeting.partnership, site_url, one_meeting=meeting, private_link=private_link)
    return {"filename": "meeting.ics", "content": calendar.to_ical().decode(), "mimetype": "text/calendar"}


# Taking part


def attendance_saved(attendance_id: int) -> None:
    """After someone registers (or sends apologies): their confirmation, and staff told of urgent access needs."""
    attendance = (
        Attendance.objects.select_related("meeting__partnership", "participant__user").filter(pk=attendance_id).first()
    )
    if attendance is None:
        return
    meeting = attendance.meeting
    if attendance.status == Attendance.Status.REGISTERED:
        notify(
            kinds.REGISTERED,
            recipient_for_participant(attendance.participant),
            key=f"registered:{attendance.pk}:{attendance.mode}:{fingerprint(meeting.start, meeting.venue, length=12)}",
            subject=f"You are registered: {meeting.title}, {when(meeting)}",
            template="meetings/email/registered",
            context=meeting_context(meeting, attendance),
            partnership=meeting.partnership,
            attachments=[meeting_ics(meeting, attendance)],
        )
    if (
        attendance.share_access_needs
        and attendance.access_needs
        and meeting.start - timezone.now() <= ACCESS_NEEDS_URGENT
    ):
        access_needs_now(attendance)


def access_needs_now(attendance) -> None:
    """Access needs for a meeting within a week: the partnership's staff and chair are told at once."""
    meeting = attendance.meeting
    for recipient in nearest_holding(meeting.partnership, *roles.OFFICE_ROLES):
        notify(
            kinds.ACCESS_NEEDS,
            recipient,
            key=f"access_needs:{attendance.pk}:{fingerprint(attendance.access_needs, length=12)}",
            subject=f"Access needs for {meeting.title} on {timezone.localtime(meeting.start):%-d %B}",
            template="meetings/email/access_needs",
            context={**meeting_context(meeting), "attendance": attendance, "person": attendance.participant.name},
            partnership=meeting.partnership,
        )


def registered_attendances(meeting):
    return (
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.REGISTERED)
        .select_related("participant__user")
        .order_by("pk")
    )


def meeting_changed(meeting_id: int, changes: list[str]) -> None:
    """A meeting moved, changed venue or was cancelled: everyone registered is told, with the new details."""
    meeting = Meeting.objects.select_related("partnership").filter(pk=meeting_id).first()
    if meeting is None or not changes or meeting.is_draft or meeting.end < timezone.now():
        return
    cancelled = meeting.status == Meeting.Status.CANCELLED
    # The save's time is in it: a meeting moved back and forth again is news each time.
    stamp = fingerprint(
        meeting.status, meeting.start, meeting.end, meeting.venue, meeting.online_link, meeting.updated_at, length=12
    )
    subject = f"Cancelled: {meeting.title}" if cancelled else f"Changed: {meeting.title}, {when(meeting)}"
    switched_off = SwitchedOff.read(kinds.MEETING_CHANGED)
    for attendance in registered_attendances(meeting):
        notify(
            kinds.MEETING_CHANGED,
            recipient_for_participant(attendance.participant),
            key=f"meeting_changed:{meeting.pk}:{stamp}:{attendance.pk}",
            subject=subject,
            template="meetings/email/meeting_changed",
            context={**meeting_context(meeting, attendance), "changes": changes, "cancelled": cancelled},
            partnership=meeting.partnership,
            attachments=[] if cancelled else [meeting_ics(meeting, attendance)],
            switched_off=switched_off,
        )


def reminders_due(meeting) -> bool:
    """True while ``meeting`` is within its partnership's reminder days and has not started."""
    days = reminder_days(meeting.partnership)
    now = timezone.now()
    return (
        bool(days)
        and meeting.status == Meeting.Status.SCHEDULED
        and now < meeting.start <= now + datetime.timedelta(days=days)
    )


def send_reminders_for(meeting) -> int:
    """The reminder to everyone registered for ``meeting``; returns how many were written (again: none)."""
    context = meeting_context(meeting)
    # One commit for the meeting's reminders (and, on the database queue, their tasks: one per batch of rows).
    with transaction.atomic(), sends_in_batches():
        return _remind(meeting, context)


def _remind(meeting, context) -> int:
    written = 0
    switched_off = SwitchedOff.read(kinds.REMINDER)
    for attendance in registered_attendances(meeting):
        row = notify(
            kinds.REMINDER,
            recipient_for_participant(attendance.participant),
            key=f"reminder:{meeting.pk}:{meeting.start:%Y%m%d%H%M}:{attendance.pk}",
            subject=f"Reminder: {meeting.title}, {when(meeting)}",
            template="meetings/email/reminder",
            context={**context, "attendance": attendance, "online_link": _link_for(meeting, attendance)},
            partnership=meeting.partnership,
            switched_off=switched_off,
        )
        written += row is not None
    return written


def upcoming_for_reminders(now=None):
    """Scheduled meetings starting in the next fortnight (the longest lead most partnerships choose)."""
    now = now or timezone.now()
    meetings = Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED, start__gt=now, start__lte=now + datetime.timedelta(days=14)
    ).select_related("partnership")
    return meetings.filter(published_at__isnull=False).order_by("start")


# Agendas


def is_published(meeting) -> bool:
    """Drafts (``published_at`` null) tell no one."""
    return meeting.published_at is not None


def agenda_published(meeting) -> None:
    """The partnership's members who want it hear that the agenda is out (sent when the chair publishes)."""
    if not is_published(meeting) or meeting.status == Meeting.Status.CANCELLED:
        return
    context = meeting_context(meeting)
    context["items"] = list(meeting.agenda_items.order_by("order"))
    switched_off = SwitchedOff.read(kinds.AGENDA_PUBLISHED)
    for recipient in people_holding(meeting.partnership, *roles.ALL_ROLES, covering=False):
        notify(
            kinds.AGENDA_PUBLISHED,
            recipient,
            key=f"agenda_published:{meeting.pk}",
            subject=f"Agenda published: {meeting.title}, {when(meeting)}",
            template="meetings/email/agenda_published",
            context=context,
            partnership=meeting.partnership,
            switched_off=switched_off,
        )


def paper_added(paper_id: int) -> None:
    """A paper added to a published, upcoming meeting: the partnership's members who want it are told."""
    paper = Paper.objects.select_related("meeting__partnership").filter(pk=paper_id).first()
    if paper is None:
        return
    meeting = paper.meeting
    if not is_published(meeting) or not meeting.is_upcoming or meeting.status == Meeting.Status.CANCELLED:
        return
    context = {
        **meeting_context(meeting),
        "paper": paper,
        "paper_url": site_url(reverse("meeting_detail", args=[meeting.pk])),
    }
    switched_off = SwitchedOff.read(kinds.AGENDA_PUBLISHED)
    for recipient in people_holding(meeting.partnership, *roles.ALL_ROLES, covering=False):
        notify(
            kinds.AGENDA_PUBLISHED,
            recipient,
            key=f"paper_added:{paper.pk}",
            subject=f"New paper for {meeting.title}: {paper.title}",
            template="meetings/email/paper_added",
            context=context,
            partnership=meeting.partnership,
            switched_off=switched_off,
        )


# Closing the loop


def we_did(response_id: int) -> None:
    """Everyone who sent views on the item (with an address, in any channel) hears what was done."""
    response = Response.objects.select_related("agenda_item__meeting__partnership").filter(pk=response_id).first()
    if response is None:
        return
    item = response.agenda_item
    meeting = item.meeting
    senders = (
        Feedback.objects.filter(agenda_item=item, participant__isnull=False)
        .select_related("participant__user")
        .order_by("participant_id", "pk")
    )
    told = set()
    context = {
        **meeting_context(meeting),
        "item": item,
        "response": response,
        "read_url": site_url(reverse("you_said_we_did")),
    }
    for feedback in senders:
        if feedback.participant_id in told:
            continue
        told.add(feedback.participant_id)
        notify(
            kinds.WE_DID,
            recipient_for_participant(feedback.participant),
            key=f"we_did:{response.pk}:{feedback.participant_id}",
            subject=f"What was done with your views: {item.title}",
            template="meetings/email/we_did",
            context=context,
            partnership=meeting.partnership,
        )


# Topics


def topic_changed(topic_id: int, change_id: int) -> None:
    """A topic's status changed: its proposer and each supporter hear the new status in its public words.

    Each person is told only about the topic (no one else's name or address); once per change.
    """
    topic = (
        Topic.objects.select_related(
            "partnership", "agenda_item__meeting", "merged_into__partnership", "proposed_by__participant"
        )
        .filter(pk=topic_id)
        .first()
    )
    change = TopicStatusChange.objects.filter(pk=change_id, topic_id=topic_id).first()
    if topic is None or change is None:
        return
    people = []
    if topic.proposed_by is not None:
        people.append(recipient_for_user(topic.proposed_by))
    supports = TopicSupport.objects.filter(topic=topic).select_related("user__participant").order_by("pk")
    people += [recipient_for_user(support.user) for support in supports]
    item = topic.agenda_item if change.to_status == Topic.Status.SCHEDULED else None
    merged_into = topic.merged_into if change.to_status == Topic.Status.MERGED else None
    context = {
        "topic": topic,
        "status": change.get_to_status_display(),
        "words": change.words,
        "topic_url": site_url(reverse("topic_detail", args=[topic.partnership.slug, topic.pk])),
        "item": item,
        "meeting": item.meeting if item is not None else None,
        "when": when(item.meeting) if item is not None else "",
        "agenda_url": site_url(item.meeting.get_absolute_url()) if item is not None else "",
        "merged_into": merged_into,
        "merged_url": site_url(merged_into.get_absolute_url()) if merged_into is not None else "",
    }
    switched_off = SwitchedOff.read(kinds.TOPIC_CHANGED)
    told = set()
    for recipient in people:
        if recipient is None or recipient.user_id in told:
            continue
        told.add(recipient.user_id)
        notify(
            kinds.TOPIC_CHANGED,
            recipient,
            key=f"topic_changed:{change.pk}:{recipient.user_id}",
            subject=f"{topic.title}: {change.get_to_status_display()}",
            template="meetings/email/topic_changed",
            context=context,
            partnership=topic.partnership,
            switched_off=switched_off,
        )


# Changes made anywhere (the admin's forms, its bulk actions, the shell) are caught on save.


def meetings_cancelled(meeting_ids) -> None:
    """After a bulk cancel (``update()`` sends no signal): each meeting's registered people are told."""
    for meeting_id in meeting_ids:
        _after_commit(meeting_changed, meeting_id, ["cancelled"])


def _after_commit(function, *args):
    from functools import partial

    from .signals import is_muted

    if is_muted():  # loading the demo tells no one
        return
    transaction.on_commit(partial(function, *args))


_WATCHED = ("start", "end", "venue", "online_link", "status")


def _remember_meeting(sender, instance, **kwargs):
    instance._before_save = (
        Meeting.objects.filter(pk=instance.pk).values(*_WATCHED).first() if instance.pk is not None else None
    )


def _meeting_saved(sender, instance, created, **kwargs):
    before = getattr(instance, "_before_save", None)
    if created or before is None or not is_published(instance):
        return
    changes = []
    if before["start"] != instance.start or before["end"] != instance.end:
        changes.append("the time")
    if before["venue"] != instance.venue:
        changes.append("the venue")
    if before["online_link"] != instance.online_link:
        changes.append("the joining link")
    if before["status"] != instance.status == Meeting.Status.CANCELLED:
        changes = ["cancelled"]
    if changes and instance.end >= timezone.now():
        _after_commit(meeting_changed, instance.pk, changes)


def _paper_saved(sender, instance, created, **kwargs):
    if created:
        _after_commit(paper_added, instance.pk)


def _meeting_published(sender, meeting, by=None, **kwargs):
    agenda_published(Meeting.objects.select_related("partnership").get(pk=meeting.pk))


def _topic_status_changed(sender, topic, change, **kwargs):
    topic_changed(topic.pk, change.pk)


def connect() -> None:
    """Called once from ``MeetingsConfig.ready``."""
    from django.db.models.signals import post_save, pre_save

    from .signals import meeting_published, topic_status_changed

    meeting_published.connect(_meeting_published, sender=Meeting, dispatch_uid="notify_agenda_published")
    topic_status_changed.connect(_topic_status_changed, dispatch_uid="notify_topic_changed")

    pre_save.connect(_remember_meeting, sender=Meeting, dispatch_uid="notify_meeting_before")
    post_save.connect(_meeting_saved, sender=Meeting, dispatch_uid="notify_meeting_changed")
    post_save.connect(_paper_saved, sender=Paper, dispatch_uid="notify_paper_added")
