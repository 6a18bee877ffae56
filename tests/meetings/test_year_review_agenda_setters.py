"""The year review's "who set the agenda": community items against the system's, topics, decisions involved in early."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Meeting
from meetings.topic_services import change_topic_status, propose_topic
from meetings.topics import ForwardDecision, Topic
from meetings.year_review import build_year_review
from tests.factories import aware, make_item, make_meeting, page_text

pytestmark = pytest.mark.django_db


def held(partnership, start):
    return make_meeting(partnership, start=start, status=Meeting.Status.HELD)


def topic(partnership, user, ladder, title, created, **fields):
    made = propose_topic(
        partnership, user, title=title, about="a", why_it_matters="b", wanted_rung=ladder["Involving"], **fields
    )
    Topic.objects.filter(pk=made.pk).update(created_at=created)
    made.refresh_from_db()
    return made


@pytest.fixture
def year(partnership, member, chair, ladder):
    """2023/24: two held meetings, five business items (two from topics), six topics, three decisions."""
    june = held(partnership, aware(2023, 6, 7))
    january = held(partnership, aware(2024, 1, 10))
    from_topic_1 = make_item(june, title="Waits", engagement_type=ladder["Collaborating"])
    make_item(june, title="System plan", engagement_type=ladder["Informing"])
    make_item(june, title="Break", is_business=False)
    from_topic_2 = make_item(january, title="Carers", engagement_type=ladder["Involving"])
    make_item(january, title="Budget", engagement_type=ladder["Informing"])
    make_item(january, title="Untyped")

    scheduled_1 = topic(partnership, member, ladder, "Waits", aware(2023, 5, 1))
    change_topic_status(scheduled_1, "scheduled", "", chair, agenda_item=from_topic_1)
    # Proposed the year before: its item counts as the community's, the topic not in this year's topics.
    scheduled_2 = topic(partnership, member, ladder, "Carers", aware(2023, 3, 1))
    change_topic_status(scheduled_2, "scheduled", "", chair, agenda_item=from_topic_2)
    declined = topic(partnership, member, ladder, "Parking", aware(2023, 8, 1))
    change_topic_status(declined, "declined", "Not ours.", chair)
    topic(partnership, member, ladder, "New one", aware(2024, 2, 1))
    considering = topic(partnership, member, ladder, "Thinking", aware(2023, 9, 1))
    change_topic_status(considering, "considering", "", chair)
    topic(partnership, member, ladder, "Next year", aware(2024, 4, 2))

    def decision(title, made_on, **fields):
        return ForwardDecision.objects.create(
            partnership=partnership,
            title=title,
            decision_maker="Board",
            expected_date=made_on,
            what_is_decided="x",
            status="made",
            made_on=made_on,
            **fields,
        )

    decision("Discussed first", datetime.date(2023, 7, 1), agenda_item=from_topic_1)  # meeting 7 Jun: early
    discussed_after = decision("Discussed after", datetime.date(2024, 1, 5), agenda_item=from_topic_2)  # 10 Jan: late
    asked = decision("Asked to be involved", datetime.date(2024, 3, 1))
    topic(partnership, member, ladder, "Involve us", aware(2024, 2, 10), decision=asked)  # early, by a topic
    decision("Made without us", datetime.date(2023, 11, 1))
    decision("Last year", datetime.date(2023, 3, 1), agenda_item=from_topic_1)  # not in the year
    ForwardDecision.objects.create(
        partnership=partnership,
        title="Coming",
        decision_maker="B",
        expected_date=datetime.date(2024, 2, 1),
        what_is_decided="x",
    )
    assert discussed_after
    return partnership


def test_the_figures_of_a_hand_built_year(year, ladder):
    setters = build_year_review(year, 2023).agenda_setters
    assert (setters.community_items, setters.system_items) == (2, 3)
    rungs = {rung.name: (rung.community, rung.system) for rung in setters.rungs}
    assert rungs["Collaborating"] == (1, 0)
    assert rungs["Involving"] == (1, 0)
    assert rungs["Informing"] == (0, 2)
    assert rungs["Consulting"] == (0, 0)
    assert rungs["No type given"] == (0, 1)
    # Waits, Parking, New one, Thinking, Involve us (Carers was proposed in 2022/23; Next year in 2024/25)
    assert setters.topics_proposed == 5
    assert (setters.topics_scheduled, setters.topics_declined, setters.topics_waiting) == (1, 1, 3)
    assert (setters.topics_answered, setters.topics_merged) == (0, 0)
    assert (setters.decisions_made, setters.decisions_involved_early) == (4, 2)


def test_the_page_shows_who_set_the_agenda(client, year, staff_user):
    client.force_login(staff_user)
    text = page_text(client.get(reverse("year_review", kwargs={"slug": year.slug, "year": 2023})))
    assert "Who set the agenda" in text
    assert "1 scheduled, 0 answered elsewhere, 1 declined, 0 merged, 3 waiting" in text
    assert "2 of 4" in text


def test_a_year_without_topics_says_every_item_was_the_systems(partnership, ladder):
    meeting = held(partnership, aware(2023, 6, 7))
    make_item(meeting, engagement_type=ladder["Informing"])
    setters = build_year_review(partnership, 2023).agenda_setters
    assert (setters.community_items, setters.system_items, setters.topics_proposed) == (0, 1, 0)


def test_the_workbook_says_who_set_the_agenda(year, ladder):
    import io

    from openpyxl import load_workbook

    from meetings.year_review.renderers.xlsx_file import workbook_bytes

    workbook = load_workbook(io.BytesIO(workbook_bytes(build_year_review(year, 2023))))
    rows = {row[0]: row[1:3] for row in workbook.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert "Who set the agenda" in rows
    assert rows["Agenda items proposed by the community (from a topic)"][0] == 2
    assert rows["Agenda items set by the system"][0] == 3
    assert rows["Topics proposed"][0] == 5
    assert rows["  Involved before they were made"][0] == 2
