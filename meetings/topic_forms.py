"""Forms for topics: a member's proposal, and the chair's status change in the back office."""

from django import forms

from engagement.models import EngagementType

from .topic_services import status_change_problems
from .topics import Topic, plain_rung


class RungChoiceField(forms.ModelChoiceField):
    """The ladder in plain words: "be told (Informing)"."""

    def label_from_instance(self, obj):
        words = plain_rung(obj)
        return f"{words[:1].upper()}{words[1:]} ({obj.name})"


class TopicForm(forms.ModelForm):
    """What a member proposes; the decision it is about is kept, not shown."""

    wanted_rung = RungChoiceField(
        queryset=EngagementType.objects.order_by("rank"),
        widget=forms.RadioSelect,
        label="What do you want from the partnership?",
        empty_label=None,
        error_messages={
            "required": "Choose what you want from the partnership.",
            "invalid_choice": "Choose one of the options.",
        },
    )

    class Meta:
        model = Topic
        fields = ["title", "about", "why_it_matters", "who_it_affects", "wanted_rung"]
        labels = {
            "title": "Title",
            "about": "What is it about?",
            "why_it_matters": "Why does it matter?",
            "who_it_affects": "Who does it affect? (optional)",
        }
        help_texts = {"title": "A few words, e.g. “Waiting times for mental health support”."}
        widgets = {
            "about": forms.Textarea(attrs={"rows": 4}),
            "why_it_matters": forms.Textarea(attrs={"rows": 3}),
            "who_it_affects": forms.Textarea(attrs={"rows": 2}),
        }
        error_messages = {
            "title": {"required": "Give your topic a title."},
            "about": {"required": "Say what the topic is about."},
            "why_it_matters": {"required": "Say why it matters."},
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "about", "why_it_matters", "who_it_affects"):
            value = cleaned.get(name)
            if isinstance(value, str) and "\x00" in value:
                self.add_error(name, "Remove the unusual characters from this box.")
        return cleaned


class TopicAdminForm(forms.ModelForm):
    """The chair's change form: status changes are checked by the service's own rules."""

    class Meta:
        model = Topic
        fields = [
            "partnership",
            "title",
            "about",
            "why_it_matters",
            "who_it_affects",
            "wanted_rung",
            "status",
            "status_words",
            "agenda_item",
            "merged_into",
            "decision",
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk or "status" not in self.fields:
            return cleaned
        to = cleaned.get("status", self.instance.status)
        problems = status_change_problems(
            self.instance,
            to,
            cleaned.get("status_words", ""),
            agenda_item=cleaned.get("agenda_item"),
            merged_into=cleaned.get("merged_into"),
        )
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return cleaned
