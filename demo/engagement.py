"""Demo data for the engagement app, from the two documents in shared/seeds/.

The partnerships, objectives, principles and themes are the seeds' own words.
People are fictional: the seeds give counts, never names.
"""

from django.contrib.auth.models import User
from django.utils import timezone

from engagement.models import JoinRequest, Membership, Organisation, Participant, Partnership, Theme
from engagement.roles import CHAIR, FINANCE, MEMBER, STAFF

DEMO_PASSWORD = "partnership-demo"

LEWISHAM_PURPOSE = (
    "Lewisham People's Partnership (LPP) is the forum where the voices of Lewisham's diverse "
    "people and communities shape the work of the Lewisham Health and Care Partnership (LHCP). "
    "Its structure, objectives and way of working were agreed at the March 2023 meeting of the "
    "Lewisham Local Care Partners Strategic Board, following a programme of engagement early in 2023."
)

LEWISHAM_OBJECTIVES = """\
Be an equal partner within Lewisham Health and Care Partnership and a key part of the leadership structure
Empower local people and remove the power imbalances that exists between statutory bodies and people and communities in Lewisham
Make sure that Lewisham Health and Care Partners is engaging people and communities in line with our shared model of engagement and engagement objectives
Make sure that local people and communities are involved in Lewisham Health and Care Partnership's work - from service design to delivery - and have the evidence to show this
Make sure that the lived experiences and needs of people and communities in Lewisham drive local partnership decision making"""

LEWISHAM_PRINCIPLES = """\
Support citizens and communities to exercise power - create the conditions where all individuals and communities can exercise power equally and make or contribute to decisions that influence the social, economic, cultural and political determinants of health.

Build trust - without a purposeful and consistent effort to foster trust and build strong relationships, even the best-designed engagement initiatives will almost certainly either fail or fall short of their potential.

Provide people with opportunities to participate by reducing barriers to participation (language, resources, attitudes and cultures) and by working as a partnership to engage in a meaningful and supportive ways.

Work together to do more with what we have - recognising limits on the funding, time and capacity available; how can we work differently to do more with the resources that are available?"""

# "please send to Anne Hooper, Chair, Lewisham People's Partnership at anne.hooper@nhs.net" (Lewisham seed).
LEWISHAM_CONTACT_NAME = "Anne Hooper, Chair"
LEWISHAM_CONTACT_EMAIL = "anne.hooper@nhs.net"

LSC_PURPOSE = (
    "How do we use the Building Health Partnerships programme to develop a new culture of working "
    "together between the VCFS and the statutory sector in neighbourhoods, ICPs and across the ICS "
    "– because we want to harness the leadership, power and capacity of our communities to improve "
    "their own health and wellbeing."
)

LSC_OBJECTIVES = """\
Partnership should be aspirational, adventurous and brave
Individuals with different experiences and from different backgrounds joining with a shared purpose and goal
Address the inequalities in our communities and think more broadly and longer-term about capacity building
Build on existing structures, rather than creating a new one
Work towards consistent principles of engagement"""

# Common themes from 23/24 LPP meetings (Lewisham seed).
THEMES = [
    "What is important to people matters",
    "Accessibility - equity of access - easy access - digital and non digital",
    "Equality respect and inclusion",
    "What stops good health - barriers to improving health - health promotion",
    "Accountability and power",
    "Granular with diversity - population profiles need to influence planning, commissioning, decision making and co-production",
    "Impact of wider determinants",
    "Lack of trust - lack of diversity - people who understand both need to be at the top table",
    "Capacity and priorities",
    "Participation in budget setting and funding decisions",
    "Reducing health inequalities",
    "Voice and influence",
    "Specifics and metrics - not generalities",
    "Asset based approaches work in involving people and communities in how money is spent",
    "Community assets",
    "Language matters - clear consistent and better communications with population re change",
    "Integration and what it means to people",
    "Trusted advocates/organisations reach people and communities that the system doesn't",
    "Lack of knowledge - what is available - how to access",
    "System works for the people not itself",
]

ORGANISATIONS = [
    ("Lewisham Council", Organisation.Kind.LOCAL_AUTHORITY, False),
    ("NHS South East London ICB (Lewisham)", Organisation.Kind.NHS, False),
    ("Lewisham and Greenwich NHS Trust", Organisation.Kind.NHS, False),
    ("Healthwatch Lewisham", Organisation.Kind.HEALTHWATCH, False),
    ("Catford Carers Circle", Organisation.Kind.VCSE, True),
    ("Deptford Youth Voice", Organisation.Kind.VCSE, True),
    ("Sydenham Peer Support Network", Organisation.Kind.VCSE, True),
    ("Lewisham Refugee Welcome", Organisation.Kind.VCSE, False),
    ("Brockley Faith Forum", Organisation.Kind.VCSE, True),
    ("North Lewisham Community Hub", Organisation.Kind.VCSE, False),
    ("Lewisham Disability Coalition", Organisation.Kind.VCSE, False),
    ("Chorley Community Connectors", Organisation.Kind.VCSE, True),
    ("Lancashire County Council", Organisation.Kind.LOCAL_AUTHORITY, False),
    ("Lancashire and South Cumbria ICB", Organisation.Kind.NHS, False),
]

