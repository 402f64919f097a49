"""Insight page 4, the FOP matrix: the profiles of an iteration against the
cycle's capabilities, with the proficiency each profile needs; also as CSV."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from foresight.models import CycleCapability
from insights.navigation import profile_iteration_and_latest
from profiles.forms import MatrixFilterForm
from profiles.models import Iteration, Profile, ProfileCapability
from profiles.views.access import iteration_for
from profiles.views.tables import (
    classification,
    classification_key,
    csv_response,
    level_labels,
)

TEMPLATE = "profiles/fop_matrix.html"
LEADING_COLUMNS = ["capability ref", "function", "domain", "area", "capability"]


@dataclass
class Row:
    capability: CycleCapability
    # Per shown profile: (level, label), or (None, "") when the profile lacks it.
    cells: list[tuple[int | None, str]]

    @property
    def ref(self) -> str:
        return self.capability.ref or str(self.capability.pk)


def matrix_rows(
    iteration: Iteration, profiles: list[Profile], hide_empty: bool
) -> list[Row]:
    """One row per capability of the cycle, in classification order: three
    queries whatever the number of profiles and capabilities."""
    entries = ProfileCapability.objects.filter(
        profile__in=[profile.pk for profile in profiles]
    ).values_list("profile_id", "capability_id", "proficiency")
    levels = {(profile, capability): level for profile, capability, level in entries}
    labels = level_labels(iteration.cycle)
    capabilities = iteration.cycle.capabilities.select_related("area__domain__function")

    rows = []
    for capability in sorted(capabilities, key=classification_key):
        found = [levels.get((profile.pk, capability.pk)) for profile in profiles]
        if hide_empty and all(level is None for level in found):
            continue
        cells = [(level, labels.get(level, "")) for level in found]
        rows.append(Row(capability, cells))
    return rows


@login_required
@require_GET
def fop_matrix(request: HttpRequest, cycle_id: int, iteration_id: int) -> HttpResponse:
    iteration = iteration_for(request.user, cycle_id, iteration_id)
    query = request.GET.copy()
    query.pop("format", None)
    everyone = list(iteration.profiles.select_related("role_level"))
    form = MatrixFilterForm(query or None, iteration=iteration)
    _offer_profiles(form, everyone)
    valid = not form.is_bound or form.is_valid()
    options = form.cleaned_data if form.is_bound and valid else {}

    profiles = form.filter(everyone) if valid else []
    rows = matrix_rows(iteration, profiles, options.get("hide_empty", False))
    hide_areas = options.get("hide_areas", False)
    if request.GET.get("format") == "csv" and valid:
        return _matrix_csv(iteration, profiles, rows, hide_areas)

    navigation_iteration, is_latest = profile_iteration_and_latest(iteration)
    context = {
        "cycle": iteration.cycle,
        "iteration": iteration,
        "is_latest": is_latest,
        "profile_iteration": navigation_iteration,
        "form": form,
        "profiles": profiles,
        "rows": rows,
        "hide_areas": hide_areas,
        "query": query.urlencode(),
        "columns": LEADING_COLUMNS,
    }
    template = f"{TEMPLATE}#matrix" if request.htmx else TEMPLATE
    return render(request, template, context, status=200 if valid else 400)


def _offer_profiles(form: MatrixFilterForm, profiles: list[Profile]) -> None:
    # The choices come from the profiles loaded for the rows, not a second query
    # (a chosen role level or profile is still checked against the database).
    field = form.fields["profile"]
    field.choices = [("", field.empty_label)] + [
        (field.prepare_value(profile), field.label_from_instance(profile))
        for profile in profiles
    ]


def _matrix_csv(
    iteration: Iteration, profiles: list[Profile], rows: list[Row], hide_areas: bool
) -> HttpResponse:
    leading = [
        column
        for column in LEADING_COLUMNS
        if not (hide_areas and column in ("domain", "area"))
    ]

    def values(row: Row) -> list[str]:
        function, domain, area = classification(row.capability)
        known = [row.ref, function, domain, area, row.capability.text]
        by_column = dict(zip(LEADING_COLUMNS, known, strict=True))
        return [by_column[column] for column in leading]

    return csv_response(
        f"fop-matrix-cycle-{iteration.cycle_id}-iteration-{iteration.number}.csv",
        leading + [profile.title for profile in profiles],
        (values(row) + [label for _level, label in row.cells] for row in rows),
    )


urls = [
    path("<int:iteration_id>/matrix/", fop_matrix, name="fop_matrix"),
]
