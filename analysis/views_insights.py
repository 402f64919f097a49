"""Insight pages of a complete match run: tables to read, filter and download.

Conveners and reviewers see them at any stage; readers once the cycle reaches
Communicate; other members get a 403 and outsiders a 404. Each page takes
`?run=<id>` (the latest complete run by default) and `?format=csv`, which
downloads the rows the filters leave.
"""

import csv

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from analysis import fit
from analysis.fit_report import assess_iteration
from analysis.insight_rows import (
    FIT_COLUMNS,
    FOP_MATCH_COLUMNS,
    MATCHED_COLUMNS,
    PRIORITY_COLUMNS,
    fit_rows,
    fop_match_rows,
    matched_duties,
    priority_rows,
    provision_matrix,
    standard_titles,
)
from analysis.models import (
    MatchRun,
    RunStatus,
)
from analysis.tables import (
    ORGANISATIONAL_COLUMNS,
    organisational_capabilities,
)
from foresight.models import Cycle, Function
from insights.access import insight_cycle_for
from profiles.models import Iteration

PER_PAGE = 50


SERVED = [("", "Served or not"), ("yes", "Served"), ("no", "Not served")]


BANDS = [("", "Any suitability")] + [
    (band.value, band.value) for band in fit.Suitability
]


def _insight_cycle(user, cycle_id: int) -> Cycle:
    return insight_cycle_for(user, cycle_id)


def _run_of(request: HttpRequest, cycle: Cycle) -> MatchRun | None:
    runs = MatchRun.objects.filter(cycle=cycle, status=RunStatus.COMPLETE)
    chosen = request.GET.get("run")
    if not chosen:
        return runs.order_by("-finished_at", "-id").first()
    if not chosen.isdigit():
        raise Http404
    return get_object_or_404(runs, pk=int(chosen))


