"""How a policy's rates become money: by the hour, half and full days, preparation, mileage, declining, rounding."""

from decimal import Decimal

import pytest

from reimbursement import services
from reimbursement.models import Claim, ExpenseCategory, PaymentPolicy, TimeBasis, money

from .conftest import bus, make_claim, make_policy, mileage

D = Decimal


def rates(**fields):
    """An unsaved policy: the arithmetic needs no database."""
    defaults = {
        "time_basis": TimeBasis.HOURLY,
        "hourly_rate": D("25.00"),
        "half_day_amount": D("75.00"),
        "full_day_amount": D("150.00"),
        "half_day_hours": D("4"),
        "preparation_paid": True,
        "preparation_cap_hours": D("2"),
        "mileage_rate": D("0.45"),
        "passenger_rate": D("0.05"),
        "receipt_threshold": D("0"),
    }
    defaults.update(fields)
    return PaymentPolicy(**defaults)


@pytest.mark.parametrize(
    "hours, preparation, expected",
    [("2", "0", "50.00"), ("2", "1", "75.00"), ("1.5", "0", "37.50"), ("2", "5", "100.00"), ("0", "0", "0.00")],
)
def test_hourly_rate_pays_meeting_and_capped_preparation(hours, preparation, expected):
    assert rates().involvement_payment(D(hours), D(preparation)) == D(expected)


def test_preparation_is_not_paid_when_the_policy_says_so():
    assert rates(preparation_paid=False).involvement_payment(D("2"), D("2")) == D("50.00")


@pytest.mark.parametrize(
    "hours, preparation, expected",
    [("1", "0", "75.00"), ("2", "2", "75.00"), ("4", "0", "75.00"), ("4.25", "0", "150.00"), ("6", "2", "150.00")],
)
def test_session_pays_a_half_day_up_to_four_hours_and_a_full_day_above(hours, preparation, expected):
    assert rates(time_basis=TimeBasis.SESSION).involvement_payment(D(hours), D(preparation)) == D(expected)


@pytest.mark.parametrize(
    "hours, preparation, expected",
    [("1", "0", "25.00"), ("2", "0", "50.00"), ("2", "2", "75.00"), ("5", "0", "125.00"), ("7", "2", "150.00")],
)
def test_hourly_up_to_session_pays_the_lesser(hours, preparation, expected):
    card = rates(time_basis=TimeBasis.HOURLY_UP_TO_SESSION)
    assert card.involvement_payment(D(hours), D(preparation)) == D(expected)


def test_declined_payment_pays_nothing_for_time():
    assert rates().involvement_payment(D("3"), D("1"), declined=True) == D("0.00")


@pytest.mark.parametrize(
    "miles, passengers, expected",
    [
        ("10", 0, "4.50"),
        ("10", 1, "5.00"),
        ("10", 2, "5.50"),
        ("8.4", 1, "4.20"),
        ("0.1", 0, "0.05"),
        ("3.3", 0, "1.49"),
    ],
)
def test_mileage_is_miles_at_the_rate_plus_the_passenger_supplement_rounded_half_up(miles, passengers, expected):
    # 0.1 x 0.45 = 0.045 -> 0.05 (half up, not banker's 0.04); 3.3 x 0.45 = 1.485 -> 1.49.
    assert rates().mileage_amount(D(miles), passengers) == D(expected)


def test_hourly_rate_rounds_half_up_at_the_line():
    # 0.25 h at £10.10 = £2.525, which is £2.53 half-up (banker's rounding would say £2.52).
    assert rates(hourly_rate=D("10.10")).involvement_payment(D("0.25")) == D("2.53")
    assert money(D("2.525")) == D("2.53") and money(D("2.535")) == D("2.54")


def test_receipts_are_needed_above_the_threshold_but_never_for_mileage():
    card = rates(receipt_threshold=D("5.00"))
    assert card.needs_receipt(ExpenseCategory.PUBLIC_TRANSPORT, D("5.01"))
    assert not card.needs_receipt(ExpenseCategory.PUBLIC_TRANSPORT, D("5.00"))
    assert not card.needs_receipt(ExpenseCategory.MILEAGE, D("500"))


def test_time_rates_in_words():
    assert rates().time_rates_text() == "£25.00 an hour"
    assert rates(time_basis=TimeBasis.SESSION).time_rates_text() == (
        "£75.00 for a half day (up to 4 hours), £150.00 for a full day"
    )


def test_claim_total_is_the_sum_of_rounded_lines(member, partnership, finance):
    from .conftest import held_meeting_days_ago

    make_policy(partnership, time_basis=TimeBasis.HOURLY, hourly_rate=D("10.10"))
    meeting = held_meeting_days_ago(partnership, 2)
    # Three mileage lines of 0.1 mile: each 0.045 -> 0.05, so 0.15 (not round(0.135) = 0.14).
    claim = make_claim(member, meeting, hours="0.25", lines=[mileage("0.1"), mileage("0.1"), mileage("0.1")])
    assert [line.amount for line in claim.lines.all()] == [D("0.05")] * 3
    assert claim.time_payment == D("2.53")
    assert claim.expenses_total == D("0.15")
    assert claim.total == D("2.68")


def test_declined_claim_still_pays_expenses(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, hours="2", declined=True, lines=[bus("4.80"), mileage("10", 1)])
    assert claim.time_payment == D("0.00")
    assert claim.expenses_total == D("9.80")
    assert claim.total == D("9.80")


def test_a_new_policy_never_changes_an_old_claim(member, partnership, recent_meeting, finance):
    import datetime

    from django.utils import timezone

    old = make_policy(partnership, time_basis=TimeBasis.HOURLY, hourly_rate=D("20.00"))
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, hours="2", by=finance)
    assert claim.policy == old and claim.time_payment == D("40.00")
    # A newer policy from today, and a correction to the old policy's rate afterwards:
    make_policy(partnership, effective_from=timezone.localdate() + datetime.timedelta(days=1), hourly_rate=D("30"))
    PaymentPolicy.objects.filter(pk=old.pk).update(hourly_rate=D("99.00"))
    claim.refresh_from_db()
    assert claim.policy == old and claim.hourly_rate == D("20.00") and claim.total == D("44.80")
    assert services.approval_problems(claim) == []


def test_the_policy_in_force_on_the_meeting_date_applies(member, partnership):
    import datetime

    from .conftest import held_meeting_days_ago

    meeting = held_meeting_days_ago(partnership, 5)
    make_policy(partnership, effective_from=datetime.date(2020, 1, 1), name="Old", hourly_rate=D("10"))
    current = make_policy(partnership, effective_from=meeting.local_date, name="Current", hourly_rate=D("20"))
    make_policy(partnership, effective_from=meeting.local_date + datetime.timedelta(days=1), name="Later")
    claim = make_claim(member, meeting, lines=[])
    assert claim.policy == current
