"""The approvers' and finance's side: the queue, approve or reject, the payment run, the year summary.

Finance and the chair approve and reject (never their own claims); only
finance exports and marks the payment run paid. Each sees and acts on the
claims of their own partnerships only (and those below them): every lookup
goes through ``Claim.objects.approvable_by`` / ``payable_by``, so another
partnership's claim is a 404. A payment run is one partnership's claims for
one payment route. State changes go through ``services``, which lock the
claim, so a double click has no second effect.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from engagement import roles
from engagement.query_string import page_number
from engagement.roles import approver_required, payer_required
from engagement.services import participant_for_user
from toolkit.downloads import download_name

from .. import exports, reports, services
from ..forms import (
    PaymentRunForm,
    RejectForm,
    RunChoiceForm,
    YearSummaryForm,
    approved_partnerships,
    paid_partnerships,
)
from ..models import ZERO, Claim, PaymentRoute
from ..templatetags.claims import money as pounds

QUEUE_PER_PAGE = 25


@approver_required
@require_GET
def finance_queue(request):
    """Submitted claims of the approver's partnerships, oldest first; then what awaits payment."""
    user = request.user
    queue = Claim.objects.approvable_by(user).filter(status=Claim.Status.SUBMITTED).for_queue()
    page = Paginator(queue.order_by("submitted_at", "pk"), QUEUE_PER_PAGE).get_page(page_number(request))
    is_payer = roles.pays_anywhere(user)
    # For finance, what their payment runs hold (never their own claims); for the chair, all of it.
    awaiting = (
        Claim.objects.payable_now(None, user) if is_payer else Claim.objects.approvable_by(user).awaiting_payment()
    )
    awaiting = awaiting.aggregate(count=Count("pk"), total=Sum("total"))
    held_back = Claim.objects.held_back(None, user).select_related("claimant").order_by("pk")
    participant = participant_for_user(user)
    return render(
        request,
        "reimbursement/finance_queue.html",
        {
            "page_obj": page,
            "claims": page.object_list,
            "awaiting": awaiting,
            "held_back": list(held_back[:QUEUE_PER_PAGE]),
            "my_participant_id": participant.pk if participant else None,
            "is_payer": is_payer,
        },
    )


def _decidable(user):
    """The claims ``user`` may approve or send back: their partnerships' claims once submitted (or their own,
    which the service refuses in words)."""
    return Claim.objects.for_user(user).approvable_by(user)


@approver_required
@require_POST
def claim_approve(request, pk):
    claim = get_object_or_404(_decidable(request.user).select_related("claimant"), pk=pk)
    try:
        approved = services.approve_claim(claim.pk, by=request.user)
    except services.ClaimRefused as refused:
        messages.error(request, f"Claim {claim.pk} was not approved:")
        for problem in refused.problems:
            messages.error(request, problem)
        return redirect(claim)
    claim.refresh_from_db()
    if approved:
        messages.success(request, f"Claim {claim.pk} approved: {pounds(claim.total)} for {claim.claimant.name}.")
    else:
        messages.info(request, f"Claim {claim.pk} had already been approved; nothing changed.")
    return redirect("finance_queue")


@approver_required
def claim_reject(request, pk):
    """Send a claim back with a reason the claimant will read."""
    claim = get_object_or_404(_decidable(request.user).for_detail(), pk=pk)
    if request.method == "POST":
        form = RejectForm(request.POST)
        if form.is_valid():
            try:
                rejected = services.reject_claim(claim.pk, by=request.user, reason=form.cleaned_data["reason"])
            except services.ClaimRefused as refused:
                messages.error(request, " ".join(refused.problems))
                return redirect(claim)
            if rejected:
                messages.success(
                    request, f"Claim {claim.pk} has been sent back to {claim.claimant.name} with your reason."
                )
            else:
                messages.info(request, f"Claim {claim.pk} had already been sent back; nothing changed.")
            return redirect("finance_queue")
    else:
        form = RejectForm()
    return render(request, "reimbursement/claim_reject.html", {"claim": claim, "form": form})


