"""Meetings, their agendas and papers, who came, what they said, what was done."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from engagement import roles
from engagement.files import RandomName
from engagement.models import EngagementType, Participant, Partnership, Theme
from engagement.querysets import PartnershipQuerySet
from engagement.subqueries import count_pointing_here
from engagement.validators import validate_typed_date

from .waiting import waited  # noqa: F401  (the wait of an item: read here by selectors and the year review)

# An attendance that counts: the person came and is not system staff.
COUNTED_ATTENDANCE = Q(status="attended") & Q(counts_as_staff=False) & Q(participant__is_system_staff=False)


def counted(prefix):
    """``COUNTED_ATTENDANCE`` seen through a relation, e.g. ``counted("attendances")``."""
    return (
        Q(**{f"{prefix}__status": "attended"})
        & Q(**{f"{prefix}__counts_as_staff": False})
        & Q(**{f"{prefix}__participant__is_system_staff": False})
    )


class MeetingRecordQuerySet(PartnershipQuerySet):
    """Agenda items and papers: their meeting's partnership."""

    scope_path = "meeting__partnership"


class ItemRecordQuerySet(PartnershipQuerySet):
    """Views and 'we did': their agenda item's meeting's partnership."""

    scope_path = "agenda_item__meeting__partnership"


class MeetingQuerySet(PartnershipQuerySet):
    def published(self):
        """Meetings the chair has published: the only ones public pages, lists and feeds show."""
        return self.filter(published_at__isnull=False)

    def visible_to(self, user):
        """Published meetings, and the drafts of the partnerships ``user`` runs (``can_run``: staff, chair)."""
        if not user.is_authenticated:
            return self.published()
        return self.filter(Q(published_at__isnull=False) | Q(pk__in=Meeting.objects.for_user(user).values("pk")))

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start")

    def with_counts(self):
        """Meetings with ``attendee_count`` (not staff) and ``item_count``.

        Each count is its own subquery: counting both over two joins would multiply
        the rows (items × attendances) for every meeting before counting them.
        """
        return self.select_related("partnership").annotate(
            attendee_count=count_pointing_here(Attendance.objects.counted(), "meeting"),
            item_count=count_pointing_here(AgendaItem.objects.filter(is_business=True), "meeting"),
        )

    def for_agenda(self):
        """Everything the agenda page and PDF show, in a fixed number of queries."""
        return self.select_related("partnership").prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related("engagement_type")
                .prefetch_related(
                    "themes", Prefetch("responses", queryset=Response.objects.order_by("decided_on", "pk"))
                )
                .order_by("order"),
            ),
            Prefetch("papers", queryset=Paper.objects.select_related("agenda_item").order_by("order", "title")),
        )


