"""The insight pages' filters (GET, so a filtered page has its own address) and
the convener's marks of the standards used today."""

from django import forms

from analysis import fit
from foresight.models.cycles import ACADEMIC_LEVELS
from workshops.models import KsbKind


class Filter(forms.Form):
    """A filter form whose `value` is None for an empty field, and for every
    field of an invalid form (the view answers 400 then, naming the field)."""

    def value(self, name: str):
        if not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None


def _function_field(functions: list[tuple[int, str]]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Every function"), *functions],
    )


def _run_field(runs: list) -> forms.TypedChoiceField:
    choices = [(run.pk, f"Run {run.pk} ({run.finished_at:%d %b %Y})") for run in runs]
    return forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Latest run"), *choices],
    )


class OverviewFilter(Filter):
    def __init__(self, data, *, functions, runs) -> None:
        super().__init__(data)
        self.fields["function"] = _function_field(functions)
        if runs:
            self.fields["run"] = _run_field(runs)


class SupplyFilter(Filter):
    def __init__(self, data, *, partners, functions) -> None:
        super().__init__(data)
        self.fields["partner"] = forms.TypedMultipleChoiceField(
            required=False,
            coerce=int,
            choices=[(partner.pk, partner.name) for partner in partners],
            widget=forms.CheckboxSelectMultiple,
            label="Partners (any of them; none ticked: every capability)",
        )
        self.fields["function"] = _function_field(functions)


class KsbFilter(Filter):
    kind = forms.ChoiceField(
        required=False, choices=[("", "Every kind"), *KsbKind.choices]
    )
    q = forms.CharField(
        required=False, max_length=200, label="Capability or KSB contains"
    )

    def __init__(self, data, *, functions) -> None:
        super().__init__(data)
        self.fields["function"] = _function_field(functions)
        self.order_fields(["function", "kind", "q"])


BANDS = [("", "Any suitability")] + [
    (band.value, band.value) for band in fit.Suitability
]


class FitFilter(Filter):
    suitability = forms.ChoiceField(required=False, choices=BANDS)

    def __init__(self, data, *, profiles, runs) -> None:
        super().__init__(data)
        self.fields["profile"] = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "Every profile"), *profiles],
        )
        if runs:
            self.fields["run"] = _run_field(runs)
        self.order_fields(["run", "profile", "suitability"])


class ShiftFilter(Filter):
    level = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Every level"), *((n, f"Level {n}") for n in ACADEMIC_LEVELS)],
        label="Current standards at level",
    )

    def __init__(self, data, *, partners) -> None:
        super().__init__(data)
        self.fields["partner"] = forms.TypedChoiceField(
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "Every partner"), *((p.pk, p.name) for p in partners)],
            label="Future capabilities of partner",
        )


# Limitation: the convener types a reference; a search of the standards (as on
# /reference/provision/) beside the field would spare looking it up there.
class MarkForm(forms.Form):
    reference = forms.CharField(
        max_length=20, label="Standard reference", help_text="For example ST0248."
    )


class UnmarkForm(forms.Form):
    standard = forms.IntegerField(min_value=1)
