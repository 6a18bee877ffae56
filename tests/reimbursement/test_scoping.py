"""Money is scoped by partnership: Lewisham's finance and chair never see or act on a claim of elsewhere.

A claim belongs to the partnership of its policy; a role covers the partnerships below it.
A payment run is one partnership's claims for one payment route, with its own reference.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from engagement.models import Membership, Participant
from engagement.roles import FINANCE
from reimbursement import services
from reimbursement.models import Claim, ClaimLine, PaymentPolicy, PaymentRoute, PaymentRun, Receipt
from tests.factories import attend, make_partnership, make_user, page_text

from .conftest import held_meeting_days_ago, make_claim, make_policy, messages_of


@pytest.fixture
def elsewhere_claims(elsewhere, elsewhere_users):
    """Elsewhere's policy, a meeting its member attended, and a submitted and an approved claim."""
    make_policy(elsewhere, budget_code="ELSE-1")
    meeting = held_meeting_days_ago(elsewhere, 3, title="Elsewhere meeting")
    member = elsewhere_users["elsewhere_member"]
    second = make_user("elsewhere-member2", "member", partnership=elsewhere)
    Participant.objects.create(name="Eli Elsewhere", email="eli@example.org", user=second)
    return {
        "submitted": make_claim(member, meeting, Claim.Status.SUBMITTED),
        "approved": make_claim(second, meeting, Claim.Status.APPROVED, by=elsewhere_users["elsewhere_finance"]),
    }


@pytest.fixture
def lewisham_claims(policy, recent_meeting, member, other_member, finance):
    return {
        "submitted": make_claim(member, recent_meeting, Claim.Status.SUBMITTED),
        "approved": make_claim(other_member, recent_meeting, Claim.Status.APPROVED, by=finance),
    }


def test_querysets_keep_each_partnership_to_itself(finance, chair, elsewhere_users, lewisham_claims, elsewhere_claims):
    mine = {claim.pk for claim in lewisham_claims.values()}
    theirs = {claim.pk for claim in elsewhere_claims.values()}
    for user in (finance, chair):
        assert set(Claim.objects.for_user(user).values_list("pk", flat=True)) == mine
        assert set(Claim.objects.approvable_by(user).values_list("pk", flat=True)) == mine
        assert set(Receipt.objects.for_user(user).values_list("claim", flat=True)) == mine
        assert set(ClaimLine.objects.for_user(user).values_list("claim", flat=True)) == mine
    assert set(Claim.objects.payable_by(finance).values_list("pk", flat=True)) == mine
    assert not Claim.objects.payable_by(chair).exists()
    assert set(Claim.objects.for_user(elsewhere_users["elsewhere_finance"]).values_list("pk", flat=True)) == theirs
    assert {p.partnership.slug for p in PaymentPolicy.objects.for_user(finance)} == {"lewisham"}


