"""Hostile values typed into forms, where they used to go around the form's checks: a message, never a 500.

- The walk-in form looked people up with the raw name and email before validating them: a NUL
  byte reached PostgreSQL.
- ``forms.DecimalField`` reads "sNaN" as a signalling NaN, which raises as soon as it is compared
  with an existing expense line's amount or miles (the formset asks each line ``has_changed``).
"""

from decimal import Decimal

import pytest
from django import forms
from django.urls import reverse

from engagement.models import Participant
from meetings.models import Attendance, Meeting
from reimbursement.models import ClaimLine
from tests.factories import make_meeting
from tests.reimbursement.conftest import bus, held_meeting_days_ago, make_claim, make_policy, mileage

pytestmark = pytest.mark.django_db

SIGNALLING = ["sNaN", "NaN", "-sNaN", "Infinity", "-inf", "sNaN123"]


def submitted(response, *names):
    """What the browser would send back from the forms and formsets ``names`` of the page's context."""
    data = {}
    for name in names:
        rendered = response.context[name]
        if hasattr(rendered, "management_form"):
            every_form = [rendered.management_form, *rendered.forms]
        else:
            every_form = [getattr(rendered, "form", rendered)]
        for form in every_form:
            for field in form:
                value = field.value()
                if isinstance(field.field, forms.FileField) or value is None:
                    continue
                if isinstance(field.field, forms.BooleanField):
                    if value:
                        data[field.html_name] = "on"
                    continue
                data[field.html_name] = value
    return data


@pytest.fixture
def walk_in_url(partnership):
    meeting = make_meeting(partnership, title="Held", status=Meeting.Status.HELD)
    return reverse("meeting_walk_in", args=[meeting.pk])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Ann\x00Walker"),
        ("name", "\x00"),
        ("name", "A" * 5000),
        ("email", "ann\x00@example.org"),
        ("email", "ann@example.org\x00"),
        ("email", "a" * 300 + "@example.org"),
    ],
)
def test_a_hostile_walk_in_name_or_email_is_refused_beside_the_field(client_for, walk_in_url, field, value):
    data = {"name": "Ann Walker", "email": "", "mode": Attendance.Mode.IN_PERSON, field: value}
    before = Participant.objects.count()
    response = client_for("staff").post(walk_in_url, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Participant.objects.count() == before
    assert not Attendance.objects.exists()


@pytest.fixture
def draft_with_two_lines(member, partnership):
    make_policy(partnership)
    meeting = held_meeting_days_ago(partnership, 3, title="Partnership meeting")
    return make_claim(member, meeting, lines=[bus("4.80"), mileage("10")])


@pytest.mark.parametrize("value", SIGNALLING)
@pytest.mark.parametrize(("index", "field"), [(0, "amount"), (1, "miles")])
def test_a_not_a_number_in_an_existing_expense_line_is_a_message_not_a_server_error(
    client, member, draft_with_two_lines, index, field, value
):
    client.force_login(member)
    url = reverse("claim_edit", args=[draft_with_two_lines.pk])
    data = submitted(client.get(url), "form", "formset")
    assert (data["lines-0-amount"], data["lines-1-miles"]) == (Decimal("4.80"), Decimal("10.0"))  # as shown
    data[f"lines-{index}-{field}"] = value
    before = sorted(ClaimLine.objects.values_list("category", "amount", "miles"))
    response = client.post(url, {**data, "action": "save"})
    assert response.status_code == 200
    assert "Enter a number." in response.context["formset"].forms[index].errors[field]
    assert sorted(ClaimLine.objects.values_list("category", "amount", "miles")) == before
