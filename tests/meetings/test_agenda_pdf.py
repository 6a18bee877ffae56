"""The printable agenda pack: /meetings/<id>/agenda.pdf (WeasyPrint)."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse

from meetings.models import Meeting, Paper
from tests.conftest import ROLES
from tests.factories import aware, make_item, make_meeting


def pdf_text(content):
    """The PDF's text with whitespace collapsed; the test is skipped, saying why, without pdftotext."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, so the PDF's text cannot be read")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


@pytest.fixture
def agenda_meeting(partnership, ladder):
    """The 23 April 2024 Lewisham meeting, in small."""
    meeting = make_meeting(
        partnership,
        start=aware(2024, 4, 23, 10, 0),
        title="Year 1 Review",
        venue="Civic Suite, Catford Road, London SE6 9SE",
        online_link="https://meet.example.org/lpp",
        format=Meeting.Format.HYBRID,
    )
    make_item(meeting, title="Arrivals", start_time=datetime.time(9, 45), duration_minutes=15, is_business=False)
    make_item(
        meeting,
        title="Presentation of the draft review",
        start_time=datetime.time(10, 15),
        duration_minutes=15,
        presenter="Alex Chair",
        engagement_type=ladder["Informing"],
        outcome="Review welcomed",
    )
    make_item(
        meeting,
        title="Dates for 2024/25",
        start_time=datetime.time(11, 50),
        duration_minutes=10,
        engagement_type=ladder["Consulting"],
    )
    Paper.objects.create(meeting=meeting, title="Year 1 Review draft", url="https://example.org/review.pdf")
    Paper.objects.create(
        meeting=meeting,
        title="Budget notes for members",
        url="https://example.org/budget.pdf",
        visibility=Paper.Visibility.MEMBERS,
    )
    return meeting


def get_pdf(client, meeting):
    return client.get(reverse("meeting_agenda_pdf", args=[meeting.pk]))


def test_agenda_pack_is_a_pdf_named_after_partnership_and_date(client, agenda_meeting):
    response = get_pdf(client, agenda_meeting)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="lewisham-2024-04-23-agenda.pdf"'


def test_agenda_pack_for_an_unknown_meeting_is_404(client, db):
    assert client.get("/meetings/999999/agenda.pdf").status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_everyone_may_download_the_agenda_pack(client_for, role, agenda_meeting):
    response = get_pdf(client_for(role), agenda_meeting)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_agenda_pack_has_the_timed_items_presenter_type_venue_and_link(client, agenda_meeting):
    text = pdf_text(get_pdf(client, agenda_meeting).content)
    assert "Lewisham People's Partnership" in text
    assert "Year 1 Review" in text
    assert "Tuesday 23 April 2024" in text
    assert "10.00 to 12.00" in text
    assert "Civic Suite, Catford Road, London SE6 9SE" in text
    assert "https://meet.example.org/lpp" in text
    assert "09.45–10.00 Arrivals" in text
    assert "10.15–10.30 Presentation of the draft review" in text
    assert "11.50–12.00 Dates for 2024/25" in text
    assert "Presenter: Alex Chair" in text
    assert "Type of engagement: Informing" in text
    assert "Type of engagement: Consulting" in text
    # The promise of each rung on the agenda is explained for readers on paper.
    assert "We will keep you informed" in text
    assert "Page 1 of" in text


def test_outcomes_are_printed_only_once_the_meeting_is_held(client, agenda_meeting):
    assert "Review welcomed" not in pdf_text(get_pdf(client, agenda_meeting).content)
    agenda_meeting.status = Meeting.Status.HELD
    agenda_meeting.save()
    assert "Outcome: Review welcomed" in pdf_text(get_pdf(client, agenda_meeting).content)


def test_visitor_sees_public_papers_and_a_count_of_members_papers(client, agenda_meeting):
    text = pdf_text(get_pdf(client, agenda_meeting).content)
    assert "Year 1 Review draft" in text
    assert "Budget notes for members" not in text
    assert "1 more paper for members" in text


@pytest.mark.parametrize("role", ["member", "staff", "chair", "finance"])
def test_role_holders_also_see_members_only_papers(client_for, role, agenda_meeting):
    text = pdf_text(get_pdf(client_for(role), agenda_meeting).content)
    assert "Year 1 Review draft" in text
    assert "Budget notes for members (members only)" in text


def test_cancelled_meeting_says_so_on_the_pack(client, partnership):
    meeting = make_meeting(partnership, title="Spring meeting", status=Meeting.Status.CANCELLED)
    assert "This meeting has been cancelled." in pdf_text(get_pdf(client, meeting).content)


def test_meeting_without_agenda_says_it_is_not_published(client, partnership):
    meeting = make_meeting(partnership, times_to_be_confirmed=True)
    text = pdf_text(get_pdf(client, meeting).content)
    assert "The agenda has not been published yet." in text
    assert "Time To be confirmed" in text


def test_text_typed_into_an_agenda_is_printed_not_interpreted(client, partnership):
    meeting = make_meeting(partnership)
    make_item(meeting, title='<img src="http://127.0.0.1:9/x.png"> Tea & <b>cake</b>')
    text = pdf_text(get_pdf(client, meeting).content)
    assert '<img src="http://127.0.0.1:9/x.png"> Tea & <b>cake</b>' in text


@pytest.mark.parametrize("count", [5, 50])
def test_agenda_pack_query_count_does_not_grow_with_items(
    client, django_assert_max_num_queries, partnership, ladder, count
):
    meeting = make_meeting(partnership, start=aware(2024, 4, 23, 9, 0), hours=8)
    for n in range(count):
        item = make_item(meeting, engagement_type=ladder["Involving"], presenter=f"Presenter {n}")
        Paper.objects.create(meeting=meeting, agenda_item=item, title=f"Paper {n}", url="https://example.org/p.pdf")
    with django_assert_max_num_queries(5):
        response = get_pdf(client, meeting)
    assert response.status_code == 200


def test_demo_agenda_pack_for_23_april_2024(client, demo_data):
    meeting = Meeting.objects.get(partnership__slug="lewisham", start__date=datetime.date(2024, 4, 23))
    response = get_pdf(client, meeting)
    assert response["Content-Disposition"] == 'attachment; filename="lewisham-2024-04-23-agenda.pdf"'
    text = pdf_text(response.content)
    assert "09.45–10.00 Arrivals" in text
    assert "11.50–12.00 Dates for 2024/25" in text
