"""The public priority pages, the partnership page and the agenda: content, filters, query counts."""

import pytest
from django.urls import reverse

from engagement.models import Organisation, Theme
from priorities.models import Action, FrameworkTag
from priorities.services import add_action_note, change_action_status
from tests.conftest import ROLES
from tests.factories import aware, make_item, make_meeting, make_participant, make_partnership, page_text

from .conftest import days, make_action, make_priority

# The agenda page belongs to the meetings app; its matrix lives in tests/meetings.
PUBLIC_PAGES = ["priority_list", "priority_detail", "action_plan_csv", "action_plan_xlsx", "partnership_detail"]


def url_for(name, priority):
    if name == "priority_list":
        return reverse(name)
    if name == "priority_detail":
        return reverse(name, args=[priority.pk])
    return reverse(name, args=[priority.partnership.slug])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_priority_pages_are_public_for_every_role(client_for, priority, role, page):
    make_action(priority)
    assert client_for(role).get(url_for(page, priority)).status_code == 200


def test_unknown_priority_or_partnership_is_404(client, db):
    assert client.get(reverse("priority_detail", args=[999])).status_code == 404
    assert client.get(reverse("action_plan_csv", args=["nowhere"])).status_code == 404
    assert client.get(reverse("action_plan_xlsx", args=["nowhere"])).status_code == 404


def test_list_groups_actions_by_horizon_with_progress_overdue_and_latest_note(client, priority):
    make_action(priority, description="Prove the value", status=Action.Status.DONE)
    make_action(priority, description="Shape case studies.", status=Action.Status.DONE)
    late = make_action(
        priority, description="Identify community needs", due_date=days(-5), status=Action.Status.IN_PROGRESS
    )
    add_action_note(late, "Halfway through the mapping.")
    make_action(priority, description="Choose a theme")
    make_action(priority, description="Dropped idea", status=Action.Status.DROPPED)
    make_action(priority, description="Work towards an integrated system.", horizon=Action.Horizon.FUTURE)
    response = client.get(reverse("priority_list"))
    body = page_text(response)
    assert body.count("<h1") == 1
    assert "Priority 1: VCFS as a primary partner" in body
    assert "2 of 5 done" in body
    assert '<progress max="5" value="2"' in body
    assert body.count('<strong class="overdue">Overdue</strong>') == 1
    assert "Halfway through the mapping." in body
    immediate, future = body.split("Immediate actions", 1)[1].split("Future steps", 1)
    assert "Identify community needs" in immediate and "Work towards an integrated system." in future
    card = response.context["priorities"][0]
    assert [a.description for a in card.future_steps] == ["Work towards an integrated system."]


def test_list_links_to_the_meetings_where_the_priority_was_agreed_and_discussed(client, priority, held_meeting):
    later = make_meeting(priority.partnership, start=aware(2024, 1, 10), title="Review meeting")
    item = make_item(later, title="Priorities check-in")
    priority.agreed_at = held_meeting
    priority.save()
    action = make_action(priority)
    action.agenda_items.add(item)
    body = page_text(client.get(reverse("priority_list")))
    assert f'href="{held_meeting.get_absolute_url()}"' in body
    assert f'href="{later.get_absolute_url()}"' in body
    assert "Also discussed at" in body


def test_archived_priorities_are_hidden_unless_asked_for(client, priority, partnership):
    archived = make_priority(partnership, title="Old priority", is_archived=True)
    assert list(client.get(reverse("priority_list")).context["priorities"]) == [priority]
    assert list(client.get(reverse("priority_list"), {"archived": "archived"}).context["priorities"]) == [archived]
    assert len(client.get(reverse("priority_list"), {"archived": "all"}).context["priorities"]) == 2


def test_filter_by_partnership(client, priority):
    other = make_priority(make_partnership(slug="chorley"), title="Chorley priority")
    response = client.get(reverse("priority_list"), {"partnership": "chorley"})
    assert list(response.context["priorities"]) == [other]


def test_filter_by_status_shows_priorities_with_such_actions_and_only_those_actions(client, priority, partnership):
    blocked = make_action(priority, description="Recycle money", status=Action.Status.BLOCKED)
    make_action(priority, description="Choose a theme")
    make_action(make_priority(partnership), description="Other")
    response = client.get(reverse("priority_list"), {"status": "blocked"})
    shown = response.context["priorities"]
    assert list(shown) == [priority]
    assert shown[0].action_list == [blocked]
    # Progress still counts every live action of the priority.
    assert "0 of 2 done" in page_text(response)


