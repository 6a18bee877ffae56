"""Every date a person types is between 1900 and 2100, in every site form and every back-office form.

``decided_on=0001-01-01`` used to be accepted and published as "1 January 0001". The rule is one
validator (``engagement.validators.validate_typed_date``) on the model fields, so model forms and
the admin check it, and on the few plain form fields. The guards below find any date field that
does not carry it; the form tests send 0001-01-01 and 9999-12-31 to each date of each form.
"""

import contextlib
import datetime
import importlib

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from engagement.validators import TYPED_DATE_MESSAGE, validate_typed_date
from meetings.models import AgendaItem, Meeting, Response
from priorities.models import ActionUpdate
from tests.factories import make_item, page_text

pytestmark = pytest.mark.django_db

APPS = ["engagement", "meetings", "priorities", "reimbursement"]
UNBELIEVABLE = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
DATE_FIELDS = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def typed_date_fields():
    """Every date a person can type into a model: editable DateField and DateTimeField of the apps."""
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue  # django-simple-history's copies: written by the history, never typed
            for field in model._meta.get_fields():
                if isinstance(field, models.DateField) and field.editable and not field.auto_created:
                    yield f"{model._meta.label}.{field.name}", field


def project_forms():
    """Every form class the apps define."""
    for label in APPS:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{label}.forms")
    seen, todo = set(), [forms.BaseForm]
    while todo:
        for subclass in todo.pop().__subclasses__():
            if subclass not in seen:
                seen.add(subclass)
                todo.append(subclass)
    return sorted(
        (form for form in seen if form.__module__.split(".")[0] in APPS), key=lambda f: f"{f.__module__}.{f.__name__}"
    )


def test_every_typed_date_of_every_model_is_checked():
    fields = dict(typed_date_fields())
    assert "meetings.Response.decided_on" in fields  # the guard sees the field the issue found
    unchecked = sorted(name for name, field in fields.items() if validate_typed_date not in field.validators)
    assert not unchecked, f"add validators=[validate_typed_date] to: {unchecked}"


def test_every_date_field_a_form_declares_itself_is_checked():
    """Model forms get the model's validator; a date field a form declares itself needs its own."""
    found, unchecked = [], []
    for form in project_forms():
        for name, field in getattr(form, "declared_fields", {}).items():
            if isinstance(field, DATE_FIELDS):
                found.append(f"{form.__name__}.{name}")
                if validate_typed_date not in field.validators:
                    unchecked.append(f"{form.__module__}.{form.__name__}.{name}")
    assert {"ProgressNoteForm.date", "PaymentRunForm.paid_on"} <= set(found)
    assert not unchecked, f"add validators=[validate_typed_date] to: {unchecked}"


def back_office_forms():
    """(name, form class) of every admin page and inline of the apps, as an operator sees them."""
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        yield model._meta.label, model_admin.get_form(request)
        for inline in model_admin.get_inline_instances(request):
            yield f"{model._meta.label} > {inline.model._meta.label}", inline.get_formset(request).form


def date_data(name, field, value):
    if isinstance(field, forms.SplitDateTimeField):
        return {f"{name}_0": value, f"{name}_1": "10:00"}
    return {name: f"{value} 10:00" if isinstance(field, forms.DateTimeField) else value}


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_every_back_office_date_refuses_an_unbelievable_year(value):
    checked, wrong = [], []
    for page, form_class in back_office_forms():
        for name, field in form_class.base_fields.items():
            if not isinstance(field, DATE_FIELDS):
                continue
            form = form_class(data=date_data(name, field, value))
            checked.append(f"{page}.{name}")
            if TYPED_DATE_MESSAGE not in form.errors.get(name, []):
                wrong.append(f"{page}.{name}: {form.errors.get(name)}")
    assert {"meetings.Meeting.start", "meetings.Response.decided_on", "reimbursement.PaymentPolicy.effective_from"} <= {
        name.split(" > ")[-1] for name in checked
    }
    assert not wrong, wrong


@pytest.mark.parametrize("value", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_days_are_accepted(value):
    day = datetime.date.fromisoformat(value)
    validate_typed_date(day)
    validate_typed_date(datetime.datetime.combine(day, datetime.time(23, 59)))


# --- The site's own forms, end to end -------------------------------------------------------------


@pytest.fixture
def item(held_meeting):
    return AgendaItem.objects.get(meeting=held_meeting)


@pytest.mark.parametrize("value", UNBELIEVABLE)
@pytest.mark.parametrize("field", ["decided_on", "reported_back_on"])
def test_we_did_refuses_an_unbelievable_date_and_publishes_nothing(client_for, item, field, value):
    data = {
        "what_we_did": "We moved the meeting to a step-free venue.",
        "decided_by": "The board",
        "decided_on": "2024-01-10",
        "changed": Response.Changed.DECISION,
        "status": Response.Status.DONE,
        field: value,
    }
    response = client_for("staff").post(reverse("record_response", args=[item.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    # 0001 as the report-back date is also before the decision, which is said first.
    assert TYPED_DATE_MESSAGE in errors or errors == ["People cannot hear back before the decision was made."]
    assert not Response.objects.exists()
    assert "0001" not in page_text(client_for("anonymous").get(reverse("you_said_we_did")))


@pytest.mark.parametrize("value", UNBELIEVABLE)
def test_a_progress_note_refuses_an_unbelievable_date(client_for, held_meeting, value):
    from priorities.models import Action, Priority

    priority = Priority.objects.create(partnership=held_meeting.partnership, number=1, title="Access")
    action = Action.objects.create(priority=priority, description="Map the venues")
    response = client_for("staff").post(
        reverse("action_note_new", args=[action.pk]), {"note": "Venues mapped.", "date": value}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert not ActionUpdate.objects.exists()


@pytest.mark.parametrize("value", UNBELIEVABLE)
def test_a_payment_run_refuses_an_unbelievable_date_paid(client_for, value):
    response = client_for("finance").post(
        reverse("payment_run"),
        {"reference": "RUN-9", "paid_on": value, "approved_before": "2024-01-01T10:00:00+00:00"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["paid_on"]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_the_chair_cannot_date_a_meeting_outside_1900_to_2100_in_the_back_office(client, partnership, value):
    operator = User.objects.create_superuser("operator", "operator@example.org", "x")
    client.force_login(operator)
    data = {
        "partnership": partnership.pk,
        "title": "Year 1 review",
        "start_0": value,
        "start_1": "10:00",
        "end_0": value,
        "end_1": "12:00",
        "format": Meeting.Format.IN_PERSON,
        "status": Meeting.Status.SCHEDULED,
    }
    for prefix in ("agenda_items", "papers", "attendances"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(reverse("admin:meetings_meeting_add"), data)
    assert response.status_code == 200
    assert TYPED_DATE_MESSAGE in response.context["adminform"].form.errors["start"]
    assert not Meeting.objects.exists()


def test_a_believable_we_did_is_still_published(client_for, item):
    make_item(item.meeting, title="Another")
    data = {
        "what_we_did": "We moved the meeting to a step-free venue.",
        "decided_by": "The board",
        "decided_on": "2024-01-10",
        "changed": Response.Changed.DECISION,
        "status": Response.Status.DONE,
    }
    assert client_for("staff").post(reverse("record_response", args=[item.pk]), data).status_code == 302
    assert "10 January 2024" in page_text(client_for("anonymous").get(reverse("you_said_we_did")))
