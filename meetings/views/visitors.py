"""Visitors' views on an agenda item, without an account, and the link that confirms them."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from toolkit.rate_limit import client_address, over_limit

from .. import visitor_views
from ..forms import VisitorViewsForm
from ..models import AgendaItem

THANKS = (
    "Thank you. We have sent an email to {email}: open the link in it within {days} days to confirm your address, "
    "and your views on “{title}” will then reach the chair and staff."
)
LIMITED = (
    "You have sent several views in a short time, so we cannot take more just now. Please try again in an hour, "
    "or write to the partnership."
)


@never_cache
def visitor_views_new(request, pk):
    """Anyone sends views on an item of business: name, email, consent; kept once the email is confirmed."""
    items = AgendaItem.objects.select_related("meeting__partnership").filter(meeting__published_at__isnull=False)
    item = get_object_or_404(items, pk=pk, is_business=True)  # a draft's items are nobody's business yet
    anchor = f"{item.meeting.get_absolute_url()}#item-{item.pk}"
    limited = False
    if request.method == "POST":
        form = VisitorViewsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            limits = {
                "ip": (client_address(request), visitor_views.PER_ADDRESS_PER_HOUR),
                "email": (data["email"], visitor_views.PER_EMAIL_PER_HOUR),
            }
            if over_limit("visitor-views", limits):
                limited = True
            else:
                if not form.is_trapped():  # a robot filled the hidden field: told the same, nothing kept
                    visitor_views.keep_pending(item, data["name"], data["email"], data["text"])
                days = visitor_views.CONFIRM_DAYS
                messages.success(request, THANKS.format(email=data["email"], days=days, title=item.title))
                return redirect(anchor)
    else:
        form = VisitorViewsForm()
    status = 429 if limited else 200
    context = {"item": item, "meeting": item.meeting, "form": form, "limited": limited and LIMITED}
    return render(request, "meetings/participation/visitor_views.html", context, status=status)


@never_cache
def visitor_views_confirm(request, token):
    """The link in the email: the views now count; a broken, expired or used link gets a clear 400 page."""
    try:
        feedback = visitor_views.confirm(visitor_views.pending_for_token(token))
    except visitor_views.BadToken:
        return render(request, "meetings/participation/visitor_views_bad_link.html", status=400)
    return render(request, "meetings/participation/visitor_views_confirmed.html", {"feedback": feedback})
