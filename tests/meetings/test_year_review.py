"""The year review's figures (meetings/year_review/): the seed's own numbers, and hand-built edge cases."""

import datetime

import pytest

from engagement.models import Organisation, Theme
from meetings.models import AgendaItem, Attendance, Feedback, Meeting, Response, YearReview
from meetings.year_review import build_year_review, can_see_year_review, percent, text_blocks, year_or_none
from tests.factories import attend, aware, make_item, make_meeting, make_participant, make_partnership


def held(partnership, start, **fields):
    fields.setdefault("status", Meeting.Status.HELD)
    return make_meeting(partnership, start=start, **fields)


def people(count, **fields):
    return [make_participant(**fields) for _ in range(count)]


# --- The seed's figures -----------------------------------------------------------------------


def test_demo_lewisham_2023_shows_the_seeds_figures(demo_data):
    report = build_year_review(demo_data["lewisham"], 2023)

    assert report.label == "2023/24"
    assert [row.attendees for row in report.meetings] == [16, 20, 14, 13, 10]
    assert [row.date for row in report.meetings] == [
        datetime.date(2023, 5, 11),
        datetime.date(2023, 7, 25),
        datetime.date(2023, 9, 27),
        datetime.date(2023, 12, 6),
        datetime.date(2024, 2, 7),
    ]
    assert report.headline.meetings_held == 5
    assert report.headline.attendances == 73
    assert report.item_count == 9
    counts = {rung.name: rung.count for rung in report.ladder}
    assert counts == {"Informing": 2, "Consulting": 0, "Involving": 4, "Collaborating": 3, "Empowering": 0}
    assert report.ladder_sentence == "6 of 9 agenda items (67%) were informing or involving."
    assert (report.involving_or_above, report.involving_or_above_share) == (7, 78)


def test_demo_lewisham_2023_narrative_is_the_seeds_draft(demo_data):
    report = build_year_review(demo_data["lewisham"], 2023)

    assert report.is_draft
    went_well = report.narrative[0]
    assert went_well.heading == "What has gone well"
    assert went_well.blocks[0].items[0].startswith("73 people have attended the first five meetings")
    assert len(went_well.blocks[0].items) == 6
    challenges = report.narrative[1].blocks[0].items
    assert "The majority of LPP agenda items in Year 1 have been in the informing/involving category" in challenges
    assert report.narrative[3].blocks[0].items[-1].startswith("Agree a reimbursement policy")


def test_demo_loader_is_idempotent(demo_data):
    from demo import year_review as demo_reports

    demo_reports.load(demo_data)
    demo_reports.load(demo_data)

    assert YearReview.objects.filter(partnership=demo_data["lewisham"], year=2023).count() == 1


# --- Hand-built: what counts ------------------------------------------------------------------


def test_meetings_on_31_march_and_1_april_fall_in_different_years(partnership):
    # 1 April 00:30 in London is still 31 March in UTC: the year follows UK time.
    march = held(partnership, aware(2024, 3, 31, 20, 0), hours=1, title="Last of the year")
    april = held(partnership, aware(2024, 4, 1, 0, 30), hours=1, title="First of the next")
    attend(march, make_participant())
    attend(april, make_participant())

    year_2023 = build_year_review(partnership, 2023)
    year_2024 = build_year_review(partnership, 2024)

    assert [row.title for row in year_2023.meetings] == ["Last of the year"]
    assert [row.title for row in year_2024.meetings] == ["First of the next"]
    assert year_2023.meetings[0].date == datetime.date(2024, 3, 31)
    assert year_2024.meetings[0].date == datetime.date(2024, 4, 1)


def test_a_calendar_year_partnership_counts_january_to_december(db):
    calendar_year = make_partnership(financial_year_start_month=1)
    held(calendar_year, aware(2023, 1, 2))
    held(calendar_year, aware(2023, 12, 30))
    held(calendar_year, aware(2024, 1, 2))

    report = build_year_review(calendar_year, 2023)

    assert report.label == "2023"
    assert report.headline.meetings_held == 2
    assert report.filename("csv").endswith("-year-review-2023-draft.csv")


