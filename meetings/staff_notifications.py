"""What the meetings app tells the office: the staff's daily digest and the chair's weekly waiting list.

Called by ``send_staff_digest`` and ``send_chair_waiting``; the messages to members are in
``meetings.notifications``.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from engagement import roles
from engagement.notifications import kinds
from engagement.notifications.services import nearest_holding, notify
from engagement.notifications.tokens import site_url

from .models import AgendaItem, Attendance, Feedback, waited
from .notifications import ACCESS_NEEDS_URGENT


def staff_digest(partnership, *, now=None) -> int:
    """One email a day to the partnership's staff: registrations, apologies, views and later access needs."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=1)
    attendances = list(
        Attendance.objects.filter(meeting__partnership=partnership, updated_at__gte=since, updated_at__lt=now)
        .select_related("meeting", "participant")
        .order_by("meeting__start", "participant__name")
    )
    views = list(
        Feedback.objects.filter(
            agenda_item__meeting__partnership=partnership, created_at__gte=since, created_at__lt=now
        )
        .select_related("agenda_item__meeting")
        .order_by("agenda_item__meeting__start", "agenda_item__order")
    )
    if not attendances and not views:
        return 0
    registered = [a for a in attendances if a.status == Attendance.Status.REGISTERED]
    apologies = [a for a in attendances if a.status == Attendance.Status.APOLOGIES]
    access = [
        a for a in registered if a.share_access_needs and a.access_needs and a.meeting.start - now > ACCESS_NEEDS_URGENT
    ]
    context = {"registered": registered, "apologies": apologies, "access": access, "views": views, "since": since}
    day = timezone.localtime(now).date()
    sent = 0
    for recipient in nearest_holding(partnership, roles.STAFF):
        sent += (
            notify(
                kinds.STAFF_DIGEST,
                recipient,
                key=f"staff_digest:{partnership.pk}:{day:%Y-%m-%d}",
                subject=f"{partnership.name}: today's digest ({len(registered)} registered, {len(views)} views)",
                template="meetings/email/staff_digest",
                context=context,
                partnership=partnership,
            )
            is not None
        )
    return sent


def chair_waiting(partnership, *, today=None) -> int:
    """The weekly list for the chair: items people are waiting on past the partnership's target."""
    today = today or timezone.localdate()
    items = (
        AgendaItem.objects.filter(meeting__partnership=partnership, feedback_status__in=AgendaItem.WAITING_STATUSES)
        .select_related("meeting")
        .order_by("meeting__start", "order")
    )
    target = partnership.feedback_target_days
    waiting = []
    for item in items:
        days, overdue = waited(item.feedback_requested_on or item.meeting.local_date, today, target)
        if overdue:
            waiting.append({"item": item, "days": days, "url": site_url(item.meeting.get_absolute_url())})
    if not waiting:
        return 0
    year, week, _ = today.isocalendar()
    sent = 0
    for recipient in nearest_holding(partnership, roles.CHAIR):
        sent += (
            notify(
                kinds.CHAIR_WAITING,
                recipient,
                key=f"chair_waiting:{partnership.pk}:{year}-W{week:02d}",
                subject=f"{partnership.name}: {len(waiting)} item(s) waiting past {target} days",
                template="meetings/email/chair_waiting",
                context={"waiting": waiting, "target": target, "read_url": site_url(reverse("you_said_we_did"))},
                partnership=partnership,
            )
            is not None
        )
    return sent
