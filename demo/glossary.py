"""Demo glossaries: the acronyms and terms the two seeds use, in plain words.

An expansion is given only where a seed spells the letters out ("Lewisham
Health and Care Partnership (LHCP)", "Building health Partnerships
programme"); where a seed uses the letters alone (HCSSC, ICS, VCFS …) the
term has a plain meaning and no expansion.
"""

from engagement.models import GlossaryTerm

# (term, expansion as the seed spells it or "", plain meaning)
LEWISHAM_TERMS = [
    (
        "LPP",
        "Lewisham People's Partnership",
        "The forum where Lewisham's people and communities shape the work of the Lewisham Health and Care "
        "Partnership. Its first meeting was on 11 May 2023.",
    ),
    (
        "LHCP",
        "Lewisham Health and Care Partnership",
        "The local NHS, Lewisham Council and voluntary and community partners planning and running health "
        "and care in Lewisham together. The seed also calls it Lewisham Health and Care Partners.",
    ),
    (
        "PEG",
        "Lewisham Place Executive Group",
        "The executive group for Lewisham as a place. The LPP discusses its strategic focus and an outcomes "
        "framework with it.",
    ),
    (
        "LCP",
        "Local Care Partners",
        "Lewisham Local Care Partners. Its Strategic Board agreed how the LPP would work in March 2023, and "
        "the LPP's views are fed into it.",
    ),
    (
        "HCSSC",
        "",
        "The body that the final draft of the Lewisham Health and Wellbeing Charter went to for approval in "
        "March 2024. Ask the partnership what the letters stand for.",
    ),
    (
        "VCSE",
        "Voluntary, community, social enterprise",
        "Charities, community groups and social enterprises: organisations that are not run by the state or "
        "for profit.",
    ),
    (
        "BLACHIR",
        "",
        "A review, by Birmingham and Lewisham, of the health inequalities African and Caribbean communities "
        "face. The LPP wants to use its work to reach into communities.",
    ),
    (
        "CORE20PLUS5",
        "",
        "An NHS England approach to reducing health inequalities: the most deprived 20% of the population "
        "(Core20), groups each area chooses (PLUS), and five clinical areas to focus on (5).",
    ),
    (
        "co-production",
        "",
        "People who use services and the people who run them designing and delivering services together, as equals.",
    ),
]

LANCASHIRE_TERMS = [
    (
        "BHP",
        "Building Health Partnerships",
        "The programme the partnership uses to develop a new culture of working together between the VCFS "
        "and the statutory sector.",
    ),
    ("VCFS", "", "The voluntary, community and faith sector: charities, community groups and faith groups."),
    (
        "VCSE",
        "Voluntary, community, social enterprise",
        "Charities, community groups and social enterprises: organisations that are not run by the state or "
        "for profit.",
    ),
    (
        "ICS",
        "",
        "The integrated care system: the NHS, councils and their partners planning health and care together "
        "across the whole of Lancashire and South Cumbria.",
    ),
    (
        "ICP",
        "",
        "One of the five areas within Lancashire and South Cumbria where partners work together on health "
        "and care, each with its own leadership.",
    ),
    (
        "SROI",
        "",
        "Social return on investment: a way of counting the social, health and environmental value a service "
        "creates, not only what it saves in money.",
    ),
    ("ROI", "", "Return on investment: what a service gives back in money for what it costs."),
    (
        "CVS",
        "",
        "A council for voluntary service: a local charity that supports the voluntary and community groups "
        "in its area.",
    ),
]


def load(partnerships):
    """Each demo partnership's glossary (safe to run twice: terms are found by their words)."""
    for slug, terms in (("lewisham", LEWISHAM_TERMS), ("lancashire-south-cumbria", LANCASHIRE_TERMS)):
        partnership = partnerships[slug]
        for term, expansion, meaning in terms:
            found = GlossaryTerm.objects.filter(partnership=partnership, term__iexact=term).first()
            if found is None:
                found = GlossaryTerm(partnership=partnership)
            found.term, found.expansion, found.meaning = term, expansion, meaning
            found.save()
