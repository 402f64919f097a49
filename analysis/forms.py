from django import forms

from analysis.models import StandardQuerySet


class StandardFilterForm(forms.Form):
    """Filters for the standards table; the choices are the values in the data."""

    q = forms.CharField(required=False, max_length=100, label="Title or reference")
    level = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    route = forms.ChoiceField(required=False)

    def __init__(self, data, standards: StandardQuerySet) -> None:
        super().__init__(data)
        levels = standards.exclude(level=None).values_list("level", flat=True)
        routes = standards.exclude(route="").values_list("route", flat=True)
        self.fields["level"].choices = [("", "Any level")] + [
            (level, f"Level {level}") for level in levels.order_by("level").distinct()
        ]
        self.fields["route"].choices = [("", "Any route")] + [
            (route, route) for route in routes.order_by("route").distinct()
        ]

    def filter(self, standards: StandardQuerySet) -> StandardQuerySet:
        """The standards that match the cleaned filters."""
        data = self.cleaned_data
        if data["q"]:
            standards = standards.search(data["q"].strip())
        if data["level"] is not None:
            standards = standards.filter(level=data["level"])
        if data["route"]:
            standards = standards.filter(route=data["route"])
        return standards
