"""The member's side: the policy in plain words, their claims, starting, editing and submitting one.

Every view that takes a claim or receipt id fetches it through
``Claim.objects.for_user`` / ``owned_by`` (or ``Receipt.objects.for_user``),
so someone else's claim is a 404 (an approver sees the submitted claims of
their own partnerships only). State changes go through ``services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from engagement import roles
from engagement.models import Partnership
from engagement.query_string import page_number, query_id
from engagement.roles import MEMBER, has_role, role_required
from engagement.services import participant_for_user
from meetings.forms import PartnershipFilterForm

from .. import selectors, services
from ..forms import ClaimForm, RejectForm, StartClaimForm, claim_line_formset
from ..models import Claim, PaymentPolicy, Receipt

CLAIMS_PER_PAGE = 20
POLICIES_PER_PAGE = 20  # partnerships a page: a region has 300
RECEIPT_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


@require_GET
def claim_policy(request):
    """Each partnership's payment policy in plain words: read before claiming, 20 partnerships a page."""
    today = timezone.localdate()
    with_policy = Exists(PaymentPolicy.objects.filter(partnership=OuterRef("pk")))
    partnerships = Partnership.objects.filter(with_policy).order_by("name", "pk")
    form = PartnershipFilterForm(request.GET)
    if not form.is_valid():
        partnerships = partnerships.none()  # an unknown partnership: the page names it
    elif form.cleaned_data["partnership"] is not None:
        partnerships = partnerships.filter(pk=form.cleaned_data["partnership"].pk)
    page = Paginator(partnerships, POLICIES_PER_PAGE).get_page(page_number(request))
    policies = PaymentPolicy.objects.filter(partnership__in=list(page.object_list)).order_by("-effective_from")
    by_partnership = {}
    for policy in policies:
        by_partnership.setdefault(policy.partnership_id, []).append(policy)
    sections = []
    for partnership in page.object_list:
        group = by_partnership.get(partnership.pk, [])
        for policy in group:
            policy.partnership = partnership  # the template and rates text read it: no query each
        in_force = [policy for policy in group if policy.effective_from <= today]
        sections.append(
            {
                "partnership": partnership,
                "current": in_force[0] if in_force else None,
                "upcoming": [policy for policy in group if policy.effective_from > today][::-1],
                "earlier": in_force[1:],
            }
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reimbursement/policy.html",
        {
            "sections": sections,
            "form": form,
            "can_claim": has_role(request.user, MEMBER),
            "page_obj": page,
            "query": query.urlencode(),
        },
    )


@login_required
def claim_list(request):
    """The signed-in person's own claims, newest first."""
    claims = Claim.objects.owned_by(request.user).for_list().order_by("-created_at", "-pk")
    page = Paginator(claims, CLAIMS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "reimbursement/claim_list.html",
        {"page_obj": page, "claims": page.object_list, "can_claim": has_role(request.user, MEMBER)},
    )


@role_required(MEMBER)
def claim_new(request):
    """Choose a meeting you attended; this starts a draft claim to add your time and expenses to."""
    participant = participant_for_user(request.user)
    options = selectors.claim_options(participant, user=request.user)
    closed = [option for option in options if not option.can_claim]
    if request.method == "POST":
        form = StartClaimForm(request.POST, options=options)
        if form.is_valid():
            try:
                claim = services.start_claim(participant, form.cleaned_data["attendance"], by=request.user)
            except services.ClaimRefused as refused:
                form.add_error("attendance", " ".join(refused.problems))
            else:
                messages.success(
                    request,
                    f"Your draft claim for {claim.attendance.meeting.title} has been started. Add your time and "
                    "expenses, then submit it.",
                )
                return redirect("claim_edit", pk=claim.pk)
        else:
            # A meeting past its deadline is not offered; if one is sent anyway, say why by name.
            chosen = request.POST.get("attendance", "")
            for option in closed:
                if chosen == str(option.attendance.pk):
                    form.errors["attendance"] = form.error_class([option.refusal])
    else:
        form = StartClaimForm(initial={"attendance": query_id(request, "attendance")}, options=options)
    return render(
        request,
        "reimbursement/claim_new.html",
        {
            "form": form,
            "open_options": [option for option in options if option.can_claim],
            "closed_options": closed,
            # Whom to ask about a meeting past its deadline: each one's partnership, once.
            "closed_partnerships": list(
                {option.meeting.partnership_id: option.meeting.partnership for option in closed}.values()
            ),
            "has_participant": participant is not None,
        },
    )


