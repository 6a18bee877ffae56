"""Closing the loop: 'we did' responses, /you-said-we-did/, and the chair's 'waiting too long' panel."""

import datetime
import itertools
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import selectors
from meetings.models import AgendaItem, Feedback, Response
from meetings.views.participation import PagedByPartnership
from tests.conftest import ROLES
from tests.factories import make_item, make_meeting, make_partnership, page_text

NEED = AgendaItem.FeedbackStatus.NEED_FEEDBACK
AWAITING = AgendaItem.FeedbackStatus.AWAITING_RESPONSE
RESPONDED = AgendaItem.FeedbackStatus.RESPONDED
URL = "/you-said-we-did/"


def days_ago(days):
    """Noon, UK time, on the day ``days`` before today: the same count of days whatever the hour the test runs."""
    day = timezone.localdate() - datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def loop(partnership):
    """Three states: an old item waiting past target, a recent one within it, and one answered."""
    old = make_item(
        make_meeting(partnership, start=days_ago(100)),
        title="Community space",
        feedback_status=NEED,
        views_summary="Step-free and open in the evenings.",
    )
    recent = make_item(make_meeting(partnership, start=days_ago(10)), title="Urgent care", feedback_status=AWAITING)
    answered = make_item(
        make_meeting(partnership, start=days_ago(300)),
        title="Charter",
        feedback_status=RESPONDED,
        views_summary="Plain language please.",
    )
    Response.objects.create(
        agenda_item=answered,
        what_we_did="Rewritten in plain language.",
        decided_by="The Board",
        decided_on=datetime.date(2024, 3, 13),
        changed=Response.Changed.PLAN,
    )
    return {"old": old, "recent": recent, "answered": answered}


@pytest.mark.parametrize("role", ROLES)
def test_you_said_we_did_is_public_for_every_role(client_for, loop, role):
    response = client_for(role).get(URL)
    assert response.status_code == 200
    assert "Rewritten in plain language." in page_text(response)


@pytest.mark.parametrize("role, expected", list(zip(ROLES, [302, 403, 403, 200, 200, 403], strict=True)))
def test_record_response_permission_matrix(client_for, loop, role, expected):
    assert client_for(role).get(reverse("record_response", args=[loop["old"].pk])).status_code == expected


def test_waiting_items_are_listed_oldest_first_with_days_waiting(client, loop):
    response = client.get(URL)
    waiting = response.context["waiting_items"]
    assert [item.title for item in waiting] == ["Community space", "Urgent care"]
    assert [item.days_waiting for item in waiting] == [100, 10]
    assert [item.is_overdue for item in waiting] == [True, False]
    body = page_text(response)
    assert "Step-free and open in the evenings." in body
    assert body.count("over target") == 1


def test_waiting_starts_when_feedback_was_requested_if_set(client, loop):
    loop["old"].feedback_requested_on = timezone.localdate() - datetime.timedelta(days=5)
    loop["old"].save()
    waiting = client.get(URL).context["waiting_items"]
    assert [(item.title, item.days_waiting) for item in waiting] == [("Urgent care", 10), ("Community space", 5)]


def test_the_partnerships_own_target_decides_what_is_overdue(client, loop, partnership):
    partnership.feedback_target_days = 7
    partnership.save()
    assert [item.is_overdue for item in client.get(URL).context["waiting_items"]] == [True, True]


def test_said_so_when_a_change_could_not_be_made(client, loop):
    Response.objects.create(
        agenda_item=loop["answered"],
        what_we_did="We looked at Saturday opening.",
        decided_by="Primary care board",
        decided_on=datetime.date(2024, 4, 1),
        changed=Response.Changed.NOTHING,
        status=Response.Status.NOT_POSSIBLE,
        reason="No staff can be funded at weekends this year.",
    )
    body = page_text(client.get(URL))
    assert "We could not" in body and "Why the change could not be made:" in body
    assert "No staff can be funded at weekends this year." in body


def test_filter_by_partnership(client, loop):
    other = make_partnership(name="Other Partnership", slug="other")
    make_item(make_meeting(other, start=days_ago(50)), title="Elsewhere", feedback_status=NEED)
    assert "Elsewhere" in page_text(client.get(URL))
    response = client.get(URL, {"partnership": "other"})
    assert [item.title for item in response.context["waiting_items"]] == ["Elsewhere"]
    assert "Rewritten in plain language." not in page_text(response)


