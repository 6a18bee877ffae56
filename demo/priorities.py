"""Demo priorities: the flipchart at the end of Lancashire and South Cumbria's Partnership Meeting 1.

The three priorities, their immediate actions and their future steps are the
seed's own words, in the seed's order (shared/seeds/
lancashire-south-cumbria-partnership-meeting-1.txt). Owners, due dates,
statuses and progress notes are fictional. Under Priority 3 the seed lists
three numbered steps and then "Demonstrate the impact …" in the same box; it
is kept as the fourth immediate action.

Idempotent: priorities are keyed on (partnership, number) and actions on
(priority, horizon, description). An action's status history is written only
when the action is first created, so re-running never undoes what people
have recorded since.
"""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from engagement.models import Organisation, Participant, Theme
from meetings.models import AgendaItem, Meeting
from priorities.models import Action, FrameworkTag, Priority
from priorities.services import change_action_status

from .engagement import email_for

IMMEDIATE = Action.Horizon.IMMEDIATE
FUTURE = Action.Horizon.FUTURE
S = Action.Status

# The seed's flipchart, word for word: (number, title, why it matters, immediate actions, future steps).
LSC_PRIORITIES = [
    (
        1,
        "VCFS as a primary partner",
        "Provide evidence and an example of what the VCFS can deliver for healthy neighbourhoods – demonstrate this value across the system to build confidence in VCFS and statutory organisations. This will share the message that there are alternative services outside the NHS.",
        ["Prove the value of the existing impact that the VCFS in Chorley is having."],
        [
            "Work towards an integrated system.",
            "Shift towards prevention work and improving health outcomes which saves money.",
            "There is no new money – recycle money into VCFS once the value is proven.",
        ],
    ),
    (
        2,
        "Shift the current working culture and strengthen relationships",
        "Strengthening the relationship before changing the culture. Develop a new culture of working together and make this visible.",
        [
            "Engagement with neighbourhood, ICP and ICS",
            "Develop a common language",
            "Identify community needs",
            "Identify and engage the less heard grass roots organisations",
            "Communicate successes!",
            "Shape case studies.",
        ],
        [
            "Peer support/ mentorship – share learning between healthcare practitioners and VCSE",
            "Explore public sector workforce challenges innovatively – could the VCSE address some of these challenges?",
            "Explore redistribution of resource – ROI vs SROI commissioning/ decommissioning challenges.",
        ],
    ),
    (
        3,
        "Collaboration – Build consistent “models” of engagement at ICP level",
        "Consistency across the ICP’s to avoid problems of asymmetries. It needs to be intrinsic to the whole system approach and have wide relevance.",
        [
            "Choose 3 neighbourhoods",
            "Choose a theme",
            "Try a different way of engaging",
            "Demonstrate the impact each approach can have when involving community connectors, CVS, and council support.",
        ],
        [
            "Trial something in a neighbourhood at 3 different levels (ICS, ICP, and Neighbourhood)",
            "Ask the neighbourhood to choose a theme",
            "Roll out recommendations",
            "Test effectiveness and unintended consequences",
            "Adequately support those organisations to trial different models.",
            "Work towards consistent principles of engagement",
        ],
    ),
]

PRIORITY_THEMES = {
    1: ["Community assets", "Trusted advocates/organisations reach people and communities that the system doesn't"],
    2: [
        "Lack of trust - lack of diversity - people who understand both need to be at the top table",
        "Voice and influence",
    ],
    3: ["Reducing health inequalities", "Accountability and power"],
}
PRIORITY_TAGS = {1: ["core20plus5"], 2: ["plus-groups", "lsc-bhp"], 3: ["core20", "lsc-bhp"]}

# Fictional people who own actions (LSC has no named people in the seed).
LSC_PEOPLE = [
    ("Ruth Ashworth", "Chorley Community Connectors", False),
    ("Imran Bashir", "Lancashire and South Cumbria ICB", True),
]

CHORLEY = "Chorley Community Connectors"
COUNTY = "Lancashire County Council"
ICB = "Lancashire and South Cumbria ICB"