# --- The payment run: one partnership, one payment route ---------------------------------------


def _run_to_show(user, waiting, partnership=None, route=None):
    """``(partnership, route)`` of the run a page shows: what was chosen, the rest filled in one way.

    A chosen partnership without a route opens on its first route with claims waiting; nothing chosen
    opens on the first run waiting, else on the first partnership the user pays (accounts payable).
    """
    if partnership is not None:
        waiting_route = next((w.route for w in waiting if w.partnership_id == partnership.pk), None)
        return partnership, route or waiting_route or PaymentRoute.ACCOUNTS_PAYABLE
    if waiting:
        first = waiting[0]
        return paid_partnerships(user).filter(pk=first.partnership_id).first(), route or first.route
    return paid_partnerships(user).first(), route or PaymentRoute.ACCOUNTS_PAYABLE


def _chosen_run(request, waiting):
    """``(partnership, route, choice form)`` from the query string; a value not offered is refused beside
    its field (the partnership then None: nothing is shown)."""
    form = RunChoiceForm(request.GET, payer=request.user)
    if not form.is_valid():
        return None, None, form
    partnership, route = _run_to_show(
        request.user, waiting, form.cleaned_data.get("partnership"), form.cleaned_data.get("route")
    )
    shown = RunChoiceForm(payer=request.user, initial={"partnership": partnership, "route": route})
    return partnership, route, shown


def _run_url(partnership, route):
    query = urlencode({"partnership": partnership.slug, "route": route}) if partnership is not None else ""
    return f"{reverse('payment_run')}?{query}" if query else reverse("payment_run")


@payer_required
def payment_run(request):
    """One partnership's approved, unpaid claims for one payment route; export them as CSV, then mark the run
    paid with its own reference."""
    user = request.user
    if request.method == "POST":
        form = PaymentRunForm(request.POST, payer=user)
        if form.is_valid():
            data = form.cleaned_data
            partnership, route = data["partnership"], data["route"]
            try:
                paid = services.mark_run_paid(
                    by=user,
                    reference=data["reference"],
                    paid_on=data["paid_on"],
                    approved_before=data["approved_before"],
                    partnership=partnership,
                    route=route,
                )
            except services.ClaimRefused as refused:
                messages.error(request, " ".join(refused.problems))
                return redirect(_run_url(partnership, route))
            if paid:
                messages.success(
                    request,
                    f"{len(paid)} claim{'s' if len(paid) != 1 else ''} marked paid with reference {data['reference']}.",
                )
            else:
                messages.info(request, "Nothing to mark: the claims of this run had already been marked paid.")
            left_out = Claim.objects.left_out_of_run(data["approved_before"], user, partnership, route)
            left_out = list(left_out.order_by("pk"))
            if left_out:
                messages.warning(request, _left_out_message(left_out, "was left out", "were left out"))
            return redirect("finance_queue")
        cut_off = form.cleaned_data.get("approved_before") or timezone.now()
        waiting = reports.waiting_runs(cut_off, user)
        partnership, route = _run_to_show(
            user, waiting, form.cleaned_data.get("partnership"), form.cleaned_data.get("route")
        )
        choice = RunChoiceForm(payer=user, initial={"partnership": partnership, "route": route})
    else:
        cut_off = timezone.now()
        waiting = reports.waiting_runs(cut_off, user)
        partnership, route, choice = _chosen_run(request, waiting)
        form = PaymentRunForm(
            payer=user,
            initial={
                "paid_on": timezone.localdate(),
                "approved_before": cut_off.isoformat(),
                "partnership": partnership.slug if partnership is not None else "",
                "route": route,
            },
        )
    if partnership is None:
        claims, left_out, held_back = [], [], []
    else:
        claims = list(reports.payment_run_claims(cut_off, user, partnership, route))
        left_out = list(Claim.objects.left_out_of_run(cut_off, user, partnership, route).order_by("pk"))
        held_back = Claim.objects.held_back(cut_off, user, partnership, route).select_related("claimant")
        held_back = list(held_back.order_by("pk"))
    return render(
        request,
        "reimbursement/payment_run.html",
        {
            "form": form,
            "choice": choice,
            "waiting": waiting,
            "partnership": partnership,
            "route": route,
            "route_label": PaymentRoute(route).label if route in PaymentRoute.values else "",
            "csv_query": urlencode(
                {"partnership": partnership.slug, "route": route, "approved_before": cut_off.isoformat()}
            )
            if partnership is not None
            else "",
            "claims": claims,
            "cut_off": cut_off,
            "total": sum((claim.total for claim in claims), ZERO),
            "left_out": left_out,
            "held_back": held_back,
            "left_out_total": sum((claim.total for claim in left_out), ZERO),
        },
    )


