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
        # The read-only list of roles held here (no rows are ever posted for it).
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
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


# Who changes which partnership.


def test_chair_sees_only_the_partnerships_they_chair(chair_client, partnership, elsewhere):
    rows = chair_client.get(reverse("admin:engagement_partnership_changelist")).context["cl"].result_list
    assert list(rows) == [partnership]


def test_chair_changes_their_page_text_but_not_where_it_sits(chair_client, partnership, elsewhere):
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    form = chair_client.get(url).context["adminform"].form
    assert {"slug", "level", "parent"}.isdisjoint(form.fields)
    response = chair_client.post(
        url, partnership_data(name="Lewisham Partnership", purpose="New words.", slug="moved", parent=elsewhere.pk)
    )
    assert response.status_code == 302
    partnership.refresh_from_db()
    assert (partnership.name, partnership.purpose) == ("Lewisham Partnership", "New words.")
    assert (partnership.slug, partnership.parent) == ("lewisham", None)


def test_chair_of_another_partnership_cannot_open_or_change_it(client, partnership, elsewhere_users):
    client.force_login(elsewhere_users["elsewhere_chair"])
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    assert client.get(url).status_code == 302  # "not found", back to the admin index
    client.post(url, partnership_data(name="Taken over", slug="lewisham"))
    partnership.refresh_from_db()
    assert partnership.name == "Lewisham People's Partnership"


def test_staff_here_and_chair_elsewhere_only_views_here(client, partnership, elsewhere):
    from engagement.models import Membership

    user = make_user_with(("staff", partnership), ("chair", elsewhere))
    client.force_login(user)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    response = client.get(url)
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    assert client.post(url, partnership_data(name="Taken over", slug="lewisham")).status_code == 403
    partnership.refresh_from_db()
    assert partnership.name == "Lewisham People's Partnership"
    assert Membership.objects.filter(user=user).count() == 2


def test_a_chair_cannot_delete_a_partnership_one_by_one_or_in_bulk(chair_client, partnership):
    url = reverse("admin:engagement_partnership_delete", args=[partnership.pk])
    assert chair_client.post(url, {"post": "yes"}).status_code == 403
    changelist = chair_client.get(reverse("admin:engagement_partnership_changelist"))
    action_form = changelist.context["action_form"]  # None: no action at all is offered
    assert action_form is None or "delete_selected" not in dict(action_form.fields["action"].choices)
    chair_client.post(
        reverse("admin:engagement_partnership_changelist"),
        {"action": "delete_selected", "_selected_action": [partnership.pk], "post": "yes"},
    )
    assert Partnership.objects.filter(pk=partnership.pk).exists()


def test_operator_deletes_a_partnership(operator_client, db):
    spare = make_partnership(slug="spare")
    url = reverse("admin:engagement_partnership_delete", args=[spare.pk])
    assert operator_client.post(url, {"post": "yes"}).status_code == 302
    assert not Partnership.objects.filter(pk=spare.pk).exists()


def test_office_adds_a_theme_but_only_the_operator_renames_one(client, staff_user, db):
    from django.contrib.auth.models import User

    from engagement.models import Theme

    theme = Theme.objects.create(name="Housing")
    client.force_login(staff_user)
    assert client.post(reverse("admin:engagement_theme_add"), {"name": "Transport"}).status_code == 302
    url = reverse("admin:engagement_theme_change", args=[theme.pk])
    assert client.post(url, {"name": "Homes"}).status_code == 403
    assert client.post(reverse("admin:engagement_theme_delete", args=[theme.pk]), {"post": "yes"}).status_code == 403
    client.force_login(User.objects.create_superuser("operator", "operator@example.org", "x-Long-password-1"))
    assert client.post(url, {"name": "Homes"}).status_code == 302
    assert set(Theme.objects.values_list("name", flat=True)) >= {"Transport", "Homes"}


def test_only_the_operator_renames_an_organisation(client, chair, db):
    from engagement.models import Organisation

    organisation = Organisation.objects.create(name="Age UK Lewisham")
    client.force_login(chair)
    url = reverse("admin:engagement_organisation_change", args=[organisation.pk])
    assert client.post(url, {"name": "Renamed", "kind": "vcse"}).status_code == 403
    organisation.refresh_from_db()
    assert organisation.name == "Age UK Lewisham"


def test_office_sees_only_the_people_of_its_partnerships(client, partnership, elsewhere, elsewhere_users, db):
    from engagement.models import Participant
    from tests.factories import attend, make_meeting, make_participant

    ours = make_participant(name="Our Person")
    attend(make_meeting(partnership), ours)
    theirs = make_participant(name="Their Person")
    attend(make_meeting(elsewhere), theirs)
    unplaced = make_participant(name="Just Added")
    client.force_login(elsewhere_users["elsewhere_staff"])
    rows = set(client.get(reverse("admin:engagement_participant_changelist")).context["cl"].result_list)
    assert theirs in rows and unplaced in rows and ours not in rows
    assert Participant.objects.get(user=elsewhere_users["elsewhere_member"]) in rows
    assert client.get(reverse("admin:engagement_participant_change", args=[ours.pk])).status_code == 302


def make_user_with(*held):
    """A staff user holding each (role, partnership) given."""
    from engagement.models import Membership
    from tests.factories import make_user

    user = make_user("two-hats", is_staff=True)
    for role, where in held:
        Membership.objects.create(user=user, partnership=where, role=role)
    return user
