"""The demo's policies and claims: every status on meetings the demo members attended, loaded idempotently."""

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from reimbursement import services
from reimbursement.models import Claim, PaymentPolicy, Receipt


def test_demo_has_claims_in_every_status_for_both_members(demo_data):
    claims = Claim.objects.select_related("claimant__user", "attendance__meeting")
    by_user = {}
    for claim in claims:
        by_user.setdefault(claim.claimant.user.username, set()).add(claim.status)
        assert claim.attendance.status == "attended" and claim.attendance.participant_id == claim.claimant_id
        assert claim.attendance.meeting.partnership.slug == "lewisham"
    assert by_user["member"] == {"draft", "submitted", "approved", "rejected", "paid"}
    assert {"submitted", "approved", "paid"} <= by_user["member2"]
    rejected = claims.get(status=Claim.Status.REJECTED)
    assert "receipt" in rejected.rejection_reason
    assert all(services.approval_problems(claim) == [] for claim in claims.filter(status="submitted"))


def test_demo_policies_and_their_rates(demo_data):
    policy = PaymentPolicy.objects.get(partnership__slug="lewisham", effective_from=datetime.date(2024, 4, 1))
    assert (policy.hourly_rate, policy.half_day_amount, policy.full_day_amount) == (
        Decimal("25.00"),
        Decimal("75.00"),
        Decimal("150.00"),
    )
    assert policy.preparation_cap_hours == Decimal("2.00") and policy.mileage_rate == Decimal("0.45")
    assert policy.claim_deadline_days == 30 and policy.receipt_threshold == Decimal("0.00")
    # 2023/24 meetings use the 2023/24 policy; the Year 1 Review (April 2024) the new one.
    for claim in Claim.objects.select_related("attendance__meeting", "policy"):
        expected = (
            datetime.date(2024, 4, 1)
            if claim.meeting.local_date >= datetime.date(2024, 4, 1)
            else datetime.date(2023, 4, 1)
        )
        assert claim.policy.effective_from == expected


def test_demo_history_is_dated_when_it_happened(demo_data):
    paid = Claim.objects.filter(status=Claim.Status.PAID, claimant__user__username="member").get()
    history = paid.status_history()
    assert [change.label for change in history] == ["Draft started", "Submitted", "Approved", "Paid"]
    assert all(change.at.year == 2023 for change in history)
    assert history[2].by.username == "finance" and history[3].reference == "LPP-PR-2023-06"


def test_demo_loads_twice_without_changing_anything(demo_data, settings):
    before = (Claim.objects.count(), Receipt.objects.count(), Claim.history.count(), PaymentPolicy.objects.count())
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    after = (Claim.objects.count(), Receipt.objects.count(), Claim.history.count(), PaymentPolicy.objects.count())
    assert before == after and before[0] == 9


def test_demo_pages_show_the_claims(client, demo_data):
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="finance"))
    response = client.get(reverse("finance_queue"))
    assert len(response.context["claims"]) == 3
    assert response.context["awaiting"]["count"] == 2