class Meeting(models.Model):
    """A meeting of a partnership."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid (in person and online)"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    start = models.DateTimeField(validators=[validate_typed_date])
    end = models.DateTimeField(validators=[validate_typed_date])
    venue = models.CharField(max_length=300, blank=True)
    online_link = models.URLField(
        blank=True, help_text="Sent to the people who registered; shown to everyone only when made public below."
    )
    online_link_public = models.BooleanField(
        "joining link is public",
        default=False,
        help_text="Show the joining link to everyone on the agenda page and in the calendar. "
        "Otherwise only people registered for the meeting see it.",
    )
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    times_to_be_confirmed = models.BooleanField(
        default=False, help_text="The date is set but the time and place are still being confirmed."
    )
    summary = models.TextField(
        blank=True, help_text="Introduction or, once held, a summary of the discussion and key messages."
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the chair published the agenda; empty while the meeting is a draft, seen only by its office.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_ends_after_start"),
        ]
        indexes = [
            models.Index(fields=["partnership", "start"]),
            # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
            models.Index(fields=["start"], name="meeting_start"),
            models.Index(fields=["end"], name="meeting_end"),
        ]

    def __str__(self):
        return f"{self.title} ({timezone.localtime(self.start):%d %b %Y})"

    def get_absolute_url(self):
        return reverse("meeting_detail", args=[self.pk])

    def clean(self):
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "The meeting must end after it starts."})

    @property
    def is_upcoming(self):
        return self.end >= timezone.now()

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def is_draft(self):
        return self.published_at is None

    @property
    def public_online_link(self):
        """The joining link everyone may see ('' unless the chair made it public)."""
        return self.online_link if self.online_link_public else ""

    @property
    def local_date(self):
        return timezone.localtime(self.start).date()


class AgendaItem(models.Model):
    """One timed item on a meeting's agenda."""

    class FeedbackStatus(models.TextChoices):
        NONE = "none", "No feedback needed"
        NEED_FEEDBACK = "need_feedback", "Need feedback"
        AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
        RESPONDED = "responded", "Responded"

    # People are waiting to hear back about an item in one of these states.
    WAITING_STATUSES = (FeedbackStatus.NEED_FEEDBACK, FeedbackStatus.AWAITING_RESPONSE)

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=0)
    start_time = models.TimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=300)
    presenter = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    is_business = models.BooleanField(
        "business item",
        default=True,
        help_text="Untick for arrivals, breaks and other items that are not counted in reports.",
    )
    engagement_type = models.ForeignKey(
        EngagementType, null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="agenda_items")
    outcome = models.TextField(blank=True)
    feedback_status = models.CharField(max_length=20, choices=FeedbackStatus.choices, default=FeedbackStatus.NONE)
    feedback_requested_on = models.DateField(
        null=True,
        blank=True,
        validators=[validate_typed_date],
        help_text="When people started waiting to hear back (defaults to the meeting date).",
    )
    views_summary = models.TextField(
        "what people said", blank=True, help_text="A staff-written summary of the views heard."
    )

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "order"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "order"], name="agenda_item_unique_order"),
        ]
        # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
        indexes = [models.Index(fields=["feedback_status"], name="agendaitem_feedback_status")]

    def __str__(self):
        return self.title

    @property
    def end_time(self):
        if self.start_time is None or not self.duration_minutes:
            return None
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.start_time)
        return (start + datetime.timedelta(minutes=self.duration_minutes)).time()

    def clean(self):
        """An item's times must sit inside its meeting's (arrivals may come before)."""
        meeting = getattr(self, "meeting", None)
        if meeting is None or self.start_time is None or meeting.start is None or meeting.end is None:
            return
        opens, closes = timezone.localtime(meeting.start), timezone.localtime(meeting.end)
        item_start = datetime.datetime.combine(opens.date(), self.start_time, tzinfo=opens.tzinfo)
        # Arrivals commonly open up to an hour before the formal start.
        if item_start < opens - datetime.timedelta(hours=1) or item_start >= closes:
            raise ValidationError({"start_time": f"This time is outside the meeting ({opens:%H:%M}–{closes:%H:%M})."})
        if self.duration_minutes and item_start + datetime.timedelta(minutes=self.duration_minutes) > closes:
            raise ValidationError(
                {"duration_minutes": f"This item would run past the end of the meeting ({closes:%H:%M})."}
            )


class Paper(models.Model):
    """A paper for a meeting: an uploaded file or a link, public or for members."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public"
        MEMBERS = "members", "Members only"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="papers")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to=RandomName("papers"), blank=True)
    url = models.URLField("link", blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MeetingRecordQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        constraints = [
            models.CheckConstraint(condition=~Q(file="") | ~Q(url=""), name="paper_has_file_or_link"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("paper_download", args=[self.pk])

    @property
    def is_public(self):
        return self.visibility == self.Visibility.PUBLIC

    def clean(self):
        if not self.file and not self.url:
            raise ValidationError("Attach a file or give a link.")


class AttendanceQuerySet(PartnershipQuerySet):
    scope_path = "meeting__partnership"

    def counted(self):
        """Attendances that count: attended, not system staff."""
        return self.filter(COUNTED_ATTENDANCE)


class Attendance(models.Model):
    """A person's registration for, and attendance at, one meeting."""

    class Status(models.TextChoices):
        REGISTERED = "registered", "Registered"
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Apologies"
        ABSENT = "absent", "Absent"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="attendances")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REGISTERED)
    mode = models.CharField(max_length=20, choices=Mode.choices, default=Mode.IN_PERSON)
    counts_as_staff = models.BooleanField(
        default=False, help_text="At this meeting as system staff: not counted as an attendee."
    )
    is_walk_in = models.BooleanField(default=False)
    access_needs = models.TextField(blank=True, help_text="What the person asked us to arrange for this meeting.")
    share_access_needs = models.BooleanField(
        default=False, help_text="The person agreed to share their access needs with the chair."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "participant__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "participant"], name="attendance_one_per_person_per_meeting"),
        ]

    def __str__(self):
        return f"{self.participant} at {self.meeting}: {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self._state.adding and self.participant_id and self.participant.is_system_staff:
            self.counts_as_staff = True
        super().save(*args, **kwargs)


