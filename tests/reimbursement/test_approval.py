"""Approving, rejecting and paying: the queue, the checks, transitions that make no sense, the payment run."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.models import Participant
from meetings.models import Attendance
from reimbursement import services
from reimbursement.models import Claim
from tests.factories import page_text

from .conftest import bus, held_meeting_days_ago, make_claim, messages_of, mileage

D = Decimal


def test_queue_lists_submitted_claims_oldest_first_with_what_an_approver_needs(
    client, finance, member, other_member, policy, partnership
):
    first = make_claim(member, held_meeting_days_ago(partnership, 10, title="Tenth"), Claim.Status.SUBMITTED)
    second = make_claim(other_member, held_meeting_days_ago(partnership, 12, title="Twelfth"), Claim.Status.SUBMITTED)
    make_claim(member, held_meeting_days_ago(partnership, 5, title="A draft"))
    Attendance.objects.filter(pk=second.attendance_id).update(status=Attendance.Status.ABSENT)
    client.force_login(finance)
    response = client.get(reverse("finance_queue"))
    assert [claim.pk for claim in response.context["claims"]] == [first.pk, second.pk]
    text = page_text(response)
    assert "Tenth" in text and "Mina Member" in text and "£54.80" in text
    assert "Not verified" in text and "(absent)" in text
    receipt = first.receipts.get()
    assert reverse("receipt_download", args=[receipt.pk]) in text
    assert "A draft" not in text


def test_finance_approves_a_claim(client, finance, claims):
    claim = claims["member"]
    client.force_login(finance)
    response = client.post(reverse("claim_approve", args=[claim.pk]))
    assert response.status_code == 302 and response.url == reverse("finance_queue")
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED and claim.decided_by == finance and claim.decided_at
    assert any("approved: £54.80 for Mina Member" in m for m in messages_of(response))
    history = claim.status_history()
    assert (history[-1].label, history[-1].by) == ("Approved", finance)


def test_chair_can_approve_too(client, chair, claims):
    client.force_login(chair)
    client.post(reverse("claim_approve", args=[claims["member"].pk]))
    assert Claim.objects.get(pk=claims["member"].pk).status == Claim.Status.APPROVED


def test_approving_twice_has_no_second_effect(client, finance, chair, claims):
    claim = claims["member"]
    assert services.approve_claim(claim.pk, by=finance) is True
    client.force_login(chair)
    response = client.post(reverse("claim_approve", args=[claim.pk]))
    assert any("already been approved" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert claim.decided_by == finance
    assert claim.history.filter(status=Claim.Status.APPROVED).count() == 1


def test_nobody_approves_their_own_claim(client, finance, policy, recent_meeting):
    Participant.objects.create(name="Fran Finance", email="fran@example.org", user=finance)
    own = make_claim(finance, recent_meeting, Claim.Status.SUBMITTED)
    client.force_login(finance)
    response = client.get(reverse("claim_detail", args=[own.pk]))
    assert not response.context["can_decide"] and "another approver must decide" in page_text(response)
    response = client.post(reverse("claim_approve", args=[own.pk]))
    assert any("cannot approve your own claim" in m for m in messages_of(response))
    with pytest.raises(services.ClaimRefused, match="your own claim"):
        services.reject_claim(own.pk, by=finance, reason="Me")
    assert Claim.objects.get(pk=own.pk).status == Claim.Status.SUBMITTED


def test_approving_rechecks_the_attendance(client, finance, claims):
    claim = claims["member"]
    Attendance.objects.filter(pk=claim.attendance_id).update(status=Attendance.Status.ABSENT)
    client.force_login(finance)
    page = client.get(reverse("claim_detail", args=[claim.pk]))
    assert "The attendance record says absent, not attended." in page_text(page)
    response = client.post(reverse("claim_approve", args=[claim.pk]))
    assert any("absent, not attended" in m for m in messages_of(response))
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SUBMITTED


def test_approving_rechecks_the_policy(finance, claims, policy):
    claim = claims["member"]
    # The policy stops paying public transport after the claim was submitted.
    policy.allows_public_transport = False
    policy.save()
    with pytest.raises(services.ClaimRefused, match="Public transport is not an expense this policy pays"):
        services.approve_claim(claim.pk, by=finance)
    # A total tampered with outside the portal is caught too.
    policy.allows_public_transport = True
    policy.save()
    Claim.objects.filter(pk=claim.pk).update(total=D("500.00"))
    with pytest.raises(services.ClaimRefused, match="does not match the policy's rates"):
        services.approve_claim(claim.pk, by=finance)


def test_reject_needs_a_reason_shown_to_the_claimant(client, finance, member, claims):
    claim = claims["member"]
    client.force_login(finance)
    response = client.post(reverse("claim_reject", args=[claim.pk]), {"reason": "  "})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.SUBMITTED
    response = client.post(reverse("claim_reject", args=[claim.pk]), {"reason": "Receipt is unreadable."})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.REJECTED and claim.rejection_reason == "Receipt is unreadable."
    client.force_login(member)
    text = page_text(client.get(reverse("claim_detail", args=[claim.pk])))
    assert "Sent back: what to correct" in text and "Receipt is unreadable." in text
    assert "Sent back</strong> by finance" in text


@pytest.mark.parametrize(
    "status, action",
    [
        (Claim.Status.REJECTED, "pay"),
        (Claim.Status.SUBMITTED, "pay"),
        (Claim.Status.DRAFT, "pay"),
        (Claim.Status.DRAFT, "approve"),
        (Claim.Status.REJECTED, "approve"),
        (Claim.Status.APPROVED, "reject"),
        (Claim.Status.PAID, "reject"),
    ],
)
def test_transitions_that_make_no_sense_are_refused(member, finance, policy, recent_meeting, status, action):
    claim = make_claim(member, recent_meeting, status, by=finance)
    with pytest.raises(services.ClaimRefused, match="cannot be"):
        if action == "pay":
            services.pay_claim(claim.pk, by=finance, reference="X", paid_on=timezone.localdate())
        elif action == "approve":
            services.approve_claim(claim.pk, by=finance)
        else:
            services.reject_claim(claim.pk, by=finance, reason="No")
    assert Claim.objects.get(pk=claim.pk).status == status


def test_paying_twice_pays_once(member, finance, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    day = timezone.localdate()
    assert services.pay_claim(claim.pk, by=finance, reference="RUN-7", paid_on=day) is True
    assert services.pay_claim(claim.pk, by=finance, reference="RUN-8", paid_on=day) is False
    claim.refresh_from_db()
    assert claim.payment_reference == "RUN-7"
    assert claim.history.filter(status=Claim.Status.PAID).count() == 1


def test_only_finance_marks_claims_paid(member, chair, finance, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    with pytest.raises(services.ClaimRefused, match="Only finance"):
        services.pay_claim(claim.pk, by=chair, reference="X", paid_on=timezone.localdate())


# --- The payment run ---------------------------------------------------------------------------


@pytest.fixture
def payment_run(member, other_member, finance, chair, policy, partnership):
    """Two approved claims (one with mileage and a formula-like description), a paid one, a submitted one."""
    meeting = held_meeting_days_ago(partnership, 6, title='=HYPERLINK("http://evil")')
    first = make_claim(
        member,
        meeting,
        Claim.Status.APPROVED,
        preparation="1",
        lines=[bus("4.80"), mileage("10", 1)],
        by=finance,
    )
    Participant.objects.filter(pk=member.participant.pk).update(name="@Mina Member", phone="020 7946 0000")
    second = make_claim(other_member, meeting, Claim.Status.APPROVED, declined=True, by=chair)
    make_claim(member, held_meeting_days_ago(partnership, 8), Claim.Status.PAID, by=finance)
    make_claim(other_member, held_meeting_days_ago(partnership, 9), Claim.Status.SUBMITTED)
    return first, second


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_payment_run_csv_lists_approved_unpaid_claims_with_expenses_by_category(client, finance, payment_run):
    first, second = payment_run
    client.force_login(finance)
    response = client.get(reverse("payment_run_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="payment-run-')
    assert "no-store" in response["Cache-Control"]
    header, *rows = read_csv(response)
    assert header[:10] == [
        "Claim id", "Claimant", "Email", "Phone", "Partnership", "Budget code", "Payment route",
        "Meeting date", "Meeting", "Time payment",
    ]  # fmt: skip
    assert header[10:17] == [
        "Expenses: Public transport", "Expenses: Mileage (own car)", "Expenses: Taxi", "Expenses: Parking",
        "Expenses: Carer or childcare cost", "Expenses: Food and drink (subsistence)", "Expenses: Other",
    ]  # fmt: skip
    assert header[17:] == ["Expenses total", "Total", "Approved by", "Approved on"]
    by_id = {int(row[0]): dict(zip(header, row, strict=True)) for row in rows}
    assert set(by_id) == {first.pk, second.pk}  # not the paid one, not the submitted one
    row = by_id[first.pk]
    assert row["Claimant"] == "'@Mina Member"  # neutralised: a spreadsheet will not run it
    assert row["Meeting"].startswith("'=HYPERLINK")
    assert row["Email"] == "mina@example.org" and row["Phone"] == "020 7946 0000"
    assert row["Budget code"] == "LHCP-ENG" and row["Meeting date"] == first.attendance.meeting.local_date.isoformat()
    # 2 h + 1 h at £25 = £75 (the half-day cap); bus £4.80; 10 miles with a passenger at 50p = £5.00.
    assert (row["Time payment"], row["Expenses: Public transport"], row["Expenses: Mileage (own car)"]) == (
        "75.00",
        "4.80",
        "5.00",
    )
    assert (row["Expenses: Taxi"], row["Expenses total"], row["Total"]) == ("0.00", "9.80", "84.80")
    assert row["Approved by"] == "finance" and row["Approved on"] == timezone.localdate().isoformat()
    declined = by_id[second.pk]
    assert (declined["Time payment"], declined["Total"], declined["Approved by"]) == ("0.00", "4.80", "chair")
    assert not any("sort code" in h.lower() or "account" in h.lower() for h in header)


def test_mark_run_paid_marks_exactly_the_exported_claims_once(client, finance, chair, payment_run, member, partnership):
    first, second = payment_run
    client.force_login(finance)
    page = client.get(reverse("payment_run"))
    cut_off = page.context["cut_off"]
    assert [c.pk for c in page.context["claims"]] == [first.pk, second.pk]
    # Approved after the run was exported: left for the next run.
    late = make_claim(member, held_meeting_days_ago(partnership, 4), Claim.Status.SUBMITTED)
    services.approve_claim(late.pk, by=chair, now=cut_off + datetime.timedelta(seconds=1))
    data = {
        "reference": "BACS-2026-11",
        "paid_on": timezone.localdate().isoformat(),
        "approved_before": cut_off.isoformat(),
        "partnership": partnership.slug,
        "route": first.policy.payment_route,
    }
    response = client.post(reverse("payment_run"), data)
    assert response.status_code == 302
    assert any("2 claims marked paid with reference BACS-2026-11" in m for m in messages_of(response))
    for claim in (first, second):
        claim.refresh_from_db()
        assert (claim.status, claim.payment_reference, claim.paid_on, claim.paid_by) == (
            Claim.Status.PAID,
            "BACS-2026-11",
            timezone.localdate(),
            finance,
        )
    assert Claim.objects.get(pk=late.pk).status == Claim.Status.APPROVED
    # The same form sent again: nothing more is paid.
    response = client.post(reverse("payment_run"), {**data, "reference": "BACS-AGAIN"})
    assert any("Nothing to mark" in m for m in messages_of(response))
    assert Claim.objects.filter(payment_reference="BACS-AGAIN").count() == 0
    assert Claim.objects.get(pk=first.pk).history.filter(status=Claim.Status.PAID).count() == 1


@pytest.mark.parametrize(
    "data, field",
    [
        ({"reference": "", "paid_on": "2026-11-20"}, "reference"),
        ({"reference": "R", "paid_on": "yesterday"}, "paid_on"),
        ({"reference": "R", "paid_on": "2099-01-01"}, "paid_on"),
        ({"reference": "R" * 101, "paid_on": "2026-11-20"}, "reference"),
        ({"reference": "R", "paid_on": "2026-02-31"}, "paid_on"),
    ],
)
def test_bad_payment_run_input_is_shown_beside_the_field_and_pays_nothing(client, finance, payment_run, data, field):
    client.force_login(finance)
    response = client.post(reverse("payment_run"), {**data, "approved_before": timezone.now().isoformat()})
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Claim.objects.filter(status=Claim.Status.APPROVED, paid_on__isnull=False).exists()
    assert Claim.objects.filter(status=Claim.Status.APPROVED).count() == 2


def test_payment_run_csv_with_a_bad_cut_off_goes_back_to_the_run(client, finance, payment_run):
    client.force_login(finance)
    response = client.get(reverse("payment_run_csv"), {"approved_before": "not a date"})
    assert response.status_code == 302 and response.url == reverse("payment_run")


# --- Separation of duties: nobody decides or pays their own claim ------------------------------


@pytest.fixture
def own_claim(finance, chair, policy, recent_meeting):
    """An approved claim of finance's own (finance also takes part), approved by the chair."""
    Participant.objects.create(name="Fran Finance", email="fran@example.org", user=finance)
    return make_claim(finance, recent_meeting, Claim.Status.APPROVED, by=chair)


