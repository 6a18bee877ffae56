"""The back office for partnerships and the engagement ladder."""

import pytest
from django.urls import reverse

from engagement.models import EngagementType, Partnership
from tests.factories import make_meeting, make_partnership, page_text


@pytest.fixture
def chair_client(client, chair):
    client.force_login(chair)
    return client


@pytest.fixture
def operator_client(client, db):
    """A platform operator (superuser): they alone create and delete partnerships."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_superuser("operator", "operator@example.org", "x-Long-password-1"))
    return client


def partnership_data(**fields):
    data = {
        "name": "Greenwich People's Partnership",
        "short_name": "GPP",
        "slug": "greenwich",
        "level": "place",
        "financial_year_start_month": "4",
        "feedback_target_days": "60",
    }
    data.update(fields)
    return data


def test_operator_adds_a_partnership(operator_client, db):
    response = operator_client.post(reverse("admin:engagement_partnership_add"), partnership_data())
    assert response.status_code == 302
    assert Partnership.objects.get(slug="greenwich").short_name == "GPP"


def test_a_chair_cannot_add_a_partnership(chair_client, db):
    response = chair_client.post(reverse("admin:engagement_partnership_add"), partnership_data())
    assert response.status_code == 403
    assert not Partnership.objects.filter(slug="greenwich").exists()


def test_duplicate_slug_gives_a_form_error(operator_client, partnership):
    response = operator_client.post(reverse("admin:engagement_partnership_add"), partnership_data(slug="lewisham"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["slug"] == ["Partnership with this Slug already exists."]
    assert Partnership.objects.count() == 1


def test_partnership_cannot_sit_beneath_itself(operator_client, partnership):
    response = operator_client.post(
        reverse("admin:engagement_partnership_change", args=[partnership.pk]),
        partnership_data(name=partnership.name, slug="lewisham", parent=partnership.pk),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["parent"] == [
        "A partnership cannot sit beneath itself or one of the partnerships beneath it."
    ]


def test_partnership_cannot_sit_beneath_one_of_its_own(operator_client, db):
    system = make_partnership(slug="system", level="system")
    place = make_partnership(slug="place", parent=system)
    neighbourhood = make_partnership(slug="neighbourhood", level="neighbourhood", parent=place)
    response = operator_client.post(
        reverse("admin:engagement_partnership_change", args=[system.pk]),
        partnership_data(name=system.name, slug="system", level="system", parent=neighbourhood.pk),
    )
    assert response.status_code == 200
    assert "parent" in response.context["adminform"].form.errors
    system.refresh_from_db()
    assert system.parent is None


@pytest.mark.parametrize("month", ["0", "13"])
def test_financial_year_month_out_of_range_gets_a_clear_error(operator_client, db, month):
    response = operator_client.post(
        reverse("admin:engagement_partnership_add"), partnership_data(financial_year_start_month=month)
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["financial_year_start_month"] == [
        "Give a month from 1 (January) to 12 (December)."
    ]


def test_partnership_list_shows_meeting_counts_and_searches_by_slug(chair_client, partnership):
    make_meeting(partnership)
    make_meeting(partnership)
    make_partnership(slug="elsewhere")
    response = chair_client.get(reverse("admin:engagement_partnership_changelist"), {"q": "lewisham"})
    rows = list(response.context["cl"].result_list)
    assert rows == [partnership]
    assert rows[0]._meetings == 2


@pytest.mark.parametrize("count", [5, 50])
def test_partnership_changelist_query_count_does_not_grow(chair_client, django_assert_max_num_queries, db, count):
    parent = make_partnership(level="system")
    for _ in range(count):
        make_meeting(make_partnership(parent=parent))
    with django_assert_max_num_queries(10):
        assert chair_client.get(reverse("admin:engagement_partnership_changelist")).status_code == 200


def test_operator_can_rename_a_rung_of_the_ladder(operator_client, ladder):
    empowering = ladder["Empowering"]
    response = operator_client.post(
        reverse("admin:engagement_engagementtype_change", args=[empowering.pk]),
        {"name": "Devolving", "rank": "5", "promise": "You decide.", "description": ""},
    )
    assert response.status_code == 302
    assert EngagementType.objects.get(rank=5).name == "Devolving"


def test_a_chair_cannot_rename_or_add_a_rung_of_the_shared_ladder(chair_client, ladder):
    empowering = ladder["Empowering"]
    response = chair_client.post(
        reverse("admin:engagement_engagementtype_change", args=[empowering.pk]),
        {"name": "Devolving", "rank": "5", "promise": "You decide.", "description": ""},
    )
    assert response.status_code == 403
    add = chair_client.post(
        reverse("admin:engagement_engagementtype_add"), {"name": "Co-producing", "rank": "6", "promise": ""}
    )
    assert add.status_code == 403
    assert EngagementType.objects.get(rank=5).name == "Empowering"
    assert not EngagementType.objects.filter(name="Co-producing").exists()


def test_two_rungs_cannot_share_a_rank(operator_client, ladder):
    response = operator_client.post(
        reverse("admin:engagement_engagementtype_add"),
        {"name": "Co-producing", "rank": "4", "promise": "", "description": ""},
    )
    assert response.status_code == 200
    assert "Engagement type with this Rank already exists." in page_text(response)


def test_ladder_is_listed_in_rank_order(chair_client, ladder):
    response = chair_client.get(reverse("admin:engagement_engagementtype_changelist"))
    assert [rung.name for rung in response.context["cl"].result_list] == [
        "Informing",
        "Consulting",
        "Involving",
        "Collaborating",
        "Empowering",
    ]


@pytest.mark.parametrize(
    "role, status",
    [("anonymous", 302), ("member", 302), ("other_member", 302), ("staff", 200), ("chair", 200), ("finance", 403)],
)
def test_partnership_admin_permission_matrix(client_for, role, status, partnership):
    assert client_for(role).get(reverse("admin:engagement_partnership_changelist")).status_code == status