def _left_out_message(claims, one, many):
    """Your own claims, named, and why they are not in the run (another member of finance pays them)."""
    names = ", ".join(f"claim {claim.pk}" for claim in claims)
    if len(claims) == 1:
        return f"Your own claim ({names}) {one} of the run: another member of finance must mark it paid."
    return f"Your own claims ({names}) {many} of the run: another member of finance must mark them paid."


@payer_required
@require_GET
def payment_run_csv(request):
    """One payment run for the finance system: one partnership's approved, unpaid claims for one route, up to
    the cut-off (default: now). Another partnership (or a route that is not one) is a 404."""
    cut_off = timezone.now()
    form = PaymentRunForm(request.GET, payer=request.user)
    if form["approved_before"].data:
        if "approved_before" in form.errors:
            messages.error(request, "That payment run link is out of date: export the run from this page.")
            return redirect("payment_run")
        cut_off = form.cleaned_data["approved_before"]
    partnership, route, choice = _chosen_run(request, reports.waiting_runs(cut_off, request.user))
    if partnership is None:
        raise Http404("No such payment run.")
    # The runner's own claims are left out, as on the page (which says so) and when marked paid.
    claims = reports.payment_run_claims(cut_off, request.user, partnership, route)
    local = timezone.localtime(cut_off)
    filename = download_name(
        "payment-run", partnership.slug, route.replace("_", "-"), local.date(), f"{local:%H%M}", extension="csv"
    )
    return exports.payment_run_csv(reports.payment_run_rows(claims), filename)


@approver_required
@require_GET
def year_summary(request):
    """Claims and amounts by status and by meeting for a financial year of a partnership the user approves for,
    with the XLSX to download."""
    user = request.user
    # Open on the year of the latest claim, else this year for the first partnership with a policy.
    latest = (
        Claim.objects.approvable_by(user)
        .exclude(status=Claim.Status.DRAFT)
        .select_related("attendance__meeting__partnership")
        .order_by("-attendance__meeting__start")
        .first()
    )
    initial = {}
    if latest is not None:
        partnership = latest.attendance.meeting.partnership
        initial = {
            "partnership": partnership,
            "year": partnership.financial_year_of(latest.attendance.meeting.local_date),
        }
    else:
        partnership = approved_partnerships(user).filter(payment_policies__isnull=False).first()
        if partnership is not None:
            initial = {"partnership": partnership, "year": partnership.financial_year_of(timezone.localdate())}
    form = YearSummaryForm(request.GET or None, initial=initial, approver=user)
    summary = None
    if form.is_bound and form.is_valid():
        summary = reports.year_summary(form.cleaned_data["partnership"], form.cleaned_data["year"])
    elif not form.is_bound and initial:
        summary = reports.year_summary(initial["partnership"], initial["year"])
    return render(request, "reimbursement/year_summary.html", {"form": form, "summary": summary})


@approver_required
@require_GET
def year_summary_xlsx(request, slug, year):
    """The year summary as a spreadsheet; a partnership the user does not approve for is a 404."""
    partnership = get_object_or_404(approved_partnerships(request.user), slug=slug)
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year.")
    return exports.year_summary_xlsx(reports.year_summary(partnership, year))
