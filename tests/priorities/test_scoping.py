"""Priorities belong to a partnership: another partnership's office sees and changes none of them."""

import pytest
from django.urls import reverse

from engagement.models import Membership
from priorities.models import Action, FrameworkTag, Priority
from tests.factories import make_user

from .conftest import make_action, make_priority


@pytest.fixture
def theirs(elsewhere):
    """A priority of the other partnership, with an action."""
    priority = make_priority(elsewhere, number=1, title="Elsewhere's priority")
    make_action(priority, description="Elsewhere's action")
    return priority


def login(client, user):
    client.force_login(user)
    return client


def test_for_user_gives_the_priorities_of_the_partnerships_one_runs(priority, theirs, staff_user, elsewhere_users):
    assert list(Priority.objects.for_user(staff_user)) == [priority]
    assert list(Priority.objects.for_user(elsewhere_users["elsewhere_chair"])) == [theirs]
    assert list(Action.objects.for_user(elsewhere_users["elsewhere_staff"])) == list(theirs.actions.all())


def test_the_admin_lists_only_ones_own_priorities_and_actions(client, priority, theirs, chair):
    make_action(priority, description="Ours")
    login(client, chair)
    rows = client.get(reverse("admin:priorities_priority_changelist")).context["cl"].result_list
    assert list(rows) == [priority]
    rows = client.get(reverse("admin:priorities_action_changelist")).context["cl"].result_list
    assert [a.description for a in rows] == ["Ours"]


def test_another_partnerships_chair_cannot_open_change_or_archive_a_priority(client, priority, elsewhere_users):
    login(client, elsewhere_users["elsewhere_chair"])
    url = reverse("admin:priorities_priority_change", args=[priority.pk])
    assert client.get(url).status_code == 302  # "not found", back to the admin index
    client.post(
        reverse("admin:priorities_priority_changelist"),
        {"action": "archive", "_selected_action": [priority.pk]},
    )
    priority.refresh_from_db()
    assert not priority.is_archived


def test_staff_here_and_chair_elsewhere_cannot_archive_here(client, priority, elsewhere):
    user = make_user("two-hats", is_staff=True)
    Membership.objects.create(user=user, partnership=priority.partnership, role="staff")
    Membership.objects.create(user=user, partnership=elsewhere, role="chair")
    login(client, user)
    response = client.get(reverse("admin:priorities_priority_change", args=[priority.pk]))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    client.post(
        reverse("admin:priorities_priority_changelist"),
        {"action": "archive", "_selected_action": [priority.pk]},
    )
    priority.refresh_from_db()
    assert not priority.is_archived


def test_a_chair_picks_only_their_own_partnerships_and_tags(client, chair, partnership, elsewhere, theirs):
    national = FrameworkTag.objects.create(name="National frame", slug="national-frame")
    their_tag = FrameworkTag.objects.create(name="Their intention", slug="their-intention", partnership=elsewhere)
    login(client, chair)
    form = client.get(reverse("admin:priorities_priority_add")).context["adminform"].form
    assert list(form.fields["partnership"].queryset) == [partnership]
    tags = set(form.fields["framework_tags"].queryset)
    assert national in tags and their_tag not in tags


def test_a_chair_cannot_post_a_priority_into_another_partnership(client, chair, elsewhere):
    login(client, chair)
    data = {"partnership": elsewhere.pk, "number": 7, "order": 0, "title": "Sneaked in", "description": ""}
    data.update({"actions-TOTAL_FORMS": 0, "actions-INITIAL_FORMS": 0})
    response = client.post(reverse("admin:priorities_priority_add"), data)
    assert response.status_code == 200
    assert not Priority.objects.filter(title="Sneaked in").exists()


def test_framework_tags_national_seen_by_all_local_by_their_own(client, chair, partnership, elsewhere):
    national = FrameworkTag.objects.create(name="National frame", slug="national-frame")
    ours = FrameworkTag.objects.create(name="Our intention", slug="our-intention", partnership=partnership)
    theirs = FrameworkTag.objects.create(name="Their intention", slug="their-intention", partnership=elsewhere)
    login(client, chair)
    rows = set(client.get(reverse("admin:priorities_frameworktag_changelist")).context["cl"].result_list)
    assert national in rows and ours in rows and theirs not in rows
    # The chair changes their own tag, not the national one.
    data = {"name": "Our intention, renamed", "slug": "our-intention", "kind": "local", "order": 0}
    response = client.post(
        reverse("admin:priorities_frameworktag_change", args=[ours.pk]), {**data, "partnership": partnership.pk}
    )
    assert response.status_code == 302
    national_url = reverse("admin:priorities_frameworktag_change", args=[national.pk])
    assert client.post(national_url, {**data, "name": "Renamed", "slug": "national-frame"}).status_code == 403
    national.refresh_from_db()
    assert national.name == "National frame"


def test_a_chair_cannot_add_a_national_tag(client, chair):
    login(client, chair)
    response = client.post(
        reverse("admin:priorities_frameworktag_add"), {"name": "Mine", "slug": "mine", "kind": "local", "order": 0}
    )
    assert response.status_code == 200
    assert "partnership" in response.context["adminform"].form.errors
    assert not FrameworkTag.objects.filter(slug="mine").exists()


def test_another_partnerships_staff_get_not_found_on_the_note_page(client, owned_action, elsewhere_users):
    login(client, elsewhere_users["elsewhere_staff"])
    url = reverse("action_note_new", args=[owned_action.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"note": "Not mine."}).status_code == 404
    assert not owned_action.updates.exists()


def test_another_partnerships_member_is_refused_the_note_page(client, owned_action, elsewhere_users):
    login(client, elsewhere_users["elsewhere_member"])
    assert client.get(reverse("action_note_new", args=[owned_action.pk])).status_code == 403


def test_staff_add_notes_on_their_partnerships_actions_only(client, staff_user, owned_action, theirs):
    their_action = theirs.actions.get()
    assert set(Action.objects.notable_by(staff_user)) == {owned_action}
    assert owned_action.can_be_updated_by(staff_user)
    assert not their_action.can_be_updated_by(staff_user)


def test_the_public_priority_pages_stay_public(client, priority, theirs):
    assert client.get(reverse("priority_list")).status_code == 200
    assert client.get(reverse("priority_detail", args=[theirs.pk])).status_code == 200


def test_the_note_link_shows_only_on_ones_own_partnerships_actions(client, staff_user, owned_action, theirs):
    login(client, staff_user)
    body = client.get(reverse("priority_list")).content.decode()
    assert reverse("action_note_new", args=[owned_action.pk]) in body
    assert reverse("action_note_new", args=[theirs.actions.get().pk]) not in body
