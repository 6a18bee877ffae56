"""Demo year review: Lewisham's 2023/24 narrative, in the seed's own words (a draft).

The bullet points are the "Year One Review – Draft" of the Lewisham seed
(shared/seeds/lewisham-peoples-partnership-2024-04-23.txt): what has gone
well, challenges, what we learnt about how to engage and ideas. The figures
are not typed in: the report computes them from the demo meetings.
"""

from meetings.models import YearReview

WENT_WELL = [
    "73 people have attended the first five meetings - representing either their own voice or the voices of "
    "communities and organisations in Lewisham",
    "Key areas of the Lewisham Health and Care Partnership (LHCP) strategic intentions have been discussed e.g., "
    "Improving access to Primary Care, LHCP System Intentions 24/25 and the Development of a Community Space in "
    "Lewisham Shopping Centre",
    "The development of the Lewisham Health and Wellbeing Charter has been significantly influenced by the "
    "responses of people attending the LPP",
    "Offering both in person and hybrid meetings has been received positively",
    "We have gained valuable intelligence about what is important to people",
    "We have started to gain some trust in what we are aiming to achieve",
]

CHALLENGES = [
    "There is still some way to go to prove that engagement in all our communities is meaningful, valued and "
    "appropriately supported",
    "Direct engagement with voluntary, community, social enterprise (VCSE) organisations needs to be done in a way "
    "that is respectful, transparent, accessible, considers and values participants time and commitments",
    "We need to find more effective ways to access people/communities not traditionally been part of the LHCP "
    "systems engagement processes",
    "The majority of LPP agenda items in Year 1 have been in the informing/involving category",
    "Power is still coming from the LHCP system in deciding what gets taken to LPP meetings",
    "LPP is often working in a vacuum and has limited access to LHCP decision makers to get in early on issues "
    "that need the voice of people and communities",
    "How to demonstrate that what people have told us makes a difference",
    "The lack of a reimbursement policy has meant we have lost participation from some individuals and service users",
    "Increasing access to people and communities who have not traditionally been part of the LHCP engagement processes",
    "Limited knowledge of engagement in other parts of the LHCP system and VCSE organisations means limited "
    "opportunity to co-ordinate engagement activity, share intelligence and learning and risks duplication of "
    "activities",
]

LEARNT = [
    "We need a strategic and focused approach and commitment to how people and communities influence decisions "
    "about their local health and care services",
    "That approach and commitment to be demonstrably inclusive and equitable, timely and supporting long-term "
    "conversations which are joined up and demonstrate partnership working across LHCP and VCSE",
    "Demonstrate how the influence and views of people and communities has influenced decisions and plans",
    "We should not be re-inventing wheels – learn from the excellent work being done in the North Lewisham Hub, "
    "VCSEs, health and wellbeing champions and Healthwatch – experiences and lessons learnt from all this work "
    "should be widely disseminated and demonstrably utilised in future planning",
    "Utilise the work currently being undertaken by BLACHIR and health equity fellows to reach into communities",
    "Re-visit previous work with people/communities for lessons learnt and how we can improve joining up "
    "engagement and co-production activities to increase trust by demonstrating inclusivity and the difference "
    "made",
    "Encourage the development of Patient Participation Groups to expand their knowledge and ability to "
    "influence primary care planning and decision making",
    "Approach – and renumerate - a broader range of service users as they will have different experiences, "
    "especially carers, people who use mental health services and those who use the services on a regular basis",
]

IDEAS = [
    "The Lewisham People's Partnership (LPP) to be part of the programme developing a deeper partnership between "
    "the local NHS, local authority and VCSE and how best to involve those groups and organisations who work with "
    "and represent people and communities that the LHCP find hard to reach.",
    "Discuss with LPP and Lewisham Place Executive Group (PEG) options for strategic focus – for example – working "
    "to reduce health inequalities – using strategic frameworks such as CORE20PLUS5 or Lewisham System Intentions? "
    "– relating choices back to what we have learnt from people and communities over the past year and reviewing "
    "whether there is any previous community work that we could utilise.",
    "If we have agreement on where the LPP strategic focus is, we can then work together with the VCSE sector "
    "(including Healthwatch) and the LHCP to identify who can best access and work with the people and "
    "communities identified within the strategic focus. If those long-term conversations are best approached "
    "through VCSE organisations, to identify whether there are long term financial requirements to demonstrate "
    "that their contribution and time is valued and respected.",
    "Form a LPP Development Group/Hub to support integrated engagement across LHCP and VCSE providers – this would "
    "include VCSEs, Healthwatch, public health, health and wellbeing champions, health equity fellows and be "
    "focused on identifying trusted advisors and trusted organisations working with people and communities in "
    "the strategic focus areas to share data, engagement activity, intelligence and learning, build on community "
    "strengths, avoid duplication of effort and identify funding opportunities.",
    "Agree and co-develop with the Lewisham PEG an outcomes framework for feeding into LHCP and the LCP Strategic "
    "Board the views of the LPP and to be able to demonstrate how those views have influenced decisions – "
    "operational, development and financial.",
    "Work with LHCP leaders to identify what they need from LPP, co-ordinate engagement activities, share outcomes "
    "and future priorities.",
    "Discuss with the Lewisham PEG if there is a clearer way that LHCP can demonstrate willingness to discuss how, "
    "when and where power could be handed over, whether it wants to encourage participation in budgeting where "
    "appropriate (and to identify where it would be appropriate) and to work towards the principle of shared "
    "ownership and participation through shared strategic direction.",
    "Agree a reimbursement policy for people, communities and organisations attending LPP meetings and supporting "
    "its work. To ensure previously seldom-heard voices are increasingly heard, there needs to be a level of "
    "reciprocity and recognition. Without this, there is a danger people will feel their time is not valued or "
    "respected or will not have the means to attend and contribute. Appropriately reimbursing people for their "
    "“time as labour” will help to ensure everyone can participate and help to shift the balance of power within "
    "engagement relationships. It may also be necessary to consider alternative settings and timings to reach a "
    "wider range of views.",
]


def bullets(points):
    """The points as the seed writes them: one '· ' bullet a line."""
    return "\n".join(f"· {point}" for point in points)


def load(partnerships):
    """Lewisham's 2023/24 review as a draft; running it again changes nothing."""
    review, _ = YearReview.objects.update_or_create(
        partnership=partnerships["lewisham"],
        year=2023,
        defaults={
            "went_well": bullets(WENT_WELL),
            "challenges": bullets(CHALLENGES),
            "learnt": bullets(LEARNT),
            "ideas": bullets(IDEAS),
            "status": YearReview.Status.DRAFT,
            "is_public": False,
        },
    )
    return review