def test_lewisham_finance_never_sees_or_decides_an_elsewhere_claim(client, finance, lewisham_claims, elsewhere_claims):
    client.force_login(finance)
    theirs = elsewhere_claims["submitted"]
    queue = client.get(reverse("finance_queue"))
    assert [c.pk for c in queue.context["claims"]] == [lewisham_claims["submitted"].pk]
    assert client.get(reverse("claim_detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("claim_approve", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("claim_reject", args=[theirs.pk]), {"reason": "No"}).status_code == 404
    assert Claim.objects.get(pk=theirs.pk).status == Claim.Status.SUBMITTED


def test_services_refuse_a_claim_outside_the_approvers_partnerships(finance, chair, lewisham_claims, elsewhere_claims):
    with pytest.raises(PermissionDenied):
        services.approve_claim(elsewhere_claims["submitted"].pk, by=chair)
    with pytest.raises(PermissionDenied):
        services.reject_claim(elsewhere_claims["submitted"].pk, by=finance, reason="No")
    with pytest.raises(PermissionDenied):
        services.pay_claim(elsewhere_claims["approved"].pk, by=finance, reference="X", paid_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        services.mark_run_paid(
            by=finance,
            reference="X",
            paid_on=timezone.localdate(),
            approved_before=timezone.now(),
            partnership=elsewhere_claims["approved"].policy.partnership,
            route=PaymentRoute.ACCOUNTS_PAYABLE,
        )
    assert Claim.objects.get(pk=elsewhere_claims["approved"].pk).status == Claim.Status.APPROVED


def test_a_finance_of_a_parent_partnership_reaches_a_childs_claims(elsewhere, elsewhere_users):
    child = make_partnership(name="Elsewhere North", slug="elsewhere-north", parent=elsewhere)
    make_policy(child)
    member = make_user("north-member", "member", partnership=child)
    Participant.objects.create(name="Nora North", email="nora@example.org", user=member)
    claim = make_claim(member, held_meeting_days_ago(child, 2), Claim.Status.SUBMITTED)
    parent_finance = elsewhere_users["elsewhere_finance"]
    assert services.approve_claim(claim.pk, by=parent_finance) is True
    assert list(Claim.objects.payable_by(parent_finance)) == [Claim.objects.get(pk=claim.pk)]


def test_payment_run_page_and_csv_cover_one_partnership_and_never_another(
    client, finance, lewisham_claims, elsewhere_claims
):
    client.force_login(finance)
    page = client.get(reverse("payment_run"))
    assert page.context["partnership"].slug == "lewisham"
    assert [c.pk for c in page.context["claims"]] == [lewisham_claims["approved"].pk]
    assert [run.slug for run in page.context["waiting"]] == ["lewisham"]
    other = client.get(reverse("payment_run"), {"partnership": "elsewhere"})
    assert other.status_code == 200 and other.context["claims"] == []
    assert client.get(reverse("payment_run_csv"), {"partnership": "elsewhere"}).status_code == 404
    rows = client.get(reverse("payment_run_csv")).content.decode("utf-8-sig").splitlines()[1:]
    assert [row.split(",")[0] for row in rows] == [str(lewisham_claims["approved"].pk)]


def test_a_payment_run_never_mixes_routes_and_sent_twice_has_one_effect(
    client, finance, chair, partnership, member, lewisham_claims
):
    vouchers = make_policy(
        partnership, effective_from=lewisham_claims["approved"].policy.effective_from.replace(year=2021)
    )
    vouchers.payment_route = PaymentRoute.VOUCHERS
    vouchers.save()
    meeting = held_meeting_days_ago(partnership, 2, title="Voucher meeting")
    voucher_claim = make_claim(member, meeting, Claim.Status.APPROVED, by=chair)
    assert voucher_claim.policy_id == vouchers.pk
    client.force_login(finance)
    page = client.get(reverse("payment_run"), {"partnership": "lewisham", "route": PaymentRoute.VOUCHERS})
    assert [c.pk for c in page.context["claims"]] == [voucher_claim.pk]
    data = {
        "reference": "VOUCH-1",
        "paid_on": timezone.localdate().isoformat(),
        "approved_before": page.context["cut_off"].isoformat(),
        "partnership": "lewisham",
        "route": PaymentRoute.VOUCHERS,
    }
    client.post(reverse("payment_run"), data)
    second = client.post(reverse("payment_run"), data)
    assert any("Nothing to mark" in m for m in messages_of(second))
    assert PaymentRun.objects.count() == 1
    assert list(PaymentRun.objects.get().claims.all()) == [Claim.objects.get(pk=voucher_claim.pk)]
    assert Claim.objects.get(pk=voucher_claim.pk).history.filter(status=Claim.Status.PAID).count() == 1
    assert Claim.objects.get(pk=lewisham_claims["approved"].pk).status == Claim.Status.APPROVED
    # Another run cannot take the same reference.
    with pytest.raises(services.ClaimRefused, match="VOUCH-1"):
        services.mark_run_paid(
            by=finance,
            reference="VOUCH-1",
            paid_on=timezone.localdate(),
            approved_before=timezone.now(),
            partnership=partnership,
            route=PaymentRoute.ACCOUNTS_PAYABLE,
        )


def test_the_year_summary_covers_only_the_users_partnerships(client, finance, lewisham_claims, elsewhere_claims):
    client.force_login(finance)
    page = client.get(reverse("claim_year_summary"))
    assert [p.slug for p in page.context["form"].fields["partnership"].queryset] == ["lewisham"]
    refused = client.get(reverse("claim_year_summary"), {"partnership": "elsewhere", "year": 2026})
    assert refused.status_code == 200 and refused.context["summary"] is None
    assert client.get(reverse("claim_year_summary_xlsx", args=["elsewhere", 2026])).status_code == 404
    assert client.get(reverse("claim_year_summary_xlsx", args=["lewisham", 2026])).status_code == 200


def test_the_admin_shows_only_the_users_partnerships_claims_and_policies(
    client, finance, lewisham_claims, elsewhere_claims
):
    client.force_login(finance)
    claims = client.get(reverse("admin:reimbursement_claim_changelist"))
    assert {c.pk for c in claims.context["cl"].result_list} == {c.pk for c in lewisham_claims.values()}
    theirs = elsewhere_claims["submitted"]
    assert client.get(reverse("admin:reimbursement_claim_change", args=[theirs.pk])).status_code in (302, 403, 404)
    assert client.get(reverse("admin:reimbursement_claim_history", args=[theirs.pk])).status_code in (403, 404)
    policies = client.get(reverse("admin:reimbursement_paymentpolicy_changelist"))
    assert {p.partnership.slug for p in policies.context["cl"].result_list} == {"lewisham"}
    assert "Elsewhere Partnership" not in policies.content.decode()


def test_a_member_claims_only_for_meetings_of_their_partnerships(client, member, policy, elsewhere):
    make_policy(elsewhere)
    away = held_meeting_days_ago(elsewhere, 2, title="Away meeting")
    attendance = attend(away, member.participant)
    client.force_login(member)
    page = client.get(reverse("claim_new"))
    assert attendance.pk not in [value for value, _ in page.context["form"].fields["attendance"].choices]
    with pytest.raises(services.ClaimRefused, match="partnerships you belong to"):
        services.start_claim(member.participant, attendance.pk, by=member)


def test_the_claim_page_names_the_partnerships_contact(client, member, policy, partnership, recent_meeting):
    partnership.contact_email = "claims@lewisham.example.org"
    partnership.save()
    claim = make_claim(member, recent_meeting)
    # The deadline goes by: the page says whom to ask.
    recent_meeting.start -= datetime.timedelta(days=60)
    recent_meeting.end -= datetime.timedelta(days=60)
    recent_meeting.save()
    client.force_login(member)
    response = client.get(reverse("claim_detail", args=[claim.pk]))
    text = page_text(response)
    assert 'please contact Lewisham People\'s Partnership at <a href="mailto:claims@lewisham.example.org">' in text


@pytest.mark.parametrize("count", [1, 4])
def test_scoped_finance_pages_keep_query_counts_flat(
    client, finance, policy, partnership, elsewhere_claims, django_assert_max_num_queries, count
):
    for n in range(count):
        user = make_user(f"m{n}", "member", partnership=partnership)
        Participant.objects.create(name=f"M {n}", email=f"m{n}@example.org", user=user)
        make_claim(user, held_meeting_days_ago(partnership, 3), Claim.Status.APPROVED, by=finance)
    Membership.objects.get_or_create(user=finance, partnership=partnership, role=FINANCE)
    client.force_login(finance)
    for name in ("finance_queue", "payment_run", "payment_run_csv", "claim_year_summary"):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name)).status_code == 200


def test_a_refused_run_post_shows_the_run_that_was_chosen_as_the_page_would(
    client, finance, chair, partnership, member, lewisham_claims
):
    """One default for the run page, whether opened or re-shown after a refused form: the chosen route stays."""
    vouchers = make_policy(
        partnership, effective_from=lewisham_claims["approved"].policy.effective_from.replace(year=2021)
    )
    vouchers.payment_route = PaymentRoute.VOUCHERS
    vouchers.save()
    make_claim(member, held_meeting_days_ago(partnership, 2, title="Voucher meeting"), Claim.Status.APPROVED, by=chair)
    client.force_login(finance)
    opened = client.get(reverse("payment_run"))
    other_route = next(run.route for run in opened.context["waiting"] if run.route != opened.context["route"])
    chosen = client.get(reverse("payment_run"), {"route": other_route})
    refused = client.post(
        reverse("payment_run"),
        {"reference": "", "paid_on": timezone.localdate().isoformat(), "route": other_route, "partnership": ""},
    )
    assert refused.status_code == 200 and refused.context["form"].errors
    assert (refused.context["partnership"], refused.context["route"]) == (
        chosen.context["partnership"],
        chosen.context["route"],
    )
    assert refused.context["route"] == other_route
    assert not PaymentRun.objects.exists()


def test_a_claim_paid_on_its_own_belongs_to_a_one_claim_run_of_its_partnership_and_route(
    finance, member, other_member, policy, recent_meeting
):
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    day = timezone.localdate()
    assert services.pay_claim(claim.pk, by=finance, reference="ONE-1", paid_on=day) is True
    assert services.pay_claim(claim.pk, by=finance, reference="ONE-1", paid_on=day) is False
    run = PaymentRun.objects.get()
    assert (run.partnership, run.route, run.reference, run.paid_by) == (
        policy.partnership,
        policy.payment_route,
        "ONE-1",
        finance,
    )
    assert list(run.claims.all()) == [Claim.objects.get(pk=claim.pk)]
    # The same batch reference that day takes the next claim into the same run; another day is refused.
    second = make_claim(other_member, recent_meeting, Claim.Status.APPROVED, by=finance)
    with pytest.raises(services.ClaimRefused, match="ONE-1"):
        services.pay_claim(second.pk, by=finance, reference="ONE-1", paid_on=day - datetime.timedelta(days=1))
    assert Claim.objects.get(pk=second.pk).status == Claim.Status.APPROVED
    services.pay_claim(second.pk, by=finance, reference="ONE-1", paid_on=day)
    assert PaymentRun.objects.count() == 1 and run.claims.count() == 2
    assert not Claim.objects.filter(status=Claim.Status.PAID, payment_run__isnull=True).exists()