def test_nobody_sends_back_or_marks_paid_their_own_claim(finance, chair, own_claim, partnership):
    with pytest.raises(services.ClaimRefused, match="cannot mark paid your own claim"):
        services.pay_claim(own_claim.pk, by=finance, reference="SELF", paid_on=timezone.localdate())
    submitted = make_claim(finance, held_meeting_days_ago(partnership, 2), Claim.Status.SUBMITTED)
    with pytest.raises(services.ClaimRefused, match="cannot send back your own claim"):
        services.reject_claim(submitted.pk, by=finance, reason="Mine")
    assert Claim.objects.get(pk=own_claim.pk).status == Claim.Status.APPROVED
    assert Claim.objects.get(pk=submitted.pk).status == Claim.Status.SUBMITTED


def test_marking_a_run_paid_leaves_out_the_runners_own_claims(finance, own_claim, member, recent_meeting):
    theirs = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    paid = services.mark_run_paid(
        by=finance,
        reference="RUN-9",
        paid_on=timezone.localdate(),
        approved_before=timezone.now(),
        partnership=recent_meeting.partnership,
        route=theirs.policy.payment_route,
    )
    assert paid == [theirs.pk]
    assert Claim.objects.get(pk=own_claim.pk).status == Claim.Status.APPROVED


