"""Pages that list claims use a fixed number of queries, whatever the number of claims (5 vs 50)."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Meeting
from reimbursement.models import Claim, ClaimLine, ExpenseCategory, PaymentPolicy, Receipt
from tests.factories import make_partnership

from .conftest import make_policy

# Session, user, groups, and the page's own queries: the same bound at both sizes.
LIST_QUERIES = 10
QUEUE_QUERIES = 12
RUN_QUERIES = 12
SUMMARY_QUERIES = 12


def bulk_claims(user, policy, count, status, approver=None):
    """``count`` claims by ``user`` at as many meetings, each with two lines and a receipt (rows only)."""
    now = timezone.now()
    for index in range(count):
        start = now - datetime.timedelta(days=index + 1)
        meeting = Meeting.objects.create(
            partnership=policy.partnership,
            title=f"Meeting {index}",
            start=start,
            end=start + datetime.timedelta(hours=2),
        )
        attendance = Attendance.objects.create(meeting=meeting, participant=user.participant, status="attended")
        claim = Claim(
            claimant=user.participant,
            attendance=attendance,
            policy=policy,
            status=status,
            meeting_hours=Decimal("2"),
            submitted_at=now - datetime.timedelta(minutes=count - index),
            decided_by=approver if status in ("approved", "paid") else None,
            decided_at=now - datetime.timedelta(minutes=1) if status in ("approved", "paid") else None,
        )
        policy.copy_rates_to(claim)
        bus = ClaimLine(category=ExpenseCategory.PUBLIC_TRANSPORT, amount=Decimal("4.80"))
        miles = ClaimLine(category=ExpenseCategory.MILEAGE, miles=Decimal("10"), amount=Decimal("4.50"))
        claim.calculate([bus, miles])
        claim.save()
        for line in (bus, miles):
            line.claim = claim
            line.save()
        Receipt.objects.create(claim=claim, line=bus, file=f"receipts/{index:032x}.png")


@pytest.mark.parametrize("count", [5, 50])
def test_claim_list_queries_do_not_grow(client, member, policy, django_assert_max_num_queries, count):
    bulk_claims(member, policy, count, Claim.Status.SUBMITTED)
    client.force_login(member)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("claim_list"))
    assert len(response.context["claims"]) == min(count, 20)


@pytest.mark.parametrize("count", [5, 50])
def test_finance_queue_queries_do_not_grow(
    client, finance, member, other_member, policy, django_assert_max_num_queries, count
):
    bulk_claims(member, policy, count - count // 2, Claim.Status.SUBMITTED)
    bulk_claims(other_member, policy, count // 2, Claim.Status.SUBMITTED)
    client.force_login(finance)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("finance_queue"))
    assert len(response.context["claims"]) == min(count, 25)
    assert response.content.decode().count("Receipt 1<") == min(count, 25)


@pytest.mark.parametrize("count", [5, 50])
def test_payment_run_queries_do_not_grow(client, finance, member, policy, django_assert_max_num_queries, count):
    bulk_claims(member, policy, count, Claim.Status.APPROVED, approver=finance)
    client.force_login(finance)
    with django_assert_max_num_queries(RUN_QUERIES):
        response = client.get(reverse("payment_run"))
    assert len(response.context["claims"]) == count
    with django_assert_max_num_queries(RUN_QUERIES):
        response = client.get(reverse("payment_run_csv"))
    assert response.content.decode().count("\n") == count + 1


@pytest.mark.parametrize("count", [5, 50])
def test_year_summary_queries_do_not_grow(client, finance, member, policy, django_assert_max_num_queries, count):
    bulk_claims(member, policy, count, Claim.Status.APPROVED, approver=finance)
    year = policy.partnership.financial_year_of(timezone.localdate())
    client.force_login(finance)
    with django_assert_max_num_queries(SUMMARY_QUERIES):
        client.get(reverse("claim_year_summary"), {"partnership": "lewisham", "year": year})
    with django_assert_max_num_queries(SUMMARY_QUERIES):
        response = client.get(reverse("claim_year_summary_xlsx", args=["lewisham", year]))
    assert response.status_code == 200


@pytest.mark.parametrize("lines", [1, 12])
def test_claim_page_queries_do_not_grow_with_lines(client, member, policy, django_assert_max_num_queries, lines):
    bulk_claims(member, policy, 1, Claim.Status.SUBMITTED)
    claim = Claim.objects.get()
    for index in range(lines):
        line = ClaimLine.objects.create(claim=claim, category="parking", amount=Decimal("1.00"), order=index + 3)
        Receipt.objects.create(claim=claim, line=line, file=f"receipts/x{index}.png")
    client.force_login(member)
    with django_assert_max_num_queries(LIST_QUERIES):
        client.get(reverse("claim_detail", args=[claim.pk]))
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.DRAFT)
    with django_assert_max_num_queries(LIST_QUERIES):
        response = client.get(reverse("claim_edit", args=[claim.pk]))
    assert len(response.context["formset"].forms) == lines + 2 + 1  # two bulk lines, one blank


POLICY_QUERIES = 8


@pytest.mark.parametrize("count", [3, 30])
def test_policy_page_queries_do_not_grow_and_it_pages_twenty_partnerships(
    client, member, django_assert_max_num_queries, count
):
    for _ in range(count):
        partnership = make_partnership()
        make_policy(partnership)
        make_policy(partnership, name="Older", effective_from=datetime.date(2018, 4, 1))
    with_policy = PaymentPolicy.objects.values("partnership").distinct().count()
    client.force_login(member)
    with django_assert_max_num_queries(POLICY_QUERIES):
        response = client.get(reverse("claim_policy"))
    assert len(response.context["sections"]) == min(with_policy, 20)
    assert all(section["earlier"] for section in response.context["sections"])
    if with_policy > 20:
        assert 'aria-label="Pages"' in response.content.decode()
        second = client.get(reverse("claim_policy"), {"page": 2})
        assert len(second.context["sections"]) == with_policy - 20