def _csv(name: str, run: MatchRun, columns: list[str], rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-run-{run.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(columns)
    writer.writerows(rows)
    return response


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context["query"] = query.urlencode()
    cycle = context["cycle"]
    context["runs"] = MatchRun.objects.filter(
        cycle=cycle, status=RunStatus.COMPLETE
    ).order_by("-finished_at", "-id")
    name = f"analysis/{template}.html"
    return render(request, f"{name}#results" if request.htmx else name, context)


def _contains(text: str, words: str) -> bool:
    return words.casefold() in text.casefold()


class CapabilityFilter(forms.Form):
    function = forms.ChoiceField(required=False)
    served = forms.ChoiceField(required=False, choices=SERVED)
    q = forms.CharField(required=False, label="Statement contains", max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        names = Function.objects.order_by("position").values_list("name", flat=True)
        choices = [("", "Any function")] + [(name, name) for name in names]
        self.fields["function"].choices = choices

    def apply(self, rows: list) -> list:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("function"):
            rows = [row for row in rows if row.function == data["function"]]
        if data.get("served"):
            wanted = data["served"] == "yes"
            rows = [row for row in rows if row.served == wanted]
        if data.get("q"):
            rows = [row for row in rows if _contains(row.capability, data["q"])]
        return rows


@login_required
def insight_capabilities(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _run_table(
        request,
        cycle_id,
        "capabilities",
        CapabilityFilter,
        organisational_capabilities,
        ORGANISATIONAL_COLUMNS,
    )


class MatchedFilter(forms.Form):
    standard = forms.CharField(required=False, label="Standard reference")
    q = forms.CharField(required=False, label="Capability contains", max_length=200)

    def apply(self, rows: list) -> list:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("standard"):
            wanted = data["standard"].strip().casefold()
            rows = [row for row in rows if row.standard.casefold() == wanted]
        if data.get("q"):
            rows = [row for row in rows if _contains(row.capability, data["q"])]
        return rows


@login_required
def insight_matched(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _run_table(
        request, cycle_id, "matched", MatchedFilter, matched_duties, MATCHED_COLUMNS
    )


def _final_assessment(run: MatchRun) -> list[tuple[str, fit.ProfileFit]] | None:
    iteration = Iteration.objects.filter(cycle_id=run.cycle_id, is_final=True).first()
    return None if iteration is None else assess_iteration(run, iteration)


class ProfileFilter(forms.Form):
    suitability = forms.ChoiceField(required=False, choices=BANDS)
    q = forms.CharField(required=False, label="Profile contains", max_length=200)

    def apply(self, rows: list) -> list:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("suitability"):
            rows = [row for row in rows if row.suitability == data["suitability"]]
        if data.get("q"):
            rows = [row for row in rows if _contains(row.profile, data["q"])]
        return rows


@login_required
def insight_fit(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _profile_table(request, cycle_id, "fit", fit_rows, FIT_COLUMNS)


@login_required
def insight_priorities(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _profile_table(
        request, cycle_id, "priorities", priority_rows, PRIORITY_COLUMNS
    )


def _run_table(request, cycle_id, name, form_class, rows_of, columns) -> HttpResponse:
    """A paginated table of a run's rows: filtered, or the same rows as CSV."""
    cycle = _insight_cycle(request.user, cycle_id)
    run = _run_of(request, cycle)
    form = form_class(request.GET or None)
    rows = form.apply(rows_of(run)) if run else []

    if run and request.GET.get("format") == "csv":
        return _csv(name, run, columns, [row.as_csv() for row in rows])
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"cycle": cycle, "run": run, "form": form, "page": page}
    return _page(request, f"insight_{name}", context)


def _profile_table(request, cycle_id, name, rows_of, columns) -> HttpResponse:
    """A table per profile of the final iteration, against the chosen run."""
    cycle = _insight_cycle(request.user, cycle_id)
    run = _run_of(request, cycle)
    form = ProfileFilter(request.GET or None)
    assessed = _final_assessment(run) if run else None
    rows = form.apply(rows_of(run, assessed)) if assessed is not None else []

    if assessed is not None and request.GET.get("format") == "csv":
        return _csv(name, run, columns, [row.as_csv() for row in rows])
    context = {"cycle": cycle, "run": run, "form": form, "rows": rows}
    context["has_final"] = assessed is not None
    return _page(request, f"insight_{name}", context)


# Fit of provision: each profile's capabilities against the duties that match them.


def _final_iteration(run: MatchRun) -> Iteration | None:
    return Iteration.objects.filter(cycle_id=run.cycle_id, is_final=True).first()


class FopProfileFilter(forms.Form):
    profile = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, data, profiles, blank: str | None = "All profiles"):
        super().__init__(data)
        choices = [(profile.pk, profile.title) for profile in profiles]
        if blank is not None:
            choices.insert(0, ("", blank))
        self.fields["profile"].choices = choices

    def chosen(self) -> int | None:
        return self.cleaned_data.get("profile") if self.is_valid() else None


def _final_profiles(iteration: Iteration):
    return (
        iteration.profiles.select_related("role_level")
        .prefetch_related("entries__capability")
        .order_by("id")
    )


@login_required
def insight_fop_matches(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _insight_cycle(request.user, cycle_id)
    run = _run_of(request, cycle)
    iteration = _final_iteration(run) if run else None
    profiles = list(_final_profiles(iteration)) if iteration else []
    form = FopProfileFilter(request.GET or None, profiles)
    chosen = form.chosen()
    shown = [profile for profile in profiles if chosen in (None, profile.pk)]
    rows = fop_match_rows(run, shown) if iteration else []

    if iteration and request.GET.get("format") == "csv":
        return _csv("fop-matches", run, FOP_MATCH_COLUMNS, [r.as_csv() for r in rows])
    context = {"cycle": cycle, "run": run, "form": form, "rows": rows}
    context["has_final"] = iteration is not None
    return _page(request, "insight_fop_matches", context)


@login_required
def insight_fop_provision(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _insight_cycle(request.user, cycle_id)
    run = _run_of(request, cycle)
    iteration = _final_iteration(run) if run else None
    profiles = list(_final_profiles(iteration)) if iteration else []
    form = FopProfileFilter(request.GET or None, profiles, blank=None)
    chosen = form.chosen()
    profile = next((p for p in profiles if p.pk == chosen), None)
    if profile is None and profiles:
        profile = profiles[0]
    standards, rows = [], []
    if profile is not None:
        assessed = {
            fit_.reference: fit_ for _, fit_ in assess_iteration(run, iteration)
        }
        profile_fit = assessed[str(profile.pk)]
        standards = [standard.reference for standard in profile_fit.top]
        rows = provision_matrix(profile, profile_fit)

    if iteration and request.GET.get("format") == "csv":
        columns = ["ref", "capability", *standards]
        return _csv("fop-provision", run, columns, [row.as_csv() for row in rows])
    context = {"cycle": cycle, "run": run, "form": form, "rows": rows}
    context.update(
        has_final=iteration is not None,
        profile=profile,
        standards=standards,
        titles=standard_titles(run) if run else {},
    )
    return _page(request, "insight_fop_provision", context)
