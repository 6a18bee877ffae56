"""A whole region on top of the demo, for the scale benchmark (``bench/scale.py``).

Shaped like the Lancashire and South Cumbria seed, where one portal serves a
system and the places and neighbourhoods below it: five systems (the demo's
Lancashire and South Cumbria and four more), seven places under each, and
neighbourhoods under the places, 300 partnerships with the demo's three. Each
new partnership gets about 30 meetings over six years (the last few still to
come), six agenda items and 25 attendances a meeting from its own pool of
about 200 people, papers, views and "we did" responses, three priorities with
actions, a draft year review, a payment policy, and claims with their lines on
a share of the attendances. Every new partnership has a chair and a staff
user, every system a finance user, and one person in twenty has a login as a
member; each holds their role as a ``Membership`` of their partnership.

Everything is written with ``bulk_create`` in batches, so no model's
``save()`` runs: what ``save()`` or a service would do is done here by hand
(system staff's attendances do not count, a claim carries a copy of its
policy's rates and totals worked out from them and its lines, a claim that was
decided names who decided, a paid claim has its reference and date). Non-mileage
expenses stay under the policy's receipt threshold, so no claim needs a receipt
file. Sizes scale with ``scale`` (1 = the region of issue 13).
"""

import datetime
import itertools
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from bench import region_topics
from engagement import placing
from engagement.models import EngagementType, Membership, Organisation, Participant, Partnership, Theme
from engagement.roles import CHAIR, FINANCE, MEMBER, STAFF
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Paper, Response, YearReview
from priorities.models import Action, ActionUpdate, Priority
from reimbursement.models import Claim, ClaimLine, ExpenseCategory, PaymentPolicy, TimeBasis

BATCH = 2000
PARTNERSHIPS = 300  # with the demo's three; not scaled: the directory's size is the point
PLACES_PER_SYSTEM = 7
MEETINGS = 9_000
ITEMS_PER_MEETING = 6
ATTENDANCES_PER_MEETING = 25
PEOPLE = 60_000
CLAIMS = 20_000
YEARS = 6  # of meetings, ending half a year from today
PRIORITIES_PER_PARTNERSHIP = 3
ACTIONS_PER_PRIORITY = 2

SYSTEMS = ["Northmoor and Fells", "Riverside and Coast", "Eastvale", "Westdale and Peaks"]
PLACES = [
    "Ashby", "Brackenfield", "Calder", "Dunmore", "Elmsworth", "Fairhaven", "Greystone", "Holmbridge", "Ingleby",
    "Juniper Vale", "Kirkham Moor", "Longridge", "Millbeck", "Netherton", "Oakham", "Penwortham", "Queensbury",
    "Rydal", "Silverdale", "Thornley", "Ulverby", "Valemount", "Whitfell", "Yarrow", "Ambleton", "Birkdale",
    "Coniston Cross", "Dalehead", "Eskmere", "Fulwood", "Garstang Vale", "Haverby", "Irwell", "Kendalbrook",
    "Lunesdale",
]  # fmt: skip
QUARTERS = ["North", "South", "East", "West", "Central", "Riverside", "Hillside", "Park", "Old Town"]
FIRST_NAMES = ["Amina", "Ben", "Chloe", "Dev", "Ellie", "Femi", "Grace", "Hassan", "Isla", "Jack", "Kiran", "Lena"]
LAST_NAMES = ["Ahmed", "Brown", "Clarke", "Dawson", "Evans", "Fox", "Gill", "Hughes", "Iqbal", "Jones", "Khan", "Lee"]
ITEM_TITLES = [
    "Community voices: what we heard this quarter",
    "Access to GP appointments",
    "Mental health support for young people",
    "Cost of living and health",
    "Neighbourhood health plan: next steps",
    "Carers' support offer",
    "Digital inclusion",
    "Community assets and grants",
]
FEEDBACK_STATUSES = ["none", "none", "none", "need_feedback", "none", "awaiting_response", "responded", "none"]


def _bulk(model, objects):
    return model.objects.bulk_create(objects, batch_size=BATCH)