def test_cancelled_meetings_and_apologies_count_for_nothing(partnership, ladder):
    meeting = held(partnership, aware(2023, 6, 1))
    cancelled = held(partnership, aware(2023, 7, 1), status=Meeting.Status.CANCELLED, title="Called off")
    came, sorry, registered, absent = people(4)
    attend(meeting, came)
    attend(meeting, sorry, status=Attendance.Status.APOLOGIES)
    attend(meeting, registered, status=Attendance.Status.REGISTERED)
    attend(meeting, absent, status=Attendance.Status.ABSENT)
    # Even an attendance wrongly marked at a cancelled meeting is not counted.
    attend(cancelled, sorry)
    make_item(cancelled, engagement_type=ladder["Involving"])

    report = build_year_review(partnership, 2023)

    assert report.headline.meetings_held == 1
    assert report.headline.meetings_cancelled == 1
    assert [(m.date, m.title) for m in report.cancelled] == [(datetime.date(2023, 7, 1), "Called off")]
    assert report.headline.attendances == 1
    assert report.headline.distinct_people == 1
    assert report.item_count == 0


def test_meetings_still_marked_scheduled_are_listed_apart_and_not_counted(partnership):
    scheduled = make_meeting(partnership, start=aware(2023, 8, 1), title="Never marked held")
    attend(scheduled, make_participant())

    report = build_year_review(partnership, 2023)

    assert report.is_empty
    assert [m.title for m in report.not_marked_held] == ["Never marked held"]
    assert report.headline.attendances == 0


def test_staff_never_count(partnership):
    meeting = held(partnership, aware(2023, 6, 1))
    officer = make_participant(is_system_staff=True)
    member_as_staff = make_participant()
    resident = make_participant()
    attend(meeting, officer)  # saved as counts_as_staff by Attendance.save
    Attendance.objects.filter(participant=officer).update(counts_as_staff=False)  # the person flag still rules
    attend(meeting, member_as_staff, counts_as_staff=True)
    attend(meeting, resident)

    report = build_year_review(partnership, 2023)

    assert report.meetings[0].attendees == 1
    assert report.headline.attendances == 1
    assert report.headline.distinct_people == 1
    assert report.headline.new_people == 1


def test_a_person_at_three_meetings_is_one_distinct_person(partnership):
    person = make_participant()
    once = make_participant()
    for month in (5, 7, 9):
        attend(held(partnership, aware(2023, month, 10)), person)
    attend(held(partnership, aware(2023, 11, 10)), once)

    report = build_year_review(partnership, 2023)

    assert report.headline.attendances == 4
    assert report.headline.distinct_people == 2
    assert report.headline.came_back == 1


def test_people_new_this_year_are_those_whose_first_attendance_is_this_year(partnership):
    other = make_partnership()
    returning, newcomer, sent_apologies_before, came_elsewhere = people(4)
    last_year = held(partnership, aware(2022, 10, 1))
    attend(last_year, returning)
    attend(last_year, sent_apologies_before, status=Attendance.Status.APOLOGIES)
    attend(held(other, aware(2022, 10, 1)), came_elsewhere)
    this_year = held(partnership, aware(2023, 10, 1))
    for person in (returning, newcomer, sent_apologies_before, came_elsewhere):
        attend(this_year, person)

    headline = build_year_review(partnership, 2023).headline

    assert headline.distinct_people == 4
    assert headline.new_people == 3
    assert headline.earlier_people == 1


def test_housekeeping_items_are_not_agenda_items(partnership, ladder):
    meeting = held(partnership, aware(2023, 6, 1))
    make_item(meeting, title="Arrivals", is_business=False, engagement_type=ladder["Informing"])
    make_item(meeting, title="The plan", engagement_type=ladder["Consulting"])

    report = build_year_review(partnership, 2023)

    assert report.item_count == 1
    assert [item.title for item in report.meetings[0].items] == ["The plan"]


