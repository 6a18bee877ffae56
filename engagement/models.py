"""Who engages and how: partnerships, organisations, people, the ladder."""

import datetime

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .querysets import PartnershipQuerySet
from .validators import validate_typed_date

# A phone number as people write it: 6 to 20 ASCII digits (never "٣"), with spaces, brackets and hyphens
# between them and one leading "+".
PHONE_VALIDATOR = RegexValidator(
    r"^\+?(?:[ ()\-]*[0-9]){6,20}[ ()\-]*\Z",
    "Give a phone number of digits, spaces and brackets, e.g. 020 7946 0000 or +44 20 7946 0000.",
)


class Partnership(models.Model):
    """A forum where the NHS, councils and the VCFSE sector work together."""

    class Level(models.TextChoices):
        SYSTEM = "system", "System (ICS-wide)"
        PLACE = "place", "Place (borough)"
        NEIGHBOURHOOD = "neighbourhood", "Neighbourhood"

    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True, help_text="e.g. LPP")
    slug = models.SlugField(max_length=80, unique=True)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.PLACE)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    purpose = models.TextField(blank=True)
    objectives = models.TextField(blank=True, help_text="One objective a line.")
    principles = models.TextField(
        blank=True,
        help_text="Principles of engagement. One a paragraph, separated by a blank line.",
    )
    # Whom visitors, members and claimants ask (shown on its page, agendas, the agenda pack, claims and the
    # accessibility statement); the chair keeps these up to date.
    contact_name = models.CharField(
        max_length=200, blank=True, help_text="Who answers, e.g. “Anne Hooper, Chair” or “The engagement team”."
    )
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(
        max_length=40,
        blank=True,
        validators=[PHONE_VALIDATOR],
        help_text="A UK or international number, e.g. 020 7946 0000 or +44 20 7946 0000.",
    )
    contact_address = models.TextField(
        "postal address", blank=True, max_length=500, help_text="For letters: one line of the address a line."
    )
    website = models.URLField(blank=True)
    financial_year_start_month = models.PositiveSmallIntegerField(
        default=4, help_text="1 = January … 12 = December. UK public bodies use 4 (April)."
    )
    feedback_target_days = models.PositiveSmallIntegerField(
        default=60,
        help_text="Days within which people should hear what was done with their views.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(financial_year_start_month__gte=1) & Q(financial_year_start_month__lte=12),
                name="partnership_fy_month_1_to_12",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="partnership_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("partnership_detail", args=[self.slug])

    def financial_year_bounds(self, year):
        """First and last day of the financial year that starts in ``year``."""
        start = datetime.date(year, self.financial_year_start_month, 1)
        next_start = datetime.date(year + 1, self.financial_year_start_month, 1)
        return start, next_start - datetime.timedelta(days=1)

    def year_window(self, year):
        """The year's first and last days, and the aware datetimes (UK time) that bound its meetings' starts."""
        first_day, last_day = self.financial_year_bounds(year)
        zone = timezone.get_default_timezone()
        opens = timezone.make_aware(datetime.datetime.combine(first_day, datetime.time.min), zone)
        closes = timezone.make_aware(
            datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min), zone
        )
        return first_day, last_day, opens, closes

    def financial_year_of(self, day):
        """The first calendar year of the financial year that holds ``day``."""
        return day.year if day.month >= self.financial_year_start_month else day.year - 1

    def financial_year_label(self, year):
        """'2023/24' for a year starting in April, '2023' for a calendar year."""
        if self.financial_year_start_month == 1:
            return str(year)
        return f"{year}/{str(year + 1)[-2:]}"

    @property
    def has_contact(self):
        """True when the partnership gives a way to reach it (an email, a phone number or a postal address)."""
        return bool(self.contact_email or self.contact_phone_uri or self.contact_address.strip())

    @property
    def contact_phone_uri(self):
        """``tel:+442079460000`` for ``contact_phone`` (a ``tel:`` link has digits and a leading + only)."""
        phone = self.contact_phone.strip()
        international = phone.startswith("+")
        if international:
            phone = phone.replace("(0)", "")  # "+44 (0)20 …": the 0 is dialled only from inside the country
        digits = "".join(ch for ch in phone if "0" <= ch <= "9")
        if not digits:
            return ""
        return f"tel:{'+' if international else ''}{digits}"

    def contact_address_lines(self):
        return [line.strip() for line in self.contact_address.splitlines() if line.strip()]

    def objectives_list(self):
        return [line.strip(" ·•-\t") for line in self.objectives.splitlines() if line.strip()]

    def principles_list(self):
        return [p.strip() for p in self.principles.split("\n\n") if p.strip()]


