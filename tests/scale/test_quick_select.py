"""The partnership filters render their hundreds of options without a template each (toolkit/widgets.py, issue 13)."""

import pytest
from django import forms
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe

from meetings.filters import MeetingFilter
from meetings.forms import PartnershipFilterForm, WalkInForm
from priorities.filters import PriorityFilter
from toolkit.widgets import QuickSelect

CHOICES = [
    ("", "All partnerships"),
    ("lewisham", "Lewisham Health & Care <Partners>"),
    ('a"b', mark_safe("<b>safe</b>")),
    ("Places", [("ashby", "Ashby"), ("calder", "Calder 'Vale'")]),
]


@pytest.mark.parametrize("value", ["", "lewisham", "calder", None])
def test_the_html_is_djangos(value):
    attrs = {"class": "form-select", "id": "id_partnership", "required": True, "disabled": False}
    ours = QuickSelect(choices=CHOICES).render("partnership", value, attrs)
    djangos = forms.Select(choices=CHOICES).render("partnership", value, attrs)
    SimpleTestCase().assertHTMLEqual(ours, djangos)
    assert "<Partners>" not in ours and "&lt;Partners&gt;" in ours
    assert "<b>safe</b>" in ours


def test_no_option_goes_through_the_option_template(monkeypatch):
    rendered = []
    monkeypatch.setattr(forms.Select, "_render", lambda self, *args, **kwargs: rendered.append(args) or "")
    assert 'value="ashby"' in QuickSelect(choices=CHOICES).render("partnership", "")
    assert rendered == []


@pytest.mark.django_db
def test_the_partnership_filters_use_it():
    assert isinstance(PartnershipFilterForm().fields["partnership"].widget, QuickSelect)
    assert isinstance(MeetingFilter().form.fields["partnership"].widget, QuickSelect)
    assert isinstance(PriorityFilter().form.fields["partnership"].widget, QuickSelect)
    assert isinstance(WalkInForm(user=None).fields["organisation"].widget, QuickSelect)  # a region's 600 groups
