"""Demo meetings from shared/seeds/: Lewisham's first year and Lancashire's first meeting.

Dates, agenda items, engagement types, outcomes and attendee counts are the
seeds' own (Lewisham Appendix 2: 16, 20, 14, 13 and 10 attendees, not
counting LHCP staff). Who attended is fictional, with people coming back
across meetings as they do in life.
"""

import datetime

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from engagement.models import EngagementType, Participant, Theme
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Paper, Response
from toolkit.page_cache import content_changed
from toolkit.pdf import html_to_pdf

from .engagement import LEWISHAM_PEOPLE, LEWISHAM_STAFF, email_for

CIVIC_SUITE = "Civic Suite, Catford Road, London SE6 9SE"
LPP = "Lewisham People's Partnership"

# Appendix 2 of the Lewisham seed. Each item: (title, engagement type, outcome, feedback status).
LEWISHAM_YEAR_ONE = [
    (
        datetime.date(2023, 5, 11),
        [
            (
                "Lewisham Health and Wellbeing Charter",
                "Collaborating",
                "Final draft of Charter to go to HCSSC Mar24 for approval",
                "none",
            ),
            ("LHCP Joint Forward Plan", "Informing", "", "none"),
        ],
    ),
    (
        datetime.date(2023, 7, 25),
        [
            ("Lewisham Health and Wellbeing Charter", "Collaborating", "", "none"),
            ("LPP priorities", "Involving", "", "none"),
        ],
    ),
    (
        datetime.date(2023, 9, 27),
        [
            ("Development of a community space in Lewisham", "Involving", "Need feedback", "need_feedback"),
            ("Co-production in Adult Social Care", "Informing", "Need feedback", "need_feedback"),
        ],
    ),
    (
        datetime.date(2023, 12, 6),
        [
            ("Same day urgent care – improving access to primary care", "Involving", "Need feedback", "need_feedback"),
            ("Lewisham Health and Wellbeing Charter", "Collaborating", "Need feedback", "need_feedback"),
        ],
    ),
    (
        datetime.date(2024, 2, 7),
        [
            (
                "LHCP System Intention for 2024/25",
                "Involving",
                "Ongoing involvement/Board response",
                "awaiting_response",
            ),
        ],
    ),
]

# Who attended each year-one meeting, as indexes into LEWISHAM_PEOPLE:
# 16 + 20 + 14 + 13 + 10 = 73 attendances by 41 different people.
YEAR_ONE_ATTENDEES = [
    list(range(0, 16)),
    list(range(0, 10)) + list(range(16, 26)),
    list(range(0, 6)) + list(range(26, 34)),
    list(range(0, 4)) + list(range(10, 14)) + list(range(34, 39)),
    list(range(0, 3)) + list(range(16, 19)) + list(range(26, 28)) + list(range(39, 41)),
]
YEAR_ONE_APOLOGIES = [[20, 21], [12], [8, 9], [30], [5, 6, 7]]

ITEM_THEMES = {
    "Lewisham Health and Wellbeing Charter": ["What is important to people matters", "Equality respect and inclusion"],
    "Development of a community space in Lewisham": [
        "Community assets",
        "Accessibility - equity of access - easy access - digital and non digital",
    ],
    "Same day urgent care – improving access to primary care": [
        "Accessibility - equity of access - easy access - digital and non digital",
        "Lack of knowledge - what is available - how to access",
    ],
    "LHCP System Intention for 2024/25": ["Accountability and power", "Reducing health inequalities"],
    "LPP priorities": ["Capacity and priorities", "Voice and influence"],
}

# The 23 April 2024 agenda, exactly as the seed sets it out.
APRIL_2024_AGENDA = [
    ("09:45", 15, "Arrivals", None, False),
    ("10:00", 15, "What voices do we have at this meeting?", None, True),
    ("10:15", 15, "Presentation – Lewisham People's Partnership – Year 1 Review – Draft (attached)", "Informing", True),
    (
        "10:30",
        20,
        "Discussion on the Review – What has gone well, challenges and what we learnt about how to engage",
        "Consulting",
        True,
    ),
    ("10:50", 15, "Break", None, False),
    (
        "11:05",
        45,
        "Discussion on the Review – Ideas for how we can build on the successes and address the challenges",
        "Involving",
        True,
    ),
    ("11:50", 10, "Dates for 2024/25 Lewisham People's Partnership meetings", "Informing", True),
]

