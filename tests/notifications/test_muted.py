"""Loading the demo tells no one: no outbox row and no email, claim decisions included."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from engagement.notifications.models import Notification
from engagement.roles import FINANCE
from meetings.signals import muted
from reimbursement import services
from reimbursement.models import Claim
from tests.factories import make_user
from tests.reimbursement.conftest import held_meeting_days_ago, make_claim, make_policy, receipts_in_tmp  # noqa: F401

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=True)  # load_demo refuses to run with DEBUG off
def test_loading_the_demo_writes_no_message_and_sends_none(mailoutbox, committed):
    with committed():
        call_command("load_demo", stdout=io.StringIO())
    assert Claim.objects.filter(status__in=["approved", "rejected", "paid"]).count() == 5  # decided, yet untold
    assert not Notification.objects.exists()
    assert mailoutbox == []


@pytest.fixture
def submitted(partnership, member):
    make_policy(partnership)
    return make_claim(member, held_meeting_days_ago(partnership, 3, title="Spring forum"), Claim.Status.SUBMITTED)


def test_a_claim_decided_while_muted_is_not_told_even_when_it_commits_later(
    submitted, finance, partnership, mailoutbox, committed
):
    with committed():
        with muted():
            services.approve_claim(submitted.pk, by=finance)
    assert Claim.objects.get(pk=submitted.pk).status == Claim.Status.APPROVED
    assert mailoutbox == [] and not Notification.objects.exists()
    payer = make_user("payer", FINANCE, is_staff=True, partnership=partnership)
    with committed():  # outside muted(), the next decision is told as ever
        services.pay_claim(submitted.pk, by=payer, reference="RUN-1", paid_on=datetime.date(2026, 11, 30))
    (told,) = Notification.objects.filter(kind="claim_decision")
    assert told.subject == "Your claim is paid: Spring forum" and len(mailoutbox) == 1