def test_no_views_text_or_names_are_ever_shown(client, loop, member):
    Feedback.objects.create(agenda_item=loop["old"], participant=member.participant, text="Private words")
    body = page_text(client.get(URL))
    assert "Private words" not in body and "Mina Member" not in body
    assert "1 view sent" in body


def test_empty_states(client, db):
    body = page_text(client.get(URL))
    assert "Nothing is waiting" in body and "No answers have been published yet" in body


@pytest.mark.parametrize("items", [10, 200])
def test_you_said_we_did_queries_do_not_grow(client, partnership, items, django_assert_max_num_queries):
    meeting = make_meeting(partnership, start=days_ago(90))
    for index in range(items):
        item = make_item(meeting, feedback_status=NEED if index % 2 else RESPONDED)
        if not index % 2:
            Response.objects.create(
                agenda_item=item,
                what_we_did="Done",
                decided_by="Board",
                decided_on=datetime.date(2024, 1, 1),
                changed=Response.Changed.PLAN,
            )
        Feedback.objects.create(agenda_item=item, text="A view")
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.status_code == 200


def test_waiting_pages_keep_the_other_list_on_its_page(client, partnership):
    meeting = make_meeting(partnership, start=days_ago(90))
    for _ in range(30):
        make_item(meeting, feedback_status=NEED)
    body = page_text(client.get(URL, {"partnership": "lewisham"}))
    assert "?partnership=lewisham&amp;responded_page=1&amp;waiting_page=2" in body.replace("&", "&amp;").replace(
        "&amp;amp;", "&amp;"
    )
    assert len(client.get(URL, {"waiting_page": 2}).context["waiting_items"]) == 5


def region_of_twins():
    """Three partnerships, two sharing a name, whose waiting and answered items alternate in date."""
    twins = [make_partnership(name="Twin Partnership"), make_partnership(name="Twin Partnership")]
    alpha = make_partnership(name="Alpha Partnership")
    for days in range(40, 100, 10):
        for partnership in (*twins, alpha):
            meeting = make_meeting(partnership, start=days_ago(days + partnership.pk))
            make_item(meeting, feedback_status=NEED)
            make_item(meeting, feedback_status=RESPONDED)
    return alpha, twins


def test_two_partnerships_with_one_name_are_each_listed_together(client, db):
    alpha, twins = region_of_twins()
    waiting = client.get(URL).context["waiting_items"]
    runs = [partnership for partnership, _ in itertools.groupby(item.meeting.partnership for item in waiting)]
    assert runs == [alpha, *sorted(twins, key=lambda twin: twin.pk)]
    body = page_text(client.get(URL))
    assert body.count("<caption>Twin Partnership") == 2


@pytest.mark.parametrize("per_page", [1, 4, 5, 6, 7, 18, 25])
def test_pages_read_one_partnership_at_a_time_list_everything_once_in_order(client, db, per_page):
    region_of_twins()
    for items in (selectors.waiting_for_feedback(), selectors.responded_items()):
        pager = PagedByPartnership(items, per_page)
        read = [item.pk for number in pager.page_range for item in pager.page(number).object_list]
        assert read == [item.pk for item in items]
        assert pager.count == len(read) == 18


def test_a_page_reads_only_the_partnerships_it_shows(db, django_assert_max_num_queries):
    alpha, twins = region_of_twins()
    pager = PagedByPartnership(selectors.waiting_for_feedback(), 4)
    assert pager.count == 18
    with CaptureQueriesContext(connection) as page_two:
        items = list(pager.page(2).object_list)  # Alpha's last two items, the first twin's first two
    assert [item.meeting.partnership for item in items] == [alpha, alpha, twins[0], twins[0]]
    (sql,) = [query["sql"] for query in page_two.captured_queries]
    assert re.search(rf"IN \({alpha.pk}, {twins[0].pk}\)", sql), sql


def test_an_empty_list_and_pages_past_the_end(client, partnership):
    meeting = make_meeting(partnership, start=days_ago(90))
    for _ in range(30):
        make_item(meeting, feedback_status=NEED)
    last = client.get(URL, {"waiting_page": 999})
    assert last.context["waiting"].number == 2 and len(last.context["waiting_items"]) == 5
    assert len(client.get(URL, {"waiting_page": "x"}).context["waiting_items"]) == 25
    assert client.get(URL, {"partnership": "nope"}).context["waiting"].paginator.count == 0


