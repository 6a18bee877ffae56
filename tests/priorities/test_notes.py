"""The progress-note page: who may add notes, and a status change that needs a note."""

import pytest
from django.urls import reverse

from priorities.forms import ProgressNoteForm
from priorities.models import Action, ActionUpdate
from tests.factories import page_text

from .conftest import days, make_action, note_count

# The owner is the ``member`` fixture; other_member and finance own nothing.
NOTE_PAGE_STATUS = {"anonymous": 302, "member": 200, "other_member": 403, "staff": 200, "chair": 200, "finance": 403}


@pytest.mark.parametrize("role", NOTE_PAGE_STATUS)
def test_note_page_permission_matrix(client_for, owned_action, role):
    response = client_for(role).get(reverse("action_note_new", args=[owned_action.pk]))
    assert response.status_code == NOTE_PAGE_STATUS[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", NOTE_PAGE_STATUS)
def test_posting_a_note_follows_the_same_matrix(client_for, owned_action, role):
    response = client_for(role).post(reverse("action_note_new", args=[owned_action.pk]), {"note": "Progress."})
    allowed = NOTE_PAGE_STATUS[role] == 200
    assert response.status_code == (302 if allowed or role == "anonymous" else 403)
    assert note_count(owned_action) == (1 if allowed else 0)


def test_member_of_the_owning_organisation_may_add_notes(client_for, org_action):
    response = client_for("member").post(reverse("action_note_new", args=[org_action.pk]), {"note": "Met 14 groups."})
    assert response.status_code == 302
    assert org_action.updates.get().author.username == "member"


def test_member_who_owns_no_action_cannot_add_notes(client_for, unowned_action):
    client = client_for("member")
    assert client.get(reverse("action_note_new", args=[unowned_action.pk])).status_code == 403
    assert client.post(reverse("action_note_new", args=[unowned_action.pk]), {"note": "x"}).status_code == 403
    assert note_count(unowned_action) == 0


def test_unknown_action_is_404(client_for, db):
    assert client_for("staff").get(reverse("action_note_new", args=[999])).status_code == 404


def test_owner_adds_a_note_and_sees_a_success_message(client_for, owned_action):
    response = client_for("member").post(
        reverse("action_note_new", args=[owned_action.pk]), {"note": "Six case studies collected."}, follow=True
    )
    assert "Your progress note is saved." in page_text(response)
    assert "Six case studies collected." in page_text(response)
    update = ActionUpdate.objects.get(action=owned_action)
    assert update.date == days(0) and not update.changed_status


def test_status_change_with_a_note_moves_the_action(client_for, owned_action):
    response = client_for("member").post(
        reverse("action_note_new", args=[owned_action.pk]),
        {"note": "Evidence signed off.", "new_status": "done", "date": days(-1).isoformat()},
        follow=True,
    )
    assert "Status changed to “Done”" in page_text(response)
    owned_action.refresh_from_db()
    assert owned_action.status == Action.Status.DONE
    update = owned_action.updates.get()
    assert (update.status_from, update.status_to, update.date) == ("not_started", "done", days(-1))


def test_status_change_without_a_note_is_a_field_error_and_changes_nothing(client_for, owned_action):
    response = client_for("member").post(
        reverse("action_note_new", args=[owned_action.pk]), {"note": " ", "new_status": "blocked"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Say why the status is changing."]
    assert "Say why the status is changing." in page_text(response)
    owned_action.refresh_from_db()
    assert owned_action.status == Action.Status.NOT_STARTED
    assert note_count(owned_action) == 0


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"note": ""}, "note", "Write a note"),
        ({"note": "ok", "new_status": "finished"}, "new_status", "Select a valid choice"),
        ({"note": "ok", "date": "2099-01-01"}, "date", "cannot be dated in the future"),
        ({"note": "ok", "date": "1999-01-01"}, "date", "from 2000 onwards"),
        ({"note": "ok", "date": "31/02/2026"}, "date", "Enter a valid date"),
    ],
)
def test_bad_note_input_gets_a_message_beside_the_field(client_for, owned_action, data, field, message):
    response = client_for("staff").post(reverse("action_note_new", args=[owned_action.pk]), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert note_count(owned_action) == 0


def test_form_offers_only_other_statuses(owned_action):
    form = ProgressNoteForm(action=owned_action)
    values = [value for value, _ in form.fields["new_status"].choices]
    assert values[0] == "" and "not_started" not in values and "blocked" in values


def test_note_page_shows_the_action_and_its_priority(client_for, owned_action):
    body = page_text(client_for("chair").get(reverse("action_note_new", args=[owned_action.pk])))
    assert "Prove the value of the VCFS in Chorley." in body
    assert "Priority 1: VCFS as a primary partner" in body
    assert body.count("<h1") == 1


def test_list_offers_the_note_link_only_to_those_who_may_use_it(client_for, owned_action, unowned_action):
    url = reverse("action_note_new", args=[owned_action.pk])
    other_url = reverse("action_note_new", args=[unowned_action.pk])
    member_page = page_text(client_for("member").get(reverse("priority_list")))
    assert url in member_page and other_url not in member_page
    assert url not in page_text(client_for("other_member").get(reverse("priority_list")))
    assert url not in page_text(client_for("anonymous").get(reverse("priority_list")))
    staff_page = page_text(client_for("staff").get(reverse("priority_list")))
    assert url in staff_page and other_url in staff_page


def test_two_status_changes_keep_a_history(client_for, priority):
    action = make_action(priority)
    client = client_for("staff")
    url = reverse("action_note_new", args=[action.pk])
    client.post(url, {"note": "Started.", "new_status": "in_progress", "date": days(-3).isoformat()})
    client.post(url, {"note": "Finished.", "new_status": "done"})
    history = list(action.updates.values_list("status_from", "status_to"))
    assert history == [("in_progress", "done"), ("not_started", "in_progress")]