def test_average_trend_online_share_and_organisations(partnership):
    vcse = Organisation.objects.create(name="Catford Carers", kind=Organisation.Kind.VCSE)
    nhs = Organisation.objects.create(name="A Trust", kind=Organisation.Kind.NHS)
    sizes = [10, 8, 6, 4]
    for index, size in enumerate(sizes):
        meeting = held(partnership, aware(2023, 5 + index, 1))
        for n, person in enumerate(people(size, organisation=vcse if index == 0 else None)):
            attend(meeting, person, mode=Attendance.Mode.ONLINE if n == 0 else Attendance.Mode.IN_PERSON)
    attend(Meeting.objects.order_by("start").first(), make_participant(organisation=nhs))

    headline = build_year_review(partnership, 2023).headline

    assert headline.attendances == 29
    assert headline.average_text == "7.2"
    assert headline.trend_per_meeting == -2.3
    assert (
        "fell" in headline.trend_sentence and "from 11 at the first meeting to 4 at the last" in headline.trend_sentence
    )
    assert (headline.online_attendances, headline.online_share) == (4, 14)
    assert headline.organisations == 2
    assert dict(headline.organisations_by_kind)["NHS"] == 1
    assert headline.organisations_by_kind_text == "Voluntary, community, faith or social enterprise: 1; NHS: 1"


# --- Depth of engagement, the loop, themes ----------------------------------------------------


def test_ladder_lists_every_rung_and_compares_with_the_previous_year(partnership, ladder):
    before = held(partnership, aware(2022, 6, 1))
    make_item(before, engagement_type=ladder["Informing"])
    make_item(before, engagement_type=ladder["Informing"])
    make_item(before, engagement_type=ladder["Collaborating"])
    make_item(before, engagement_type=ladder["Empowering"])
    now = held(partnership, aware(2023, 6, 1))
    make_item(now, engagement_type=ladder["Informing"])
    make_item(now, engagement_type=ladder["Involving"])
    make_item(now, engagement_type=ladder["Empowering"])
    make_item(now)  # no type recorded

    report = build_year_review(partnership, 2023)

    assert report.previous_label == "2022/23"
    rungs = {rung.name: rung for rung in report.ladder}
    assert list(rungs) == ["Informing", "Consulting", "Involving", "Collaborating", "Empowering"]
    assert (rungs["Informing"].count, rungs["Informing"].share) == (1, 25)
    assert (rungs["Informing"].previous_count, rungs["Informing"].previous_share) == (2, 50)
    assert rungs["Informing"].change == -25
    assert (rungs["Consulting"].count, rungs["Consulting"].previous_count) == (0, 0)
    assert report.untyped_items == 1
    assert (report.involving_or_above, report.involving_or_above_share) == (2, 50)
    assert report.ladder_sentence == "2 of 4 agenda items (50%) were informing or involving."


def test_first_year_has_no_comparison(partnership, ladder):
    make_item(held(partnership, aware(2023, 6, 1)), engagement_type=ladder["Collaborating"])

    report = build_year_review(partnership, 2023)

    assert not report.has_previous
    assert all(rung.previous_count is None for rung in report.ladder)
    assert report.ladder_sentence == "None of the 1 agenda item were informing, consulting or involving."


def test_closing_the_loop(partnership, ladder):
    meeting = held(partnership, aware(2023, 6, 1))
    make_item(meeting, feedback_status=AgendaItem.FeedbackStatus.NONE)
    fast = make_item(meeting, feedback_status=AgendaItem.FeedbackStatus.RESPONDED)
    slow = make_item(
        meeting, feedback_status=AgendaItem.FeedbackStatus.RESPONDED, feedback_requested_on=datetime.date(2023, 6, 10)
    )
    make_item(meeting, title="Waiting", feedback_status=AgendaItem.FeedbackStatus.NEED_FEEDBACK)
    make_item(
        meeting,
        title="Recent",
        feedback_status=AgendaItem.FeedbackStatus.AWAITING_RESPONSE,
        feedback_requested_on=datetime.date(2023, 9, 20),
    )
    response = {"what_we_did": "Changed it", "decided_by": "Board", "changed": Response.Changed.PLAN}
    # Heard back 10 days after the meeting (reported back beats the decision date).
    Response.objects.create(
        agenda_item=fast, decided_on=datetime.date(2023, 6, 5), reported_back_on=datetime.date(2023, 6, 11), **response
    )
    Response.objects.create(agenda_item=fast, decided_on=datetime.date(2023, 8, 1), **response)
    # Waited from 10 June; decided 40 days later, never reported back.
    Response.objects.create(agenda_item=slow, decided_on=datetime.date(2023, 7, 20), **response)

    loop = build_year_review(partnership, 2023, today=datetime.date(2023, 10, 1)).loop

    assert (loop.needed, loop.responded, loop.waiting) == (4, 2, 2)
    assert loop.median_days == 25  # the median of 10 and 40
    assert [(item.title, item.days, item.overdue) for item in loop.waiting_items] == [
        ("Waiting", 122, True),
        ("Recent", 11, False),
    ]
    assert loop.overdue == 1


