"""Priorities a partnership agrees, the actions under them, and progress notes.

The flipchart at the end of a meeting becomes a plan: each ``Priority`` has
``Action`` rows (immediate actions and future steps) and each action keeps
dated ``ActionUpdate`` notes. A status only changes through
``priorities.services.change_action_status``, which always leaves a note saying why.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.urls import reverse
from django.utils import timezone

from engagement.models import Organisation, Participant, Partnership, Theme
from engagement.querysets import PartnershipQuerySet
from engagement.subqueries import count_pointing_here
from engagement.validators import validate_typed_date
from meetings.models import AgendaItem, Meeting

# No action is due before this day (the records start long after it), nor too many years ahead: typos.
EARLIEST_DUE_DATE = datetime.date(2000, 1, 1)
LATEST_DUE_YEARS_AHEAD = 10


def latest_due_date(today=None):
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + LATEST_DUE_YEARS_AHEAD)
    except ValueError:  # 29 February
        return today.replace(year=today.year + LATEST_DUE_YEARS_AHEAD, day=28)


class FrameworkTag(models.Model):
    """A strategic framework, or one of its parts, that a priority serves.

    Seeded with Core20PLUS5 (Core20, PLUS groups, five adult and five
    children's clinical areas); the chair adds local ones such as a
    partnership's system intentions.
    """

    class Kind(models.TextChoices):
        FRAMEWORK = "framework", "Framework"
        POPULATION = "population", "Population group"
        ADULT_AREA = "adult_area", "Clinical area (adults)"
        CHILDREN_AREA = "children_area", "Clinical area (children and young people)"
        LOCAL = "local", "Local intention or tag"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LOCAL)
    framework = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parts",
        help_text="The framework this tag is part of, e.g. CORE20PLUS5 for Hypertension.",
    )
    partnership = models.ForeignKey(
        Partnership,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="framework_tags",
        help_text="Set for a partnership's own tags (e.g. its system intentions); empty for national frameworks.",
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(framework=models.F("id")), name="framework_tag_not_own_part"),
        ]

    def __str__(self):
        return self.name


class PriorityQuerySet(PartnershipQuerySet):
    """``for_user``: the priorities of the partnerships where a person is staff or chair (or holds the roles named)."""

    def current(self):
        return self.filter(is_archived=False)

    def with_progress(self):
        """``live_action_count`` (not dropped) and ``done_action_count``, without joins that multiply rows."""
        return self.annotate(
            live_action_count=count_pointing_here(Action.objects.exclude(status=Action.Status.DROPPED), "priority"),
            done_action_count=count_pointing_here(Action.objects.filter(status=Action.Status.DONE), "priority"),
        )

    def for_listing(self, actions=None):
        """Everything a priority card shows, in a fixed number of queries.

        ``actions`` narrows the actions shown (a filter on status or owner);
        progress always counts all of the priority's actions.
        """
        actions = Action.objects.all() if actions is None else actions
        return (
            self.with_progress()
            .select_related("partnership", "agreed_at")
            .prefetch_related(
                Prefetch("themes", queryset=Theme.objects.order_by("name"), to_attr="theme_list"),
                Prefetch("framework_tags", queryset=FrameworkTag.objects.order_by("order", "name"), to_attr="tag_list"),
                Prefetch(
                    "discussed_at",
                    queryset=AgendaItem.objects.select_related("meeting").order_by("meeting__start", "order"),
                    to_attr="discussed_item_list",
                ),
                Prefetch("actions", queryset=actions.for_listing(), to_attr="action_list"),
            )
        )


class Priority(models.Model):
    """A priority a partnership agreed, e.g. 'VCFS as a primary partner'."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField(help_text="Priority 1, 2, 3 … within the partnership.")
    title = models.CharField(max_length=300)
    description = models.TextField("why it matters", blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="priorities")
    framework_tags = models.ManyToManyField(
        FrameworkTag,
        blank=True,
        related_name="priorities",
        help_text="Strategic frameworks it serves, e.g. CORE20PLUS5 or the partnership's system intentions.",
    )
    agreed_at = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="priorities_agreed",
        help_text="The meeting at which the partnership agreed this priority.",
    )
    discussed_at = models.ManyToManyField(
        AgendaItem,
        blank=True,
        related_name="priorities_discussed",
        help_text="Agenda items where this priority was discussed.",
    )
    is_archived = models.BooleanField(
        "archived", default=False, help_text="Archived priorities leave the public plan but keep their history."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first; ties go by number.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PriorityQuerySet.as_manager()

    class Meta:
        # By id rather than through the partnership, so that default ordering adds no join.
        ordering = ["partnership_id", "order", "number"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "number"],
                name="priority_unique_number_per_partnership",
                violation_error_message="This partnership already has a priority with this number.",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="priority_number_from_1"),
            models.CheckConstraint(condition=~Q(title=""), name="priority_has_title"),
        ]

    def __str__(self):
        return f"Priority {self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse("priority_detail", args=[self.pk])

    # The helpers below read the lists prefetched by ``for_listing``.

    def _actions(self):
        if hasattr(self, "action_list"):
            return self.action_list
        return list(self.actions.for_listing())

    @property
    def immediate_actions(self):
        return [a for a in self._actions() if a.horizon == Action.Horizon.IMMEDIATE]

    @property
    def future_steps(self):
        return [a for a in self._actions() if a.horizon == Action.Horizon.FUTURE]

    def meetings_discussed(self):
        """Meetings where the priority was agreed or discussed, or one of its actions was, oldest first.

        Published meetings only: a priority is public, a draft's agenda is not.
        """
        found = {}
        if self.agreed_at_id:
            found[self.agreed_at.pk] = self.agreed_at
        items = getattr(self, "discussed_item_list", None)
        if items is None:
            items = self.discussed_at.select_related("meeting")
        for item in items:
            found.setdefault(item.meeting.pk, item.meeting)
        for action in self._actions():
            for item in getattr(action, "agenda_item_list", []):
                found.setdefault(item.meeting.pk, item.meeting)
        return sorted((m for m in found.values() if not m.is_draft), key=lambda meeting: meeting.start)

    def meetings_also_discussed(self):
        """``meetings_discussed`` without the meeting that agreed the priority."""
        return [meeting for meeting in self.meetings_discussed() if meeting.pk != self.agreed_at_id]