@login_required
def claim_detail(request, pk):
    """A claim: what is claimed, receipts, its status history and any reason it was sent back."""
    claim = get_object_or_404(Claim.objects.for_user(request.user).for_detail(), pk=pk)
    is_owner = claim.claimant.user_id == request.user.pk
    is_approver = roles.can_approve(request.user, claim)
    can_decide = is_approver and not is_owner and claim.status == Claim.Status.SUBMITTED
    # Approved, then staff recorded that the person did not come: held back from payment, can be sent back.
    held_back = claim.status == Claim.Status.APPROVED and not claim.attendance_verified
    context = {
        "claim": claim,
        "lines": list(claim.lines.all()),
        "history": claim.status_history(),
        "is_owner": is_owner,
        "is_approver": is_approver,
        "can_decide": can_decide,
        "held_back": held_back,
        "can_send_back": held_back and is_approver and not is_owner,
        "own_claim_in_queue": is_approver and is_owner and claim.status == Claim.Status.SUBMITTED,
        "problems": services.approval_problems(claim) if can_decide else [],
        "deadline_passed": claim.past_deadline(),
    }
    if can_decide or context["can_send_back"]:
        context["reject_form"] = RejectForm()
    return render(request, "reimbursement/claim_detail.html", context)


@login_required
def claim_edit(request, pk):
    """Change a draft or a rejected claim: time, expenses and receipts; save it or submit it."""
    claim = get_object_or_404(Claim.objects.owned_by(request.user).for_detail(), pk=pk)
    if not claim.is_editable:
        messages.error(request, services.not_editable_message(claim))
        return redirect(claim)
    submitting = request.method == "POST" and request.POST.get("action") == "submit"
    if request.method == "POST":
        form = ClaimForm(request.POST, instance=claim, submitting=submitting)
        formset = claim_line_formset(claim, request.POST, request.FILES, submitting=submitting)
        if formset.posted_too_many:
            # No line form was built; nothing the member typed can be shown again, so start afresh.
            messages.error(request, " ".join(formset.non_form_errors()))
            return redirect("claim_edit", pk=claim.pk)
        if form.is_valid() and formset.is_valid():
            try:
                services.update_claim(
                    claim.pk,
                    by=request.user,
                    version=form.cleaned_data["version"],
                    meeting_hours=form.cleaned_data["meeting_hours"],
                    preparation_hours=form.cleaned_data.get("preparation_hours") or 0,
                    payment_declined=form.cleaned_data["payment_declined"],
                    lines=formset.line_changes(),
                )
            except services.ClaimRefused as refused:
                for problem in refused.problems:
                    messages.error(request, problem)
                return redirect("claim_edit", pk=claim.pk)
            if not submitting:
                messages.success(request, "Your claim has been saved as a draft. Submit it when it is ready.")
                if request.POST.get("action") == "more":
                    return redirect("claim_edit", pk=claim.pk)
                return redirect(claim)
            try:
                services.submit_claim(claim.pk, by=request.user, declared=form.cleaned_data["declaration"])
            except services.ClaimRefused as refused:
                messages.error(request, "Your changes are saved, but the claim has not been submitted:")
                for problem in refused.problems:
                    messages.error(request, problem)
                return redirect("claim_edit", pk=claim.pk)
            messages.success(
                request,
                "Your claim has been submitted. Finance will check it; you will see here when it is approved and paid.",
            )
            return redirect(claim)
        # No message here: the page's error summary lists each problem once, linked to its field.
    else:
        form = ClaimForm(instance=claim)
        formset = claim_line_formset(claim)
    return render(
        request,
        "reimbursement/claim_edit.html",
        {
            "claim": claim,
            "form": form,
            "formset": formset,
            "deadline_passed": claim.past_deadline(),
        },
    )


@login_required
def claim_delete(request, pk):
    """Delete a draft (for example one started for the wrong meeting), after a confirmation."""
    claim = get_object_or_404(Claim.objects.owned_by(request.user).for_list(), pk=pk)
    if claim.status != Claim.Status.DRAFT:
        messages.error(request, "Only a draft can be deleted; this claim is on record.")
        return redirect(claim)
    if request.method == "POST":
        try:
            services.delete_draft(claim.pk, by=request.user)
        except services.ClaimRefused as refused:
            messages.error(request, " ".join(refused.problems))
            return redirect(claim)
        messages.success(request, f"Your draft claim for {claim.attendance.meeting.title} has been deleted.")
        return redirect("claim_list")
    return render(request, "reimbursement/claim_delete.html", {"claim": claim})


@login_required
def receipt_download(request, pk):
    """A receipt file, for the claimant and approvers only, always as a download."""
    receipt = get_object_or_404(Receipt.objects.for_user(request.user), pk=pk)
    try:
        handle = receipt.file.open("rb")
    except FileNotFoundError:
        raise Http404("This receipt's file is missing.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=receipt.download_name(),
        content_type=RECEIPT_TYPES.get(receipt.extension, "application/octet-stream"),
    )
    patch_cache_control(response, private=True, no_store=True)
    return response