def test_filter_overdue(client, priority, partnership):
    late = make_action(priority, due_date=days(-3))
    make_action(priority, due_date=days(-3), status=Action.Status.DONE)
    make_action(make_priority(partnership), due_date=days(3))
    response = client.get(reverse("priority_list"), {"status": "overdue"})
    assert [a for p in response.context["priorities"] for a in p.action_list] == [late]


def test_filter_by_owner_organisation_or_person(client, priority, partnership):
    organisation = Organisation.objects.create(name="Lancashire County Council")
    person = make_participant(name="Ruth Ashworth", agrees_to_be_listed=True)
    by_org = make_action(priority, owner_organisation=organisation)
    other_priority = make_priority(partnership)
    by_person = make_action(other_priority, owner_participant=person)
    response = client.get(reverse("priority_list"), {"owner": f"organisation-{organisation.pk}"})
    assert [a for p in response.context["priorities"] for a in p.action_list] == [by_org]
    response = client.get(reverse("priority_list"), {"owner": f"participant-{person.pk}"})
    assert [a for p in response.context["priorities"] for a in p.action_list] == [by_person]


def test_filter_by_theme(client, priority, partnership):
    theme = Theme.objects.create(name="Reducing health inequalities")
    priority.themes.add(theme)
    make_priority(partnership)
    response = client.get(reverse("priority_list"), {"theme": theme.pk})
    assert list(response.context["priorities"]) == [priority]


def test_filter_by_framework_includes_its_parts(client, priority, partnership):
    priority.framework_tags.add(FrameworkTag.objects.get(slug="hypertension"))
    untagged = make_priority(partnership)
    local = FrameworkTag.objects.create(name="Lewisham System Intentions", slug="lewisham-si", partnership=partnership)
    untagged.framework_tags.add(local)
    response = client.get(reverse("priority_list"), {"framework": "core20plus5"})
    assert list(response.context["priorities"]) == [priority]
    response = client.get(reverse("priority_list"), {"framework": "lewisham-si"})
    assert list(response.context["priorities"]) == [untagged]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"status": "finished"}, "status"),
        ({"partnership": "nowhere"}, "partnership"),
        ({"framework": "nope"}, "framework"),
    ],
)
def test_unknown_filter_values_get_a_message_beside_the_field(client, priority, query, field):
    response = client.get(reverse("priority_list"), query)
    assert response.status_code == 200
    assert field in response.context["filter"].form.errors
    body = page_text(response)
    assert f'id="id_{field}-error"' in body and 'aria-invalid="true"' in body
    assert list(response.context["priorities"]) == []


def test_empty_states(client, db, partnership):
    assert "No priorities have been agreed yet." in page_text(client.get(reverse("priority_list")))
    make_priority(partnership)
    body = page_text(client.get(reverse("priority_list"), {"status": "blocked"}))
    assert "No priorities match these filters." in body
    body = page_text(client.get(reverse("priority_list")))
    assert "No immediate actions yet." in body and "No actions are under way yet." in body


def test_list_is_paginated(client, partnership):
    for number in range(1, 26):
        make_priority(partnership, number=number)
    assert len(client.get(reverse("priority_list")).context["priorities"]) == 20
    assert len(client.get(reverse("priority_list"), {"page": 2}).context["priorities"]) == 5


def build_plans(partnership, priorities, actions_each=10):
    """Priorities with themes, tags, owners, notes and agenda links: everything the list shows."""
    theme = Theme.objects.create(name=f"Theme for {priorities}")
    tag = FrameworkTag.objects.get(slug="core20")
    organisation = Organisation.objects.create(name=f"Owner org {priorities}")
    person = make_participant(agrees_to_be_listed=True, organisation=organisation)
    meeting = make_meeting(partnership, start=aware(2023, 10, 12))
    item = make_item(meeting)
    for _ in range(priorities):
        priority = make_priority(partnership, agreed_at=meeting)
        priority.themes.add(theme)
        priority.framework_tags.add(tag)
        priority.discussed_at.add(item)
        for index in range(actions_each):
            owner = {"owner_organisation": organisation} if index % 2 else {"owner_participant": person}
            action = make_action(
                priority,
                horizon=Action.Horizon.FUTURE if index > 6 else Action.Horizon.IMMEDIATE,
                due_date=days(-10 + index),
                status=[Action.Status.DONE, Action.Status.IN_PROGRESS, None][index % 3],
                **owner,
            )
            add_action_note(action, f"Note {index}")
            action.agenda_items.add(item)


