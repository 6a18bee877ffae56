"""Two people clicking at the same moment: approved once, paid once, one claim per attendance.

Each test runs the same change in two threads that start together (a barrier), each with its own
database connection, and slows the work done *inside* the lock so that, without the row lock,
both threads would read the old status and both would act. PostgreSQL only: SQLite has no row
locks (``select_for_update`` does nothing there) and lets one writer at a time into the whole
database, so the race cannot be shown on it.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from reimbursement import payments, services
from reimbursement.models import Claim

from .conftest import held_meeting_days_ago, make_claim

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL): SQLite has no row locks and serialises all writes, "
        "so concurrent approvals cannot race there",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(scope="module", autouse=True)
def _database_put_back(django_db_setup, django_db_blocker):
    """These tests commit, and pytest-django flushes after each: put back what was there before.

    Without this, tests that run later in the same process find the rows that migrations seed
    (the engagement ladder, the role groups) gone. As Django's serialized rollback does.
    """
    from django.core.management import call_command

    with django_db_blocker.unblock():
        before = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True, reset_sequences=False)
        connection.creation.deserialize_db_from_string(before)


SLOW = 0.3  # seconds spent inside the lock, long enough for the other thread to arrive


def at_once(*calls):
    """Run ``calls`` in threads released together; each result is ("ok", value) or ("refused", exception)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = ("ok", call())
        except services.ClaimRefused as refused:
            results[index] = ("refused", refused)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert all(result is not None and result[0] != "error" for result in results), results
    return results


def slowed(monkeypatch, name, module=services):
    """Make ``module.<name>`` (called while the claim is locked) take a while."""
    original = getattr(module, name)

    def slow(*args, **kwargs):
        time.sleep(SLOW)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, slow)


def test_two_approvers_approving_at_once_approve_once(monkeypatch, member, finance, chair, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    slowed(monkeypatch, "approval_problems")
    results = at_once(
        lambda: services.approve_claim(claim.pk, by=finance),
        lambda: services.approve_claim(claim.pk, by=chair),
    )
    assert sorted(value for _, value in results) == [False, True]
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert claim.history.filter(status=Claim.Status.APPROVED).count() == 1
    winner = finance if results[0][1] else chair
    assert claim.decided_by == winner


def test_one_approver_double_clicking_approves_once(monkeypatch, member, finance, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    slowed(monkeypatch, "approval_problems")
    results = at_once(*[lambda: services.approve_claim(claim.pk, by=finance)] * 2)
    assert sorted(value for _, value in results) == [False, True]
    assert Claim.objects.get(pk=claim.pk).history.filter(status=Claim.Status.APPROVED).count() == 1


def test_approve_and_reject_at_once_do_one_of_them(monkeypatch, member, finance, chair, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    slowed(monkeypatch, "approval_problems")
    slowed(monkeypatch, "_check_approver")
    results = at_once(
        lambda: services.approve_claim(claim.pk, by=finance),
        lambda: services.reject_claim(claim.pk, by=chair, reason="Missing receipt"),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["ok", "refused"]
    claim.refresh_from_db()
    decided = claim.history.filter(status__in=[Claim.Status.APPROVED, Claim.Status.REJECTED]).count()
    assert decided == 1


def test_marking_the_run_paid_twice_at_once_pays_each_claim_once(
    monkeypatch, member, other_member, finance, policy, recent_meeting
):
    claims = [
        make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance),
        make_claim(other_member, recent_meeting, Claim.Status.APPROVED, by=finance),
    ]
    slowed(monkeypatch, "_mark_paid", payments)
    cut_off, day = timezone.now(), timezone.localdate()
    run = {"partnership": policy.partnership, "route": policy.payment_route}
    results = at_once(
        lambda: services.mark_run_paid(by=finance, reference="RUN-A", paid_on=day, approved_before=cut_off, **run),
        lambda: services.mark_run_paid(by=finance, reference="RUN-B", paid_on=day, approved_before=cut_off, **run),
    )
    paid_lists = sorted((value for _, value in results), key=len)
    assert paid_lists == [[], sorted(claim.pk for claim in claims)]
    references = set(Claim.objects.values_list("payment_reference", flat=True))
    assert len(references) == 1
    for claim in claims:
        assert Claim.objects.get(pk=claim.pk).history.filter(status=Claim.Status.PAID).count() == 1


def test_paying_one_claim_twice_at_once_pays_once(monkeypatch, member, finance, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.APPROVED, by=finance)
    slowed(monkeypatch, "_mark_paid", payments)
    day = timezone.localdate()
    results = at_once(
        lambda: services.pay_claim(claim.pk, by=finance, reference="ONE", paid_on=day),
        lambda: services.pay_claim(claim.pk, by=finance, reference="TWO", paid_on=day),
    )
    assert sorted(value for _, value in results) == [False, True]
    assert Claim.objects.get(pk=claim.pk).history.filter(status=Claim.Status.PAID).count() == 1


def test_starting_the_same_claim_twice_at_once_makes_one(monkeypatch, member, policy, partnership):
    meeting = held_meeting_days_ago(partnership, 2)
    from tests.factories import attend

    attendance = attend(meeting, member.participant)
    slowed(monkeypatch, "refusal_for")
    results = at_once(*[lambda: services.start_claim(member.participant, attendance.pk, by=member)] * 2)
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    assert Claim.objects.filter(attendance=attendance).count() == 1


def test_twenty_copies_of_one_edit_submitted_at_once_add_its_lines_once(monkeypatch, member, policy, recent_meeting):
    """Twenty tabs (or clicks) sending the same claim form: the lines and receipt of one of them, no more."""
    from django.test import Client
    from django.urls import reverse

    from reimbursement.models import ClaimLine, Receipt

    from .conftest import png_upload

    claim = make_claim(member, recent_meeting, lines=[])
    edits_before = claim.history.filter(history_change_reason="edited").count()
    url = reverse("claim_edit", args=[claim.pk])
    opened = Client()
    opened.force_login(member)
    version = opened.get(url).context["form"]["version"].value()
    data = {
        "meeting_hours": "2",
        "preparation_hours": "0",
        "action": "save",
        "version": version,
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": "mileage",
        "lines-0-miles": "10",
        "lines-1-category": "parking",
        "lines-1-amount": "6.00",
    }
    clients = []
    for _ in range(20):
        client = Client()
        client.force_login(member)
        clients.append(client)
    slowed(monkeypatch, "_apply_line")  # inside the lock: the others arrive while the first is saving

    def submit(client):
        return client.post(url, {**data, "lines-1-receipt": png_upload()}).status_code

    results = at_once(*[lambda client=client: submit(client) for client in clients])
    assert [value for _, value in results] == [302] * 20
    assert ClaimLine.objects.filter(claim=claim).count() == 2
    assert Receipt.objects.filter(claim=claim).count() == 1
    claim.refresh_from_db()
    assert claim.expenses_total == Decimal("10.50")
    assert claim.history.filter(history_change_reason="edited").count() == edits_before + 1
