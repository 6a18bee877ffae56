"""Paying claims: one approved claim on its own, or a payment run of one partnership and route.

Reached through ``reimbursement.services`` (``services.pay_claim``, ``services.mark_run_paid``),
whose checks and history these share; import it from there.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from engagement import roles
from engagement.models import Partnership

from .models import Claim, PaymentRoute, PaymentRun
from .services import ATTENDANCE_WITHDRAWN, ClaimRefused, _check_not_own, _locked, _now, _record


def _mark_paid(claim, by, reference, paid_on, now):
    claim.status = Claim.Status.PAID
    claim.payment_reference = reference
    claim.paid_on = paid_on
    claim.paid_by = by
    _record(claim, by, now, "paid")
    claim.save()


def _check_payment(by, reference):
    """Finance alone pays, with a reference. (Their own claims are refused or left out by the callers.)"""
    if not roles.pays_anywhere(by):
        raise ClaimRefused("Only finance can mark claims paid.")
    reference = (reference or "").strip()
    if not reference:
        raise ClaimRefused("Give the payment reference from the finance system.")
    return reference


def pay_claim(
    claim_id: int, *, by, reference: str, paid_on: datetime.date, now: datetime.datetime | None = None
) -> bool:
    """Mark one approved claim paid, outside the run page. False if it was already paid; refused unless approved.

    Every paid claim belongs to a ``PaymentRun``: this one makes a run of the claim's partnership and
    payment route with ``reference``, or, when that partnership's finance system batch already has a
    run of this route paid that day under the same reference, adds the claim to it. A reference the
    partnership gave a run of another route or day is refused, as ``mark_run_paid`` refuses it.
    """
    now = _now(now)
    reference = _check_payment(by, reference)
    with transaction.atomic():
        partnership_id = Claim.objects.filter(pk=claim_id).values_list("policy__partnership", flat=True).first()
        # The partnership's row first, as mark_run_paid locks it: one run (or lone payment) at a time.
        Partnership.objects.select_for_update().filter(pk=partnership_id).first()
        claim = _locked(claim_id)
        if not roles.can_pay(by, claim):
            raise PermissionDenied("You cannot mark paid claims of another partnership.")
        _check_not_own(claim, by, "mark paid", who="another member of finance")
        if claim.status == Claim.Status.PAID:
            return False
        if claim.status != Claim.Status.APPROVED:
            raise ClaimRefused(f"This claim {claim.status_phrase}, so it cannot be paid.")
        if not claim.attendance_verified:
            raise ClaimRefused(ATTENDANCE_WITHDRAWN)
        route = claim.policy.payment_route
        run = PaymentRun.objects.filter(partnership_id=partnership_id, reference=reference).first()
        if run is None:
            run = PaymentRun.objects.create(
                partnership_id=partnership_id,
                route=route,
                reference=reference,
                paid_on=paid_on,
                approved_before=None,
                paid_by=by,
                created_at=now,
            )
        elif (run.route, run.paid_on) != (route, paid_on):
            raise ClaimRefused(
                f"The reference {reference} was given to the run paid on {run.paid_on:%-d %B %Y}: "
                "give this payment the finance system's reference for it."
            )
        claim.payment_run = run
        _mark_paid(claim, by, reference, paid_on, now)
    return True


def mark_run_paid(
    *,
    by,
    reference: str,
    paid_on: datetime.date,
    approved_before: datetime.datetime | None,
    partnership: Partnership,
    route: str,
    now: datetime.datetime | None = None,
) -> list[int]:
    """Mark paid every claim of one payment run: ``partnership``'s claims paid by ``route``, approved by
    ``approved_before``, not yet paid, not ``by``'s own; recorded as one ``PaymentRun`` with ``reference``.

    The payment run's CSV and this use the same cut-off and leave out the same
    claims (``Claim.objects.payment_run``), so exactly the claims exported are
    paid. Returns the ids newly marked; a second call (the same form sent
    again) finds none. A reference the partnership already gave another run
    (another route or cut-off) is refused: each run has its own.
    """
    now = _now(now)
    reference = _check_payment(by, reference)
    if route not in PaymentRoute.values:
        raise ClaimRefused("Choose the payment route of this run.")
    if partnership is None or not roles.covers(by, partnership, *roles.PAYER_ROLES):
        raise PermissionDenied("You cannot pay claims of another partnership.")
    with transaction.atomic():
        # One run of a partnership at a time: the partnership's row is the lock. A second run (or the
        # same form sent twice) waits here, then finds the claims paid and the reference taken.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        earlier = PaymentRun.objects.filter(partnership=partnership, reference=reference).first()
        if earlier is not None:
            if earlier.route == route and earlier.approved_before == approved_before:
                return []
            raise ClaimRefused(
                f"The reference {reference} was given to the run paid on {earlier.paid_on:%-d %B %Y}: "
                "give this run the finance system's reference for it."
            )
        # Locked in id order so two runs never wait on each other in a circle; a row
        # another run has just paid no longer matches the filter once its lock is free.
        claims = list(
            Claim.objects.payment_run(approved_before, by, partnership, route)
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        if not claims:
            return []
        try:
            with transaction.atomic():
                run = PaymentRun.objects.create(
                    partnership=partnership,
                    route=route,
                    reference=reference,
                    paid_on=paid_on,
                    approved_before=approved_before,
                    paid_by=by,
                    created_at=now,
                )
        except IntegrityError:
            raise ClaimRefused(f"The reference {reference} has just been given to another run.") from None
        for claim in claims:
            claim.payment_run = run
            _mark_paid(claim, by, reference, paid_on, now)
    return [claim.pk for claim in claims]
