"""Giving and removing roles: the services (who may, once only) and the Membership admin that calls them."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from engagement import roles, services
from engagement.models import Membership
from tests.factories import make_partnership, make_user, page_text


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", "operator@example.org", "x-Long-password-1")


@pytest.fixture
def newcomer(db):
    return make_user("newcomer")


def held(user, partnership):
    return set(Membership.objects.filter(user=user, partnership=partnership).values_list("role", flat=True))


# The services.


def test_chair_gives_a_member_role_in_their_partnership(chair, newcomer, partnership):
    membership = services.give_role(chair, newcomer, partnership, roles.MEMBER)
    assert membership.pk and held(newcomer, partnership) == {roles.MEMBER}


def test_giving_a_role_twice_keeps_one_row(chair, newcomer, partnership):
    first = services.give_role(chair, newcomer, partnership, roles.STAFF)
    second = services.give_role(chair, newcomer, partnership, roles.STAFF)
    assert first.pk == second.pk
    assert Membership.objects.filter(user=newcomer, partnership=partnership).count() == 1


def test_a_staff_role_opens_the_back_office(chair, newcomer, partnership):
    services.give_role(chair, newcomer, partnership, roles.STAFF)
    newcomer.refresh_from_db()
    assert newcomer.is_staff


@pytest.mark.parametrize("role", [roles.CHAIR, roles.FINANCE])
def test_a_chair_cannot_give_chair_or_finance(chair, newcomer, partnership, role):
    with pytest.raises(PermissionDenied, match="operators"):
        services.give_role(chair, newcomer, partnership, role)
    assert not held(newcomer, partnership)


def test_a_chair_gives_roles_in_partnerships_below_theirs(newcomer, db):
    system = make_partnership(slug="system", level="system")
    place = make_partnership(slug="place", parent=system)
    system_chair = make_user("system-chair", roles.CHAIR, partnership=system)
    services.give_role(system_chair, newcomer, place, roles.MEMBER)
    assert held(newcomer, place) == {roles.MEMBER}


def test_a_chair_cannot_give_roles_elsewhere(chair, newcomer, elsewhere):
    with pytest.raises(PermissionDenied, match="Only the chair of Elsewhere"):
        services.give_role(chair, newcomer, elsewhere, roles.MEMBER)
    assert not held(newcomer, elsewhere)


def test_a_chair_of_a_place_cannot_give_roles_in_the_system_above(newcomer, db):
    system = make_partnership(slug="system", level="system")
    place = make_partnership(slug="place", parent=system)
    place_chair = make_user("place-chair", roles.CHAIR, partnership=place)
    with pytest.raises(PermissionDenied):
        services.give_role(place_chair, newcomer, system, roles.MEMBER)


@pytest.mark.parametrize("giver", ["staff_user", "finance", "member"])
def test_only_a_chair_or_operator_gives_roles(request, giver, newcomer, partnership):
    with pytest.raises(PermissionDenied):
        services.give_role(request.getfixturevalue(giver), newcomer, partnership, roles.MEMBER)


def test_operator_gives_any_role_anywhere(operator, newcomer, elsewhere):
    services.give_role(operator, newcomer, elsewhere, roles.CHAIR)
    services.give_role(operator, newcomer, elsewhere, roles.FINANCE)
    assert held(newcomer, elsewhere) == {roles.CHAIR, roles.FINANCE}


def test_an_unknown_role_is_a_validation_error(operator, newcomer, partnership):
    with pytest.raises(ValidationError):
        services.give_role(operator, newcomer, partnership, "emperor")


def test_giving_a_role_forgets_what_was_read_of_the_users_roles(chair, newcomer, partnership):
    assert not roles.can_run(newcomer, partnership)
    newcomer.has_perm("meetings.view_meeting")  # fills Django's permission caches
    services.give_role(chair, newcomer, partnership, roles.STAFF)
    assert roles.can_run(newcomer, partnership)
    assert newcomer.has_perm("meetings.view_meeting")


def test_forget_roles_drops_djangos_permission_caches(staff_user):
    staff_user.has_perm("meetings.view_meeting")
    assert hasattr(staff_user, "_perm_cache")
    roles.forget_roles(staff_user)
    for attribute in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "_held_roles"):
        assert not hasattr(staff_user, attribute)


def test_chair_removes_a_staff_role_and_removing_again_does_nothing(chair, staff_user, partnership):
    membership = Membership.objects.get(user=staff_user, partnership=partnership)
    assert roles.can_run(staff_user, partnership)
    assert services.remove_role(chair, membership) is True
    assert services.remove_role(chair, membership) is False
    assert not held(staff_user, partnership)


def test_removing_a_role_forgets_the_users_roles(chair, staff_user, partnership):
    membership = Membership.objects.select_related("user").get(user=staff_user, partnership=partnership)
    assert roles.can_run(membership.user, partnership)
    services.remove_role(chair, membership)
    assert not roles.can_run(membership.user, partnership)


def test_a_chair_cannot_remove_finance_or_another_chair(chair, finance, partnership):
    other_chair = make_user("chair2", roles.CHAIR, partnership=partnership)
    for user in (finance, other_chair):
        membership = Membership.objects.get(user=user, partnership=partnership)
        with pytest.raises(PermissionDenied):
            services.remove_role(chair, membership)
        assert Membership.objects.filter(pk=membership.pk).exists()


def test_a_chair_cannot_remove_roles_elsewhere(chair, elsewhere_users, elsewhere):
    membership = Membership.objects.get(user=elsewhere_users["elsewhere_member"], partnership=elsewhere)
    with pytest.raises(PermissionDenied):
        services.remove_role(chair, membership)
    assert Membership.objects.filter(pk=membership.pk).exists()


# The admin.


def add_url():
    return reverse("admin:engagement_membership_add")


def test_chair_gives_a_role_in_the_admin(client, chair, newcomer, partnership):
    client.force_login(chair)
    data = {"user": "newcomer", "partnership": partnership.pk, "role": roles.STAFF}
    assert client.post(add_url(), data).status_code == 302
    assert held(newcomer, partnership) == {roles.STAFF}


def test_person_can_be_given_by_email(client, chair, newcomer, partnership):
    client.force_login(chair)
    data = {"user": "NEWCOMER@example.org", "partnership": partnership.pk, "role": roles.MEMBER}
    assert client.post(add_url(), data).status_code == 302
    assert held(newcomer, partnership) == {roles.MEMBER}


def test_giving_a_held_role_again_in_the_admin_says_so(client, chair, member, partnership):
    client.force_login(chair)
    response = client.post(add_url(), {"user": "member", "partnership": partnership.pk, "role": roles.MEMBER})
    assert response.status_code == 200
    assert "member already holds that role in Lewisham People's Partnership." in page_text(response)
    assert Membership.objects.filter(user=member, partnership=partnership).count() == 1


@pytest.mark.parametrize("person", ["nobody", "x" * 300, "new\x00comer", ""])
def test_unknown_or_hostile_person_gets_a_form_error(client, chair, partnership, person):
    client.force_login(chair)
    response = client.post(add_url(), {"user": person, "partnership": partnership.pk, "role": roles.MEMBER})
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert Membership.objects.count() == 1  # the chair's own


def test_the_chair_is_offered_only_member_and_staff_in_their_own_partnerships(client, chair, partnership, elsewhere):
    below = make_partnership(slug="below", parent=partnership)
    client.force_login(chair)
    form = client.get(add_url()).context["adminform"].form
    assert [value for value, _ in form.fields["role"].choices if value] == [roles.MEMBER, roles.STAFF]
    assert set(form.fields["partnership"].queryset) == {partnership, below}


def test_the_operator_is_offered_every_role_and_partnership(client, operator, partnership, elsewhere):
    client.force_login(operator)
    form = client.get(add_url()).context["adminform"].form
    assert {value for value, _ in form.fields["role"].choices if value} == set(roles.ALL_ROLES)
    assert set(form.fields["partnership"].queryset) == {partnership, elsewhere}


@pytest.mark.parametrize("role", [roles.CHAIR, roles.FINANCE])
def test_a_posted_chair_or_finance_role_is_refused(client, chair, newcomer, partnership, role):
    client.force_login(chair)
    response = client.post(add_url(), {"user": "newcomer", "partnership": partnership.pk, "role": role})
    assert response.status_code == 200
    assert not held(newcomer, partnership)


def test_a_posted_partnership_elsewhere_is_refused(client, chair, newcomer, elsewhere):
    client.force_login(chair)
    response = client.post(add_url(), {"user": "newcomer", "partnership": elsewhere.pk, "role": roles.MEMBER})
    assert response.status_code == 200
    assert "partnership" in response.context["adminform"].form.errors
    assert not held(newcomer, elsewhere)


def test_chair_sees_only_the_roles_of_their_partnerships(client, chair, member, elsewhere_users):
    client.force_login(chair)
    rows = client.get(reverse("admin:engagement_membership_changelist")).context["cl"].result_list
    assert {m.partnership.slug for m in rows} == {"lewisham"}


def test_a_membership_page_only_shows_it(client, chair, member, partnership):
    membership = Membership.objects.get(user=member)
    client.force_login(chair)
    url = reverse("admin:engagement_membership_change", args=[membership.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"user": "member", "partnership": partnership.pk, "role": roles.STAFF})
    assert response.status_code == 403
    assert held(member, partnership) == {roles.MEMBER}


def test_chair_removes_a_member_role_in_the_admin(client, chair, member, partnership):
    membership = Membership.objects.get(user=member)
    client.force_login(chair)
    url = reverse("admin:engagement_membership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not held(member, partnership)


def test_chair_cannot_remove_finance_in_the_admin(client, chair, finance, partnership):
    membership = Membership.objects.get(user=finance)
    client.force_login(chair)
    url = reverse("admin:engagement_membership_delete", args=[membership.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert held(finance, partnership) == {roles.FINANCE}


def test_bulk_removal_with_a_finance_role_in_it_removes_nothing(client, chair, member, finance, partnership):
    ids = list(Membership.objects.filter(user__in=[member, finance]).values_list("pk", flat=True))
    client.force_login(chair)
    client.post(
        reverse("admin:engagement_membership_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert held(member, partnership) == {roles.MEMBER}
    assert held(finance, partnership) == {roles.FINANCE}


def test_bulk_removal_of_member_roles_goes_through_the_service(client, chair, member, other_member, partnership):
    ids = list(Membership.objects.filter(user__in=[member, other_member]).values_list("pk", flat=True))
    client.force_login(chair)
    response = client.post(
        reverse("admin:engagement_membership_changelist"),
        {"action": "delete_selected", "_selected_action": ids, "post": "yes"},
    )
    assert response.status_code == 302
    assert not Membership.objects.filter(pk__in=ids).exists()


def test_membership_admin_calls_the_services(monkeypatch, client, chair, member, partnership):
    """No admin path saves or deletes a membership around the services."""
    from engagement import membership_admin

    calls = []
    monkeypatch.setattr(membership_admin.services, "remove_role", lambda *a: calls.append("remove"))
    admin_obj = membership_admin.MembershipAdmin(Membership, None)
    assert {"save_model", "delete_model", "delete_queryset"} <= set(vars(membership_admin.MembershipAdmin))
    request = type("Request", (), {"user": chair})()
    admin_obj.delete_model(request, Membership.objects.get(user=member))
    admin_obj.delete_queryset(request, Membership.objects.filter(user=member))
    assert calls == ["remove", "remove"]
    assert held(member, partnership) == {roles.MEMBER}


def test_changelist_query_count_is_flat(client, chair, partnership, django_assert_max_num_queries):
    for n in range(30):
        make_user(f"person{n}", roles.MEMBER, partnership=partnership)
    client.force_login(chair)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:engagement_membership_changelist")).status_code == 200


def test_the_partnership_page_lists_its_roles_to_read_only(client, chair, member, partnership):
    client.force_login(chair)
    url = reverse("admin:engagement_partnership_change", args=[partnership.pk])
    text = page_text(client.get(url))
    assert "roles held here" in text.lower() and "member" in text
    # The inline offers no way round the services: posting rows for it adds nothing.
    data = {
        "name": partnership.name,
        "short_name": "",
        "financial_year_start_month": "4",
        "feedback_target_days": "60",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "0",
        "memberships-0-user": chair.pk,
        "memberships-0-role": roles.FINANCE,
    }
    client.post(url, data)
    assert held(chair, partnership) == {roles.CHAIR}


def test_removing_the_last_back_office_role_closes_the_back_office(chair, partnership):
    other = make_partnership(name="Other", slug="other")
    operator = User.objects.create_superuser("operator", "operator@example.org", "pw")
    person = make_user("two-roles")
    services.give_role(operator, person, partnership, roles.STAFF)
    services.give_role(operator, person, other, roles.FINANCE)
    services.give_role(operator, person, partnership, roles.MEMBER)
    assert User.objects.get(pk=person.pk).is_staff
    services.remove_role(chair, Membership.objects.get(user=person, partnership=partnership, role=roles.STAFF))
    assert User.objects.get(pk=person.pk).is_staff, "finance elsewhere still works in the back office"
    last = Membership.objects.select_related("user").get(user=person, role=roles.FINANCE)
    services.remove_role(operator, last)
    assert not User.objects.get(pk=person.pk).is_staff
    assert not last.user.is_staff
    assert Membership.objects.filter(user=person, role=roles.MEMBER).exists()


def test_an_operator_keeps_the_back_office_when_their_last_role_goes(partnership):
    operator = User.objects.create_superuser("operator", "operator@example.org", "pw")
    services.give_role(operator, operator, partnership, roles.STAFF)
    services.remove_role(operator, Membership.objects.get(user=operator))
    assert User.objects.get(pk=operator.pk).is_staff
