"""The back office: policies are set by the chair; claims are read-only there, with lines, receipts and history."""

import pytest
from django.urls import reverse

from reimbursement.models import Claim, PaymentPolicy

from .test_queries import bulk_claims


def test_chair_adds_a_policy_and_finance_can_only_view_it(client, chair, finance, partnership):
    client.force_login(chair)
    assert client.get(reverse("admin:reimbursement_paymentpolicy_add")).status_code == 200
    client.force_login(finance)
    assert client.get(reverse("admin:reimbursement_paymentpolicy_add")).status_code == 403
    assert client.get(reverse("admin:reimbursement_paymentpolicy_changelist")).status_code == 200


def test_policy_without_the_rates_its_basis_needs_is_refused_beside_the_field(client, chair, partnership):
    client.force_login(chair)
    data = {
        "partnership": partnership.pk, "name": "New", "effective_from": "2026-04-01", "time_basis": "session",
        "hourly_rate": "", "half_day_amount": "", "full_day_amount": "150", "half_day_hours": "4",
        "preparation_cap_hours": "0", "mileage_rate": "0.45", "passenger_rate": "0.05", "receipt_threshold": "0",
        "claim_deadline_days": "30", "payment_route": "accounts_payable",
    }  # fmt: skip
    response = client.post(reverse("admin:reimbursement_paymentpolicy_add"), data)
    assert response.status_code == 200
    assert "half_day_amount" in response.context["adminform"].form.errors
    assert not PaymentPolicy.objects.exists()


def test_claims_are_read_only_in_the_admin(client, finance, claims):
    claim = claims["member"]
    client.force_login(finance)
    url = reverse("admin:reimbursement_claim_change", args=[claim.pk])
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'name="_save"' not in text and "Download" in text and "Public transport" in text
    assert client.post(url, {"status": "paid"}).status_code == 403
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SUBMITTED
    history = client.get(reverse("admin:reimbursement_claim_history", args=[claim.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_claim_changelist_queries_do_not_grow(client, chair, member, policy, django_assert_max_num_queries, count):
    bulk_claims(member, policy, count, Claim.Status.SUBMITTED)
    client.force_login(chair)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("admin:reimbursement_claim_changelist"))
    assert response.status_code == 200 and response.context["cl"].result_count == count


def test_staff_do_not_see_claims(client, staff_user, claims):
    client.force_login(staff_user)
    assert client.get(reverse("admin:reimbursement_claim_changelist")).status_code == 403