def test_the_payment_run_page_and_csv_leave_out_the_runners_own_claims_and_say_so(
    client, finance, own_claim, member, recent_meeting
):
    theirs = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    client.force_login(finance)
    page = client.get(reverse("payment_run"))
    assert [claim.pk for claim in page.context["claims"]] == [theirs.pk]
    text = page_text(page)
    assert f"Your own claim (claim {own_claim.pk}, £54.80) is left out of this run" in text
    assert "another member of finance must export and mark it paid" in text
    rows = read_csv(client.get(reverse("payment_run_csv")))
    assert [row[0] for row in rows[1:]] == [str(theirs.pk)]
    response = client.post(
        reverse("payment_run"),
        {
            "reference": "RUN-10",
            "paid_on": timezone.localdate().isoformat(),
            "approved_before": page.context["cut_off"].isoformat(),
            "partnership": recent_meeting.partnership.slug,
            "route": theirs.policy.payment_route,
        },
    )
    said = messages_of(response)
    assert any("1 claim marked paid with reference RUN-10" in m for m in said)
    assert any(f"Your own claim (claim {own_claim.pk}) was left out" in m for m in said)
    assert Claim.objects.get(pk=own_claim.pk).status == Claim.Status.APPROVED
    assert Claim.objects.get(pk=theirs.pk).status == Claim.Status.PAID


def test_another_member_of_finance_pays_the_claim_left_out(client, finance, own_claim):
    from engagement.roles import FINANCE
    from tests.factories import make_user

    colleague = make_user("finance2", FINANCE, is_staff=True, partnership=own_claim.policy.partnership)
    client.force_login(colleague)
    page = client.get(reverse("payment_run"))
    assert [claim.pk for claim in page.context["claims"]] == [own_claim.pk]
    assert "left out" not in page_text(page)
    assert services.pay_claim(own_claim.pk, by=colleague, reference="RUN-11", paid_on=timezone.localdate())


def test_payment_run_csv_starts_with_a_byte_order_mark_so_excel_reads_pounds_and_names(
    client, finance, member, policy, recent_meeting
):
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    Participant.objects.filter(pk=member.participant.pk).update(name="Zoë Ó Súilleabháin")
    policy.budget_code = "£ENG-1"
    policy.save()
    client.force_login(finance)
    response = client.get(reverse("payment_run_csv"))
    assert response.content.startswith(b"\xef\xbb\xbf")  # as the year review's CSV
    header, row = read_csv(response)
    assert row[0] == str(claim.pk) and row[1] == "Zoë Ó Súilleabháin" and row[5] == "£ENG-1"