# Fictional community members and VCSE representatives: (name, organisation or None, voice).
LEWISHAM_PEOPLE = [
    ("Adaeze Okafor", None, Participant.Voice.OWN),
    ("Bernard Hughes", "Catford Carers Circle", Participant.Voice.ORGANISATION),
    ("Chloe Mensah", "Deptford Youth Voice", Participant.Voice.ORGANISATION),
    ("Dev Patel", None, Participant.Voice.OWN),
    ("Eileen Walsh", "Healthwatch Lewisham", Participant.Voice.ORGANISATION),
    ("Farid Rahman", "Lewisham Refugee Welcome", Participant.Voice.COMMUNITY),
    ("Grace Adebayo", "Brockley Faith Forum", Participant.Voice.COMMUNITY),
    ("Harold Pinnock", None, Participant.Voice.OWN),
    ("Ife Balogun", "Sydenham Peer Support Network", Participant.Voice.ORGANISATION),
    ("Jasmine Clarke", None, Participant.Voice.OWN),
    ("Kwame Asante", "North Lewisham Community Hub", Participant.Voice.ORGANISATION),
    ("Lucy Fernandes", "Lewisham Disability Coalition", Participant.Voice.ORGANISATION),
    ("Mohammed Idris", None, Participant.Voice.OWN),
    ("Nadia Kowalska", None, Participant.Voice.COMMUNITY),
    ("Olu Bankole", "Catford Carers Circle", Participant.Voice.ORGANISATION),
    ("Priya Shah", None, Participant.Voice.OWN),
    ("Quentin Morris", "Lewisham Disability Coalition", Participant.Voice.OWN),
    ("Rosa Delgado", None, Participant.Voice.OWN),
    ("Samuel Osei", "Brockley Faith Forum", Participant.Voice.ORGANISATION),
    ("Tara Nolan", "Healthwatch Lewisham", Participant.Voice.ORGANISATION),
    ("Uche Nwosu", None, Participant.Voice.OWN),
    ("Vera Lindqvist", None, Participant.Voice.OWN),
    ("Winston Grant", "North Lewisham Community Hub", Participant.Voice.COMMUNITY),
    ("Xin Li", None, Participant.Voice.COMMUNITY),
    ("Yasmin Haddad", "Lewisham Refugee Welcome", Participant.Voice.ORGANISATION),
    ("Zainab Kamara", None, Participant.Voice.OWN),
    ("Abel Tesfaye", "Deptford Youth Voice", Participant.Voice.OWN),
    ("Bronwen Price", None, Participant.Voice.OWN),
    ("Carlos Mendes", "Sydenham Peer Support Network", Participant.Voice.OWN),
    ("Dorothy King", None, Participant.Voice.OWN),
    ("Emeka Obi", "Catford Carers Circle", Participant.Voice.ORGANISATION),
    ("Fatima Yusuf", None, Participant.Voice.COMMUNITY),
    ("George Lambert", None, Participant.Voice.OWN),
    ("Hana Suzuki", "Lewisham Disability Coalition", Participant.Voice.ORGANISATION),
    ("Imran Qureshi", None, Participant.Voice.OWN),
    ("Joy Ekwueme", "Brockley Faith Forum", Participant.Voice.COMMUNITY),
    ("Kofi Mensah", None, Participant.Voice.OWN),
    ("Leila Haddad", None, Participant.Voice.OWN),
    ("Marcus Bell", "North Lewisham Community Hub", Participant.Voice.ORGANISATION),
    ("Niamh Byrne", None, Participant.Voice.OWN),
    ("Oscar Reyes", "Deptford Youth Voice", Participant.Voice.COMMUNITY),
]

# Fictional statutory staff: present at meetings, never counted as attendees.
LEWISHAM_STAFF = [
    ("Pat Engagement (LHCP engagement officer)", "NHS South East London ICB (Lewisham)"),
    ("Sam Commissioner (LHCP)", "Lewisham Council"),
    ("Jo Primary Care Lead (LHCP)", "NHS South East London ICB (Lewisham)"),
]

OPERATOR = None  # the platform operator's "role": a superuser, in no partnership and over all of them

