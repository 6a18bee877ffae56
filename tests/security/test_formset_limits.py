"""No worker tied up by a form: a formset's posted TOTAL_FORMS above its maximum builds no form at all.

Django builds min(TOTAL_FORMS, absolute_max) forms before it says there were too many, and
absolute_max defaults to max_num + 1,000 (2,000 for an inline without a maximum). The claim
lines' own tests are in tests/reimbursement/test_claiming.py.
"""

import pytest
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.urls import reverse

from engagement.formsets import BoundedFormSetMixin
from meetings.admin.meetings import AgendaItemInlineForm
from meetings.models import AgendaItem, Meeting
from tests.factories import make_item

HUGE = "100000000"


@pytest.fixture
def forms_built(monkeypatch):
    """How many forms of each class were built from posted data: {form class: count}.

    (A page shown again builds unbound blank forms for its "add another" template: not counted.)
    """
    built = {}

    def counting(form_class):
        original = form_class.__init__

        def init(self, *args, **kwargs):
            original(self, *args, **kwargs)
            if self.is_bound:
                built[form_class] = built.get(form_class, 0) + 1

        monkeypatch.setattr(form_class, "__init__", init)

    counting(AgendaItemInlineForm)
    return built


def test_an_agenda_posted_with_a_huge_form_count_builds_no_item_form(client, chair, meeting, forms_built):
    make_item(meeting, title="Welcome")
    client.force_login(chair)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    from tests.meetings.test_admin import submitted_form

    data = submitted_form(client.get(url))
    forms_built.clear()
    data["agenda_items-TOTAL_FORMS"] = HUGE
    response = client.post(url, data)
    assert response.status_code == 200  # the change form again, with the error
    assert forms_built.get(AgendaItemInlineForm, 0) == 0
    errors = [str(e) for inline in response.context["inline_admin_formsets"] for e in inline.formset.non_form_errors()]
    assert any("Please submit at most" in e for e in errors)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    assert Meeting.objects.get(pk=meeting.pk).title == meeting.title


def inlines():
    for model_admin in admin.site._registry.values():
        for inline in model_admin.inlines:
            yield pytest.param(inline, id=f"{type(model_admin).__name__}.{inline.__name__}")


@pytest.mark.parametrize("inline", list(inlines()))
def test_every_admin_inline_has_a_bounded_formset_and_a_maximum(inline):
    assert issubclass(inline, InlineModelAdmin)
    assert issubclass(inline.formset, BoundedFormSetMixin), "use engagement.formsets.BoundedInlineFormSet"
    assert inline.max_num is not None, "say how many rows an inline may add"
