"""Fixtures and small factories for the priorities tests."""

import datetime
import itertools

import pytest
from django.utils import timezone

from engagement.models import Organisation, Participant
from priorities.models import Action, ActionUpdate, Priority
from priorities.services import change_action_status

_sequence = itertools.count(1)


def make_priority(partnership, **fields):
    n = next(_sequence)
    fields.setdefault("number", n)
    fields.setdefault("title", f"Priority title {n}")
    return Priority.objects.create(partnership=partnership, **fields)


def make_action(priority, **fields):
    """An action; ``status`` other than not started is reached through change_action_status, as in life."""
    status = fields.pop("status", None)
    fields.setdefault("description", f"Action {next(_sequence)}")
    action = Action.objects.create(priority=priority, **fields)
    if status and status != Action.Status.NOT_STARTED:
        change_action_status(action, status, f"Moved to {status}.")
    return action


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def priority(partnership):
    return make_priority(partnership, number=1, title="VCFS as a primary partner", description="Prove the value.")


@pytest.fixture
def owned_action(priority, member):
    """An action owned by the ``member`` fixture's participant."""
    return make_action(
        priority, description="Prove the value of the VCFS in Chorley.", owner_participant=member.participant
    )


@pytest.fixture
def org_action(priority, member):
    """An action owned by the organisation the ``member`` fixture's participant belongs to."""
    organisation = Organisation.objects.create(name="Chorley Community Connectors")
    Participant.objects.filter(user=member).update(organisation=organisation)
    return make_action(priority, description="Identify community needs", owner_organisation=organisation)


@pytest.fixture
def unowned_action(priority):
    return make_action(priority, description="Work towards an integrated system.", horizon=Action.Horizon.FUTURE)


def note_count(action):
    return ActionUpdate.objects.filter(action=action).count()
