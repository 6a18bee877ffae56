"""Topics people propose for the agenda, and the forward plan of decisions coming up (issue 14).

Imported at the end of ``meetings/models.py``, so the models are ``meetings.Topic``,
``meetings.TopicSupport``, ``meetings.TopicStatusChange`` and ``meetings.ForwardDecision``.
A topic's status changes only through ``meetings.topic_services.change_topic_status``.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from engagement.models import EngagementType, Participant, Partnership
from engagement.querysets import PartnershipQuerySet
from engagement.subqueries import count_pointing_here
from engagement.validators import validate_typed_date

# The ladder in the words a proposer uses: "I want the partnership to …".
PLAIN_RUNG_WORDS = {
    "informing": "be told",
    "consulting": "be asked",
    "involving": "be involved",
    "collaborating": "work on it together",
    "empowering": "decide",
}


def plain_rung(rung) -> str:
    """'be told' for Informing …; a rung the chair added is named as it is."""
    if rung is None:
        return ""
    return PLAIN_RUNG_WORDS.get(rung.name.lower(), rung.name.lower())


class ForwardDecisionQuerySet(PartnershipQuerySet):
    def for_plan(self):
        """The public forward plan: upcoming first (soonest first), then made (latest first), then withdrawn."""
        rank = models.Case(models.When(status="upcoming", then=0), models.When(status="made", then=1), default=2)
        return (
            self.select_related("agenda_item__meeting", "response")
            .annotate(status_rank=rank)
            .order_by("status_rank", models.F("made_on").desc(nulls_last=True), "expected_date", "pk")
        )


class ForwardDecision(models.Model):
    """A decision coming up in the system, kept by staff, so that the partnership can get in early."""

    class Status(models.TextChoices):
        UPCOMING = "upcoming", "Coming up"
        MADE = "made", "Made"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="forward_decisions")
    title = models.CharField(max_length=300)
    decision_maker = models.CharField(max_length=200, help_text="Who decides, e.g. LCP Strategic Board.")
    expected_date = models.DateField(validators=[validate_typed_date])
    what_is_decided = models.TextField("what is being decided")
    how_to_be_involved = models.TextField("how the partnership could be involved", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPCOMING)
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forward_decisions",
        help_text="The agenda item where the partnership discussed it.",
    )
    response = models.ForeignKey(
        "meetings.Response",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="forward_decisions",
        help_text="Its “we did”, once made.",
    )
    made_on = models.DateField(null=True, blank=True, validators=[validate_typed_date])
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ForwardDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["expected_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="made") | Q(made_on__isnull=False), name="forward_decision_made_has_date"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("forward_plan", args=[self.partnership.slug]) + f"#decision-{self.pk}"

    def clean(self):
        if self.status == self.Status.MADE and not self.made_on:
            raise ValidationError({"made_on": "Give the date the decision was made."})
        item = self.agenda_item
        if item is not None and self.partnership_id and item.meeting.partnership_id != self.partnership_id:
            raise ValidationError({"agenda_item": "Choose an agenda item of this partnership's meetings."})
        if item is not None and item.meeting.is_draft:
            raise ValidationError(
                {"agenda_item": "That meeting is still a draft, so its agenda is not public: publish it first."}
            )
        if self.response_id and self.partnership_id:
            if self.response.agenda_item.meeting.partnership_id != self.partnership_id:
                raise ValidationError({"response": "Choose a “we did” of this partnership."})


class TopicQuerySet(PartnershipQuerySet):
    def with_support(self):
        """Topics with ``support_count`` (the "me too"s) and what the list shows, in one query."""
        return self.select_related(
            "partnership", "wanted_rung", "agenda_item__meeting", "merged_into__partnership", "decision__partnership"
        ).annotate(support_count=count_pointing_here(TopicSupport, "topic"))


class Topic(models.Model):
    """A topic a member proposes for the partnership's agenda."""

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONSIDERING = "considering", "Being considered"
        SCHEDULED = "scheduled", "Scheduled for a meeting"
        ANSWERED = "answered", "Answered elsewhere"
        DECLINED = "declined", "Declined"
        MERGED = "merged", "Merged into another topic"

    # Still open: people may say "me too".
    OPEN_STATUSES = (Status.NEW, Status.CONSIDERING, Status.SCHEDULED)
    # Waiting for the chair to decide.
    WAITING_STATUSES = (Status.NEW, Status.CONSIDERING)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(max_length=200)
    about = models.TextField("what it is about")
    why_it_matters = models.TextField("why it matters")
    who_it_affects = models.TextField("who it affects", blank=True)
    wanted_rung = models.ForeignKey(
        EngagementType,
        on_delete=models.PROTECT,
        related_name="topics",
        verbose_name="what they want from the partnership",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics_proposed"
    )
    proposer_participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="topics_proposed"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NEW)
    status_words = models.TextField(
        "what we say about its status",
        blank=True,
        help_text="Public words: the reason when declined, the answer when answered elsewhere.",
    )
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="topics"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_topics"
    )
    decision = models.ForeignKey(
        ForwardDecision,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        help_text="The forward plan decision the proposer asked to be involved in.",
    )
    created_at = models.DateTimeField(default=timezone.now, validators=[validate_typed_date])
    updated_at = models.DateTimeField(auto_now=True)

    objects = TopicQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["declined", "answered"]) | ~Q(status_words=""),
                name="topic_declined_or_answered_has_words",
            ),
            models.CheckConstraint(
                condition=~Q(status="scheduled") | Q(agenda_item__isnull=False), name="topic_scheduled_has_item"
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="topic_merged_has_target"
            ),
        ]
        indexes = [models.Index(fields=["partnership", "status"], name="topic_partnership_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("topic_detail", args=[self.partnership.slug, self.pk])

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def wanted_in_words(self):
        return plain_rung(self.wanted_rung)


class TopicSupport(models.Model):
    """A member's "me too" on a topic: once each."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="topic_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["topic", "user"], name="topic_support_once_each")]

    def __str__(self):
        return f"{self.user} supports {self.topic}"


class TopicStatusChange(models.Model):
    """One change of a topic's status, with the public words said about it."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=Topic.Status.choices)
    to_status = models.CharField(max_length=20, choices=Topic.Status.choices)
    words = models.TextField(blank=True)
    changed_at = models.DateTimeField(default=timezone.now, validators=[validate_typed_date])
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self):
        return f"{self.topic}: {self.get_from_status_display()} → {self.get_to_status_display()}"


def supporters_by_item(item_ids) -> dict:
    """``{agenda item id: distinct people}`` for the items that came from a topic: the topics' proposers and
    supporters, each person once (one query). Items that came from no topic are not in it."""
    if not item_ids:
        return {}
    proposers = (
        Topic.objects.filter(agenda_item__in=item_ids).order_by().values_list("agenda_item_id", "proposed_by_id")
    )
    supporters = (
        TopicSupport.objects.filter(topic__agenda_item__in=item_ids)
        .order_by()
        .values_list("topic__agenda_item_id", "user_id")
    )
    people = {}
    for item_id, user_id in proposers.union(supporters):
        people.setdefault(item_id, set()).add(user_id)
    return {item_id: len(users - {None}) for item_id, users in people.items()}