DEMO_USERS = [
    # username, first name, last name, role, partnership slug, is_staff (admin access), participant name
    ("member", "Adaeze", "Okafor", MEMBER, "lewisham", False, "Adaeze Okafor"),
    ("member2", "Bernard", "Hughes", MEMBER, "lewisham", False, "Bernard Hughes"),
    ("staff", "Pat", "Engagement", STAFF, "lewisham", True, "Pat Engagement (LHCP engagement officer)"),
    ("chair", "Chris", "Chair", CHAIR, "lewisham", True, None),
    ("finance", "Fran", "Finance", FINANCE, "lewisham", True, None),
    ("lsc-chair", "Lesley", "Chair", CHAIR, "lancashire-south-cumbria", True, None),
    ("lsc-staff", "Sunil", "Staff", STAFF, "lancashire-south-cumbria", True, None),
    ("lsc-finance", "Lin", "Finance", FINANCE, "lancashire-south-cumbria", True, None),
    ("admin", "Ada", "Operator", OPERATOR, None, True, None),
]


def email_for(name):
    local = "".join(ch for ch in name.lower().split("(")[0].strip().replace(" ", ".") if ch.isalnum() or ch == ".")
    return f"{local}@example.org"


def load():
    """Create or update the engagement demo data. Safe to run repeatedly."""
    lewisham, _ = Partnership.objects.update_or_create(
        slug="lewisham",
        defaults={
            "name": "Lewisham People's Partnership",
            "short_name": "LPP",
            "level": Partnership.Level.PLACE,
            "purpose": LEWISHAM_PURPOSE,
            "objectives": LEWISHAM_OBJECTIVES,
            "principles": LEWISHAM_PRINCIPLES,
            "financial_year_start_month": 4,
            # The seed's agenda pack names whom to send views to; it gives no phone or postal address.
            "contact_name": LEWISHAM_CONTACT_NAME,
            "contact_email": LEWISHAM_CONTACT_EMAIL,
            "contact_phone": "",
            "contact_address": "",
            "website": "https://selondonics.org/lewisham-peoples-partnership",
        },
    )
    lsc, _ = Partnership.objects.update_or_create(
        slug="lancashire-south-cumbria",
        defaults={
            "name": "Lancashire and South Cumbria Health Partnership",
            "short_name": "L&SC",
            "level": Partnership.Level.SYSTEM,
            "purpose": LSC_PURPOSE,
            "objectives": LSC_OBJECTIVES,
            "financial_year_start_month": 4,
            # The seed (a summary of discussion) names no contact: its pages show the empty state.
            "contact_name": "",
            "contact_email": "",
            "contact_phone": "",
            "contact_address": "",
        },
    )
    Partnership.objects.update_or_create(
        slug="chorley",
        defaults={
            "name": "Chorley Neighbourhood Partnership",
            "level": Partnership.Level.NEIGHBOURHOOD,
            "parent": lsc,
            "purpose": "Proving the value of the impact the VCFS in Chorley is having, as a first step "
            "towards the VCFS as a primary partner across Lancashire and South Cumbria.",
        },
    )

    for name in THEMES:
        Theme.objects.get_or_create(name=name)

    organisations = {}
    for name, kind, grassroots in ORGANISATIONS:
        organisations[name], _ = Organisation.objects.update_or_create(
            name=name, defaults={"kind": kind, "is_grassroots": grassroots}
        )

    for index, (name, organisation, voice) in enumerate(LEWISHAM_PEOPLE):
        Participant.objects.update_or_create(
            email=email_for(name),
            defaults={
                "name": name,
                "organisation": organisations.get(organisation),
                "voice": voice,
                "agrees_to_be_listed": index % 3 != 2,
            },
        )
    for name, organisation in LEWISHAM_STAFF:
        Participant.objects.update_or_create(
            email=email_for(name),
            defaults={"name": name, "organisation": organisations[organisation], "is_system_staff": True},
        )

    partnerships = {"lewisham": lewisham, "lancashire-south-cumbria": lsc}
    for username, first, last, role, slug, is_staff, participant_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
                "is_staff": is_staff,
                "is_superuser": role is OPERATOR,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if role is not OPERATOR:
            Membership.objects.get_or_create(user=user, partnership=partnerships[slug], role=role)
        if participant_name:
            Participant.objects.filter(email=email_for(participant_name)).update(user=user)

    load_join_requests(lewisham)
    return partnerships


# People asking to join Lewisham (fictional): two waiting for staff, one yet to confirm their email.
JOIN_REQUESTS = [
    ("Amara Okafor", "own", "", ["in_person", "phone"], "A quiet room, please.", JoinRequest.Status.WAITING),
    ("Kwame Asante", "organisation", "Catford Carers' Circle", ["online"], "", JoinRequest.Status.WAITING),
    ("Lin Chen", "own", "", ["post"], "Large print papers.", JoinRequest.Status.UNCONFIRMED),
]


def load_join_requests(lewisham):
    for name, voice, organisation, ways, needs, status in JOIN_REQUESTS:
        JoinRequest.objects.update_or_create(
            partnership=lewisham,
            email=email_for(name).replace("@", ".joining@"),
            defaults={
                "name": name,
                "voice": voice,
                "organisation_name": organisation,
                "ways": ways,
                "access_needs": needs,
                "status": status,
                "email_confirmed_at": timezone.now() if status == JoinRequest.Status.WAITING else None,
            },
        )
