"""Staff recording that someone with a claim waiting did not come: asked first, then the claim is flagged.

meetings cannot import reimbursement: the attendance screen finds the claims through the
reverse relation ``Attendance.claims`` (meetings.selectors.claims_at_stake).
"""

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance
from reimbursement import services
from reimbursement.models import Claim
from tests.factories import page_text
from tests.meetings.test_attendance_screen import formset_data, ordered_rows, screen_url

from .conftest import make_claim, messages_of


@pytest.fixture
def waiting(member, other_member, finance, policy, recent_meeting):
    """Mina's claim is submitted, Otto's approved; both were recorded as attending."""
    return {
        "submitted": make_claim(member, recent_meeting, Claim.Status.SUBMITTED),
        "approved": make_claim(other_member, recent_meeting, Claim.Status.APPROVED, by=finance),
    }


def untick(meeting, *attendances, **extra):
    return {**formset_data(ordered_rows(meeting), {a.pk: {"attended": ""} for a in attendances}), **extra}


def test_unticking_someone_with_a_claim_waiting_asks_first_and_changes_nothing(
    client, staff_user, recent_meeting, waiting
):
    claim = waiting["submitted"]
    client.force_login(staff_user)
    response = client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance))
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/participation/attendance_confirm.html"
    text = page_text(response)
    assert f"Mina Member: claim {claim.pk}, waiting for approval" in text
    assert "Otto Other" not in text  # still recorded as attending: nothing to warn about
    assert "Nothing has been saved yet" in text
    assert Attendance.objects.get(pk=claim.attendance_id).status == Attendance.Status.ATTENDED
    # The confirmation sends the same choices again, with "confirmed".
    assert f'name="came-{claim.attendance_id}" value="absent"' in text
    assert 'name="confirmed" value="on"' in text


def test_once_confirmed_the_attendance_is_saved_and_finance_sees_the_claim_flagged(
    client, staff_user, finance, recent_meeting, waiting
):
    claim = waiting["submitted"]
    client.force_login(staff_user)
    response = client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance, confirmed="on"))
    assert response.status_code == 302
    assert Attendance.objects.get(pk=claim.attendance_id).status == Attendance.Status.ABSENT
    assert any(
        f"Flagged for finance to check before paying: Mina Member (claim {claim.pk}" in m for m in messages_of(response)
    )
    client.force_login(finance)
    queue = page_text(client.get(reverse("finance_queue")))
    assert "Not verified" in queue and "(absent)" in queue
    page = page_text(client.get(reverse("claim_detail", args=[claim.pk])))
    assert "The attendance record says absent, not attended." in page
    with pytest.raises(services.ClaimRefused, match="absent, not attended"):
        services.approve_claim(claim.pk, by=finance)


def test_an_approved_claim_whose_attendance_is_withdrawn_is_held_back_from_payment(
    client, staff_user, finance, recent_meeting, waiting
):
    claim = waiting["approved"]
    client.force_login(staff_user)
    first = client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance))
    assert f"Otto Other: claim {claim.pk}, approved, not yet paid" in page_text(first)
    client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance, confirmed="on"))
    client.force_login(finance)
    run = client.get(reverse("payment_run"))
    assert claim.pk not in [c.pk for c in run.context["claims"]]
    assert f"Claim {claim.pk} (Otto Other) is held back" in page_text(run)
    assert str(claim.pk) not in [
        row.split(",")[0] for row in client.get(reverse("payment_run_csv")).content.decode("utf-8-sig").splitlines()[1:]
    ]
    with pytest.raises(services.ClaimRefused, match="no longer says"):
        services.pay_claim(claim.pk, by=finance, reference="R", paid_on=timezone.localdate())
    paid = services.mark_run_paid(
        by=finance,
        reference="R",
        paid_on=timezone.localdate(),
        approved_before=timezone.now(),
        partnership=recent_meeting.partnership,
        route=claim.policy.payment_route,
    )
    assert claim.pk not in paid
    # Finance sends it back with a reason, so the member hears why.
    assert services.reject_claim(claim.pk, by=finance, reason="You were not recorded at the meeting.")
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.REJECTED


def test_going_back_from_the_question_keeps_the_choices_and_saves_nothing(client, staff_user, recent_meeting, waiting):
    claim = waiting["submitted"]
    client.force_login(staff_user)
    response = client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance, action="back"))
    assert response.status_code == 200
    assert response.templates[0].name == "meetings/participation/attendance.html"
    row = next(row for row in response.context["sheet"].sheet_rows() if row.attendance.pk == claim.attendance_id)
    assert row.came == "absent"
    assert Attendance.objects.get(pk=claim.attendance_id).status == Attendance.Status.ATTENDED


@pytest.mark.parametrize("status", [Claim.Status.DRAFT, Claim.Status.PAID, Claim.Status.REJECTED])
def test_no_question_for_a_draft_or_a_settled_claim(
    client, staff_user, member, finance, policy, recent_meeting, status
):
    claim = make_claim(member, recent_meeting, status, by=finance)
    client.force_login(staff_user)
    response = client.post(screen_url(recent_meeting), untick(recent_meeting, claim.attendance))
    assert response.status_code == 302
    assert Attendance.objects.get(pk=claim.attendance_id).status == Attendance.Status.ABSENT


def test_marking_someone_with_a_claim_as_system_staff_asks_too(client, staff_user, recent_meeting, waiting):
    claim = waiting["submitted"]
    data = formset_data(ordered_rows(recent_meeting), {claim.attendance_id: {"counts_as_staff": "on"}})
    client.force_login(staff_user)
    response = client.post(screen_url(recent_meeting), data)
    assert response.status_code == 200 and f"claim {claim.pk}" in page_text(response)
    assert not Attendance.objects.get(pk=claim.attendance_id).counts_as_staff


def test_the_question_takes_the_same_queries_for_one_claim_or_many(
    client, staff_user, member, policy, recent_meeting, django_assert_max_num_queries
):
    from tests.factories import attend, make_participant

    make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    for index in range(30):
        attend(recent_meeting, make_participant(name=f"Extra {index}"))
    client.force_login(staff_user)
    data = untick(recent_meeting, *ordered_rows(recent_meeting))
    with django_assert_max_num_queries(9):
        response = client.post(screen_url(recent_meeting), data)
    assert response.status_code == 200


def test_finance_sees_a_held_back_claim_in_the_queue_and_sends_it_back_from_its_page(
    client, finance, member, recent_meeting, waiting
):
    claim = waiting["approved"]
    Attendance.objects.filter(pk=claim.attendance_id).update(status=Attendance.Status.ABSENT)
    client.force_login(finance)
    queue = page_text(client.get(reverse("finance_queue")))
    assert "Approved but held back from payment" in queue and f"Claim {claim.pk}, Otto Other" in queue
    page = client.get(reverse("claim_detail", args=[claim.pk]))
    assert page.context["can_send_back"] and "Held back from payment" in page_text(page)
    response = client.post(reverse("claim_reject", args=[claim.pk]), {"reason": "Not recorded at the meeting."})
    assert response.status_code == 302
    assert Claim.objects.get(pk=claim.pk).status == Claim.Status.REJECTED
