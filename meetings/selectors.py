"""Reads for taking part: who came, what they said, what is still waiting.

Each function fetches what a page needs in a fixed number of queries,
however many people come or items wait.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from engagement.models import Organisation, Participant, Partnership
from engagement.roles import can_run
from engagement.subqueries import count_pointing_here

from .models import COUNTED_ATTENDANCE, AgendaItem, Attendance, Feedback, Meeting, Response, waited


def feedback_visible_to(user) -> QuerySet[Feedback]:
    """Views a user may read: every view at the partnerships they run (staff, chair), their own, nothing else."""
    if not user.is_authenticated:
        return Feedback.objects.none()
    views = Feedback.objects.for_user(user) | Feedback.objects.filter(participant__user=user)
    return views.select_related("agenda_item__meeting__partnership", "participant")


def joining_link_for(meeting: Meeting, user, attendance: Attendance | None = ...) -> str:
    """The online joining link ``user`` may see ('' if none): everyone's when the chair made it public,
    else only the office's and the people registered for the meeting (or marked as come).

    Pass the user's ``attendance`` (or None) when the caller has read it already: no query then.
    """
    if not meeting.online_link:
        return ""
    if meeting.online_link_public or can_run(user, meeting.partnership_id):
        return meeting.online_link
    if not user.is_authenticated:
        return ""
    signed_up = (Attendance.Status.REGISTERED, Attendance.Status.ATTENDED)
    if attendance is ...:
        registered = Attendance.objects.filter(meeting=meeting, participant__user=user, status__in=signed_up).exists()
    else:
        registered = attendance is not None and attendance.status in signed_up
    return meeting.online_link if registered else ""


@dataclass
class Voices:
    """'What voices do we have at this meeting?': counted attendees, never system staff."""

    attendees: int = 0
    in_person: int = 0
    online: int = 0
    own_voice: int = 0
    for_organisation: int = 0
    for_community: int = 0
    first_time: int = 0
    organisations: int = 0
    organisations_by_kind: list = field(default_factory=list)
    listed_names: list = field(default_factory=list)
    all_names: list = field(default_factory=list)

    @property
    def unlisted(self):
        return self.attendees - len(self.listed_names)

    @property
    def representing(self):
        return self.for_organisation + self.for_community


def meeting_voices(meeting: Meeting) -> Voices:
    """Who was in the room at ``meeting``, in one query.

    A first-time attendee has no earlier attendance at any meeting of the
    same partnership. Distinct organisations are counted once per kind.
    """
    earlier = Attendance.objects.filter(
        participant=OuterRef("participant"),
        meeting__partnership=meeting.partnership_id,
        meeting__start__lt=meeting.start,
        status=Attendance.Status.ATTENDED,
    )
    rows = (
        Attendance.objects.counted()
        .filter(meeting=meeting)
        .annotate(returning=Exists(earlier))
        .values(
            "participant_id",
            "mode",
            "returning",
            "participant__name",
            "participant__voice",
            "participant__agrees_to_be_listed",
            "participant__organisation_id",
            "participant__organisation__name",
            "participant__organisation__kind",
        )
        .order_by("participant__name")
    )
    voices = Voices()
    organisations = {}
    for row in rows:
        voices.attendees += 1
        if row["mode"] == Attendance.Mode.ONLINE:
            voices.online += 1
        else:
            voices.in_person += 1
        voice = row["participant__voice"]
        if voice == Participant.Voice.ORGANISATION:
            voices.for_organisation += 1
        elif voice == Participant.Voice.COMMUNITY:
            voices.for_community += 1
        else:
            voices.own_voice += 1
        if not row["returning"]:
            voices.first_time += 1
        if row["participant__organisation_id"]:
            organisations[row["participant__organisation_id"]] = row["participant__organisation__kind"]
        name = row["participant__name"]
        if row["participant__organisation__name"]:
            name = f"{name} ({row['participant__organisation__name']})"
        voices.all_names.append(name)
        if row["participant__agrees_to_be_listed"]:
            voices.listed_names.append(name)
    voices.organisations = len(organisations)
    voices.organisations_by_kind = Organisation.count_by_kind(organisations.values())
    return voices


def registration_summary(meeting: Meeting) -> dict[str, int]:
    """How many are coming in person, online, or sent apologies; and how many shared access needs."""
    return Attendance.objects.filter(meeting=meeting).aggregate(
        in_person=Count("pk", filter=Q(status=Attendance.Status.REGISTERED, mode=Attendance.Mode.IN_PERSON)),
        online=Count("pk", filter=Q(status=Attendance.Status.REGISTERED, mode=Attendance.Mode.ONLINE)),
        apologies=Count("pk", filter=Q(status=Attendance.Status.APOLOGIES)),
        attended=Count("pk", filter=Q(status=Attendance.Status.ATTENDED)),
        counted=Count("pk", filter=COUNTED_ATTENDANCE),
        access_needs=Count("pk", filter=Q(share_access_needs=True) & ~Q(access_needs="")),
    )


@dataclass
class ClaimAtStake:
    """Someone about to be recorded as not having come, and the claim of theirs that relies on it."""

    attendance: Attendance
    claim: object  # a reimbursement.Claim, reached through ``Attendance.claims``

    @property
    def name(self):
        return self.attendance.participant.name

    @property
    def described(self):
        return self.claim.attendance_warning()


def claims_at_stake(attendances: Iterable[Attendance]) -> list[ClaimAtStake]:
    """The waiting claims (submitted or approved, not yet paid) of these attendances, in one query.

    Claims belong to ``reimbursement``, which sits to the right of meetings:
    they are read through the reverse relation ``Attendance.claims``, and each
    claim says itself whether it relies on its attendance
    (``relies_on_attendance``) and how to name it (``attendance_warning()``).
    Nothing here imports reimbursement.
    """
    attendances = list(attendances)
    prefetch_related_objects(attendances, "claims")
    return [
        ClaimAtStake(attendance, claim)
        for attendance in attendances
        for claim in attendance.claims.all()
        if claim.relies_on_attendance
    ]


def sign_in_sheet(meeting: Meeting) -> QuerySet[Attendance]:
    """Everyone expected or present at ``meeting`` for the sign-in desk: people coming first, apologies last."""
    return (
        Attendance.objects.filter(meeting=meeting)
        .exclude(status=Attendance.Status.ABSENT)
        .select_related("participant__organisation", "meeting")
        .annotate(sent_apologies=Case(When(status=Attendance.Status.APOLOGIES, then=1), default=0))
        .order_by("sent_apologies", "participant__name")
    )


def _with_waiting(items, today):
    for item in items:
        item.days_waiting, item.is_overdue = waited(
            item.waiting_since, today, item.meeting.partnership.feedback_target_days
        )
    return items


def waiting_for_feedback(partnership: Partnership | None = None) -> QuerySet[AgendaItem]:
    """Agenda items whose people are still waiting to hear back, oldest first, per partnership.

    People start waiting on ``feedback_requested_on``, or else on the day of
    the meeting. Partnerships come by name, then by id (two may share a name),
    so that a page can be read one partnership at a time (``PagedByPartnership``).
    """
    items = (
        AgendaItem.objects.filter(feedback_status__in=AgendaItem.WAITING_STATUSES)
        .select_related("meeting__partnership", "engagement_type")
        .annotate(
            waiting_since=Coalesce("feedback_requested_on", TruncDate("meeting__start")),
            views_count=count_pointing_here(Feedback, "agenda_item"),
        )
        .order_by(
            "meeting__partnership__name", "meeting__partnership_id", "waiting_since", "meeting__start", "order", "pk"
        )
    )
    if partnership is not None:
        items = items.filter(meeting__partnership=partnership)
    return items


def responded_items(partnership: Partnership | None = None) -> QuerySet[AgendaItem]:
    """Agenda items with a 'we did', the latest meetings first, per partnership (by name, then id), with responses."""
    items = (
        AgendaItem.objects.filter(feedback_status=AgendaItem.FeedbackStatus.RESPONDED)
        .select_related("meeting__partnership", "engagement_type")
        .annotate(views_count=count_pointing_here(Feedback, "agenda_item"))
        .prefetch_related(Prefetch("responses", queryset=Response.objects.order_by("decided_on", "pk")))
        .order_by("meeting__partnership__name", "meeting__partnership_id", "-meeting__start", "order", "pk")
    )
    if partnership is not None:
        items = items.filter(meeting__partnership=partnership)
    return items


def with_days_waiting(items: Iterable[AgendaItem], today: datetime.date | None = None) -> list[AgendaItem]:
    """Give each waiting item ``days_waiting`` and ``is_overdue`` (past its partnership's target)."""
    return _with_waiting(list(items), today or timezone.localdate())


def day_in_words(day: datetime.date, today: datetime.date) -> str:
    """'3 May' this year, '3 May 2024' another year."""
    return f"{day.day} {day:%B}" if day.year == today.year else f"{day.day} {day:%B %Y}"


@dataclass
class Answer:
    """One 'we did' on an item, in words: 'Answered on 3 May: <what was done>'."""

    response: Response
    words: str


@dataclass
class Standing:
    """Where views on an item stand, in words, for the person who sent them ("My views")."""

    words: str
    answers: list
    is_waiting: bool = False
    is_overdue: bool = False


def answered_on(response: Response) -> datetime.date:
    """The day people heard back: when it was reported back, or else when it was decided."""
    return response.reported_back_on or response.decided_on


def standing_of(item: AgendaItem, today: datetime.date | None = None) -> Standing:
    """Where ``item``'s views stand: "Waiting for an answer, 12 days", "Answered on 3 May: …".

    Reads ``item.responses.all()`` (prefetch them) and ``item.meeting.partnership`` (select them).
    """
    today = today or timezone.localdate()
    status = item.feedback_status
    answers = [
        Answer(response, f"Answered on {day_in_words(answered_on(response), today)}: {response.what_we_did}")
        for response in item.responses.all()
    ]
    if answers:
        return Standing("Answered", answers)
    if status == AgendaItem.FeedbackStatus.RESPONDED:
        return Standing("Answered (what was done is not written up yet)", [])
    if status in AgendaItem.WAITING_STATUSES:
        meeting_day = timezone.localdate(item.meeting.start)
        since = item.feedback_requested_on or meeting_day
        if since > today:
            return Standing(
                f"Waiting for the meeting on {day_in_words(meeting_day, today)}; the answer comes after it",
                [],
                is_waiting=True,
            )
        days, overdue = waited(since, today, item.meeting.partnership.feedback_target_days)
        words = f"Waiting for an answer, {days} day{'' if days == 1 else 's'}"
        if overdue:
            words += f" (longer than the {item.meeting.partnership.feedback_target_days} days we aim for)"
        return Standing(words, [], is_waiting=True, is_overdue=overdue)
    return Standing("Received by the chair and staff; no answer was asked for on this item", [])


def overdue_feedback(today: datetime.date | None = None, user=None) -> QuerySet[AgendaItem]:
    """Items waiting longer than their partnership's target, the longest wait first (for the chair).

    Worked out by the database, so the chair's panel reads ten rows and a count, not every item
    waiting in a region: an item is overdue when it has waited since before ``today`` less its
    partnership's ``feedback_target_days`` (one condition per target in use; there are few).
    Each item has ``days_waiting`` and ``is_overdue`` once read (``with_days_waiting``). With ``user``,
    only the partnerships they run (``AgendaItem.objects.for_user``).
    """
    today = today or timezone.localdate()
    targets = Partnership.objects.order_by().values_list("feedback_target_days", flat=True).distinct()
    overdue = Q(pk__in=[])
    for target in targets:
        overdue |= Q(
            meeting__partnership__feedback_target_days=target,
            waiting_since__lt=today - datetime.timedelta(days=target),
        )
    items = waiting_for_feedback().filter(overdue)
    if user is not None:
        items = items.for_user(user)
    return items.order_by("waiting_since", "meeting__start", "order", "pk")