class MembershipQuerySet(models.QuerySet):
    def for_user(self, user):
        """The memberships a user may see: superusers all; a chair those of the partnerships they chair."""
        from engagement.roles import CHAIR, scope

        return scope(self, user, CHAIR)


class Membership(models.Model):
    """A role a person holds in one partnership; it covers the partnerships below it, never above or beside."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        STAFF = "staff", "Staff"
        CHAIR = "chair", "Chair"
        FINANCE = "finance", "Finance"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["partnership__name", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["user", "partnership", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["partnership", "role"], name="membership_partnership_role")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display().lower()} of {self.partnership}"


class Organisation(models.Model):
    """A body people come from or speak for."""

    class Kind(models.TextChoices):
        VCSE = "vcse", "Voluntary, community, faith or social enterprise"
        NHS = "nhs", "NHS"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        HEALTHWATCH = "healthwatch", "Healthwatch"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.VCSE)
    is_grassroots = models.BooleanField(
        "grassroots", default=False, help_text="A small community group rather than a large charity."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def count_by_kind(cls, kinds):
        """``[(label, how many of ``kinds`` are of that kind), ...]`` for every kind, in ``Kind``'s order."""
        kinds = list(kinds)
        return [(label, kinds.count(kind)) for kind, label in cls.Kind.choices]


class ParticipantQuerySet(models.QuerySet):
    def connected_to(self, partnership_ids):
        """The people of these partnerships: their members (any role) and the people at their meetings."""
        from django.apps import apps

        ids = sorted(partnership_ids)
        attendances = apps.get_model("meetings", "Attendance").objects
        # IN (…) rather than EXISTS: under OR, PostgreSQL hashes each list once instead of probing per person.
        members = Membership.objects.filter(partnership_id__in=ids).values("user_id")
        attendees = attendances.filter(meeting__partnership_id__in=ids).values("participant_id")
        return self.filter(models.Q(user_id__in=members) | models.Q(pk__in=attendees))

    def run_by(self, user):
        """The people a staff member or chair may pick: those of the partnerships they run (operators: all)."""
        from engagement import roles

        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        return self.connected_to(roles.covered_ids(user, *roles.OFFICE_ROLES))

    def find(self, name="", email=""):
        """Existing people matching an email, or else a name (case-insensitive)."""
        if email:
            match = self.filter(email__iexact=email.strip())
            if match.exists():
                return match
        if name:
            return self.filter(name__iexact=name.strip())
        return self.none()


class Participant(models.Model):
    """A person who takes part: a community member, a VCSE rep or system staff.

    ``user`` is optional: many people who come to meetings never log in.
    """

    class Voice(models.TextChoices):
        OWN = "own", "Their own voice"
        ORGANISATION = "organisation", "Representing an organisation"
        COMMUNITY = "community", "Representing a community"

    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="participants"
    )
    voice = models.CharField(max_length=20, choices=Voice.choices, default=Voice.OWN)
    community = models.CharField(max_length=200, blank=True, help_text="The community they speak for, if any.")
    is_system_staff = models.BooleanField(
        "system staff",
        default=False,
        help_text="Statutory (NHS or council) staff: not counted as attendees.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    agrees_to_be_listed = models.BooleanField(
        default=False, help_text="Members may see this person's name in attendance lists."
    )
    access_needs = models.TextField(
        blank=True, help_text="Shared by the person, e.g. step-free access, interpreter, hearing loop."
    )
    erased_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Kept by ``engagement/placing.py``: finding people with no attendance stays a read of a few rows.
    has_attendance = models.BooleanField(default=False, editable=False)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="participant_unique_email")
        ]
        # A region's lists and feeds sort and filter on these (issue 13: bench/scale.py).
        indexes = [
            models.Index(fields=["name"], name="participant_name"),
            models.Index(fields=["id"], condition=Q(has_attendance=False), name="participant_no_attendance"),
        ]

    def __str__(self):
        return self.name

    def anonymise(self):
        """Erase the person's name and contact details, keeping the counts.

        Attendances and any claims stay attached, so year reviews and
        financial records are unchanged.
        """
        self.name = f"Erased participant #{self.pk}"
        self.email = ""
        self.phone = ""
        self.community = ""
        self.access_needs = ""
        self.agrees_to_be_listed = False
        self.user = None
        self.erased_at = timezone.now()
        self.save()