class ActionQuerySet(PartnershipQuerySet):
    """``for_user``: the actions of the partnerships where a person is staff or chair (or holds the roles named)."""

    scope_path = "priority__partnership"

    def with_latest_note(self):
        """``latest_note`` and ``latest_note_on``: the newest progress note, as two subqueries."""
        newest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by("-date", "-created_at", "-pk")
        return self.annotate(
            latest_note=Subquery(newest.values("note")[:1]),
            latest_note_on=Subquery(newest.values("date")[:1]),
        )

    def for_listing(self):
        """Actions with their owner, latest note and the agenda items where they were discussed."""
        return (
            self.with_latest_note()
            .select_related("owner_organisation", "owner_participant__organisation")
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.select_related("meeting").order_by("meeting__start", "order"),
                    to_attr="agenda_item_list",
                )
            )
            .order_by("order", "pk")
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.filter(due_date__lt=today).exclude(status__in=Action.CLOSED_STATUSES)

    def owned_by(self, user):
        """Actions the user is responsible for: as the owner, or as a member of the owning organisation."""
        keys = ownership_keys(user)
        if keys is None:
            return self.none()
        participant_pk, organisation_pk = keys
        owned = Q(owner_participant=participant_pk)
        if organisation_pk:
            owned |= Q(owner_organisation=organisation_pk)
        return self.filter(owned)

    def notable_by(self, user):
        """Actions the user may add progress notes to: those of the partnerships they run, and their own."""
        if user.is_authenticated and user.is_superuser:
            return self.all()
        return self.filter(pk__in=self.for_user(user).values("pk")) | self.owned_by(user)


def runs_partnership_ids(user):
    """The ids of the partnerships ``user`` runs (staff or chair there or above); None: all (an operator)."""
    from engagement import roles

    if not user.is_authenticated:
        return frozenset()
    if user.is_superuser:
        return None
    return roles.covered_ids(user, *roles.OFFICE_ROLES)


def ownership_keys(user):
    """``(participant pk, organisation pk)`` of the user's participant record, or None.

    Who owns an action: the person named as its owner, or, when an
    organisation owns it, every member whose participant record belongs to
    that organisation (the organisation is responsible, so any of its people
    may report progress).
    """
    if not user.is_authenticated:
        return None
    row = Participant.objects.filter(user=user, erased_at__isnull=True).values("pk", "organisation").first()
    return None if row is None else (row["pk"], row["organisation"])


def note_permission(user):
    """A function telling, without queries, whether ``user`` may add notes to an action (for lists).

    The action's priority must be loaded (``for_listing`` prefetches actions
    under their priority, which sets it).
    """
    runs = runs_partnership_ids(user)
    if runs is None:
        return lambda action: True
    keys = ownership_keys(user)
    participant_pk, organisation_pk = keys if keys is not None else (None, None)
    return lambda action: (
        action.priority.partnership_id in runs
        or bool(participant_pk and action.owner_participant_id == participant_pk)
        or bool(organisation_pk and action.owner_organisation_id == organisation_pk)
    )


