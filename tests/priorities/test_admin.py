"""The chair's admin: priorities with inline actions, status changes that need a note, no deleting plans."""

import pytest
from django.urls import reverse

from priorities.models import Action, ActionUpdate, Priority
from tests.factories import page_text

from .conftest import days, make_action, make_priority, note_count


def priority_post(priority, actions, **overrides):
    """POST data for the priority change form with ``actions`` as inline rows (dicts of fields)."""
    data = {
        "partnership": priority.partnership_id,
        "number": priority.number,
        "order": priority.order,
        "title": priority.title,
        "description": priority.description,
        "actions-TOTAL_FORMS": len(actions),
        "actions-INITIAL_FORMS": sum(1 for a in actions if a.get("id")),
        "actions-MIN_NUM_FORMS": 0,
        "actions-MAX_NUM_FORMS": 1000,
    }
    for index, action in enumerate(actions):
        row = {
            "priority": priority.pk,
            "horizon": "immediate",
            "order": 0,
            "description": "",
            "due_date": "",
            "status": "not_started",
            "status_note": "",
            **action,
        }
        data.update({f"actions-{index}-{key}": value for key, value in row.items()})
    data.update(overrides)
    return data


def existing_row(action, **changes):
    return {
        "id": action.pk,
        "horizon": action.horizon,
        "order": action.order,
        "description": action.description,
        "status": action.status,
        **changes,
    }


@pytest.mark.parametrize(
    "role, status", [("anonymous", 302), ("member", 302), ("staff", 200), ("chair", 200), ("finance", 403)]
)
def test_priority_admin_permission_matrix(client_for, priority, role, status):
    # Members are not staff users, so the admin sends them to its login page.
    assert client_for(role).get(reverse("admin:priorities_priority_changelist")).status_code == status


def test_staff_may_view_but_not_change_priorities(client_for, priority):
    client = client_for("staff")
    assert client.get(reverse("admin:priorities_priority_change", args=[priority.pk])).status_code == 200
    assert client.get(reverse("admin:priorities_priority_add")).status_code == 403


def test_chair_pages_in_the_admin_open(client_for, priority):
    action = make_action(priority, status=Action.Status.IN_PROGRESS)
    client = client_for("chair")
    for url in [
        reverse("admin:priorities_priority_changelist"),
        reverse("admin:priorities_priority_changelist") + "?q=VCFS&is_archived__exact=0",
        reverse("admin:priorities_priority_add"),
        reverse("admin:priorities_priority_change", args=[priority.pk]),
        reverse("admin:priorities_action_changelist"),
        reverse("admin:priorities_action_change", args=[action.pk]),
        reverse("admin:priorities_frameworktag_changelist"),
    ]:
        assert client.get(url).status_code == 200, url


def test_changelist_shows_progress(client_for, priority):
    make_action(priority, status=Action.Status.DONE)
    make_action(priority)
    body = page_text(client_for("chair").get(reverse("admin:priorities_priority_changelist")))
    assert "1 of 2 done" in body


def test_chair_adds_actions_inline(client_for, priority):
    data = priority_post(
        priority,
        [
            {"description": "Choose 3 neighbourhoods", "order": 1, "due_date": days(30).isoformat()},
            {"description": "Roll out recommendations", "horizon": "future", "order": 1},
        ],
    )
    response = client_for("chair").post(reverse("admin:priorities_priority_change", args=[priority.pk]), data)
    assert response.status_code == 302
    assert list(priority.actions.order_by("horizon").values_list("description", "horizon")) == [
        ("Roll out recommendations", "future"),
        ("Choose 3 neighbourhoods", "immediate"),
    ]


def test_inline_status_change_without_a_note_is_refused_and_changes_nothing(client_for, priority):
    action = make_action(priority, description="Choose a theme")
    data = priority_post(priority, [existing_row(action, status="blocked", description="Choose a theme, changed")])
    response = client_for("chair").post(reverse("admin:priorities_priority_change", args=[priority.pk]), data)
    assert response.status_code == 200
    assert "Say why the status is changing." in page_text(response)
    action.refresh_from_db()
    assert (action.status, action.description) == ("not_started", "Choose a theme")
    assert note_count(action) == 0


def test_inline_status_change_with_a_note_is_recorded(client_for, priority, chair):
    action = make_action(priority, description="Choose a theme")
    data = priority_post(priority, [existing_row(action, status="blocked", status_note="Waiting for the ICB.")])
    response = client_for("chair").post(reverse("admin:priorities_priority_change", args=[priority.pk]), data)
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "blocked"
    update = action.updates.get()
    assert (update.status_from, update.status_to, update.note, update.author) == (
        "not_started",
        "blocked",
        "Waiting for the ICB.",
        chair,
    )


