"""The back office's history pages: readable, and nothing in them writes.

django-simple-history's "history" form view saves the old version it shows when it is
posted to, whatever the admin's own permissions say (its "revert" button is only hidden).
A paid claim posted back to its approved version would be paid again.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from simple_history.models import HistoricalChanges

from engagement.admin import ReadOnlyHistoryAdmin
from reimbursement.models import Claim
from tests.factories import make_user

from .conftest import make_claim


@pytest.fixture
def paid_claim(member, finance, policy, recent_meeting):
    return make_claim(member, recent_meeting, Claim.Status.PAID, by=finance)


def history_form_url(claim, record):
    return reverse("admin:reimbursement_claim_simple_history", args=[claim.pk, record.history_id])


@pytest.mark.parametrize("who", ["chair", "finance", "superuser"])
def test_a_forged_post_to_the_history_form_changes_nothing(client, request, paid_claim, who):
    user = make_user("root") if who == "superuser" else request.getfixturevalue(who)
    if who == "superuser":
        user.is_superuser = user.is_staff = True
        user.save()
    approved = paid_claim.history.get(status=Claim.Status.APPROVED)
    before = paid_claim.history.count()
    client.force_login(user)
    url = history_form_url(paid_claim, approved)
    # The page is there to read ...
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    # ... and a POST (a forged "Revert") is refused and writes nothing.
    response = client.post(url, {"_save": "Revert"})
    paid_claim.refresh_from_db()
    assert (paid_claim.status, paid_claim.payment_reference) == (Claim.Status.PAID, "RUN-1")
    assert paid_claim.history.count() == before
    assert response.status_code == 405


def test_the_history_list_says_view_not_revert(client, finance, paid_claim):
    client.force_login(finance)
    response = client.get(reverse("admin:reimbursement_claim_history", args=[paid_claim.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "View history" in text and "revert" not in text.lower()


def test_every_model_with_history_has_a_read_only_history_admin():
    """Today only claims keep a history; a model given one later must not bring a way to write back."""
    tracked = [model for model in apps.get_models() if hasattr(model._meta, "simple_history_manager_attribute")]
    assert Claim in tracked
    for model in tracked:
        model_admin = admin.site._registry.get(model)
        assert model_admin is None or isinstance(model_admin, ReadOnlyHistoryAdmin), model
    # No historical model is in the back office as a model of its own (it would have add and change pages).
    assert not [model for model in admin.site._registry if issubclass(model, HistoricalChanges)]
