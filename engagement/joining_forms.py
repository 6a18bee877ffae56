"""Forms of joining a partnership: the visitor's request and staff's decision on one."""

from django import forms

from .models import JoinRequest


class JoinRequestForm(forms.ModelForm):
    """What a visitor tells us when asking to join."""

    ways = forms.MultipleChoiceField(
        label="How you like to take part",
        choices=JoinRequest.WAYS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Choose any that suit you.",
    )

    class Meta:
        model = JoinRequest
        fields = ["name", "email", "voice", "organisation_name", "ways", "access_needs"]
        labels = {"name": "Your name", "email": "Your email address", "access_needs": "Access needs (optional)"}
        help_texts = {"access_needs": "Anything that would help you take part: large print, a hearing loop, a carer."}
        widgets = {"voice": forms.RadioSelect, "access_needs": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("voice") == JoinRequest.Voice.ORGANISATION and not cleaned.get("organisation_name", "").strip():
            self.add_error("organisation_name", "Name the organisation or community you speak for.")
        if cleaned.get("voice") == JoinRequest.Voice.OWN:
            cleaned["organisation_name"] = ""
        return cleaned


class DecisionForm(forms.Form):
    """Staff approve or decline one waiting request of the partnership (``requests``: those they may decide)."""

    request = forms.ModelChoiceField(queryset=JoinRequest.objects.none(), widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("decline", "Decline")])
    decline_reason = forms.CharField(
        label="Kind words to the person (needed to decline)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, requests, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["request"].queryset = requests

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "decline" and not cleaned.get("decline_reason", "").strip():
            self.add_error("decline_reason", "Say kindly why, in words the person will read.")
        return cleaned