def test_themes_count_agenda_items_and_views(partnership, member):
    access, trust, unused = (Theme.objects.create(name=name) for name in ("Access", "Trust", "Unused"))
    meeting = held(partnership, aware(2023, 6, 1))
    first, second = make_item(meeting), make_item(meeting)
    first.themes.set([access, trust])
    second.themes.set([access])
    for text in ("One", "Two"):
        Feedback.objects.create(agenda_item=second, text=text).themes.set([trust])
    # Views on a housekeeping item or another year's item do not count.
    Feedback.objects.create(agenda_item=make_item(meeting, is_business=False), text="x").themes.set([unused])

    report = build_year_review(partnership, 2023)

    assert [(t.name, t.items, t.views) for t in report.themes] == [("Access", 2, 2), ("Trust", 1, 2)]
    assert [item.views for item in report.meetings[0].items] == [0, 2]


# --- Small parts ------------------------------------------------------------------------------


def test_text_blocks_make_bullets_and_paragraphs():
    blocks = text_blocks("Intro line\ncontinues.\n\n· First\n  wraps on\n- Second\n\nLast words")

    assert [(b.text, b.items) for b in blocks] == [
        ("Intro line continues.", ()),
        ("", ("First wraps on", "Second")),
        ("Last words", ()),
    ]
    assert text_blocks("") == ()


@pytest.mark.parametrize("part, whole, expected", [(6, 9, 67), (1, 8, 13), (1, 3, 33), (0, 0, 0), (5, 5, 100)])
def test_percent_rounds_half_up(part, whole, expected):
    assert percent(part, whole) == expected


@pytest.mark.parametrize(
    "value, expected", [("2023", 2023), (2023, 2023), ("abcd", None), ("0999", None), ("20233", None)]
)
def test_year_or_none(value, expected):
    assert year_or_none(value) == expected


def test_only_a_public_final_review_is_open_to_everyone(partnership, member, staff_user, finance):
    review = YearReview(partnership=partnership, year=2023, status=YearReview.Status.FINAL, is_public=False)
    assert not can_see_year_review(member, review)
    assert can_see_year_review(staff_user, review) and can_see_year_review(finance, review)
    review.is_public = True
    assert can_see_year_review(member, review)
    assert not can_see_year_review(member, None)


@pytest.mark.parametrize("size", [1, 8])
def test_the_report_reads_the_database_a_fixed_number_of_times(partnership, ladder, django_assert_num_queries, size):
    theme = Theme.objects.create(name="Access")
    for month in range(size):
        meeting = held(partnership, aware(2023, 4 + month, 3))
        item = make_item(meeting, engagement_type=ladder["Involving"], feedback_status="responded")
        item.themes.set([theme])
        Feedback.objects.create(agenda_item=item, text="views").themes.set([theme])
        Response.objects.create(
            agenda_item=item, what_we_did="x", decided_by="y", decided_on=datetime.date(2024, 1, 1), changed="plan"
        )
        for person in people(size * 3):
            attend(meeting, person)

    with django_assert_num_queries(14):  # 11, and 3 for who set the agenda (year_review/agenda_setters.py)
        report = build_year_review(partnership, 2023)

    assert report.headline.attendances == size * size * 3
