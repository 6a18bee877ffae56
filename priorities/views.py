"""Priority pages: the public plan, one priority, progress notes, and the action plan files.

Priorities and their actions are public, like agendas. Adding a progress note
is for the staff and chair of the action's partnership (or one above it) and
the action's owner (see ``models.ownership_keys``); the office of another
partnership gets "not found".
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from engagement import roles
from engagement.models import Partnership
from engagement.query_string import has_filters, page_number
from toolkit.exports import csv_response, xlsx_bytes, xlsx_response
from toolkit.page_cache import public_page

from .exports import ActionPlan
from .filters import PriorityFilter
from .forms import ProgressNoteForm
from .models import Action, ActionUpdate, Priority
from .selectors import mark_note_rights
from .services import change_action_status

PRIORITIES_PER_PAGE = 20


@public_page
def priority_list(request):
    """Every partnership's current priorities with their actions and progress, filterable."""
    priority_filter = PriorityFilter(request.GET, queryset=Priority.objects.all())
    if priority_filter.is_valid():
        shown_actions = Action.objects.filter(priority_filter.action_condition())
        priorities = priority_filter.qs.for_listing(shown_actions).order_by("partnership__name", "order", "number")
    else:
        # Unknown filter values: the form names each beside its field; the list stays empty.
        priorities = Priority.objects.none()
    page = Paginator(priorities, PRIORITIES_PER_PAGE).get_page(page_number(request))
    mark_note_rights(page.object_list, request.user)
    query = request.GET.copy()
    query.pop("page", None)
    filtered = has_filters(request)
    return render(
        request,
        "priorities/priority_list.html",
        {
            "filter": priority_filter,
            "page_obj": page,
            "priorities": page.object_list,
            "query": query.urlencode(),
            "filtered": filtered,
        },
    )


@public_page
def priority_detail(request, pk):
    """One priority with every progress note of each action."""
    actions = Action.objects.prefetch_related(
        Prefetch(
            "updates", queryset=ActionUpdate.objects.order_by("-date", "-created_at", "-pk"), to_attr="update_list"
        )
    )
    priority = get_object_or_404(Priority.objects.for_listing(actions), pk=pk)
    mark_note_rights([priority], request.user)
    return render(request, "priorities/priority_detail.html", {"priority": priority})


def action_note_new(request, pk):
    """A progress note on an action, optionally changing its status (which then needs the note)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    action = get_object_or_404(
        Action.objects.select_related("priority__partnership", "owner_organisation", "owner_participant"), pk=pk
    )
    if not action.can_be_updated_by(request.user):
        if roles.has_role(request.user, *roles.OFFICE_ROLES):
            # Staff or chair of another partnership: this partnership's actions are not theirs to work on.
            raise Http404("This action is not one of your partnerships'.")
        raise PermissionDenied("Only staff, the chair and the action's owner can add progress notes.")
    form = ProgressNoteForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        new_status = form.cleaned_data["new_status"] or None
        try:
            change_action_status(action, new_status, form.cleaned_data["note"], request.user, form.cleaned_data["date"])
        except ValidationError as error:
            for field, field_errors in error.message_dict.items():
                form.add_error("new_status" if field == "status" else "note", field_errors)
        else:
            if new_status:
                messages.success(request, f"Status changed to “{action.get_status_display()}” and your note saved.")
            else:
                messages.success(request, "Your progress note is saved.")
            # The priority's page from the top, where the success message shows.
            return redirect(action.priority.get_absolute_url())
    return render(request, "priorities/note_form.html", {"action": action, "priority": action.priority, "form": form})


def action_plan_export(request, slug, fmt):
    """A partnership's action plan, one row per action, as CSV or XLSX (public, like the plan itself)."""
    partnership = get_object_or_404(Partnership, slug=slug)
    plan = ActionPlan(partnership)
    if fmt == "csv":
        return csv_response(plan.table(), plan.filename("csv"))
    return xlsx_response(xlsx_bytes([plan.table()]), plan.filename("xlsx"))
