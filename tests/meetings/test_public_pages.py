"""The public pages: home, a partnership, the meeting list and an agenda."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Meeting, Paper
from tests.factories import attend, aware, make_item, make_meeting, make_participant, make_partnership, page_text


def test_home_lists_partnerships_and_next_meetings(client, partnership, meeting):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert partnership.name in page_text(response)
    assert meeting.title in page_text(response)


def test_home_says_so_when_nothing_is_scheduled(client, db):
    response = client.get(reverse("home"))
    assert "No meetings are scheduled yet" in page_text(response)


def test_partnership_page_shows_purpose_upcoming_and_past(client, partnership, meeting, held_meeting):
    response = client.get(reverse("partnership_detail", args=["lewisham"]))
    body = page_text(response)
    assert "People shape services." in body
    assert list(response.context["upcoming"]) == [meeting]
    assert list(response.context["past"]) == [held_meeting]


def test_unknown_partnership_is_404(client, db):
    assert client.get("/p/nowhere/").status_code == 404


def test_meeting_list_filters_by_partnership_year_and_format(client, partnership):
    other = make_partnership(slug="other")
    keep = make_meeting(partnership, start=aware(2023, 5, 11), format=Meeting.Format.HYBRID)
    make_meeting(partnership, start=aware(2022, 5, 11), format=Meeting.Format.HYBRID)
    make_meeting(partnership, start=aware(2023, 6, 11), format=Meeting.Format.ONLINE)
    make_meeting(other, start=aware(2023, 5, 12), format=Meeting.Format.HYBRID)
    response = client.get(reverse("meeting_list"), {"partnership": "lewisham", "year": 2023, "format": "hybrid"})
    assert list(response.context["meetings"]) == [keep]


def test_meeting_list_filters_by_engagement_type(client, partnership, ladder):
    collaborative = make_meeting(partnership)
    make_item(collaborative, engagement_type=ladder["Collaborating"])
    make_item(collaborative, engagement_type=ladder["Collaborating"])
    make_item(make_meeting(partnership), engagement_type=ladder["Informing"])
    response = client.get(reverse("meeting_list"), {"engagement_type": ladder["Collaborating"].pk})
    assert list(response.context["meetings"]) == [collaborative]


def test_meeting_list_is_paginated(client, partnership):
    for day in range(25):
        make_meeting(partnership, start=aware(2023, 1, 1) + datetime.timedelta(days=day))
    first = client.get(reverse("meeting_list"))
    assert len(first.context["meetings"]) == 20
    second = client.get(reverse("meeting_list"), {"page": 2})
    assert len(second.context["meetings"]) == 5


def test_meeting_list_counts_attendees_without_staff_or_apologies(client, partnership):
    meeting = make_meeting(partnership, start=aware(2023, 5, 11))
    attend(meeting, make_participant())
    attend(meeting, make_participant())
    attend(meeting, make_participant(is_system_staff=True))
    attend(meeting, make_participant(), status=Attendance.Status.APOLOGIES)
    response = client.get(reverse("meeting_list"))
    assert response.context["meetings"][0].attendee_count == 2


def test_agenda_shows_timed_items_presenter_type_and_promise(client, partnership, ladder):
    meeting = make_meeting(
        partnership,
        start=aware(2024, 4, 23),
        format=Meeting.Format.HYBRID,
        venue="Civic Suite",
        online_link="https://meet.example.org/lpp",
        online_link_public=True,
    )
    make_item(meeting, title="Arrivals", start_time=datetime.time(9, 45), duration_minutes=15, is_business=False)
    make_item(
        meeting,
        title="Year 1 Review",
        start_time=datetime.time(10, 15),
        duration_minutes=15,
        presenter="The chair",
        engagement_type=ladder["Informing"],
    )
    body = page_text(client.get(meeting.get_absolute_url()))
    assert "09.45–10.00" in body and "Arrivals" in body
    assert "10.15–10.30" in body and "The chair" in body
    assert "Informing" in body and "We will keep you informed." in body
    assert "Civic Suite" in body and "https://meet.example.org/lpp" in body


def test_agenda_shows_outcomes_only_once_held(client, partnership):
    meeting = make_meeting(partnership, status=Meeting.Status.SCHEDULED)
    make_item(meeting, outcome="Charter approved")
    assert "Charter approved" not in page_text(client.get(meeting.get_absolute_url()))
    meeting.status = Meeting.Status.HELD
    meeting.save()
    assert "Charter approved" in page_text(client.get(meeting.get_absolute_url()))


def test_unknown_meeting_is_404(client, db):
    assert client.get("/meetings/999999/").status_code == 404


def test_cancelled_meeting_says_so(client, partnership):
    meeting = make_meeting(partnership, status=Meeting.Status.CANCELLED)
    assert "This meeting has been cancelled." in page_text(client.get(meeting.get_absolute_url()))


def test_each_page_has_one_h1_a_skip_link_and_british_english(client, partnership, meeting):
    for url in ["/", "/p/lewisham/", "/meetings/", meeting.get_absolute_url(), "/accounts/login/"]:
        body = page_text(client.get(url))
        assert body.count("<h1") == 1, url
        assert 'lang="en-GB"' in body and 'href="#main"' in body and "<main" in body, url


class TestPapers:
    @pytest.fixture
    def papers(self, meeting):
        public = Paper.objects.create(meeting=meeting, title="Year 1 Review", url="https://example.org/review.pdf")
        private = Paper.objects.create(
            meeting=meeting,
            title="Members' draft",
            url="https://example.org/draft.pdf",
            visibility=Paper.Visibility.MEMBERS,
        )
        return public, private

    def test_visitor_sees_public_papers_and_is_told_of_members_papers(self, client, meeting, papers):
        response = client.get(meeting.get_absolute_url())
        assert response.context["papers"] == [papers[0]]
        assert "1 more paper for members" in page_text(response)

    def test_member_sees_members_only_papers(self, client, member, meeting, papers):
        client.force_login(member)
        assert set(client.get(meeting.get_absolute_url()).context["papers"]) == set(papers)

    def test_visitor_following_members_only_link_is_sent_to_log_in(self, client, papers):
        response = client.get(reverse("paper_download", args=[papers[1].pk]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_member_following_members_only_link_gets_the_paper(self, client, member, papers):
        client.force_login(member)
        response = client.get(reverse("paper_download", args=[papers[1].pk]))
        assert response.status_code == 302 and response.url == "https://example.org/draft.pdf"


@pytest.mark.parametrize("meetings_count", [5, 50])
def test_list_and_detail_pages_do_not_grow_queries_with_meetings(
    client, partnership, ladder, meetings_count, django_assert_max_num_queries
):
    for index in range(meetings_count):
        meeting = make_meeting(partnership, start=timezone.now() + datetime.timedelta(days=index - 20))
        make_item(meeting, engagement_type=ladder["Involving"])
        attend(meeting, make_participant())
    # 9: the agenda also reads the glossary, its items' "we did" and their topics' supporters, once each.
    for url in ["/", "/meetings/", "/p/lewisham/", meeting.get_absolute_url()]:
        with django_assert_max_num_queries(9):
            assert client.get(url).status_code == 200
