"""Topics people propose for the agenda, and the forward plan (issue 14): public lists, members propose and support."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from engagement.models import Partnership
from engagement.query_string import page_number, query_id, query_text
from engagement.roles import is_member_of
from toolkit.page_cache import public_page

from .. import topic_services
from ..topic_forms import TopicForm
from ..topics import ForwardDecision, Topic, TopicSupport

TOPICS_PER_PAGE = 20
DECISIONS_PER_PAGE = 20
SORTS = {"support": ("-support_count", "-created_at", "-pk"), "new": ("-created_at", "-pk")}


def _partnership(slug):
    return get_object_or_404(Partnership, slug=slug)


def _refuse_outsiders(request, partnership):
    """Signed-in members of the partnership (or one above) only: others sign in, or are refused."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_member_of(request.user, partnership):
        raise PermissionDenied(f"Proposing and supporting topics is for members of {partnership}.")
    return None


def _supported_ids(request, topics):
    if not request.user.is_authenticated:
        return set()
    return set(
        TopicSupport.objects.filter(user=request.user, topic__in=[t.pk for t in topics]).values_list(
            "topic_id", flat=True
        )
    )


@public_page
def topic_list(request, slug):
    """A partnership's proposed topics, most supported (or newest) first, filterable by status."""
    partnership = _partnership(slug)
    sort = query_text(request, "sort")
    sort = sort if sort in SORTS else "support"
    status = query_text(request, "status")
    status = status if status in Topic.Status.values else ""
    topics = Topic.objects.filter(partnership=partnership).with_support().order_by(*SORTS[sort])
    if status:
        topics = topics.filter(status=status)
    page = Paginator(topics, TOPICS_PER_PAGE).get_page(page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    member = is_member_of(request.user, partnership)
    return render(
        request,
        "meetings/topics/topic_list.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "topics": page.object_list,
            "sort": sort,
            "status": status,
            "statuses": Topic.Status.choices,
            "query": "&".join(f"{k}={v}" for k, v in (("sort", sort), ("status", status)) if v),
            "is_member": member,
            "supported": _supported_ids(request, page.object_list) if member else set(),
        },
    )


@public_page
def topic_detail(request, slug, pk):
    """One topic: what was proposed, its support, and each change of its status in public words."""
    partnership = _partnership(slug)
    topic = get_object_or_404(Topic.objects.with_support(), partnership=partnership, pk=pk)
    member = is_member_of(request.user, partnership)
    return render(
        request,
        "meetings/topics/topic_detail.html",
        {
            "partnership": partnership,
            "topic": topic,
            "history": topic.history.order_by("changed_at", "pk"),
            "merged_topics": topic.merged_topics.order_by("-created_at"),
            "is_member": member,
            "supported": _supported_ids(request, [topic]) if member else set(),
        },
    )


def topic_new(request, slug):
    """A member proposes a topic; ``?decision=<id>`` asks to be involved in a forward plan decision."""
    partnership = _partnership(slug)
    refused = _refuse_outsiders(request, partnership)
    if refused:
        return refused
    decision_id = query_id(request, "decision")
    decision = None
    if decision_id:
        decision = ForwardDecision.objects.filter(partnership=partnership, pk=decision_id).first()
    if request.method == "POST":
        form = TopicForm(request.POST)
        if form.is_valid():
            topic = topic_services.propose_topic(partnership, request.user, decision=decision, **form.cleaned_data)
            messages.success(
                request,
                f"Thank you: your topic “{topic.title}” has been sent to the chair. Others can now say “me too”, "
                "and you will see here what the partnership does with it.",
            )
            return redirect(topic)
    else:
        initial = {}
        if decision:
            initial = {
                "title": f"Involve us in: {decision.title}"[:200],
                "about": decision.what_is_decided,
                "why_it_matters": "",
            }
        form = TopicForm(initial=initial)
    return render(
        request,
        "meetings/topics/topic_form.html",
        {"partnership": partnership, "form": form, "decision": decision},
    )


def topic_support(request, slug, pk):
    """POST: a member says "me too" (``action=support``) or takes it back (``action=withdraw``); repeat-safe."""
    partnership = _partnership(slug)
    refused = _refuse_outsiders(request, partnership)
    if refused:
        return refused
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    topic = get_object_or_404(Topic, partnership=partnership, pk=pk)
    if request.POST.get("action") == "withdraw":
        topic_services.withdraw_support(topic, request.user)
        messages.success(request, f"You no longer support “{topic.title}”.")
    elif not topic.is_open:
        messages.error(request, f"“{topic.title}” is {topic.get_status_display().lower()}: it takes no more support.")
    else:
        topic_services.support_topic(topic, request.user)
        messages.success(request, f"You support “{topic.title}”. Thank you.")
    come_back = request.POST.get("next", "")
    if come_back and url_has_allowed_host_and_scheme(come_back, allowed_hosts={request.get_host()}):
        return redirect(come_back)
    return redirect(topic)


@public_page
def forward_plan(request, slug):
    """Decisions coming up in the system (soonest first), then those made, with their agenda item and "we did"."""
    partnership = _partnership(slug)
    decisions = ForwardDecision.objects.filter(partnership=partnership).for_plan()
    page = Paginator(decisions, DECISIONS_PER_PAGE).get_page(page_number(request))
    return render(
        request,
        "meetings/topics/forward_plan.html",
        {
            "partnership": partnership,
            "page_obj": page,
            "decisions": page.object_list,
            "is_member": is_member_of(request.user, partnership),
            "query": "",
        },
    )
