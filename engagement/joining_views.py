"""Joining a partnership: the visitor's request, its confirmation link, and staff's page of requests."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from toolkit.rate_limit import client_address, over_limit

from . import joining, roles
from .joining_forms import DecisionForm, JoinRequestForm
from .models import JoinRequest, Partnership
from .query_string import page_number

# How many requests to join one client address, and one email, may send in an hour (each sends an email).
JOIN_PER_ADDRESS_PER_HOUR = 5
JOIN_PER_EMAIL_PER_HOUR = 3
LIMITED = "You have asked several times in a short time, so we cannot take more just now. Please try again in an hour."

REQUESTS_PER_PAGE = 25


@never_cache
def join(request, slug):
    """A visitor asks to join: we keep the request and send a link to confirm their address."""
    partnership = get_object_or_404(Partnership, slug=slug)
    already = roles.is_member_of(request.user, partnership)
    limited = False
    if request.method == "POST" and not already:
        form = JoinRequestForm(request.POST)
        if form.is_valid():
            limits = {
                "ip": (client_address(request), JOIN_PER_ADDRESS_PER_HOUR),
                "email": (form.cleaned_data["email"], JOIN_PER_EMAIL_PER_HOUR),
            }
            limited = over_limit("join", limits)
        if form.is_valid() and not limited:
            fields = {name: form.cleaned_data[name] for name in JoinRequestForm.Meta.fields}
            joining.ask_to_join(partnership, **fields)
            messages.success(
                request,
                f"Thank you. We have sent an email to {fields['email']}: open the link in it within "
                f"{joining.CONFIRM_DAYS} days to confirm your address, and {partnership} will then look at "
                "your request.",
            )
            return redirect(partnership.get_absolute_url())
    else:
        form = JoinRequestForm()
    context = {"partnership": partnership, "form": form, "already_member": already, "limited": limited and LIMITED}
    return render(request, "engagement/join.html", context, status=429 if limited else 200)


@never_cache
def join_confirm(request, token):
    """The link in the confirmation email; a broken or expired one gets a clear page (400)."""
    try:
        join_request = joining.request_for_token(token)
    except joining.BadToken:
        return render(request, "engagement/join_bad_link.html", status=400)
    join_request = joining.confirm_email(join_request)
    return render(request, "engagement/join_confirmed.html", {"join_request": join_request})


@never_cache
def join_requests(request, slug):
    """Staff and the chair see the partnership's waiting requests and approve or decline each."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not roles.has_role(request.user, *roles.OFFICE_ROLES):
        raise PermissionDenied(f"This page is for {roles.roles_in_words(roles.OFFICE_ROLES)}.")
    partnership = get_object_or_404(
        roles.scope(Partnership.objects.all(), request.user, *roles.OFFICE_ROLES, path="pk"), slug=slug
    )
    waiting = JoinRequest.objects.filter(partnership=partnership, status=JoinRequest.Status.WAITING).order_by(
        "created_at", "pk"
    )
    form = None
    if request.method == "POST":
        form = DecisionForm(request.POST, requests=waiting)
        if form.is_valid():
            chosen = form.cleaned_data["request"]
            try:
                if form.cleaned_data["decision"] == "approve":
                    joining.approve_join_request(chosen, request.user)
                    messages.success(request, f"{chosen.name} is now a member of {partnership}; we sent a welcome.")
                else:
                    joining.decline_join_request(chosen, request.user, form.cleaned_data["decline_reason"])
                    messages.success(request, f"{chosen.name}'s request was declined; we sent your words.")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            return redirect("join_requests", slug=partnership.slug)
        if "request" in form.errors:
            messages.error(request, "That request has already been decided, or is not one of this partnership's.")
            return redirect("join_requests", slug=partnership.slug)
    page = Paginator(waiting, REQUESTS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "engagement/join_requests.html",
        {"partnership": partnership, "page_obj": page, "requests": page.object_list, "form": form},
    )
