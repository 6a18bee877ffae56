"""The year review's pages and files: addresses, who may see them, empty years, query counts, the index."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import YearReview
from tests.conftest import ROLES
from tests.factories import attend, aware, make_item, make_meeting, make_participant, page_text

FORMATS = ["html", "csv", "xlsx", "pdf"]


def review_url(slug="lewisham", year=2023, fmt="html"):
    if fmt == "html":
        return reverse("year_review", kwargs={"slug": slug, "year": year})
    return reverse("year_review_file", kwargs={"slug": slug, "year": f"{year}", "fmt": fmt})


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def year_2023(partnership, ladder):
    """A small 2023/24: two held meetings with agenda items and people."""
    for month in (5, 9):
        meeting = make_meeting(partnership, start=aware(2023, month, 10), status="held", title=f"Meeting {month}")
        make_item(meeting, title="Charter", engagement_type=ladder["Involving"], outcome="Agreed")
        for _ in range(3):
            attend(meeting, make_participant())
    return partnership


def set_review(partnership, status="draft", is_public=False):
    return YearReview.objects.create(
        partnership=partnership, year=2023, went_well="· It went well", status=status, is_public=is_public
    )


# --- Addresses --------------------------------------------------------------------------------


def test_file_addresses_accept_both_forms(client_for, year_2023):
    client = client_for("staff")
    assert reverse("year_review_file", kwargs={"slug": "lewisham", "year": "2023", "fmt": "csv"}) == (
        "/reports/year-review/lewisham/2023.csv"
    )
    for path in ("/reports/year-review/lewisham/2023.csv", "/reports/year-review/lewisham/2023/.csv"):
        response = client.get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize(
    "path",
    [
        "/reports/year-review/nowhere/2023/",
        "/reports/year-review/nowhere/2023.pdf",
        "/reports/year-review/lewisham/abcd/",
        "/reports/year-review/lewisham/abcd.csv",
        "/reports/year-review/lewisham/0999/",
        "/reports/year-review/lewisham/0999.xlsx",
        "/reports/year-review/lewisham/20233/",
        "/reports/year-review/lewisham/2023.doc",
    ],
)
def test_unknown_partnership_or_year_is_a_404(client_for, year_2023, path):
    assert client_for("staff").get(path).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_year_renders_a_clear_page_not_an_error(client_for, partnership, fmt):
    make_meeting(partnership, start=aware(2019, 6, 1), status="cancelled", title="Called off")

    response = client_for("chair").get(review_url(year=2019, fmt=fmt))

    assert response.status_code == 200
    if fmt == "html":
        text = page_text(response)
        assert "No meetings in this year" in text
        assert "No meetings of Lewisham People's Partnership were held from 1 April 2019 to 31 March 2020" in text
        assert "Called off" in text


@pytest.mark.parametrize(
    "fmt, filename",
    [
        ("csv", "lewisham-year-review-2023-24.csv"),
        ("xlsx", "lewisham-year-review-2023-24.xlsx"),
        ("pdf", "lewisham-year-review-2023-24.pdf"),
    ],
)
def test_file_names_say_partnership_and_year(client_for, year_2023, fmt, filename):
    set_review(year_2023, status="final")

    response = client_for("staff").get(review_url(fmt=fmt))

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_draft_file_name_says_draft(client_for, year_2023):
    response = client_for("staff").get(review_url(fmt="xlsx"))
    assert response["Content-Disposition"] == 'attachment; filename="lewisham-year-review-2023-24-draft.xlsx"'


# --- Who may see it ---------------------------------------------------------------------------

PRIVATE = {"anonymous": 302, "member": 403, "other_member": 403, "staff": 200, "chair": 200, "finance": 200}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", ["no review", "draft", "final, not public"])
def test_permission_matrix_while_not_public(client_for, year_2023, fmt, role, state):
    if state == "draft":
        set_review(year_2023)
    elif state == "final, not public":
        set_review(year_2023, status="final")

    response = client_for(role).get(review_url(fmt=fmt))

    assert response.status_code == PRIVATE[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    if response.status_code == 200:
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_when_the_chair_made_a_final_review_public(client_for, year_2023, fmt, role):
    set_review(year_2023, status="final", is_public=True)

    response = client_for(role).get(review_url(fmt=fmt))

    assert response.status_code == 200
    assert "no-store" not in response["Cache-Control"]


def test_a_draft_says_so_on_the_page(client_for, year_2023):
    set_review(year_2023)
    text = page_text(client_for("staff").get(review_url()))
    assert "Draft." in text and "This review is not final" in text
    assert '<meta name="robots" content="noindex">' in text


def test_a_public_final_review_does_not_say_draft(client, year_2023):
    set_review(year_2023, status="final", is_public=True)
    text = page_text(client.get(review_url()))
    assert "Status: Final, public." in text
    assert "Draft" not in text
    assert "Edit the narrative" not in text


def test_staff_see_a_link_to_write_the_narrative(client_for, year_2023):
    text = page_text(client_for("staff").get(review_url()))
    assert f"{reverse('admin:meetings_yearreview_add')}?partnership={year_2023.pk}&year=2023" in text


# --- Queries do not grow ----------------------------------------------------------------------


def populate(partnership, ladder, year, meetings, people_per_meeting):
    for index in range(meetings):
        start = aware(year, 4, 2) + datetime.timedelta(days=14 * index)
        meeting = make_meeting(partnership, start=start, status="held")
        make_item(meeting, engagement_type=ladder["Informing"], feedback_status="need_feedback")
        make_item(meeting, engagement_type=ladder["Collaborating"], outcome="Agreed")
        for _ in range(people_per_meeting):
            attend(meeting, make_participant())


@pytest.mark.parametrize("fmt", FORMATS)
def test_query_count_is_the_same_for_a_small_and_a_large_year(
    client_for, partnership, ladder, fmt, django_assert_max_num_queries
):
    populate(partnership, ladder, 2021, meetings=1, people_per_meeting=2)
    populate(partnership, ladder, 2022, meetings=24, people_per_meeting=10)
    client = client_for("finance")
    client.get(review_url(year=2020, fmt=fmt))  # a first request may warm caches

    counts = []
    for year in (2021, 2022):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(review_url(year=year, fmt=fmt))
            body(response)
        assert response.status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1], counts
    with django_assert_max_num_queries(19):  # 3 of them for who set the agenda (year_review/agenda_setters.py)
        body(client.get(review_url(year=2022, fmt=fmt)))


# --- The index of reviews ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 302), ("member", 403), ("other_member", 403), ("staff", 200), ("chair", 200), ("finance", 200)],
)
def test_report_index_permission_matrix(client_for, year_2023, role, status):
    assert client_for(role).get(reverse("report_index")).status_code == status


def test_report_index_lists_years_with_links_to_every_format(client_for, year_2023):
    set_review(year_2023, status="final")
    make_meeting(year_2023, start=aware(2024, 3, 31, 20), status="held")

    text = page_text(client_for("finance").get(reverse("report_index")))

    assert "Year review 2023/24" in text
    assert review_url() in text
    for fmt in ("csv", "xlsx", "pdf"):
        assert review_url(fmt=fmt) in text
    assert "Final" in text


@pytest.mark.parametrize("count", [1, 12])
def test_report_index_query_count_does_not_grow(client_for, partnership, ladder, count, django_assert_max_num_queries):
    populate(partnership, ladder, 2020, meetings=count, people_per_meeting=1)
    client = client_for("staff")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("report_index")).status_code == 200


@pytest.mark.parametrize("role, shown", [("member", False), ("staff", True), ("chair", True), ("finance", True)])
def test_navigation_links_to_reports_for_staff_chair_and_finance(client_for, partnership, role, shown):
    text = page_text(client_for(role).get(reverse("meeting_list")))
    assert (f'href="{reverse("report_index")}"' in text) is shown
