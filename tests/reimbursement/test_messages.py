"""Claimants are told when a claim is sent back (with the reason), approved and paid (with the date)."""

import pytest
from django.utils import timezone

from notifications.models import Kind, Notification
from notifications.outbox import set_preference
from reimbursement import services
from reimbursement.models import Claim

from .conftest import make_claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(policy, recent_meeting, member):
    return make_claim(member, recent_meeting, Claim.Status.SUBMITTED)


def test_a_claim_sent_back_tells_the_claimant_why(submitted, finance, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_claim(submitted.pk, by=finance, reason="The bus receipt is for another day.")
    (email,) = mailoutbox
    assert email.to == ["Mina Member <mina@example.org>"]
    assert email.subject == "Your claim has been sent back: Partnership meeting"
    assert "The bus receipt is for another day." in email.body
    assert f"https://portal.example.org/claims/{submitted.pk}/" in email.body
    assert "List-Unsubscribe" not in email.extra_headers  # a decision: a person must get it


def test_approved_then_paid_with_the_date_each_once(submitted, finance, mailoutbox, django_capture_on_commit_callbacks):
    set_preference("mina@example.org", Kind.CLAIM_DECISION, False)  # cannot be switched off
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_claim(submitted.pk, by=finance)
        services.approve_claim(submitted.pk, by=finance)  # a second click: no second email
    with django_capture_on_commit_callbacks(execute=True):
        services.pay_claim(submitted.pk, by=finance, reference="RUN-7", paid_on=timezone.localdate())
        services.pay_claim(submitted.pk, by=finance, reference="RUN-7", paid_on=timezone.localdate())
    assert [email.subject.split(":")[0] for email in mailoutbox] == [
        "Your claim has been approved",
        "Your claim has been paid",
    ]
    paid_on = timezone.localdate()
    assert f"was paid on {paid_on.day} {paid_on:%B %Y} (reference RUN-7)" in mailoutbox[1].body
    assert Notification.objects.filter(kind=Kind.CLAIM_DECISION).count() == 2


def test_nothing_is_sent_when_the_change_is_rolled_back(
    submitted, finance, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.approve_claim(submitted.pk, by=finance)
    assert len(callbacks) == 1 and mailoutbox == []  # only queued once the transaction commits