# Fictional plan, by (priority number, action description): owner (organisation or person),
# due date as days from today, and the status history as (days from today, new status or None, note).
PLAN = {
    (1, "Prove the value of the existing impact that the VCFS in Chorley is having."): (
        "Ruth Ashworth",
        60,
        [
            (
                -300,
                S.IN_PROGRESS,
                "Started collecting impact stories from Chorley groups with the community connectors.",
            ),
            (-20, None, "Case studies from six Chorley groups collected; impact summary drafted for the ICB."),
        ],
    ),
    (1, "Work towards an integrated system."): (ICB, 540, []),
    (1, "Shift towards prevention work and improving health outcomes which saves money."): (ICB, 720, []),
    (1, "There is no new money – recycle money into VCFS once the value is proven."): (
        ICB,
        365,
        [
            (
                -45,
                S.BLOCKED,
                "Blocked until the Chorley impact evidence is signed off: the ICB will not consider recycling money before then.",
            )
        ],
    ),
    (2, "Engagement with neighbourhood, ICP and ICS"): (
        ICB,
        -600,
        [(-610, S.DONE, "Standing VCFS seat agreed at each ICP board and at the ICS partnership.")],
    ),
    (2, "Develop a common language"): (
        "Imran Bashir",
        -420,
        [
            (-520, S.IN_PROGRESS, "Glossary workshop held with VCFS and NHS colleagues."),
            (-430, S.DONE, "Shared glossary of terms published and used in board papers."),
        ],
    ),
    (2, "Identify community needs"): (
        COUNTY,
        150,
        [(-200, S.IN_PROGRESS, "Pulling together neighbourhood profiles with the public health team.")],
    ),
    (2, "Identify and engage the less heard grass roots organisations"): (
        CHORLEY,
        -40,
        [(-180, S.IN_PROGRESS, "Mapping grassroots groups in two ICP areas; 14 contacted so far.")],
    ),
    (2, "Communicate successes!"): (
        ICB,
        -250,
        [(-260, S.DONE, "Quarterly partnership newsletter launched with three VCFS success stories.")],
    ),
    (2, "Shape case studies."): (
        CHORLEY,
        90,
        [(-90, S.IN_PROGRESS, "Two case studies drafted with the people they describe.")],
    ),
    (3, "Choose 3 neighbourhoods"): (
        ICB,
        -700,
        [(-720, S.DONE, "Three neighbourhoods chosen, one in each of three ICP areas (Chorley among them).")],
    ),
    (3, "Choose a theme"): (
        COUNTY,
        -650,
        [(-660, S.DONE, "Theme chosen with the neighbourhoods: reducing health inequalities.")],
    ),
    (3, "Try a different way of engaging"): (
        CHORLEY,
        120,
        [(-150, S.IN_PROGRESS, "Community conversations led by connectors instead of formal consultation events.")],
    ),
    (
        3,
        "Demonstrate the impact each approach can have when involving community connectors, CVS, and council support.",
    ): (
        COUNTY,
        240,
        [],
    ),
}


def _tags(lsc):
    """The demo's local tag: LSC's Building Health Partnerships programme."""
    FrameworkTag.objects.update_or_create(
        slug="lsc-bhp",
        defaults={
            "name": "Building Health Partnerships (L&SC)",
            "kind": FrameworkTag.Kind.LOCAL,
            "partnership": lsc,
            "description": "Using the BHP programme to develop a new culture of working together between the VCFS "
            "and the statutory sector in neighbourhoods, ICPs and across the ICS.",
            "order": 100,
        },
    )
    return {tag.slug: tag for tag in FrameworkTag.objects.all()}


def _owners():
    organisations = {o.name: o for o in Organisation.objects.filter(name__in=[CHORLEY, COUNTY, ICB])}
    people = {}
    for name, organisation, is_staff in LSC_PEOPLE:
        people[name], _ = Participant.objects.update_or_create(
            email=email_for(name),
            defaults={
                "name": name,
                "organisation": organisations.get(organisation),
                "voice": Participant.Voice.ORGANISATION,
                "is_system_staff": is_staff,
                "agrees_to_be_listed": True,
            },
        )
    return organisations, people


def load(partnerships):
    """Create the Lancashire and South Cumbria priorities and their actions. Safe to run repeatedly."""
    lsc = partnerships["lancashire-south-cumbria"]
    today = timezone.localdate()
    tags = _tags(lsc)
    themes = {t.name: t for t in Theme.objects.all()}
    organisations, people = _owners()
    chair = User.objects.filter(username="chair").first()
    meeting = (
        Meeting.objects.filter(partnership=lsc, title__startswith="Partnership Meeting 1").order_by("start").first()
    )
    flipchart = AgendaItem.objects.filter(meeting=meeting, title__startswith="Flipchart").first() if meeting else None

    for number, title, why, immediate, future in LSC_PRIORITIES:
        priority, _ = Priority.objects.update_or_create(
            partnership=lsc,
            number=number,
            defaults={"title": title, "description": why, "agreed_at": meeting, "order": number},
        )
        priority.themes.set([themes[name] for name in PRIORITY_THEMES[number] if name in themes])
        priority.framework_tags.set([tags[slug] for slug in PRIORITY_TAGS[number] if slug in tags])
        if flipchart is not None:
            priority.discussed_at.add(flipchart)

        for horizon, descriptions in ((IMMEDIATE, immediate), (FUTURE, future)):
            for order, description in enumerate(descriptions, start=1):
                owner, due_in, history = PLAN.get((number, description), (None, None, []))
                action, created = Action.objects.get_or_create(
                    priority=priority,
                    horizon=horizon,
                    description=description,
                    defaults={
                        "order": order,
                        "owner_organisation": organisations.get(owner),
                        "owner_participant": people.get(owner),
                        "due_date": today + datetime.timedelta(days=due_in) if due_in is not None else None,
                    },
                )
                if not created:
                    continue
                if horizon == IMMEDIATE and flipchart is not None:
                    action.agenda_items.add(flipchart)
                for days, status, note in history:
                    change_action_status(action, status, note, chair, today + datetime.timedelta(days=days))
