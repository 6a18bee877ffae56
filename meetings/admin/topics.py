"""Topics and the forward plan in the back office: the chair triages topics, staff keep the forward plan.

A topic's status changes only through ``topic_services.change_topic_status`` (the change form and the
action both go through it), which checks the rules, locks the row and writes the public history.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction

from engagement.admin_scope import CHOICE_PATHS, PartnershipScopedAdmin, ScopedRelatedFieldListFilter
from engagement.formsets import BoundedInlineFormSet
from engagement.subqueries import count_pointing_here

from ..topic_forms import TopicAdminForm
from ..topic_services import change_topic_status
from ..topics import ForwardDecision, Topic, TopicStatusChange, TopicSupport

CHOICE_PATHS.update({"meetings.topic": "partnership", "meetings.forwarddecision": "partnership"})

STATUS_FIELDS = ("status", "status_words", "agenda_item", "merged_into")


class TopicStatusChangeInline(admin.TabularInline):
    """The topic's history: written by the service, never edited."""

    model = TopicStatusChange
    formset = BoundedInlineFormSet
    extra = 0
    max_num = 1000  # read-only: what a posted form count is held to (engagement/formsets.py)
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "words", "changed_by"]
    readonly_fields = fields
    verbose_name_plural = "what has happened (public)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """Topics members proposed: the chair considers, schedules, answers, declines or merges each one."""

    form = TopicAdminForm
    list_display = ["title", "partnership", "status", "support", "created_at"]
    list_filter = ["status", ("partnership", ScopedRelatedFieldListFilter)]
    list_select_related = ["partnership"]
    search_fields = ["title", "about"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ["agenda_item", "merged_into", "decision"]
    inlines = [TopicStatusChangeInline]
    actions = ["mark_considering"]
    fieldsets = [
        (None, {"fields": ["partnership", "title", "about", "why_it_matters", "who_it_affects", "wanted_rung"]}),
        (
            "Status (each change is shown to the public and told to the proposer and supporters)",
            {"fields": list(STATUS_FIELDS)},
        ),
        ("Where it came from", {"fields": ["decision", "proposed_by", "proposer_participant", "created_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(support_count=count_pointing_here(TopicSupport, "topic"))

    def get_readonly_fields(self, request, obj=None):
        fixed = ["proposed_by", "proposer_participant", "created_at"]
        if obj is None:  # a new topic starts as "new"; its status then changes through the form
            return [*fixed, *STATUS_FIELDS]
        return fixed

    @admin.display(description="support", ordering="support_count")
    def support(self, obj):
        return obj.support_count

    def save_model(self, request, obj, form, change):
        """Other fields save as usual; a change of status goes through ``change_topic_status``."""
        if not change:
            obj.proposed_by = obj.proposed_by or request.user
            super().save_model(request, obj, form, change)
            TopicStatusChange.objects.create(
                topic=obj, from_status=obj.status, to_status=obj.status, words="Proposed.", changed_by=request.user
            )
            return
        wanted = {name: getattr(obj, name) for name in STATUS_FIELDS}
        stored = Topic.objects.get(pk=obj.pk)
        for name in STATUS_FIELDS:
            setattr(obj, name, getattr(stored, name))
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            try:
                change_topic_status(
                    obj,
                    wanted["status"],
                    wanted["status_words"],
                    request.user,
                    agenda_item=wanted["agenda_item"],
                    merged_into=wanted["merged_into"],
                )
            except ValidationError as error:  # the form checked first; another change came in between
                messages.error(request, " ".join(error.messages))

    @admin.action(description="Mark the selected topics as being considered")
    def mark_considering(self, request, queryset):
        changed = 0
        for topic in queryset:
            if topic.status != Topic.Status.NEW:
                continue
            if change_topic_status(
                topic, Topic.Status.CONSIDERING, "The chair is considering this topic.", request.user
            ):
                changed += 1
        self.message_user(request, f"{changed} topic{'s' if changed != 1 else ''} marked as being considered.")


@admin.register(ForwardDecision)
class ForwardDecisionAdmin(PartnershipScopedAdmin, admin.ModelAdmin):
    """The forward plan: decisions coming up in the system, kept by staff; linked to an agenda item and "we did"."""

    list_display = ["title", "partnership", "decision_maker", "expected_date", "status", "made_on"]
    list_filter = ["status", ("partnership", ScopedRelatedFieldListFilter)]
    list_select_related = ["partnership"]
    search_fields = ["title", "decision_maker"]
    date_hierarchy = "expected_date"
    show_full_result_count = False
    raw_id_fields = ["agenda_item", "response"]
