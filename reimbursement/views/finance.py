"""The approvers' and finance's side: the queue, approve or reject, the payment run, the year summary.

Finance and the chair approve and reject (never their own claims); only
finance exports and marks the payment run paid. State changes go through
``services``, which lock the claim, so a double click has no second effect.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from engagement.models import Partnership
from engagement.query_string import page_number
from engagement.roles import CHAIR, FINANCE, has_role, role_required
from engagement.services import participant_for_user
from toolkit.downloads import download_name

from .. import exports, reports, services
from ..forms import PaymentRunForm, RejectForm, YearSummaryForm
from ..models import ZERO, Claim
from ..templatetags.claims import money as pounds

QUEUE_PER_PAGE = 25


@role_required(FINANCE, CHAIR)
@require_GET
def finance_queue(request):
    """Submitted claims, oldest first, with what an approver needs to decide; then what awaits payment."""
    queue = Claim.objects.filter(status=Claim.Status.SUBMITTED).for_queue().order_by("submitted_at", "pk")
    page = Paginator(queue, QUEUE_PER_PAGE).get_page(page_number(request))
    is_payer = has_role(request.user, FINANCE)
    # For finance, what their next payment run holds (never their own claims); for the chair, all of it.
    awaiting = Claim.objects.payment_run(None, request.user) if is_payer else Claim.objects.awaiting_payment()
    awaiting = awaiting.aggregate(count=Count("pk"), total=Sum("total"))
    held_back = Claim.objects.held_back(None, request.user).select_related("claimant").order_by("pk")
    participant = participant_for_user(request.user)
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


@role_required(FINANCE, CHAIR)
@require_POST
def claim_approve(request, pk):
    claim = get_object_or_404(Claim.objects.visible_to(request.user).select_related("claimant"), pk=pk)
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


@role_required(FINANCE, CHAIR)
def claim_reject(request, pk):
    """Send a claim back with a reason the claimant will read."""
    claim = get_object_or_404(Claim.objects.visible_to(request.user).for_detail(), pk=pk)
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


@role_required(FINANCE)
def payment_run(request):
    """The approved, unpaid claims; export them as CSV, then mark the run paid with its reference."""
    if request.method == "POST":
        form = PaymentRunForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                paid = services.mark_run_paid(
                    by=request.user,
                    reference=data["reference"],
                    paid_on=data["paid_on"],
                    approved_before=data["approved_before"],
                )
            except services.ClaimRefused as refused:
                messages.error(request, " ".join(refused.problems))
                return redirect("payment_run")
            if paid:
                messages.success(
                    request,
                    f"{len(paid)} claim{'s' if len(paid) != 1 else ''} marked paid with reference {data['reference']}.",
                )
            else:
                messages.info(request, "Nothing to mark: the claims of this run had already been marked paid.")
            left_out = list(Claim.objects.left_out_of_run(data["approved_before"], request.user).order_by("pk"))
            if left_out:
                messages.warning(request, _left_out_message(left_out, "was left out", "were left out"))
            return redirect("finance_queue")
        cut_off = form.cleaned_data.get("approved_before") or timezone.now()
    else:
        cut_off = timezone.now()
        form = PaymentRunForm(initial={"paid_on": timezone.localdate(), "approved_before": cut_off.isoformat()})
    claims = list(reports.payment_run_claims(cut_off, request.user))
    left_out = list(Claim.objects.left_out_of_run(cut_off, request.user).order_by("pk"))
    held_back = list(Claim.objects.held_back(cut_off, request.user).select_related("claimant").order_by("pk"))
    return render(
        request,
        "reimbursement/payment_run.html",
        {
            "form": form,
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


@role_required(FINANCE)
@require_GET
def payment_run_csv(request):
    """The payment run for the finance system: approved, unpaid claims up to the cut-off (default: now)."""
    cut_off = timezone.now()
    form = PaymentRunForm(request.GET)
    if form["approved_before"].data:
        if "approved_before" in form.errors:
            messages.error(request, "That payment run link is out of date: export the run from this page.")
            return redirect("payment_run")
        cut_off = form.cleaned_data["approved_before"]
    # The runner's own claims are left out, as on the page (which says so) and when marked paid.
    claims = reports.payment_run_claims(cut_off, request.user)
    local = timezone.localtime(cut_off)
    filename = download_name("payment-run", local.date(), f"{local:%H%M}", extension="csv")
    return exports.payment_run_csv(reports.payment_run_rows(claims), filename)


@role_required(FINANCE, CHAIR)
@require_GET
def year_summary(request):
    """Claims and amounts by status and by meeting for a financial year, with the XLSX to download."""
    # Open on the year of the latest claim, else this year for the first partnership with a policy.
    latest = (
        Claim.objects.exclude(status=Claim.Status.DRAFT)
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
        partnership = Partnership.objects.filter(payment_policies__isnull=False).order_by("name").first()
        if partnership is not None:
            initial = {"partnership": partnership, "year": partnership.financial_year_of(timezone.localdate())}
    form = YearSummaryForm(request.GET or None, initial=initial)
    summary = None
    if form.is_bound and form.is_valid():
        summary = reports.year_summary(form.cleaned_data["partnership"], form.cleaned_data["year"])
    elif not form.is_bound and initial:
        summary = reports.year_summary(initial["partnership"], initial["year"])
    return render(request, "reimbursement/year_summary.html", {"form": form, "summary": summary})


@role_required(FINANCE, CHAIR)
@require_GET
def year_summary_xlsx(request, slug, year):
    partnership = get_object_or_404(Partnership, slug=slug)
    if not 2000 <= year <= 2100:
        raise Http404("No such financial year.")
    return exports.year_summary_xlsx(reports.year_summary(partnership, year))
