"""Priority, Action and ActionUpdate rules: constraints, status changes, delete protection."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from engagement.models import Organisation
from priorities.models import Action, ActionUpdate, FrameworkTag, Priority
from priorities.services import add_action_note, change_action_status
from tests.factories import make_partnership, make_user

from .conftest import days, make_action, make_priority, note_count


def test_core20plus5_tags_are_seeded_with_five_adult_and_five_children_areas(db):
    framework = FrameworkTag.objects.get(slug="core20plus5")
    assert framework.name == "CORE20PLUS5"
    parts = framework.parts.all()
    assert {t.name for t in parts if t.kind == FrameworkTag.Kind.POPULATION} == {"Core20", "PLUS groups"}
    adult = {t.name for t in parts if t.kind == FrameworkTag.Kind.ADULT_AREA}
    assert adult == {
        "Maternity",
        "Severe mental illness",
        "Chronic respiratory disease",
        "Early cancer diagnosis",
        "Hypertension",
    }
    children = [t.name for t in parts if t.kind == FrameworkTag.Kind.CHILDREN_AREA]
    assert len(children) == 5 and "Oral health (children)" in children


def test_priority_number_is_unique_within_a_partnership(priority):
    duplicate = Priority(partnership=priority.partnership, number=1, title="Another")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has a priority with this number" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_two_partnerships_may_each_have_a_priority_1(priority):
    other = make_priority(make_partnership(), number=1)
    assert other.pk and other.number == priority.number


def test_action_needs_a_description(priority):
    action = Action(priority=priority, description="   ")
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "description" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(priority=priority, description="")


@pytest.mark.parametrize("due", [datetime.date(1999, 12, 31), datetime.date(1066, 10, 14), days(365 * 11)])
def test_due_date_far_outside_the_partnerships_life_is_rejected_with_a_field_message(priority, due):
    action = Action(priority=priority, description="Choose a theme", due_date=due)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert any("far outside the partnership's life" in message for message in error.value.message_dict["due_date"])


def test_due_date_before_2000_is_refused_by_the_database_too(priority):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(priority=priority, description="Choose a theme", due_date=datetime.date(1999, 1, 1))


def test_done_action_with_a_past_due_date_is_fine_and_not_overdue(priority):
    action = make_action(priority, due_date=days(-30), status=Action.Status.DONE)
    action.full_clean()
    assert not action.is_overdue()


def test_overdue_means_past_due_and_neither_done_nor_dropped(priority):
    late = make_action(priority, due_date=days(-1), status=Action.Status.IN_PROGRESS)
    blocked = make_action(priority, due_date=days(-1), status=Action.Status.BLOCKED)
    dropped = make_action(priority, due_date=days(-1), status=Action.Status.DROPPED)
    make_action(priority, due_date=days(1))
    make_action(priority)
    assert late.is_overdue() and blocked.is_overdue() and not dropped.is_overdue()
    assert set(Action.objects.overdue()) == {late, blocked}


def test_an_action_has_at_most_one_owner(priority, member):
    organisation = Organisation.objects.create(name="Lancashire County Council")
    action = Action(
        priority=priority,
        description="Choose 3 neighbourhoods",
        owner_organisation=organisation,
        owner_participant=member.participant,
    )
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "not both" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        action.save()


def test_changing_status_without_a_note_changes_nothing(priority):
    action = make_action(priority)
    with pytest.raises(ValidationError) as error:
        change_action_status(action, Action.Status.DONE, "  ")
    assert error.value.message_dict["note"] == ["Say why the status is changing."]
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED
    assert note_count(action) == 0


def test_blocking_an_action_needs_a_note_and_keeps_it(priority):
    action = make_action(priority)
    with pytest.raises(ValidationError):
        change_action_status(action, Action.Status.BLOCKED, "")
    chair = make_user("chair-person")
    update = change_action_status(action, Action.Status.BLOCKED, "Waiting for the impact evidence.", chair)
    action.refresh_from_db()
    assert action.status == Action.Status.BLOCKED
    assert (update.status_from, update.status_to, update.author) == ("not_started", "blocked", chair)
    assert update.note == "Waiting for the impact evidence."


def test_asking_for_the_current_status_just_records_the_note(priority):
    action = make_action(priority, status=Action.Status.IN_PROGRESS)
    update = change_action_status(action, Action.Status.IN_PROGRESS, "Still going.")
    assert not update.changed_status
    assert ActionUpdate.objects.filter(action=action).count() == 2


def test_a_note_without_text_is_refused(priority):
    action = make_action(priority)
    with pytest.raises(ValidationError):
        add_action_note(action, "")
    assert note_count(action) == 0


def test_unknown_status_is_refused(priority):
    action = make_action(priority)
    with pytest.raises(ValidationError):
        change_action_status(action, "finished", "Done it")


def test_status_cannot_change_by_a_plain_save(priority):
    action = make_action(priority)
    action = Action.objects.get(pk=action.pk)
    action.status = Action.Status.DONE
    with pytest.raises(ValidationError):
        action.save()
    action.refresh_from_db()
    assert action.status == Action.Status.NOT_STARTED


def test_other_fields_still_save_normally(priority):
    action = Action.objects.get(pk=make_action(priority).pk)
    action.description = "Choose a theme"
    action.save()
    action.refresh_from_db()
    assert action.description == "Choose a theme"


def test_priority_with_actions_cannot_be_deleted_but_can_be_archived(priority):
    make_action(priority)
    with pytest.raises(ProtectedError):
        priority.delete()
    priority.is_archived = True
    priority.save()
    assert Priority.objects.current().count() == 0


def test_priority_without_actions_can_be_deleted(priority):
    priority.delete()
    assert not Priority.objects.exists()


def test_progress_counts_done_out_of_live_actions(priority):
    make_action(priority, status=Action.Status.DONE)
    make_action(priority, status=Action.Status.DONE)
    make_action(priority, status=Action.Status.IN_PROGRESS)
    make_action(priority)
    make_action(priority)
    make_action(priority, status=Action.Status.DROPPED)
    annotated = Priority.objects.with_progress().get(pk=priority.pk)
    assert (annotated.done_action_count, annotated.live_action_count) == (2, 5)


def test_latest_note_is_the_newest_by_date(priority):
    action = make_action(priority)
    add_action_note(action, "Second", date=days(-1))
    add_action_note(action, "First", date=days(-10))
    annotated = Action.objects.with_latest_note().get(pk=action.pk)
    assert annotated.latest_note == "Second" and annotated.latest_note_on == days(-1)


def test_owner_is_the_person_or_else_the_organisation(owned_action, org_action, member):
    assert owned_action.owner == member.participant
    assert org_action.owner.name == "Chorley Community Connectors"


def test_owner_name_hides_a_person_who_did_not_agree_to_be_listed(owned_action, member):
    assert owned_action.owner_name == "A partnership member"
    member.participant.agrees_to_be_listed = True
    member.participant.save()
    assert Action.objects.get(pk=owned_action.pk).owner_name == "Mina Member"


def test_actions_owned_by_a_member_are_theirs_and_their_organisations(
    owned_action, org_action, unowned_action, member, other_member
):
    assert set(Action.objects.owned_by(member)) == {owned_action, org_action}
    assert not Action.objects.owned_by(other_member).exists()


def test_staff_may_note_any_action(owned_action, unowned_action, staff_user, chair, finance):
    assert Action.objects.notable_by(staff_user).count() == 2
    assert Action.objects.notable_by(chair).count() == 2
    assert Action.objects.notable_by(finance).count() == 0