def test_new_inline_action_that_starts_blocked_needs_a_note(client_for, priority):
    data = priority_post(priority, [{"description": "Recycle money", "status": "blocked"}])
    response = client_for("chair").post(reverse("admin:priorities_priority_change", args=[priority.pk]), data)
    assert response.status_code == 200
    assert not priority.actions.exists()


@pytest.mark.parametrize(
    "row, message",
    [
        ({"description": "   ", "due_date": days(3).isoformat()}, "This field is required."),
        ({"description": "Choose a theme", "due_date": "1999-12-31"}, "far outside the partnership&#x27;s life"),
        (
            {"description": "Choose a theme", "due_date": days(4000).isoformat()},
            "far outside the partnership&#x27;s life",
        ),
    ],
)
def test_bad_inline_input_gets_a_message_and_saves_nothing(client_for, priority, row, message):
    data = priority_post(priority, [row])
    response = client_for("chair").post(reverse("admin:priorities_priority_change", args=[priority.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not priority.actions.exists()


def test_duplicate_priority_number_gets_a_message(client_for, priority):
    data = priority_post(priority, [], number=1, title="Second")
    response = client_for("chair").post(reverse("admin:priorities_priority_add"), data)
    assert response.status_code == 200
    assert "already has a priority with this number" in page_text(response)
    assert Priority.objects.count() == 1


def test_priority_with_actions_has_no_delete_in_the_admin(client_for, priority):
    make_action(priority)
    client = client_for("chair")
    response = client.get(reverse("admin:priorities_priority_delete", args=[priority.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:priorities_priority_change", args=[priority.pk])
    assert "has actions, so it cannot be deleted" in page_text(response)
    response = client.post(reverse("admin:priorities_priority_delete", args=[priority.pk]), {"post": "yes"})
    assert response.status_code == 302
    change_page = page_text(client.get(reverse("admin:priorities_priority_change", args=[priority.pk])))
    assert "cannot be deleted" in change_page
    assert reverse("admin:priorities_priority_delete", args=[priority.pk]) not in change_page
    assert Priority.objects.filter(pk=priority.pk).exists()


def test_bulk_delete_of_priorities_with_actions_is_refused_with_a_message(client_for, priority, partnership):
    make_action(priority)
    empty = make_priority(partnership)
    response = client_for("chair").post(
        reverse("admin:priorities_priority_changelist"),
        {"action": "delete_selected", "_selected_action": [priority.pk, empty.pk], "post": "yes"},
        follow=True,
    )
    assert Priority.objects.filter(pk=priority.pk).exists()
    body = page_text(response)
    assert "Cannot delete priorities" in body and "protected related objects" in body


def test_priority_without_actions_can_be_deleted_by_the_chair(client_for, priority):
    response = client_for("chair").post(
        reverse("admin:priorities_priority_delete", args=[priority.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Priority.objects.exists()


def test_archive_action(client_for, priority):
    make_action(priority)
    client_for("chair").post(
        reverse("admin:priorities_priority_changelist"), {"action": "archive", "_selected_action": [priority.pk]}
    )
    priority.refresh_from_db()
    assert priority.is_archived


def test_action_admin_status_change_needs_a_note_and_records_it(client_for, priority, chair):
    action = make_action(priority, description="Choose a theme")
    url = reverse("admin:priorities_action_change", args=[action.pk])
    base = {
        "priority": priority.pk,
        "horizon": "immediate",
        "order": 0,
        "description": "Choose a theme",
        "status": "done",
        "updates-TOTAL_FORMS": 0,
        "updates-INITIAL_FORMS": 0,
        "updates-MIN_NUM_FORMS": 0,
        "updates-MAX_NUM_FORMS": 1000,
    }
    client = client_for("chair")
    response = client.post(url, base)
    assert response.status_code == 200 and "Say why the status is changing." in page_text(response)
    action.refresh_from_db()
    assert action.status == "not_started"
    response = client.post(url, {**base, "status_note": "Theme chosen with the neighbourhoods."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    assert action.updates.get().author == chair


def test_progress_note_added_inline_on_an_action_records_its_author(client_for, priority, chair):
    action = make_action(priority, description="Choose a theme")
    data = {
        "priority": priority.pk,
        "horizon": "immediate",
        "order": 0,
        "description": "Choose a theme",
        "status": "not_started",
        "updates-TOTAL_FORMS": 1,
        "updates-INITIAL_FORMS": 0,
        "updates-MIN_NUM_FORMS": 0,
        "updates-MAX_NUM_FORMS": 1000,
        "updates-0-date": days(0).isoformat(),
        "updates-0-note": "Met the three neighbourhoods.",
    }
    response = client_for("chair").post(reverse("admin:priorities_action_change", args=[action.pk]), data)
    assert response.status_code == 302
    update = ActionUpdate.objects.get(action=action)
    assert (update.note, update.author, update.status_to) == ("Met the three neighbourhoods.", chair, "")
