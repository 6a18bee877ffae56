"""Demo topics people propose and Lewisham's forward plan, drawn from the seed's themes. Safe to run twice.

Topics in every status (one scheduled onto the 26 June 2024 agenda), with supporters; three forward plan
decisions: the Charter's approval (made, with its agenda item and "we did"), the Joint Forward Plan's
refresh and the same day urgent care model (both coming up).
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from engagement.models import EngagementType
from meetings.models import AgendaItem, Meeting, Response
from meetings.topic_services import change_topic_status, propose_topic, support_topic
from meetings.topics import ForwardDecision, Topic

JUNE_2024 = datetime.date(2024, 6, 26)
COST_OF_LIVING_ITEM = "Cost of living and health: what members asked us to discuss"

# title, proposer, rung, about, why it matters, who it affects, proposed on
TOPICS = [
    (
        "Cost of living and health",
        "member",
        "Involving",
        "Rising costs of food, heating and travel are stopping people getting to appointments and eating well.",
        "The wider determinants of health came up at every meeting last year; we want a say in what partners do.",
        "Families on low incomes, older people, carers",
        datetime.date(2024, 4, 30),
    ),
    (
        "Mental health waiting times for young people",
        "member2",
        "Collaborating",
        "Young people wait months for support from mental health services.",
        "People reach crisis while they wait; people who use mental health services should shape the answer.",
        "Young people and their families",
        datetime.date(2024, 5, 14),
    ),
    (
        "Waiting times for CAMHS",
        "member",
        "Consulting",
        "How long children wait for child and adolescent mental health services.",
        "Parents tell us the wait is the hardest part.",
        "Children and parents",
        datetime.date(2024, 5, 20),
    ),
    (
        "Booking GP appointments without a smartphone",
        "member2",
        "Consulting",
        "Online booking is the main way in; not everyone can use it.",
        "Accessibility: equity of access, digital and non digital.",
        "Older people, people without internet at home",
        datetime.date(2024, 2, 12),
    ),
    (
        "Parking at the hospital",
        "member",
        "Informing",
        "Parking charges and spaces at University Hospital Lewisham.",
        "Visitors and patients find it hard and expensive.",
        "Patients and visitors who drive",
        datetime.date(2024, 3, 4),
    ),
    (
        "Paying unpaid carers to take part",
        "member2",
        "Empowering",
        "Carers cannot always take part in engagement for free; the seed asks us to remunerate a broader range of people.",
        "Carers' experiences are missing from our meetings.",
        "Unpaid carers",
        None,  # proposed recently: "new"
    ),
]

SUPPORTERS = {
    "Cost of living and health": ["member2", "staff"],
    "Mental health waiting times for young people": ["member", "staff", "chair"],
    "Waiting times for CAMHS": ["member2"],
    "Booking GP appointments without a smartphone": ["member"],
    "Paying unpaid carers to take part": ["member"],
}


def _user(username):
    return User.objects.filter(username=username).first()


def _item(lewisham, day, order):
    return AgendaItem.objects.filter(meeting__partnership=lewisham, meeting__start__date=day, order=order).first()


def load_forward_plan(lewisham):
    """Three decisions; the upcoming ones' dates are set when first made, relative to that day."""
    today = timezone.localdate()
    charter_item = _item(lewisham, datetime.date(2023, 5, 11), 1)
    charter_response = Response.objects.filter(agenda_item=charter_item).first() if charter_item else None
    made, _ = ForwardDecision.objects.update_or_create(
        partnership=lewisham,
        title="Approving the Lewisham Health and Wellbeing Charter",
        defaults={
            "decision_maker": "Health and Care Scrutiny Sub-Committee (HCSSC)",
            "expected_date": datetime.date(2024, 3, 13),
            "what_is_decided": "Whether partners adopt the Charter written with the People's Partnership.",
            "how_to_be_involved": "The Charter was co-produced at three meetings of the partnership.",
            "status": ForwardDecision.Status.MADE,
            "made_on": datetime.date(2024, 3, 13),
            "agenda_item": charter_item,
            "response": charter_response,
        },
    )
    upcoming = [
        (
            "Refreshing the LHCP Joint Forward Plan",
            "Lewisham Health and Care Partners Strategic Board",
            60,
            "What the partners' five-year plan commits to for the coming year, and how people's views shape it.",
            "Tell us which of your priorities must be in it; the partnership can ask for an agenda item before "
            "the board meets.",
            None,
        ),
        (
            "Same day urgent care: how people get a GP appointment",
            "LCP Strategic Board",
            120,
            "Which model of same day urgent care Lewisham adopts, and how people without online access book.",
            "The partnership discussed access to primary care in December 2023 and asked to be involved again "
            "before the decision.",
            _item(lewisham, datetime.date(2023, 12, 6), 1),
        ),
    ]
    for title, maker, days, what, how, item in upcoming:
        decision = ForwardDecision.objects.filter(partnership=lewisham, title=title).first()
        if decision is None:
            ForwardDecision.objects.create(
                partnership=lewisham,
                title=title,
                decision_maker=maker,
                expected_date=today + datetime.timedelta(days=days),
                what_is_decided=what,
                how_to_be_involved=how,
                agenda_item=item,
            )
    return made