class TestRecordResponse:
    def url(self, item):
        return reverse("record_response", args=[item.pk])

    def data(self, **overrides):
        data = {
            "views_summary": "People want evening opening.",
            "what_we_did": "The space opens until 9pm on weekdays.",
            "decided_by": "LCP Strategic Board",
            "decided_on": "2024-05-01",
            "changed": "service",
            "status": "done",
            "reason": "",
            "reported_back_on": "2024-05-10",
        }
        data.update(overrides)
        return data

    def test_staff_record_what_was_done_and_the_item_is_responded(self, client, staff_user, loop):
        client.force_login(staff_user)
        response = client.post(self.url(loop["old"]), self.data())
        assert response.status_code == 302
        loop["old"].refresh_from_db()
        assert loop["old"].feedback_status == RESPONDED
        assert loop["old"].views_summary == "People want evening opening."
        saved = Response.objects.get(agenda_item=loop["old"])
        assert saved.recorded_by == staff_user and saved.changed == "service"
        body = page_text(client.get(URL))
        assert "The space opens until 9pm on weekdays." in body
        assert [item.title for item in client.get(URL).context["waiting_items"]] == ["Urgent care"]

    def test_not_possible_without_a_reason_is_refused_beside_the_field(self, client, chair, loop):
        client.force_login(chair)
        response = client.post(self.url(loop["old"]), self.data(status="not_possible", changed="nothing"))
        assert response.status_code == 200
        assert "Say why the change was not possible." in response.context["form"].errors["reason"]
        loop["old"].refresh_from_db()
        assert loop["old"].feedback_status == NEED and not Response.objects.filter(agenda_item=loop["old"]).exists()

    @pytest.mark.parametrize(
        "overrides, field",
        [
            ({"what_we_did": "   "}, "what_we_did"),
            ({"decided_by": ""}, "decided_by"),
            ({"decided_by": "x" * 201}, "decided_by"),
            ({"decided_on": "31/02/2024"}, "decided_on"),
            ({"changed": "everything"}, "changed"),
            ({"reported_back_on": "2024-04-01"}, "reported_back_on"),
        ],
    )
    def test_bad_input_is_refused_beside_the_field_and_changes_nothing(
        self, client, staff_user, loop, overrides, field
    ):
        client.force_login(staff_user)
        response = client.post(self.url(loop["old"]), self.data(**overrides))
        assert response.status_code == 200
        assert field in response.context["form"].errors
        loop["old"].refresh_from_db()
        assert (
            loop["old"].feedback_status == NEED and loop["old"].views_summary == "Step-free and open in the evenings."
        )


class TestAdmin:
    def test_chair_dashboard_flags_items_waiting_longer_than_the_target(self, client, chair, loop):
        client.force_login(chair)
        body = page_text(client.get(reverse("admin:index")))
        assert "Waiting too long for feedback" in body
        assert "Community space" in body and "100 days" in body
        assert "Urgent care" not in body

    def test_dashboard_panel_is_not_shown_to_finance(self, client, finance, loop):
        client.force_login(finance)
        assert "Waiting too long for feedback" not in page_text(client.get(reverse("admin:index")))

    def test_dashboard_says_so_when_nothing_is_overdue(self, client, chair, partnership):
        make_item(make_meeting(partnership, start=days_ago(3)), feedback_status=NEED)
        client.force_login(chair)
        assert "Nothing is waiting longer than its partnership" in page_text(client.get(reverse("admin:index")))

    def test_a_response_saved_in_the_admin_marks_the_item_responded(self, client, chair, loop):
        client.force_login(chair)
        response = client.post(
            reverse("admin:meetings_response_add"),
            {
                "agenda_item": loop["recent"].pk,
                "what_we_did": "The Board agreed a text-back service.",
                "decided_by": "The Board",
                "decided_on": "2024-06-01",
                "changed": "service",
                "status": "in_progress",
                "reason": "",
                "reported_back_on": "",
            },
        )
        assert response.status_code == 302, page_text(response)[:2000]
        loop["recent"].refresh_from_db()
        assert loop["recent"].feedback_status == RESPONDED
        assert Response.objects.get(agenda_item=loop["recent"]).recorded_by == chair
