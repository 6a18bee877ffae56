"""The emails meetings send: what each says, to whom and why. ``meetings/tasks.py`` sends them.

Every function here runs in the worker (web requests only enqueue a task) and
hands its messages to ``notifications.outbox``. Each message's key names the
event and the person, so a task that runs twice sends nothing twice.
"""

import datetime
import hashlib

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from engagement.roles import CHAIR, STAFF
from notifications.models import Kind
from notifications.outbox import Attachment, Message, queue, queue_many, site_url

from . import selectors
from .models import Attendance, Feedback, Meeting, Paper, Response

# Access needs asked for a meeting this close are sent to staff at once, not in the daily digest.
ACCESS_NEEDS_AT_ONCE_DAYS = 7


def _address(participant) -> str:
    if participant.email:
        return participant.email
    user = participant.user
    return user.email if user is not None and user.email else ""


def _when(meeting) -> str:
    start = timezone.localtime(meeting.start)
    if meeting.times_to_be_confirmed:
        return f"{start:%A} {start.day} {start:%B %Y} (time to be confirmed)"
    end = timezone.localtime(meeting.end)
    return f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to {end:%H:%M}"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _stamp(moment) -> str:
    return moment.isoformat()


def meeting_ics(meeting) -> Attachment:
    """The one meeting as an iCalendar attachment (the same event as the calendar feed)."""
    from .views.feeds import build_calendar

    calendar = build_calendar([meeting], None, site_url)
    return Attachment(f"meeting-{meeting.pk}.ics", calendar.to_ical().decode(), "text/calendar")


def _meeting_context(meeting, attendance=None) -> dict:
    online = attendance is not None and attendance.mode == Attendance.Mode.ONLINE
    return {
        "meeting": meeting,
        "when": _when(meeting),
        "meeting_url": site_url(meeting.get_absolute_url()),
        "attendance": attendance,
        "join_link": meeting.online_link if (online or meeting.online_link_is_public) else "",
        "online": online,
    }


def registration_confirmed(attendance_id: int) -> None:
    """Tell a person their answer (coming in person, online, or apologies) was received."""
    attendance = (
        Attendance.objects.select_related("meeting__partnership", "participant__user").filter(pk=attendance_id).first()
    )
    if attendance is None:
        return
    meeting, participant = attendance.meeting, attendance.participant
    apologies = attendance.status == Attendance.Status.APOLOGIES
    queue(
        Message(
            kind=Kind.REGISTERED,
            # The same answer given twice is confirmed once.
            key=f"registered:{attendance.pk}:{attendance.status}:{attendance.mode}",
            to_email=_address(participant),
            to_name=participant.name,
            user=participant.user,
            partnership=meeting.partnership,
            subject=(f"Apologies received: {meeting.title}" if apologies else f"You are registered: {meeting.title}"),
            template="meetings/email/registered",
            reason=f"you told us whether you are coming to {meeting.title}",
            context=_meeting_context(meeting, attendance),
            attachment=None if apologies else meeting_ics(meeting),
        )
    )
    if attendance.share_access_needs and attendance.access_needs:
        if meeting.start - timezone.now() <= datetime.timedelta(days=ACCESS_NEEDS_AT_ONCE_DAYS):
            access_needs_now(attendance)