def load_topics(lewisham):
    rungs = {rung.name: rung for rung in EngagementType.objects.all()}
    chair = _user("chair")
    topics = {}
    for title, proposer, rung, about, why, who, proposed_on in TOPICS:
        topic = Topic.objects.filter(partnership=lewisham, title=title).first()
        if topic is None:
            topic = propose_topic(
                lewisham,
                _user(proposer),
                title=title,
                about=about,
                why_it_matters=why,
                who_it_affects=who,
                wanted_rung=rungs.get(rung) or EngagementType.objects.order_by("rank").first(),
            )
            if proposed_on:
                when = timezone.make_aware(datetime.datetime.combine(proposed_on, datetime.time(11)))
                Topic.objects.filter(pk=topic.pk).update(created_at=when)
                topic.history.update(changed_at=when)
        topics[title] = topic
        for username in SUPPORTERS.get(title, ()):
            if _user(username):
                support_topic(topic, _user(username))

    # The 26 June 2024 meeting takes the cost of living topic as its first item.
    june = Meeting.objects.filter(partnership=lewisham, start__date=JUNE_2024).first()
    if june is not None:
        item = AgendaItem.objects.filter(meeting=june, title=COST_OF_LIVING_ITEM).first()
        if item is None:
            order = (june.agenda_items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
            item = AgendaItem.objects.create(
                meeting=june, order=order, title=COST_OF_LIVING_ITEM, engagement_type=rungs.get("Involving")
            )
        change_topic_status(
            topics["Cost of living and health"],
            Topic.Status.SCHEDULED,
            "On the agenda of the 26 June 2024 meeting.",
            chair,
            agenda_item=item,
        )
    change_topic_status(
        topics["Mental health waiting times for young people"],
        Topic.Status.CONSIDERING,
        "The chair is asking the mental health lead to come to a meeting this year.",
        chair,
    )
    change_topic_status(
        topics["Waiting times for CAMHS"],
        Topic.Status.MERGED,
        "The same question as “Mental health waiting times for young people”: its support counts there too.",
        chair,
        merged_into=topics["Mental health waiting times for young people"],
    )
    change_topic_status(
        topics["Booking GP appointments without a smartphone"],
        Topic.Status.ANSWERED,
        "Answered at the December 2023 item on same day urgent care: every practice keeps a phone line and "
        "a front desk for booking, and the forward plan lists the decision on the new model.",
        chair,
    )
    change_topic_status(
        topics["Parking at the hospital"],
        Topic.Status.DECLINED,
        "Hospital parking is decided by the hospital trust, not by the partners who come to this partnership. "
        "We have passed it to Healthwatch Lewisham, who take it up with the trust.",
        chair,
    )
    return topics


def load(partnerships):
    lewisham = partnerships["lewisham"]
    load_forward_plan(lewisham)
    topics = load_topics(lewisham)
    refresh = ForwardDecision.objects.filter(partnership=lewisham, title="Refreshing the LHCP Joint Forward Plan")
    Topic.objects.filter(pk=topics["Paying unpaid carers to take part"].pk).update(decision=refresh.first())
