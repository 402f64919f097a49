from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from foresight.models import (
    Cycle,
    Invitation,
    Membership,
    Organisation,
    ProficiencyLevel,
    Role,
    RoleLevel,
    Stage,
    SupplyChainPartner,
    TechnologySolution,
)


class DateInput(forms.DateInput):
    input_type = "date"


class CycleForm(forms.ModelForm):
    convener_organisation_name = forms.CharField(
        label="Convener organisation", max_length=200, required=False
    )

    class Meta:
        model = Cycle
        fields = [
            "title",
            "challenge",
            "challenge_response",
            "working_scenario",
            "sponsor",
            "start_date",
            "end_date",
            "report_date",
            "min_panel_size",
            "agreement_threshold",
            "iqr_limit",
            "stability_limit",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "report_date": DateInput,
            "challenge": forms.Textarea(attrs={"rows": 4}),
            "challenge_response": forms.Textarea(attrs={"rows": 3}),
            "working_scenario": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {
            "start_date": "Workshops start",
            "end_date": "Workshops end",
            "agreement_threshold": "Agreement threshold (0–1)",
            "stability_limit": "Stability limit (0–1)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.convener_organisation_id:
            self.initial["convener_organisation_name"] = (
                self.instance.convener_organisation.name
            )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Give the cycle a title.")
        return title

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The workshops cannot end before they start.")
        return cleaned

    def save(self, commit: bool = True) -> Cycle:
        name = self.cleaned_data["convener_organisation_name"].strip()
        organisation = None
        if name:
            organisation = Organisation.objects.filter(name__iexact=name).first()
            organisation = organisation or Organisation.objects.create(name=name)
        self.instance.convener_organisation = organisation
        return super().save(commit)


class CycleChildForm(forms.ModelForm):
    """A form for a per-cycle object whose name must be unique within the cycle."""

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        siblings = type(self.instance).objects.filter(cycle=self.instance.cycle)
        if siblings.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"This cycle already has one named “{name}”.")
        return name


class PartnerForm(CycleChildForm):
    class Meta:
        model = SupplyChainPartner
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class SolutionForm(CycleChildForm):
    class Meta:
        model = TechnologySolution
        fields = ["name", "description", "prioritised"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class RoleLevelForm(CycleChildForm):
    class Meta:
        model = RoleLevel
        fields = ["name", "min_academic_level", "max_academic_level"]
        labels = {
            "min_academic_level": "Lowest academic level (2–7)",
            "max_academic_level": "Highest academic level (2–7)",
        }

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_academic_level"), cleaned.get("max_academic_level")
        if low is not None and high is not None and low > high:
            self.add_error(
                "max_academic_level", "The highest level is below the lowest."
            )
        return cleaned


class ProficiencyLevelForm(forms.ModelForm):
    class Meta:
        model = ProficiencyLevel
        fields = ["label", "description"]
        widgets = {"description": forms.TextInput}


class BaseScaleFormSet(forms.BaseModelFormSet):
    def clean(self) -> None:
        super().clean()
        # A posted id outside this cycle's scale yields a form with no instance.
        if any(form.instance.pk is None for form in self.forms):
            raise forms.ValidationError("The scale changed since the page was loaded.")
        labels = [
            form.cleaned_data.get("label", "").strip().lower() for form in self.forms
        ]
        if len(set(labels)) != len(labels):
            raise forms.ValidationError("Each proficiency level needs its own label.")


ScaleFormSet = forms.modelformset_factory(
    ProficiencyLevel,
    form=ProficiencyLevelForm,
    formset=BaseScaleFormSet,
    extra=0,
    edit_only=True,
)


class StageForm(forms.Form):
    to = forms.ChoiceField(choices=Stage.choices)
    reason = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["email", "role"]

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.cycle = cycle

    def clean(self):
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if email and role:
            cleaned["email"] = email = email.strip().lower()
            held = Membership.objects.filter(
                cycle=self.instance.cycle, role=role, user__email__iexact=email
            )
            if held.exists():
                label = Role(role).label.lower()
                self.add_error("email", f"{email} is already a {label} in this cycle.")
        return cleaned


class NewAccountForm(forms.Form):
    """Shown to an invited person who has no account yet."""

    name = forms.CharField(max_length=150)
    password = forms.CharField(widget=forms.PasswordInput, strip=False)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = get_user_model()(username=self.email, email=self.email)
        validate_password(password, user)
        return password
