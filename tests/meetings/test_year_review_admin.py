"""Year reviews in the admin: staff write the narrative, the chair publishes a final review."""

import pytest
from django.urls import reverse

from meetings.models import YearReview
from tests.factories import make_partnership, page_text

CHANGELIST = reverse("admin:meetings_yearreview_changelist")
ADD = reverse("admin:meetings_yearreview_add")


def change_url(review):
    return reverse("admin:meetings_yearreview_change", args=[review.pk])


def form_data(partnership, **fields):
    data = {
        "partnership": partnership.pk,
        "year": 2023,
        "went_well": "· Good turnout",
        "challenges": "",
        "learnt": "",
        "ideas": "",
        "status": "draft",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not False}


def test_chair_writes_a_draft_review(client_for, partnership):
    response = client_for("chair").post(ADD, form_data(partnership))

    assert response.status_code == 302
    review = YearReview.objects.get()
    assert (review.year, review.status, review.is_public) == (2023, "draft", False)


def test_a_draft_cannot_be_made_public_and_the_error_says_why(client_for, partnership):
    response = client_for("chair").post(ADD, form_data(partnership, is_public="on"))

    assert response.status_code == 200
    assert "Only a final review can be made public. Set the status to Final first" in page_text(response)
    assert not YearReview.objects.exists()


def test_chair_publishes_a_final_review_and_anyone_can_then_read_it(client_for, partnership):
    review = YearReview.objects.create(partnership=partnership, year=2023)

    response = client_for("chair").post(change_url(review), form_data(partnership, status="final", is_public="on"))

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.is_public and review.status == "final"
    report = reverse("year_review", kwargs={"slug": partnership.slug, "year": 2023})
    assert client_for("anonymous").get(report).status_code == 200


def test_staff_cannot_publish(client_for, partnership):
    review = YearReview.objects.create(partnership=partnership, year=2023)
    client = client_for("staff")

    page = client.get(change_url(review))
    assert 'name="is_public"' not in page_text(page)
    client.post(change_url(review), form_data(partnership, status="final", is_public="on"))

    review.refresh_from_db()
    assert review.status == "final" and not review.is_public


def test_staff_cannot_turn_a_public_review_back_into_a_draft(client_for, partnership):
    review = YearReview.objects.create(partnership=partnership, year=2023, status="final", is_public=True)

    response = client_for("staff").post(change_url(review), form_data(partnership, status="draft"))

    assert response.status_code == 200
    assert "This review is public, so it must stay final" in page_text(response)
    review.refresh_from_db()
    assert review.status == "final"


def test_one_review_per_partnership_and_year(client_for, partnership):
    YearReview.objects.create(partnership=partnership, year=2023)

    response = client_for("chair").post(ADD, form_data(partnership))

    assert response.status_code == 200
    assert YearReview.objects.count() == 1


@pytest.mark.parametrize("year", [23, 99999, 1066])
def test_year_must_be_a_four_figure_year(client_for, partnership, year):
    response = client_for("chair").post(ADD, form_data(partnership, year=year))

    assert response.status_code == 200
    assert "Give the first calendar year of the financial year" in page_text(response)


def test_the_add_form_takes_partnership_and_year_from_the_report_link(client_for, partnership):
    page = client_for("staff").get(f"{ADD}?partnership={partnership.pk}&year=2024")
    form = page.context["adminform"].form
    assert form.initial["year"] == "2024"
    assert str(form.initial["partnership"]) == str(partnership.pk)


def test_changelist_links_to_the_report_and_filters_by_status(client_for, partnership):
    YearReview.objects.create(partnership=partnership, year=2023, status="final")
    YearReview.objects.create(partnership=partnership, year=2022)
    client = client_for("chair")

    text = page_text(client.get(CHANGELIST))
    assert reverse("year_review", kwargs={"slug": partnership.slug, "year": 2023}) in text
    assert "2023/24" in text

    filtered = client.get(CHANGELIST, {"status__exact": "final"})
    assert [review.year for review in filtered.context["cl"].result_list] == [2023]


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 302), ("member", 302), ("staff", 200), ("chair", 200), ("finance", 403)],
)
def test_year_review_admin_permission_matrix(client_for, partnership, role, status):
    assert client_for(role).get(CHANGELIST).status_code == status


@pytest.mark.parametrize("count", [2, 20])
def test_changelist_query_count_does_not_grow(client_for, count, django_assert_max_num_queries):
    for _n in range(count):
        YearReview.objects.create(partnership=make_partnership(), year=2023)
    client = client_for("chair")
    with django_assert_max_num_queries(14):
        assert client.get(CHANGELIST).status_code == 200