APRIL_2024_INTRO = (
    "This is a draft of the Year 1 Review, and its purpose is to just pause for a moment and ask for your "
    "views and feedback. From all that you have told us over the past year, the Review highlights where the "
    "Lewisham People's Partnership has had some success, what some of the challenges have been and what you "
    "have told us about how to engage.\n\n"
    "We hope that you will be able to come along to the meeting on 23rd April but if you can't make either "
    "the face-to-face or online meeting and would like to let us have your feedback please send it to the "
    "Chair, Lewisham People's Partnership."
)

LEWISHAM_2024_25_DATES = [
    datetime.date(2024, 6, 26),
    datetime.date(2024, 9, 11),
    datetime.date(2024, 11, 13),
    datetime.date(2025, 1, 15),
]

LSC_KEY_MESSAGES = """\
Partnership should be aspirational, adventurous and brave; hopeful for improvement and doing things differently. It requires patience to reach a mutual and common understanding. Sometimes partnership feels like a game of chess… some people do not want to play and no one knows what winning means.

Adapted focus question: How do we use the Building Health Partnerships programme to develop a new culture of working together between the VCFS and the statutory sector in neighbourhoods, ICPs and across the ICS – because we want to harness the leadership, power and capacity of our communities to improve their own health and wellbeing."""

LSC_AGENDA = [
    (
        "What does partnership mean to you in Lancashire and South Cumbria?",
        "Consulting",
        "Aspirational, adventurous and brave; requires patience; can be challenging with multiple barriers; "
        "good practice in Lancashire can be replicated elsewhere.",
    ),
    (
        "Current situation in Lancashire and South Cumbria",
        "Involving",
        "Appetite for doing things differently and for using the BHP programme to put learning into practice. "
        "Smaller voluntary organisations have previously been underrepresented in discussions.",
    ),
    (
        "The current key challenge: power and equity",
        "Involving",
        "Power is locked into authority. Desire for equality in the partnership with clear expectations and a "
        "move towards practical action.",
    ),
    (
        "ICS partnership landscape: how is the VCFS engaging with the ICS?",
        "Informing",
        "Clarify what a whole systems approach is, how to frame the partnership, and how to challenge the "
        "cultural dynamic between leadership and the operational level.",
    ),
    (
        "Possible ways to move forward and outcomes of the programme",
        "Collaborating",
        "Build on existing structures rather than creating a new one; strengthen the relationship before "
        "changing the culture; invest in the community connector level.",
    ),
    (
        "Adapted question focus",
        "Collaborating",
        "Updated question agreed: how do we use the Building Health Partnerships programme to develop a new "
        "culture of working together between the VCFS and the statutory sector.",
    ),
    (
        "Flipchart exercise: possible priorities",
        "Collaborating",
        "Three priorities agreed: VCFS as a primary partner; shift the current working culture and strengthen "
        "relationships; build consistent models of engagement at ICP level.",
    ),
]