class FeedbackManager(models.Manager.from_queryset(ItemRecordQuerySet)):
    """Views that count: a visitor's views wait, unseen everywhere, until their email is confirmed.

    Pending: a visitor's, not confirmed, and not yet a participant's (confirming sends the views again
    through ``services.send_views`` with the participant, which this manager then counts at once).
    """

    def get_queryset(self):
        return super().get_queryset().exclude(channel="visitor", confirmed_at__isnull=True, participant__isnull=True)


class Feedback(models.Model):
    """Views on an agenda item, sent by a member or a visitor, or recorded by staff.

    Seen by the chair, staff and the person who sent it; never public. A
    visitor's views (``Channel.VISITOR``: no account, a name and an email)
    are kept from every list, count and report (the default manager leaves
    them out) until the visitor opens the link emailed to them
    (``confirmed_at``); ``with_pending`` reads them before that.
    """

    class Channel(models.TextChoices):
        PORTAL = "portal", "This website"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        PAPER = "paper", "Paper or letter"
        IN_MEETING = "in_meeting", "Said in the meeting"
        VISITOR = "visitor", "Website (visitor)"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="feedback")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices, default=Channel.PORTAL)
    text = models.TextField("views")
    themes = models.ManyToManyField(Theme, blank=True, related_name="feedback")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_typed_date])
    # A visitor's views (no account): who they are, and when they confirmed their email address.
    visitor_name = models.CharField(max_length=200, blank=True)
    visitor_email = models.EmailField(blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, validators=[validate_typed_date])

    objects = FeedbackManager()
    with_pending = models.Manager.from_queryset(ItemRecordQuerySet)()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "feedback"
        # The default manager, even for related lookups (``item.feedback``), is the one that leaves pending views out.
        default_manager_name = "objects"
        # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
        indexes = [models.Index(fields=["created_at"], name="feedback_created_at")]

    def __str__(self):
        return f"Views on {self.agenda_item}"


class Response(models.Model):
    """'We did': what the decision makers did with what people said."""

    class Status(models.TextChoices):
        DONE = "done", "Done"
        IN_PROGRESS = "in_progress", "In progress"
        NOT_POSSIBLE = "not_possible", "Not possible"

    class Changed(models.TextChoices):
        DECISION = "decision", "A decision"
        PLAN = "plan", "A plan"
        SERVICE = "service", "A service"
        BUDGET = "budget", "A budget"
        NOTHING = "nothing", "Nothing changed"

    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="responses")
    what_we_did = models.TextField("what we did")
    decided_by = models.CharField(max_length=200, help_text="Who decided, e.g. LCP Strategic Board.")
    decided_on = models.DateField(validators=[validate_typed_date])
    changed = models.CharField("what it changed", max_length=20, choices=Changed.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DONE)
    reason = models.TextField(blank=True, help_text="Why a change was not possible, if it was not.")
    reported_back_on = models.DateField(null=True, blank=True, validators=[validate_typed_date])
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ItemRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on"]
        # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
        indexes = [models.Index(fields=["decided_on"], name="response_decided_on")]

    def __str__(self):
        return f"Response on {self.agenda_item}"

    def clean(self):
        if self.status == self.Status.NOT_POSSIBLE and not self.reason.strip():
            raise ValidationError({"reason": "Say why the change was not possible."})


class YearReview(models.Model):
    """Staff's narrative for a partnership's year review (one per year)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="year_reviews")
    year = models.PositiveSmallIntegerField(
        help_text="First calendar year of the financial year, e.g. 2023 for 2023/24."
    )
    went_well = models.TextField("what has gone well", blank=True)
    challenges = models.TextField(blank=True)
    learnt = models.TextField("what we learnt about how to engage", blank=True)
    ideas = models.TextField("ideas for building on successes", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    is_public = models.BooleanField(default=False, help_text="A final review may be made public by the chair.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "year"], name="year_review_one_per_year"),
            models.CheckConstraint(
                condition=Q(is_public=False) | Q(status="final"), name="year_review_public_only_when_final"
            ),
        ]

    def __str__(self):
        return f"{self.partnership} year review {self.partnership.financial_year_label(self.year)}"

    def is_visible_to(self, user):
        """The partnership's staff, chair and finance always (``can_report``, which covers the partnerships
        below theirs); anyone else only once the chair has made this review final and public.

        An unsaved review (``YearReview(partnership=...)``, for a year with no narrative yet) is a draft.
        """
        if self.partnership_id is not None and roles.can_report(user, self.partnership_id):
            return True
        return self.status == self.Status.FINAL and self.is_public


# Topics people propose and the forward plan (issue 14) live in their own module.
from .topics import ForwardDecision, Topic, TopicStatusChange, TopicSupport  # noqa: E402, F401
