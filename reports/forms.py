from django import forms
from django.db.models import Q, QuerySet

from foresight.models import Cycle, CycleCapability
from profiles.models import Profile
from reports.actions import linkable_profiles
from reports.models import DATE_OR_HORIZON, Action, ActionStatus, Horizon

DATED = "dated"


class RecommendationsForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["recommendations"]
        widgets = {"recommendations": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "recommendations": "Plain text; a blank line starts a new paragraph. "
            "Each report version keeps the text as it was when generated."
        }


class ActionFilter(forms.Form):
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *ActionStatus.choices]
    )
    horizon = forms.ChoiceField(
        required=False,
        label="When",
        choices=[("", "Any time"), (DATED, "By a due date"), *Horizon.choices],
    )
    q = forms.CharField(
        required=False, label="Topic or action contains", max_length=200
    )

    def apply(self, actions: QuerySet) -> QuerySet:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("status"):
            actions = actions.filter(status=data["status"])
        if data.get("horizon") == DATED:
            actions = actions.filter(due__isnull=False)
        elif data.get("horizon"):
            actions = actions.filter(horizon=data["horizon"])
        if data.get("q"):
            words = data["q"].strip()
            actions = actions.filter(
                Q(topic__icontains=words) | Q(action__icontains=words)
            )
        return actions


class CapabilityChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, capability: CycleCapability) -> str:
        text = (
            capability.text
            if len(capability.text) <= 90
            else capability.text[:89] + "…"
        )
        return f"{capability.ref} — {text}" if capability.ref else text


class ProfileChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, profile: Profile) -> str:
        return f"{profile.title} ({profile.role_level.name})"


class ActionForm(forms.ModelForm):
    """An action of one cycle. Only the cycle's own capabilities and the
    profiles of its final (else latest) iteration can be linked: the choices
    are limited to them, so anything else is refused as an invalid choice."""

    profiles = ProfileChoice(
        queryset=Profile.objects.none(),
        required=False,
        help_text="Profiles of the final iteration this action concerns. "
        "Hold Ctrl (⌘ on a Mac) to choose several.",
    )
    capabilities = CapabilityChoice(
        queryset=CycleCapability.objects.none(),
        required=False,
        help_text="Capabilities this action concerns. "
        "Hold Ctrl (⌘ on a Mac) to choose several.",
    )

    class Meta:
        model = Action
        fields = [
            "topic",
            "action",
            "who",
            "due",
            "horizon",
            "expected_result",
            "status",
            "owner",
            "comments",
            "profiles",
            "capabilities",
        ]
        widgets = {
            "action": forms.Textarea(attrs={"rows": 3}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
            "comments": forms.Textarea(attrs={"rows": 3}),
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"due": "Due date", "who": "Who should act"}
        help_texts = {
            "who": "A person, an organisation or a group.",
            "due": "A date, or leave empty and choose a horizon.",
            "horizon": "When no due date is set.",
            "owner": "Who keeps this action moving.",
        }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle
        linked = self.instance.profiles.all() if self.instance.pk else None
        self.fields["profiles"].queryset = linkable_profiles(cycle, linked)
        self.fields["capabilities"].queryset = cycle.capabilities.order_by("id")
        self.fields["profiles"].widget.attrs["size"] = 8
        self.fields["capabilities"].widget.attrs["size"] = 10

    def clean(self) -> dict:
        data = super().clean()
        if data.get("due") and data.get("horizon"):
            self.add_error("horizon", f"{DATE_OR_HORIZON} Clear one of them.")
        return data