def _aware(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _meeting(partnership, start, end, **fields):
    meeting, _ = Meeting.objects.update_or_create(partnership=partnership, start=start, defaults={"end": end, **fields})
    return meeting


def _items(meeting, items):
    types = {t.name: t for t in EngagementType.objects.all()}
    themes = {t.name: t for t in Theme.objects.all()}
    for order, item in enumerate(items, start=1):
        title = item.pop("title")
        type_name = item.pop("type", None)
        agenda_item, _ = AgendaItem.objects.update_or_create(
            meeting=meeting, order=order, defaults={"title": title, "engagement_type": types.get(type_name), **item}
        )
        agenda_item.themes.set([themes[name] for name in ITEM_THEMES.get(title, []) if name in themes])


def _attend(meeting, participants, status, mode_for=lambda index: Attendance.Mode.IN_PERSON):
    for index, participant in enumerate(participants):
        Attendance.objects.update_or_create(
            meeting=meeting,
            participant=participant,
            defaults={"status": status, "mode": mode_for(index), "counts_as_staff": participant.is_system_staff},
        )


def _paper(meeting, title, template, visibility, agenda_item=None):
    paper = Paper.objects.filter(meeting=meeting, title=title).first()
    if paper is not None:
        return paper
    paper = Paper(meeting=meeting, title=title, visibility=visibility, agenda_item=agenda_item)
    paper.file.save("paper.pdf", ContentFile(html_to_pdf(render_to_string(template))), save=False)
    paper.save()
    return paper


def _fictional_meeting(lewisham, title, day, **fields):
    """A hybrid Lewisham meeting at the Civic Suite, 10:00 to 12:00 on ``day``: found by title, so made once.

    Its date is set when it is first made, relative to that day; loading again keeps it.
    """
    meeting = Meeting.objects.filter(partnership=lewisham, title=title).first()
    if meeting is None:
        meeting = Meeting.objects.create(
            partnership=lewisham,
            title=title,
            start=_aware(day, 10),
            end=_aware(day, 12),
            venue=CIVIC_SUITE,
            format=Meeting.Format.HYBRID,
            online_link="https://meet.example.org/lewisham-peoples-partnership",
            **fields,
        )
    return meeting


def load_lewisham(lewisham):
    people = [Participant.objects.get(email=email_for(name)) for name, _, _ in LEWISHAM_PEOPLE]
    staff = [Participant.objects.get(email=email_for(name)) for name, _ in LEWISHAM_STAFF]

    for (day, items), attendees, apologies in zip(
        LEWISHAM_YEAR_ONE, YEAR_ONE_ATTENDEES, YEAR_ONE_APOLOGIES, strict=True
    ):
        meeting = _meeting(
            lewisham,
            _aware(day, 10),
            _aware(day, 12),
            title=LPP,
            venue=CIVIC_SUITE,
            format=Meeting.Format.HYBRID,
            status=Meeting.Status.HELD,
            online_link="https://meet.example.org/lewisham-peoples-partnership",
        )
        _items(
            meeting,
            [
                {
                    "title": title,
                    "type": type_name,
                    "outcome": outcome,
                    "feedback_status": status,
                    "start_time": None,
                    "duration_minutes": None,
                }
                for title, type_name, outcome, status in items
            ],
        )
        # Roughly one in four joins online, as the hybrid format intends.
        _attend(
            meeting,
            [people[i] for i in attendees],
            Attendance.Status.ATTENDED,
            mode_for=lambda index: Attendance.Mode.ONLINE if index % 4 == 3 else Attendance.Mode.IN_PERSON,
        )
        _attend(meeting, [people[i] for i in apologies], Attendance.Status.APOLOGIES)
        _attend(meeting, staff, Attendance.Status.ATTENDED)

    april = datetime.date(2024, 4, 23)
    meeting = _meeting(
        lewisham,
        _aware(april, 10),
        _aware(april, 12),
        title=f"{LPP} – Year 1 Review",
        venue=CIVIC_SUITE,
        format=Meeting.Format.HYBRID,
        status=Meeting.Status.HELD,
        summary=APRIL_2024_INTRO,
        online_link="https://meet.example.org/lewisham-peoples-partnership",
    )
    _items(
        meeting,
        [
            {
                "title": title,
                "type": type_name,
                "is_business": business,
                "start_time": datetime.time.fromisoformat(start),
                "duration_minutes": minutes,
            }
            for start, minutes, title, type_name, business in APRIL_2024_AGENDA
        ],
    )
    _attend(
        meeting,
        people[0:8] + people[16:20],
        Attendance.Status.ATTENDED,
        mode_for=lambda index: Attendance.Mode.ONLINE if index % 3 == 2 else Attendance.Mode.IN_PERSON,
    )
    _attend(meeting, staff[:2], Attendance.Status.ATTENDED)
    review_item = meeting.agenda_items.get(order=3)
    _paper(
        meeting,
        "Lewisham People's Partnership – Year 1 Review – Draft",
        "demo/year_one_review.html",
        Paper.Visibility.PUBLIC,
        review_item,
    )
    _paper(
        meeting,
        "Draft reimbursement proposal for discussion (members only)",
        "demo/reimbursement_proposal.html",
        Paper.Visibility.MEMBERS,
    )

    for day in LEWISHAM_2024_25_DATES:
        _meeting(
            lewisham,
            _aware(day, 10),
            _aware(day, 12),
            title=LPP,
            venue="To be confirmed",
            format=Meeting.Format.HYBRID,
            status=Meeting.Status.SCHEDULED,
            times_to_be_confirmed=True,
            summary="We are just confirming times and locations for these dates which we will circulate.",
        )

    # Fictional upcoming meetings, placed relative to today so the demo always
    # has something to register for.
    today = timezone.localdate()
    for weeks, title, agenda in [
        (
            3,
            f"{LPP} – co-producing the reimbursement policy",
            [
                ("What voices do we have at this meeting?", None),
                ("Reimbursement policy – valuing people's time as labour", "Collaborating"),
                ("Strategic focus: CORE20PLUS5 or the Lewisham System Intentions?", "Involving"),
            ],
        ),
        (
            11,
            f"{LPP} – outcomes framework",
            [
                ("What voices do we have at this meeting?", None),
                ("Co-developing an outcomes framework with the Place Executive Group", "Collaborating"),
                ("You said, we did: responses from the Board", "Informing"),
            ],
        ),
    ]:
        day = today + datetime.timedelta(weeks=weeks)
        day += datetime.timedelta(days=(2 - day.weekday()) % 7)  # a Wednesday
        meeting = _fictional_meeting(lewisham, title, day)
        _items(
            meeting,
            [
                {
                    "title": item_title,
                    "type": type_name,
                    "start_time": datetime.time(10 + i // 2, 30 * (i % 2)),
                    "duration_minutes": 30,
                }
                for i, (item_title, type_name) in enumerate(agenda)
            ],
        )

    # A fictional meeting held a fortnight ago, so members can try claiming for their
    # time (claims are due within 30 days) and staff see a recent meeting's records.
    day = today - datetime.timedelta(days=14)
    day -= datetime.timedelta(days=(day.weekday() - 2) % 7)  # the Wednesday before
    recent = _fictional_meeting(lewisham, RECENT_TITLE, day, status=Meeting.Status.HELD)
    _items(
        recent,
        [
            {
                "title": "What voices do we have at this meeting?",
                "start_time": datetime.time(10),
                "duration_minutes": 15,
            },
            {
                "title": "Getting a GP appointment: what members are hearing in their communities",
                "type": "Consulting",
                "start_time": datetime.time(10, 15),
                "duration_minutes": 60,
                "outcome": "Members' experiences to be summarised for the Primary Care Board.",
                "feedback_status": AgendaItem.FeedbackStatus.NEED_FEEDBACK,
            },
        ],
    )
    _attend(
        recent,
        people[:9] + staff[:1],
        Attendance.Status.ATTENDED,
        mode_for=lambda index: Attendance.Mode.ONLINE if index % 3 == 2 else Attendance.Mode.IN_PERSON,
    )


def load_lancashire(lsc):
    day = datetime.date(2023, 10, 12)
    meeting = _meeting(
        lsc,
        _aware(day, 13),
        _aware(day, 16),
        title="Partnership Meeting 1: What does partnership mean to you?",
        venue="Preston (venue to be recorded)",
        format=Meeting.Format.IN_PERSON,
        status=Meeting.Status.HELD,
        summary=LSC_KEY_MESSAGES,
    )
    _items(
        meeting, [{"title": title, "type": type_name, "outcome": outcome} for title, type_name, outcome in LSC_AGENDA]
    )


# --- Taking part (issue 3): registrations, access needs, walk-ins, views, "we did". All fictional.

RECENT_TITLE = f"{LPP} – getting a GP appointment"
UPCOMING_TITLES = [f"{LPP} – co-producing the reimbursement policy", f"{LPP} – outcomes framework"]

# People's standing access needs (Participant.access_needs), by index into LEWISHAM_PEOPLE.
ACCESS_NEEDS = {
    0: "Step-free access and a seat near the front",
    2: "BSL interpreter",
    6: "Hearing loop",
    11: "Large-print papers sent a week ahead",
    16: "Step-free access; a space for a wheelchair at the table",
}

# Registrations for the two upcoming meetings: (index, status, mode, share access needs).
REGISTRATIONS = [
    [
        (0, "registered", "in_person", True),  # member
        (1, "registered", "online", False),  # member2
        (2, "registered", "in_person", True),
        (3, "registered", "in_person", False),
        (4, "registered", "online", False),
        (6, "registered", "in_person", True),
        (7, "apologies", "in_person", False),
        (11, "registered", "in_person", True),
        (15, "apologies", "in_person", False),
        (16, "registered", "in_person", True),
        (22, "registered", "online", False),
    ],
    [
        (0, "registered", "online", False),  # member
        (1, "registered", "in_person", False),  # member2
        (10, "apologies", "in_person", False),
        (17, "registered", "in_person", False),
    ],
]

# People who came to a year-one meeting without registering: (meeting date, indexes).
# They are among the seed's counted attendees, so the counts do not change.
WALK_INS = [
    (datetime.date(2023, 7, 25), [24, 25]),
    (datetime.date(2023, 12, 6), [38]),
    (datetime.date(2024, 2, 7), [40]),
]

# What people said, summarised by staff, for the items that asked for feedback.
VIEWS_SUMMARIES = {
    (datetime.date(2023, 5, 11), 1): (
        "People asked for the Charter to be in plain language, to say what anyone can expect when they use "
        "services, and to be checked with groups whose voices are seldom heard."
    ),
    (datetime.date(2023, 9, 27), 1): (
        "A community space must be step-free, open in the evenings and at weekends, free for small groups to "
        "book, and run with local groups rather than for them."
    ),
    (datetime.date(2023, 9, 27), 2): (
        "Co-production should start before decisions are made; carers want their time valued and meetings "
        "held where people can get to them."
    ),
    (datetime.date(2023, 12, 6), 1): (
        "Phoning at 8am does not work for carers or people on shifts; not everyone can use online forms; "
        "pharmacies and community groups could help people find the right place first time."
    ),
    (datetime.date(2023, 12, 6), 2): (
        "Members want the Charter's promises to be measured and reported back each year."
    ),
    (datetime.date(2024, 2, 7), 1): (
        "People asked the Board to show how each intention reduces inequalities, who is accountable for it, "
        "and how the People's Partnership will see progress."
    ),
}

# Views sent or recorded: (meeting date, item order, person index or None, channel, text, days after the meeting).
VIEWS = [
    (
        datetime.date(2023, 9, 27),
        1,
        0,
        "portal",
        "Please make the space step-free from the street, with a hearing loop in the main room. Evening opening matters for people who work.",
        2,
    ),
    (
        datetime.date(2023, 9, 27),
        1,
        5,
        "email",
        "Refugee families need a space where they can meet without paying: room hire is the barrier, not interest.",
        5,
    ),
    (
        datetime.date(2023, 9, 27),
        1,
        None,
        "phone",
        "Caller asked that the space be near a bus route and have a quiet room.",
        9,
    ),
    (
        datetime.date(2023, 9, 27),
        2,
        1,
        "portal",
        "Carers should be paid for the time they give to co-production, as other partners are.",
        3,
    ),
    (
        datetime.date(2023, 12, 6),
        1,
        0,
        "portal",
        "I gave up ringing the surgery at 8am. A text-back service would help, and so would a named person at the practice.",
        1,
    ),
    (
        datetime.date(2023, 12, 6),
        1,
        13,
        "paper",
        "Letter: not everyone has a smartphone. Keep a way to book in person.",
        12,
    ),
    (
        datetime.date(2023, 12, 6),
        1,
        1,
        "portal",
        "Pharmacies could tell people where to go first; please involve them.",
        4,
    ),
    (
        datetime.date(2024, 2, 7),
        1,
        10,
        "email",
        "We would like the Board to say which intention will change things for young people in North Lewisham.",
        6,
    ),
]

# Views sent before an upcoming meeting: (meeting index, item order, person index, channel, text).
UPCOMING_VIEWS = [
    (
        0,
        2,
        0,
        "portal",
        "Paying people for their time should include preparation time and not only the meeting itself.",
    ),
    (0, 2, 7, "email", "I cannot come but ask that vouchers be offered for people whose benefits could be affected."),
]

CHARTER_RESPONSE = {
    "what_we_did": (
        "The Charter was rewritten in plain language with members of the People's Partnership, tested with "
        "three community groups, and approved in March 2024. Partners now use it in staff induction."
    ),
    "decided_by": "Lewisham Health and Care Partners Strategic Board",
    "decided_on": datetime.date(2024, 3, 13),
    "changed": Response.Changed.PLAN,
    "status": Response.Status.DONE,
    "reported_back_on": datetime.date(2024, 4, 23),
}


def _year_one_item(lewisham, day, order):
    return AgendaItem.objects.get(meeting__partnership=lewisham, meeting__start__date=day, order=order)


def load_participation(lewisham):
    """Registrations, access needs, walk-ins, views and one 'we did', so every page has something to show."""
    people = [Participant.objects.get(email=email_for(name)) for name, _, _ in LEWISHAM_PEOPLE]
    staff_user = User.objects.filter(username="staff").first()

    for index, needs in ACCESS_NEEDS.items():
        Participant.objects.filter(pk=people[index].pk).update(access_needs=needs)

    upcoming = [Meeting.objects.get(partnership=lewisham, title=title) for title in UPCOMING_TITLES]
    for meeting, registrations in zip(upcoming, REGISTRATIONS, strict=True):
        for index, status, mode, share in registrations:
            Attendance.objects.update_or_create(
                meeting=meeting,
                participant=people[index],
                defaults={
                    "status": status,
                    "mode": mode,
                    "access_needs": ACCESS_NEEDS.get(index, "") if share else "",
                    "share_access_needs": share and index in ACCESS_NEEDS,
                },
            )

    for day, indexes in WALK_INS:
        Attendance.objects.filter(
            meeting__partnership=lewisham, meeting__start__date=day, participant__in=[people[i] for i in indexes]
        ).update(is_walk_in=True)

    for (day, order), summary in VIEWS_SUMMARIES.items():
        AgendaItem.objects.filter(pk=_year_one_item(lewisham, day, order).pk).update(views_summary=summary)

    for day, order, index, channel, text, days_after in VIEWS:
        item = _year_one_item(lewisham, day, order)
        Feedback.objects.get_or_create(
            agenda_item=item,
            participant=people[index] if index is not None else None,
            channel=channel,
            text=text,
            defaults={
                "created_at": _aware(day + datetime.timedelta(days=days_after), 14),
                "recorded_by": staff_user if channel != "portal" else None,
            },
        )
    for meeting_index, order, index, channel, text in UPCOMING_VIEWS:
        item = AgendaItem.objects.get(meeting=upcoming[meeting_index], order=order)
        Feedback.objects.get_or_create(
            agenda_item=item,
            participant=people[index],
            channel=channel,
            text=text,
            defaults={"recorded_by": staff_user if channel != "portal" else None},
        )

    # A visitor's views still waiting for their email to be confirmed: counted nowhere until then.
    Feedback.with_pending.get_or_create(
        agenda_item=AgendaItem.objects.get(meeting=upcoming[0], order=1),
        channel=Feedback.Channel.VISITOR,
        visitor_email="sam.visitor@example.org",
        defaults={"visitor_name": "Sam Visitor", "text": "Please hold one meeting a year in the evening."},
    )

    # The May 2023 Charter item has had its answer: "you said, we did" shows all three states.
    charter = _year_one_item(lewisham, datetime.date(2023, 5, 11), 1)
    Response.objects.update_or_create(
        agenda_item=charter, decided_by=CHARTER_RESPONSE["decided_by"], defaults=CHARTER_RESPONSE
    )
    AgendaItem.objects.filter(pk=charter.pk).update(feedback_status=AgendaItem.FeedbackStatus.RESPONDED)


def publish_demo_meetings(partnerships):
    """Every demo meeting is public, as if the chair had published it when it was made.

    Not through ``services.publish_meeting``: loading the demo tells no one that an agenda was published.
    """
    Meeting.objects.filter(partnership__in=list(partnerships.values()), published_at__isnull=True).update(
        published_at=F("created_at")
    )
    content_changed()


def load(partnerships):
    load_lewisham(partnerships["lewisham"])
    load_lancashire(partnerships["lancashire-south-cumbria"])
    load_participation(partnerships["lewisham"])
    publish_demo_meetings(partnerships)