def _office_users(*roles):
    """Users with an address who hold one of ``roles`` (global groups today, see engagement/roles.py)."""
    return (
        get_user_model()
        .objects.filter(groups__name__in=roles, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def access_needs_now(attendance) -> None:
    """Staff hear at once about access needs for a meeting within a week, so there is time to arrange them."""
    meeting = attendance.meeting
    messages = [
        Message(
            kind=Kind.ACCESS_NEEDS,
            key=f"access:{attendance.pk}:{_digest(attendance.access_needs)}:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
            user=user,
            partnership=meeting.partnership,
            subject=f"Access needs for {meeting.title} ({timezone.localtime(meeting.start):%d %b})",
            template="meetings/email/access_needs",
            reason="you are staff of this partnership and the meeting is within 7 days",
            context={**_meeting_context(meeting), "needs": attendance.access_needs, "person": attendance.participant},
        )
        for user in _office_users(STAFF)
    ]
    queue_many(messages)


def registered_attendances(meeting):
    return (
        Attendance.objects.filter(meeting=meeting, status=Attendance.Status.REGISTERED)
        .select_related("participant__user")
        .order_by("pk")
    )


def meeting_changed(meeting_id: int, changes: list[str]) -> None:
    """Everyone registered hears that the meeting moved, changed venue or was cancelled."""
    meeting = Meeting.objects.select_related("partnership").filter(pk=meeting_id).first()
    if meeting is None or meeting.published_at is None:
        return
    cancelled = meeting.status == Meeting.Status.CANCELLED
    subject = f"Cancelled: {meeting.title}" if cancelled else f"Changed: {meeting.title}"
    stamp = _stamp(meeting.updated_at)
    messages = []
    for attendance in registered_attendances(meeting):
        participant = attendance.participant
        messages.append(
            Message(
                kind=Kind.MEETING_CHANGED,
                key=f"changed:{meeting.pk}:{stamp}:{attendance.pk}",
                to_email=_address(participant),
                to_name=participant.name,
                user=participant.user,
                partnership=meeting.partnership,
                subject=subject,
                template="meetings/email/changed",
                reason=f"you registered for {meeting.title}",
                context={**_meeting_context(meeting, attendance), "cancelled": cancelled, "changes": changes},
                attachment=meeting_ics(meeting),
            )
        )
    queue_many(messages)


def queue_due_reminders(now=None) -> int:
    """Reminders for meetings starting within each partnership's reminder window; returns how many were queued.

    Safe to run as often as you like: each person gets one reminder per meeting.
    """
    now = now or timezone.now()
    meetings = (
        Meeting.objects.filter(
            status=Meeting.Status.SCHEDULED,
            published_at__isnull=False,
            start__gt=now,
            partnership__reminder_days_before__gt=0,
            start__lte=now + datetime.timedelta(days=31),
        )
        .select_related("partnership")
        .order_by("start")
    )
    queued = 0
    for meeting in meetings:
        if meeting.start - now > datetime.timedelta(days=meeting.partnership.reminder_days_before):
            continue
        messages = []
        for attendance in registered_attendances(meeting):
            participant = attendance.participant
            messages.append(
                Message(
                    kind=Kind.REMINDER,
                    key=f"reminder:{meeting.pk}:{attendance.pk}",
                    to_email=_address(participant),
                    to_name=participant.name,
                    user=participant.user,
                    partnership=meeting.partnership,
                    subject=f"Reminder: {meeting.title}, {_when(meeting)}",
                    template="meetings/email/reminder",
                    reason=f"you registered for {meeting.title}",
                    context=_meeting_context(meeting, attendance),
                )
            )
        queued += len(queue_many(messages))
    return queued


def _members_messages(meeting, *, kind, key, subject, template, context):
    return [
        Message(
            kind=kind,
            key=f"{key}:{participant.pk}",
            to_email=_address(participant),
            to_name=participant.name,
            user=participant.user,
            partnership=meeting.partnership,
            subject=subject,
            template=template,
            reason=f"you are a member of {meeting.partnership.name}",
            context=context,
        )
        for participant in selectors.partnership_members(meeting.partnership)
    ]


def agenda_published(meeting_id: int) -> None:
    """The partnership's members hear that an agenda is out."""
    meeting = Meeting.objects.for_agenda().filter(pk=meeting_id).first()
    if meeting is None or meeting.published_at is None:
        return
    context = {**_meeting_context(meeting), "items": [item for item in meeting.agenda_items.all() if item.is_business]}
    queue_many(
        _members_messages(
            meeting,
            kind=Kind.AGENDA_PUBLISHED,
            key=f"published:{meeting.pk}:{_stamp(meeting.published_at)}",
            subject=f"Agenda published: {meeting.title}, {_when(meeting)}",
            template="meetings/email/agenda_published",
            context=context,
        )
    )


def paper_added(paper_id: int) -> None:
    """The partnership's members hear about a paper added to an agenda already published."""
    paper = Paper.objects.select_related("meeting__partnership").filter(pk=paper_id).first()
    if paper is None or paper.meeting.published_at is None or paper.created_at <= paper.meeting.published_at:
        return
    meeting = paper.meeting
    queue_many(
        _members_messages(
            meeting,
            kind=Kind.AGENDA_PUBLISHED,
            key=f"paper:{paper.pk}",
            subject=f"New paper for {meeting.title}: {paper.title}",
            template="meetings/email/paper_added",
            context={**_meeting_context(meeting), "paper": paper},
        )
    )


def we_did(response_id: int) -> None:
    """Everyone who sent views on the item, in any channel, with an address, hears what was done."""
    response = Response.objects.select_related("agenda_item__meeting__partnership").filter(pk=response_id).first()
    if response is None:
        return
    item = response.agenda_item
    meeting = item.meeting
    people = {}
    for view in Feedback.objects.filter(agenda_item=item, participant__isnull=False).select_related(
        "participant__user"
    ):
        if view.participant.erased_at is None:
            people.setdefault(view.participant.pk, view.participant)
    context = {
        **_meeting_context(meeting),
        "item": item,
        "response": response,
        "item_url": site_url(f"{meeting.get_absolute_url()}#item-{item.pk}"),
        "loop_url": site_url(reverse("you_said_we_did") + f"?partnership={meeting.partnership.slug}"),
    }
    queue_many(
        [
            Message(
                kind=Kind.WE_DID,
                key=f"we_did:{response.pk}:{_stamp(response.created_at)}:{participant.pk}",
                to_email=_address(participant),
                to_name=participant.name,
                user=participant.user,
                partnership=meeting.partnership,
                subject=f"What was done with your views: {item.title}",
                template="meetings/email/we_did",
                reason=f"you sent views on “{item.title}”",
                context=context,
            )
            for participant in people.values()
        ]
    )


def queue_staff_digests(now=None) -> int:
    """One email a day to each member of staff: registrations, apologies and views of the last day."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=1)
    registrations = list(
        Attendance.objects.filter(updated_at__gte=since, updated_at__lt=now, is_walk_in=False)
        .exclude(status__in=[Attendance.Status.ATTENDED, Attendance.Status.ABSENT])
        .select_related("meeting__partnership", "participant")
        .order_by("meeting__start", "participant__name")
    )
    views = list(
        Feedback.objects.filter(created_at__gte=since, created_at__lt=now)
        .select_related("agenda_item__meeting__partnership", "participant")
        .order_by("created_at")
    )
    if not registrations and not views:
        return 0
    day = timezone.localtime(now).date()
    messages = [
        Message(
            kind=Kind.STAFF_DIGEST,
            key=f"digest:{day:%Y-%m-%d}:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
            user=user,
            subject=f"Today on the portal: {len(registrations)} registration(s), {len(views)} view(s)",
            template="meetings/email/staff_digest",
            reason="you are staff, and this is the daily digest",
            context={"registrations": registrations, "views": views, "day": day, "admin_url": site_url("/admin/")},
        )
        for user in _office_users(STAFF)
    ]
    return len(queue_many(messages))


def queue_chair_weekly(now=None) -> int:
    """Once a week, the chair's list of items whose people have waited past the target."""
    now = now or timezone.now()
    overdue = selectors.overdue_feedback(timezone.localtime(now).date())
    if not overdue:
        return 0
    year, week, _ = timezone.localtime(now).isocalendar()
    messages = [
        Message(
            kind=Kind.CHAIR_WEEKLY,
            key=f"weekly:{year}-{week}:{user.pk}",
            to_email=user.email,
            to_name=user.get_full_name(),
            user=user,
            subject=f"{len(overdue)} item(s) waiting past the target for a response",
            template="meetings/email/chair_weekly",
            reason="you chair a partnership, and this is the weekly list",
            context={"items": overdue, "loop_url": site_url(reverse("you_said_we_did"))},
        )
        for user in _office_users(CHAIR)
    ]
    return len(queue_many(messages))
