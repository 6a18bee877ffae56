"""Claimants hear of each decision on their claim: sent back (with the reason), approved, paid (with the date)."""

import datetime

import pytest

from engagement.notifications.models import Notification
from engagement.notifications.services import set_preference
from reimbursement import services
from reimbursement.models import Claim
from tests.reimbursement.conftest import held_meeting_days_ago, make_claim, make_policy, receipts_in_tmp  # noqa: F401

from .conftest import html_of, to_one

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(partnership, member):
    make_policy(partnership)
    return make_claim(member, held_meeting_days_ago(partnership, 3, title="Spring forum"), Claim.Status.SUBMITTED)


def test_a_claim_sent_back_tells_the_claimant_why(submitted, finance, mailoutbox, committed):
    with committed():
        services.reject_claim(submitted.pk, by=finance, reason="The bus receipt is for another day.")
    (message,) = to_one(mailoutbox, "mina@example.org")
    assert message.subject == "Your claim was sent back: Spring forum"
    assert "The bus receipt is for another day." in message.body
    assert "The bus receipt is for another day." in html_of(message)
    assert f"https://portal.example.org/claims/{submitted.pk}/" in message.body
    # A decision a person must get: no unsubscribe.
    assert "List-Unsubscribe" not in message.extra_headers
    assert "Stop" not in message.body


def test_approved_then_paid_tells_the_claimant_twice_with_the_date(
    submitted, finance, partnership, mailoutbox, committed
):
    from tests.factories import make_user

    payer = make_user("payer", "finance", is_staff=True, partnership=partnership)
    with committed():
        services.approve_claim(submitted.pk, by=finance)
    with committed():
        services.pay_claim(submitted.pk, by=payer, reference="RUN-9", paid_on=datetime.date(2026, 11, 30))
    approved, paid = to_one(mailoutbox, "mina@example.org")
    assert approved.subject == "Your claim is approved: Spring forum"
    assert paid.subject == "Your claim is paid: Spring forum"
    assert "30 November 2026" in paid.body and "RUN-9" in paid.body


def test_deciding_twice_tells_once(submitted, finance, mailoutbox, committed):
    with committed():
        services.approve_claim(submitted.pk, by=finance)
    with committed():
        services.approve_claim(submitted.pk, by=finance)
    assert len(mailoutbox) == 1


def test_claim_decisions_cannot_be_switched_off(submitted, member, finance, mailoutbox, committed):
    assert set_preference("claim_decision", False, user_id=member.pk) is False
    with committed():
        services.approve_claim(submitted.pk, by=finance)
    assert len(mailoutbox) == 1
    assert Notification.objects.get(kind="claim_decision").status == Notification.Status.SENT


def test_a_decision_rolled_back_sends_nothing(submitted, finance, mailoutbox, committed):
    from django.db import transaction

    with committed():
        with transaction.atomic():
            services.approve_claim(submitted.pk, by=finance)
            transaction.set_rollback(True)
    assert mailoutbox == []
    assert not Notification.objects.exists()