@pytest.mark.parametrize("priorities", [3, 30])
@pytest.mark.parametrize("role", ["anonymous", "member", "staff"])
def test_list_query_count_does_not_grow_with_priorities_or_actions(
    client_for, partnership, django_assert_max_num_queries, priorities, role
):
    build_plans(partnership, priorities)
    client = client_for(role)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("priority_list"))
    shown = response.context["priorities"]
    assert len(shown) == min(priorities, 20)
    assert all(len(p.action_list) == 10 for p in shown)


@pytest.mark.parametrize("priorities", [3, 30])
def test_list_query_count_with_filters_does_not_grow(client, partnership, django_assert_max_num_queries, priorities):
    build_plans(partnership, priorities)
    with django_assert_max_num_queries(18):
        response = client.get(
            reverse("priority_list"), {"status": "done", "framework": "core20plus5", "partnership": partnership.slug}
        )
    assert len(response.context["priorities"]) == min(priorities, 20)


def test_detail_page_shows_every_note_and_status_change(client, priority):
    action = make_action(priority, description="Develop a common language", status=Action.Status.IN_PROGRESS)
    change_action_status(action, Action.Status.DONE, "Glossary published.")
    body = page_text(client.get(reverse("priority_detail", args=[priority.pk])))
    assert body.count("<h1") == 1
    assert "Priority 1: VCFS as a primary partner" in body
    assert "Glossary published." in body and "Moved to in_progress." in body
    assert "In progress → Done" in body


def test_detail_page_of_an_archived_priority_says_so(client, partnership):
    archived = make_priority(partnership, is_archived=True)
    assert "This priority is archived" in page_text(client.get(reverse("priority_detail", args=[archived.pk])))


@pytest.mark.parametrize("actions_each", [1, 10])
def test_detail_query_count_is_flat(client, partnership, django_assert_max_num_queries, actions_each):
    build_plans(partnership, 1, actions_each)
    priority = partnership.priorities.get()
    with django_assert_max_num_queries(12):
        client.get(reverse("priority_detail", args=[priority.pk]))


def test_partnership_page_shows_its_current_priorities_and_the_downloads(client, priority, partnership):
    make_action(priority, description="Shape case studies.", status=Action.Status.DONE)
    make_priority(partnership, title="Archived one", is_archived=True)
    make_priority(make_partnership(), title="Someone else's")
    body = page_text(client.get(reverse("partnership_detail", args=[partnership.slug])))
    assert 'id="priorities"' in body
    assert "Priority 1: VCFS as a primary partner" in body and "Shape case studies." in body
    assert "1 of 1 done" in body
    assert "Archived one" not in body and "Someone else's" not in body
    assert reverse("action_plan_csv", args=[partnership.slug]) in body


def test_partnership_page_without_priorities_says_so(client, partnership):
    assert "No priorities have been agreed yet." in page_text(
        client.get(reverse("partnership_detail", args=[partnership.slug]))
    )


@pytest.mark.parametrize("priorities", [3, 30])
def test_partnership_page_query_count_is_flat(client, partnership, django_assert_max_num_queries, priorities):
    build_plans(partnership, priorities)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("partnership_detail", args=[partnership.slug]))
    assert len(response.context["priorities"]) == priorities


def test_agenda_shows_the_actions_and_priorities_linked_to_each_item(client, priority, held_meeting):
    item = held_meeting.agenda_items.get()
    other_item = make_item(held_meeting, title="Any other business")
    action = make_action(priority, description="Choose 3 neighbourhoods")
    action.agenda_items.add(item)
    priority.discussed_at.add(item)
    body = page_text(client.get(reverse("meeting_detail", args=[held_meeting.pk])))
    item_html = body.split(f'id="item-{item.pk}"', 1)[1].split(f'id="item-{other_item.pk}"', 1)[0]
    assert "Choose 3 neighbourhoods" in item_html
    assert action.get_absolute_url() in item_html
    assert "Priorities discussed:" in item_html and priority.get_absolute_url() in item_html
    other_html = body.split(f'id="item-{other_item.pk}"', 1)[1]
    assert "Choose 3 neighbourhoods" not in other_html


@pytest.mark.parametrize("items", [2, 20])
def test_agenda_item_links_cost_the_same_queries_for_any_number_of_items(
    client, priority, partnership, django_assert_num_queries, items
):
    meeting = make_meeting(partnership, start=aware(2023, 10, 12))
    for _ in range(items):
        item = make_item(meeting)
        make_action(priority).agenda_items.add(item)
        priority.discussed_at.add(item)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("meeting_detail", args=[meeting.pk]))
    link_queries = [q for q in captured.captured_queries if "priorities_" in q["sql"]]
    assert len(link_queries) == 2
    assert page_text(response).count("Actions linked to this item") == items