class Action(models.Model):
    """Something to do under a priority: an immediate action or a future step."""

    class Horizon(models.TextChoices):
        IMMEDIATE = "immediate", "Immediate action"
        FUTURE = "future", "Future step"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        BLOCKED = "blocked", "Blocked"
        DROPPED = "dropped", "Dropped"

    # An action in one of these states is never overdue.
    CLOSED_STATUSES = (Status.DONE, Status.DROPPED)

    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    horizon = models.CharField(max_length=20, choices=Horizon.choices, default=Horizon.IMMEDIATE)
    description = models.TextField()
    owner_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name="owner (organisation)",
    )
    owner_participant = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
        verbose_name="owner (person)",
    )
    due_date = models.DateField(null=True, blank=True, validators=[validate_typed_date])
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    order = models.PositiveSmallIntegerField(default=0)
    agenda_items = models.ManyToManyField(
        AgendaItem,
        blank=True,
        related_name="actions",
        verbose_name="where it was discussed",
        help_text="Agenda items at which this action was discussed.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        # "-horizon": immediate actions before future steps; by id so that no join is needed.
        ordering = ["priority_id", "-horizon", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_organisation__isnull=True) | Q(owner_participant__isnull=True),
                name="action_at_most_one_owner",
                violation_error_message="Choose an organisation or a person as the owner, not both.",
            ),
            models.CheckConstraint(condition=~Q(description=""), name="action_has_description"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_date__gte=EARLIEST_DUE_DATE),
                name="action_due_date_from_2000",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        # The last line of defence: a status moves only through
        # ``priorities.services.change_action_status``, which records a note and writes
        # the status itself; a plain save that would change it is refused.
        loaded = getattr(self, "_loaded_status", None)
        if not self._state.adding and loaded is not None and self.status != loaded:
            raise ValidationError(
                {
                    "status": "Change an action's status with priorities.services.change_action_status(), "
                    "which records a note."
                }
            )
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def get_absolute_url(self):
        return f"{self.priority.get_absolute_url()}#action-{self.pk}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def status_stored_as(self, status):
        """This instance now matches the row after a status change written by the service."""
        self.status = self._loaded_status = status

    def clean(self):
        errors = {}
        if self.description is not None and not self.description.strip():
            errors["description"] = "Describe the action."
        if self.due_date and not (EARLIEST_DUE_DATE <= self.due_date <= latest_due_date()):
            errors["due_date"] = (
                f"This date is far outside the partnership's life: give a date between "
                f"{EARLIEST_DUE_DATE:%-d %B %Y} and {latest_due_date():%-d %B %Y}."
            )
        if self.owner_organisation_id and self.owner_participant_id:
            errors["owner_participant"] = "Choose an organisation or a person as the owner, not both."
        if errors:
            raise ValidationError(errors)

    @property
    def owner(self):
        return self.owner_participant or self.owner_organisation

    @property
    def owner_name(self):
        """The owner as shown on public pages and exports.

        A person appears by name only if they agreed to be listed; otherwise
        their organisation stands in for them.
        """
        person = self.owner_participant
        if person is not None:
            if person.agrees_to_be_listed and not person.erased_at:
                return person.name
            return person.organisation.name if person.organisation_id else "A partnership member"
        return self.owner_organisation.name if self.owner_organisation_id else ""

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return bool(self.due_date and self.due_date < today and self.status not in self.CLOSED_STATUSES)

    @property
    def overdue(self):
        return self.is_overdue()

    @property
    def is_live(self):
        return self.status != self.Status.DROPPED

    def can_be_updated_by(self, user):
        return Action.objects.notable_by(user).filter(pk=self.pk).exists()


class ActionUpdate(models.Model):
    """A dated progress note on an action, with the status change it made, if any."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=timezone.localdate, validators=[validate_typed_date])
    note = models.TextField()
    status_from = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    status_to = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(note=""), name="action_update_has_note"),
            models.CheckConstraint(
                condition=(Q(status_from="") & Q(status_to="")) | (~Q(status_from="") & ~Q(status_to="")),
                name="action_update_status_from_and_to_together",
            ),
        ]

    def __str__(self):
        return f"{self.date:%d %b %Y}: {self.note[:60]}"

    @property
    def changed_status(self):
        return bool(self.status_to)