class EngagementType(models.Model):
    """A rung of the engagement ladder (Informing … Empowering)."""

    name = models.CharField(max_length=60, unique=True)
    rank = models.PositiveSmallIntegerField(unique=True, help_text="1 is the lowest rung.")
    description = models.TextField(blank=True)
    promise = models.CharField(max_length=300, blank=True, help_text="What we promise people at this rung.")

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class Theme(models.Model):
    """A common theme that runs across agenda items and views."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class GlossaryTermQuerySet(models.QuerySet):
    def for_user(self, user, *roles_):
        """The terms a person may change in the back office: those of the partnerships they are staff or chair of."""
        from engagement.roles import OFFICE_ROLES, scope

        return scope(self, user, *(roles_ or OFFICE_ROLES))

    def for_partnership(self, partnership):
        """The terms that hold on ``partnership``'s pages: its own and those of every partnership above it.

        One query: the partnerships above are found in a subquery (up to ``GLOSSARY_LEVELS_ABOVE`` of them).
        """
        above = Q(pk=partnership.pk)
        path = "children"
        for _ in range(GLOSSARY_LEVELS_ABOVE):
            above |= Q(**{path: partnership.pk})
            path += "__children"
        return self.filter(partnership__in=Partnership.objects.filter(above).values("pk")).select_related("partnership")


# How far up the tree a partnership's pages look for terms (system > place > neighbourhood, and room to spare).
GLOSSARY_LEVELS_ABOVE = 4


class GlossaryTerm(models.Model):
    """An acronym or term a partnership uses, in plain words: "LHCP" is "Lewisham Health and Care Partnership".

    A partnership's pages use its own terms and those of the partnerships above
    it; the nearest partnership's meaning wins when both define a term.
    """

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="glossary_terms")
    term = models.CharField(
        max_length=60,
        validators=[
            RegexValidator(
                r"^[^\x00-\x1f\x7f]*\w[^\x00-\x1f\x7f]*\Z",
                "Give the term as it is written, with at least one letter or number.",
            )
        ],
        help_text="As it is written, e.g. LHCP or co-production. Acronyms in capitals are matched in capitals only.",
    )
    expansion = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the letters stand for, if it is an acronym, e.g. Lewisham Health and Care Partnership.",
    )
    meaning = models.TextField("plain meaning", max_length=1000, help_text="What it is, in plain words.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        ordering = ["term"]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                "partnership",
                name="glossary_term_unique_per_partnership",
                violation_error_message="This partnership's glossary already has this term.",
            ),
        ]

    def __str__(self):
        return self.term

    @property
    def is_acronym(self):
        """All capitals (LHCP, CORE20PLUS5): matched case-sensitively, so "Peg" is never "PEG"."""
        return self.term.isupper()

    @property
    def anchor(self):
        """The id of the term on the glossary page: ``term-lhcp``."""
        from django.utils.text import slugify

        return f"term-{slugify(self.term) or self.pk}"

    @property
    def explanation(self):
        """ "Lewisham Health and Care Partnership — the NHS, council …" (an ``<abbr>``'s title)."""
        meaning = " ".join(self.meaning.split())
        return f"{self.expansion} — {meaning}" if self.expansion and meaning else (self.expansion or meaning)


class JoinRequest(models.Model):
    """Someone asking to join a partnership from its page: confirmed by email, then decided by its staff.

    Approval (``engagement.joining.approve_join_request``) makes or links the
    person's account and participant record and gives them the member role.
    """

    class Voice(models.TextChoices):
        OWN = "own", "My own voice"
        ORGANISATION = "organisation", "For an organisation or community"

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Email not yet confirmed"
        WAITING = "waiting", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    # Still open: a second request from the same address joins this one.
    OPEN_STATUSES = (Status.UNCONFIRMED, Status.WAITING)

    WAYS = (
        ("in_person", "In person"),
        ("online", "Online"),
        ("post", "By post"),
        ("phone", "By phone"),
    )

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="join_requests")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    voice = models.CharField("how you take part", max_length=20, choices=Voice.choices, default=Voice.OWN)
    organisation_name = models.CharField(
        "organisation or community", max_length=200, blank=True, help_text="Whom you speak for, if not yourself."
    )
    ways = models.JSONField("how you like to take part", default=list, blank=True)
    access_needs = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    email_confirmed_at = models.DateTimeField(null=True, blank=True, validators=[validate_typed_date])
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True, validators=[validate_typed_date])
    decline_reason = models.TextField(blank=True, help_text="Kind words to the person: they receive them by email.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="join_requests"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="join_request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(voice="organisation") | ~models.Q(organisation_name=""),
                name="join_request_organisation_named",
            ),
        ]

    def __str__(self):
        return f"{self.name} asks to join {self.partnership}"

    def ways_in_words(self):
        labels = dict(self.WAYS)
        return ", ".join(labels.get(way, way) for way in self.ways)
