"""Forms of the profile pages.

The change form only parses what was posted (ids, levels, text); whether a
capability belongs to the cycle or a split leaves something behind is decided
by profiles.refinement, which words the refusal.
"""

from collections.abc import Iterable

from django import forms

from profiles.models import ChangeKind, Iteration, Profile

# The fields each kind of change asks for, besides its rationale.
KIND_FIELDS = {
    ChangeKind.RENAME: ["new_title"],
    ChangeKind.ADD: ["capability", "proficiency"],
    ChangeKind.REMOVE: ["capability"],
    ChangeKind.UPRATE: ["capability", "proficiency"],
    ChangeKind.DOWNRATE: ["capability", "proficiency"],
    ChangeKind.MERGE: ["other_profile", "new_title"],
    ChangeKind.SPLIT: ["moved_capabilities", "new_title"],
}
TITLE_LABELS = {
    ChangeKind.RENAME: "New title",
    ChangeKind.MERGE: "Title of the merged profile (optional)",
    ChangeKind.SPLIT: "Title of the new profile",
}
LEVEL_BLANKS = {
    ChangeKind.ADD: "Choose a level",
    ChangeKind.UPRATE: "One level up",
    ChangeKind.DOWNRATE: "One level down",
}


class IdListField(forms.Field):
    widget = forms.CheckboxSelectMultiple

    def to_python(self, value) -> list[int]:
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError):
            raise forms.ValidationError("Choose capabilities from the list.") from None


class ChangeForm(forms.Form):
    """One kind of change to one profile; the posted `kind` picks the fields."""

    kind = forms.ChoiceField(choices=ChangeKind.choices, widget=forms.HiddenInput)
    new_title = forms.CharField(max_length=200, required=False)
    capability = forms.IntegerField(required=False, widget=forms.Select)
    proficiency = forms.IntegerField(required=False, widget=forms.Select)
    other_profile = forms.IntegerField(
        label="Merge in this profile", required=False, widget=forms.Select
    )
    moved_capabilities = IdListField(
        label="Capabilities that move to the new profile", required=False
    )
    rationale = forms.CharField(
        label="Why?",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, kind: str, options: dict | None = None, **kwargs) -> None:
        """`options`, for the choices shown: "held" and "addable" (capability id,
        text) pairs, "others" (profile id, title) pairs, "levels" (value, label)."""
        options = {"held": [], "addable": [], "others": [], "levels": []} | (
            options or {}
        )
        kwargs.setdefault("auto_id", f"{kind}-%s")
        super().__init__(*args, **kwargs)
        kind = self.data.get("kind", kind) if self.is_bound else kind
        self.initial["kind"] = kind
        wanted = KIND_FIELDS.get(kind, [])
        for name in list(self.fields):
            if name not in ("kind", "rationale", *wanted):
                del self.fields[name]

        if "new_title" in self.fields:
            self.fields["new_title"].label = TITLE_LABELS[kind]
        if "capability" in self.fields:
            pool = options["addable"] if kind == ChangeKind.ADD else options["held"]
            self.fields["capability"].widget.choices = [("", "Choose…"), *pool]
        if "proficiency" in self.fields:
            self.fields["proficiency"].widget.choices = [
                ("", LEVEL_BLANKS[kind]),
                *options["levels"],
            ]
            self.fields["proficiency"].label = (
                "At proficiency" if kind == ChangeKind.ADD else "To proficiency"
            )
        if "other_profile" in self.fields:
            self.fields["other_profile"].widget.choices = [
                ("", "Choose…"),
                *options["others"],
            ]
        if "moved_capabilities" in self.fields:
            self.fields["moved_capabilities"].widget.choices = options["held"]

    def change_fields(self) -> dict:
        """The cleaned fields for profiles.refinement.propose, less the kind."""
        return {
            name: value for name, value in self.cleaned_data.items() if name != "kind"
        }


class VoteForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", "Accept"), ("no", "Reject")],
        coerce=lambda value: value == "yes",
        error_messages={"required": "Choose accept or reject."},
    )
    rationale = forms.CharField(max_length=2000, required=False)


class MatrixFilterForm(forms.Form):
    role_level = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Every role level"
    )
    profile = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Every profile"
    )
    hide_empty = forms.BooleanField(
        label="Hide capabilities in none of the shown profiles", required=False
    )
    hide_areas = forms.BooleanField(
        label="Hide the domain and area columns", required=False
    )

    def __init__(self, *args, iteration: Iteration, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role_level"].queryset = iteration.cycle.role_levels.all()
        self.fields["profile"].queryset = iteration.profiles.all()

    def filter(self, profiles: Iterable[Profile]) -> list[Profile]:
        """The profiles (already loaded, in their order) the chosen role level
        and profile leave."""
        data = self.cleaned_data if self.is_bound else {}
        role_level, chosen = data.get("role_level"), data.get("profile")
        return [
            profile
            for profile in profiles
            if (role_level is None or profile.role_level_id == role_level.pk)
            and (chosen is None or profile.pk == chosen.pk)
        ]