def _partnerships(lsc):
    """Systems, places under them, neighbourhoods under places: 300 with the demo's."""
    text = {
        "purpose": "Bringing the voluntary, community, faith and social enterprise sector and the statutory "
        "sector together to improve health and wellbeing.",
        "objectives": "Be an equal partner\nReach people who are seldom heard\nShow what changed",
        "principles": "Build trust.\n\nReduce barriers to taking part.\n\nDo more with what we have.",
    }
    existing = Partnership.objects.count()
    systems = [lsc] + _bulk(
        Partnership,
        [
            Partnership(
                name=f"{name} Health and Care Partnership", slug=slugify(name), level=Partnership.Level.SYSTEM, **text
            )
            for name in SYSTEMS
        ],
    )
    places = _bulk(
        Partnership,
        [
            Partnership(
                name=f"{name} Place Partnership",
                slug=slugify(name),
                level=Partnership.Level.PLACE,
                parent=systems[n // PLACES_PER_SYSTEM],
                **text,
            )
            for n, name in enumerate(PLACES[: len(systems) * PLACES_PER_SYSTEM])
        ],
    )
    wanted = PARTNERSHIPS - existing - (len(systems) - 1) - len(places)
    neighbourhoods = _bulk(
        Partnership,
        [
            Partnership(
                name=f"{place.name.removesuffix(' Place Partnership')} {QUARTERS[n // len(places)]} Neighbourhood",
                slug=f"{place.slug}-{slugify(QUARTERS[n // len(places)])}",
                level=Partnership.Level.NEIGHBOURHOOD,
                parent=place,
                **text,
            )
            for n, place in zip(range(wanted), itertools.cycle(places))
        ],
    )
    return systems[1:] + places + neighbourhoods


def _users(partnerships, people_with_logins):
    """A chair and a staff user per partnership, finance per system, members; each a Membership there."""
    password = make_password(None)  # unusable: nobody signs in as them
    specs = []
    for partnership in partnerships:
        specs.append((f"{partnership.slug}-chair", partnership, CHAIR, True))
        specs.append((f"{partnership.slug}-staff", partnership, STAFF, True))
        if partnership.level == Partnership.Level.SYSTEM:
            specs.append((f"{partnership.slug}-finance", partnership, FINANCE, True))
    specs += [
        (f"region-member-{n:05d}", partnerships[n % len(partnerships)], MEMBER, False)
        for n in range(people_with_logins)
    ]
    users = _bulk(
        User,
        [
            User(username=name, email=f"{name}@region.example.org", password=password, is_staff=is_staff)
            for name, _, _, is_staff in specs
        ],
    )
    _bulk(
        Membership,
        [
            Membership(user=user, partnership=partnership, role=role)
            for user, (_, partnership, role, _) in zip(users, specs, strict=True)
        ],
    )
    roles = [role for _, _, role, _ in specs]
    members = [user for user, role in zip(users, roles, strict=True) if role == MEMBER]
    finance = [user for user, role in zip(users, roles, strict=True) if role == FINANCE]
    return members, finance


def _people(partnerships, count, members):
    """Each partnership's pool of people; one in twenty is system staff; members are linked to a login."""
    organisations = _bulk(
        Organisation,
        [
            Organisation(
                name=f"{partnerships[n % len(partnerships)].name} community group {n // len(partnerships) + 1}",
                kind=Organisation.Kind.values[n % len(Organisation.Kind.values)],
                is_grassroots=n % 3 == 0,
            )
            for n in range(max(count // 100, 1))
        ],
    )
    logins = iter(members)
    people = []
    for n in range(count):
        staff = n % 20 == 0
        people.append(
            Participant(
                name=f"{FIRST_NAMES[n % 12]} {LAST_NAMES[(n // 12) % 12]} {n}",
                email=f"person-{n}@region.example.org" if n % 3 else "",
                organisation=organisations[n % len(organisations)] if staff or n % 4 == 0 else None,
                voice=Participant.Voice.values[n % 3],
                is_system_staff=staff,
                agrees_to_be_listed=n % 2 == 0,
                user=None if staff or n % 20 != 1 else next(logins, None),
            )
        )
    people = _bulk(Participant, people)
    pool = len(people) // len(partnerships)
    return {p.pk: people[i * pool : (i + 1) * pool] for i, p in enumerate(partnerships)}


def _meetings(partnerships, count, now):
    """``count`` meetings shared out between the partnerships, each one's over six years, the last half year to come."""
    first = now - datetime.timedelta(days=365 * (YEARS - 0.5))
    formats = Meeting.Format.values
    meetings = []
    for j, partnership in enumerate(partnerships):
        per_partnership = count // len(partnerships) + (j < count % len(partnerships))
        spacing = datetime.timedelta(days=365 * YEARS / max(per_partnership, 1))
        for m in range(per_partnership):
            day = (first + m * spacing + datetime.timedelta(days=j % 28)).date()
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(18 if j % 2 else 10)))
            if start > now:
                status = Meeting.Status.SCHEDULED
            else:
                status = Meeting.Status.CANCELLED if m % 25 == 24 else Meeting.Status.HELD
            format_ = formats[(j + m) % len(formats)]
            meetings.append(
                Meeting(
                    partnership=partnership,
                    title=f"{partnership.name}: meeting {m + 1}",
                    start=start,
                    end=start + datetime.timedelta(hours=2),
                    venue="" if format_ == Meeting.Format.ONLINE else "Community centre, main hall",
                    online_link="" if format_ == Meeting.Format.IN_PERSON else "https://meet.example.org/region",
                    format=format_,
                    status=status,
                    summary="Members heard updates and shared their views." if status == Meeting.Status.HELD else "",
                    published_at=now,  # a region's meetings are public (drafts are few and the office's)
                )
            )
    return _bulk(Meeting, meetings)


def _agendas(meetings, themes, ladder):
    items = []
    for m, meeting in enumerate(meetings):
        held = meeting.status == Meeting.Status.HELD
        opens = timezone.localtime(meeting.start).time()
        items.append(AgendaItem(meeting=meeting, order=1, title="Welcome and introductions", is_business=False))
        for order in range(2, ITEMS_PER_MEETING + 1):
            minutes = opens.hour * 60 + 15 + 20 * (order - 2)
            items.append(
                AgendaItem(
                    meeting=meeting,
                    order=order,
                    start_time=datetime.time(minutes // 60, minutes % 60),
                    duration_minutes=20,
                    title=ITEM_TITLES[(m + order) % len(ITEM_TITLES)],
                    presenter="Engagement lead",
                    engagement_type=ladder[(m + order) % len(ladder)],
                    outcome="Views gathered and shared with the board." if held else "",
                    feedback_status=FEEDBACK_STATUSES[(m + order) % len(FEEDBACK_STATUSES)] if held else "none",
                )
            )
    items = _bulk(AgendaItem, items)
    business = [item for item in items if item.is_business]
    _bulk(
        AgendaItem.themes.through,
        [
            AgendaItem.themes.through(agendaitem_id=item.pk, theme_id=themes[item.pk % len(themes)].pk)
            for item in business
        ],
    )
    papers = []
    for m, meeting in enumerate(meetings):
        papers.append(Paper(meeting=meeting, title="Slides", url="https://papers.example.org/slides.pdf"))
        if m % 3 == 0:
            papers.append(
                Paper(
                    meeting=meeting,
                    title="Draft plan (members)",
                    url="https://papers.example.org/draft.pdf",
                    visibility=Paper.Visibility.MEMBERS,
                    order=1,
                )
            )
    _bulk(Paper, papers)
    return business


def _attendances(meetings, pools):
    """25 people at each meeting from its partnership's pool; at a held one 21 came, 2 sent apologies."""
    attendances = []
    for m, meeting in enumerate(meetings):
        pool = pools[meeting.partnership_id]
        held = meeting.status == Meeting.Status.HELD
        for k in range(min(ATTENDANCES_PER_MEETING, len(pool))):
            person = pool[(m * 7 + k) % len(pool)]
            if not held:
                status = Attendance.Status.REGISTERED
            else:
                status = [Attendance.Status.ATTENDED] * 21 + [Attendance.Status.APOLOGIES] * 2
                status = (status + [Attendance.Status.ABSENT] * 2)[k]
            attendances.append(
                Attendance(
                    meeting=meeting,
                    participant=person,
                    status=status,
                    mode=Attendance.Mode.ONLINE if k % 4 == 3 else Attendance.Mode.IN_PERSON,
                    counts_as_staff=person.is_system_staff,
                    is_walk_in=held and k % 30 == 29,
                )
            )
    attendances = _bulk(Attendance, attendances)
    # bulk_create sends no post_save: what placing.py's signal does for one attendance, done for all at once.
    placing.recount(Participant.objects.filter(has_attendance=False))
    return attendances


def _views_and_responses(business, pools, meetings, themes, today):
    by_pk = {meeting.pk: meeting for meeting in meetings}
    waiting = [item for item in business if item.feedback_status != "none"]
    views = []
    for item in waiting:
        meeting = by_pk[item.meeting_id]
        pool = pools[meeting.partnership_id]
        views.append(
            Feedback(
                agenda_item=item,
                participant=pool[(item.pk * 3 + 1) % len(pool)],
                channel=Feedback.Channel.values[item.pk % len(Feedback.Channel.values)],
                text="More notice of meetings, and papers in plain English please.",
                created_at=meeting.end + datetime.timedelta(days=1),
            )
        )
    views = _bulk(Feedback, views)
    _bulk(
        Feedback.themes.through,
        [Feedback.themes.through(feedback_id=view.pk, theme_id=themes[view.pk % len(themes)].pk) for view in views],
    )
    responses = []
    for item in waiting:
        if item.feedback_status != "responded":
            continue
        decided = min(timezone.localtime(by_pk[item.meeting_id].start).date() + datetime.timedelta(days=30), today)
        responses.append(
            Response(
                agenda_item=item,
                what_we_did="Papers now go out a week before, with a plain-English summary.",
                decided_by="Partnership board",
                decided_on=decided,
                changed=Response.Changed.PLAN,
                reported_back_on=decided,
            )
        )
    _bulk(Response, responses)
    return len(views), len(responses)


def _priorities(partnerships, today):
    priorities = _bulk(
        Priority,
        [
            Priority(partnership=partnership, number=n, title=title, description="Agreed at the annual meeting.")
            for partnership in partnerships
            for n, title in enumerate(
                ["VCFSE as an equal partner", "Reaching people who are seldom heard", "Health inequalities"][
                    :PRIORITIES_PER_PARTNERSHIP
                ],
                start=1,
            )
        ],
    )
    statuses = Action.Status.values
    actions = _bulk(
        Action,
        [
            Action(
                priority=priority,
                horizon=Action.Horizon.IMMEDIATE if k == 0 else Action.Horizon.FUTURE,
                description="Agree a shared engagement charter with partners.",
                status=statuses[(priority.pk + k) % len(statuses)],
                due_date=today + datetime.timedelta(days=30 * (k + priority.pk % 12) - 120),
                order=k,
            )
            for priority in priorities
            for k in range(ACTIONS_PER_PRIORITY)
        ],
    )
    _bulk(ActionUpdate, [ActionUpdate(action=action, date=today, note="Discussed at the board.") for action in actions])
    return len(priorities), len(actions)


def _policies(partnerships):
    return {
        policy.partnership_id: policy
        for policy in _bulk(
            PaymentPolicy,
            [
                PaymentPolicy(
                    partnership=partnership,
                    name="Involvement payments",
                    effective_from=datetime.date(2019, 4, 1),
                    time_basis=TimeBasis.HOURLY,
                    hourly_rate=Decimal("25.00"),
                    preparation_paid=True,
                    preparation_cap_hours=Decimal("2.00"),
                    receipt_threshold=Decimal("20.00"),
                    budget_code=f"ENG-{partnership.pk:04d}",
                )
                for partnership in partnerships
            ],
        )
    }


def _claim_status(age_days, n):
    """Old claims were paid (a few sent back); recent ones are anywhere on the way."""
    if age_days > 120:
        return Claim.Status.REJECTED if n % 20 == 0 else Claim.Status.PAID
    return [Claim.Status.DRAFT, Claim.Status.SUBMITTED, Claim.Status.SUBMITTED, Claim.Status.APPROVED][n % 4]


def _claims(attendances, meetings, policies, finance, count, now):
    """Claims on a share of the attended (not staff) attendances of held meetings, with their lines."""
    by_pk = {meeting.pk: meeting for meeting in meetings}
    candidates = [a for a in attendances if a.status == Attendance.Status.ATTENDED and not a.counts_as_staff]
    stride = max(len(candidates) // max(count, 1), 1)
    claims, lines = [], []
    for n, attendance in enumerate(candidates[::stride][:count]):
        meeting = by_pk[attendance.meeting_id]
        policy = policies[meeting.partnership_id]
        status = _claim_status((now - meeting.end).days, n)
        claim = Claim(
            claimant_id=attendance.participant_id,
            attendance=attendance,
            policy=policy,
            status=status,
            meeting_hours=Decimal("2.00"),
            preparation_hours=Decimal("1.00"),
            payment_declined=n % 15 == 0,
            created_at=meeting.end + datetime.timedelta(days=1),
        )
        policy.copy_rates_to(claim)
        claim_lines = []
        if n % 3:
            miles = Decimal(3 + n % 20)
            claim_lines.append(
                ClaimLine(
                    category=ExpenseCategory.MILEAGE,
                    description="Home to the venue and back",
                    miles=miles,
                    passengers=n % 2,
                    amount=claim.mileage_amount(miles, n % 2),
                )
            )
        if n % 3 != 1:
            claim_lines.append(
                ClaimLine(
                    category=ExpenseCategory.PUBLIC_TRANSPORT,
                    description="Bus there and back",
                    amount=Decimal("4.60"),
                    order=1,
                )
            )
        claim.calculate(claim_lines)
        if status != Claim.Status.DRAFT:
            claim.declared_at = claim.submitted_at = meeting.end + datetime.timedelta(days=2)
        if status in (Claim.Status.APPROVED, Claim.Status.REJECTED, Claim.Status.PAID):
            claim.decided_by = finance[n % len(finance)]
            claim.decided_at = meeting.end + datetime.timedelta(days=10)
        if status == Claim.Status.REJECTED:
            claim.rejection_reason = "The bus fare is claimed twice: please take one line out."
        if status == Claim.Status.PAID:
            claim.paid_on = (meeting.end + datetime.timedelta(days=30)).date()
            claim.payment_reference = f"RUN-{claim.paid_on:%Y-%m}"
            claim.paid_by = claim.decided_by
        claims.append(claim)
        lines.append(claim_lines)
    claims = bulk_create_with_history(claims, Claim, batch_size=BATCH, default_date=now)
    for claim, claim_lines in zip(claims, lines, strict=True):
        for line in claim_lines:
            line.claim = claim
    _bulk(ClaimLine, [line for claim_lines in lines for line in claim_lines])
    return len(claims), sum(map(len, lines))


@transaction.atomic
def build(scale=1.0, log=print):
    """Add the region to a database that holds the demo; returns what was added and how long it took."""
    started = timezone.now()
    now, today = started, timezone.localdate()
    lsc = Partnership.objects.get(slug="lancashire-south-cumbria")
    themes = list(Theme.objects.order_by("pk"))
    ladder = list(EngagementType.objects.order_by("rank"))

    def sized(n):
        return max(int(n * scale), 1)

    partnerships = _partnerships(lsc)
    members, finance = _users([lsc, *partnerships], sized(PEOPLE) // 20)
    pools = _people(partnerships, sized(PEOPLE), members)
    log(f"  {len(partnerships)} partnerships, {len(members)} member logins, {sized(PEOPLE):,} people")
    meetings = _meetings(partnerships, sized(MEETINGS), now)
    business = _agendas(meetings, themes, ladder)
    attendances = _attendances(meetings, pools)
    log(f"  {len(meetings):,} meetings, {len(business):,} business items, {len(attendances):,} attendances")
    views, responses = _views_and_responses(business, pools, meetings, themes, today)
    priorities, actions = _priorities(partnerships, today)
    _bulk(YearReview, [YearReview(partnership=p, year=today.year - 2) for p in partnerships])
    claims, lines = _claims(attendances, meetings, _policies(partnerships), finance, sized(CLAIMS), now)
    log(f"  {views:,} views, {responses:,} responses, {priorities} priorities, {claims:,} claims, {lines:,} lines")
    log(region_topics.build(partnerships, members, business, ladder, attendances, meetings, scale, now))
    return (timezone.now() - started).total_seconds()
