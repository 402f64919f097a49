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
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

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
)
from analysis.models import MatchRun
from analysis.tables import (
    ORGANISATIONAL_COLUMNS,
    organisational_capabilities,
)
from foresight.models import Cycle, Function
from insights.access import insight_cycle_for
from insights.navigation import profile_iteration
from insights.views.common import complete_runs
from profiles.models import Iteration, Profile, ProfileCapability

PER_PAGE = 50


SERVED = [("", "Served or not"), ("yes", "Served"), ("no", "Not served")]


BANDS = [("", "Any suitability")] + [
    (band.value, band.value) for band in fit.Suitability
]


def _run_of(
    request: HttpRequest, cycle: Cycle
) -> tuple[MatchRun | None, list[MatchRun]]:
    """The run asked for by `?run=` (the latest complete one by default) and
    every complete run, for the page's run picker: one query. An id that is not
    a complete run of this cycle is a 404."""
    runs = complete_runs(cycle)
    for run in runs:
        run.cycle = cycle
    chosen = request.GET.get("run")
    if not chosen:
        return (runs[0] if runs else None), runs
    if not chosen.isdigit():
        raise Http404
    run = next((run for run in runs if run.pk == int(chosen)), None)
    if run is None:
        raise Http404
    return run, runs


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


def _iterations(
    cycle: Cycle, run: MatchRun | None
) -> tuple[Iteration | None, Iteration | None]:
    """The navigation's iteration (the final one, else the latest) and the final
    one that the profile pages of a run read, from the same query."""
    iteration = profile_iteration(cycle)
    final = iteration if run and iteration and iteration.is_final else None
    return iteration, final


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
    cycle = insight_cycle_for(request.user, cycle_id)
    run, runs = _run_of(request, cycle)
    form = form_class(request.GET or None)
    rows = form.apply(rows_of(run)) if run else []

    if run and request.GET.get("format") == "csv":
        return _csv(name, run, columns, [row.as_csv() for row in rows])
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"cycle": cycle, "run": run, "runs": runs, "form": form, "page": page}
    return _page(request, f"insight_{name}", context)


def _profile_table(request, cycle_id, name, rows_of, columns) -> HttpResponse:
    """A table per profile of the final iteration, against the chosen run."""
    cycle = insight_cycle_for(request.user, cycle_id)
    run, runs = _run_of(request, cycle)
    iteration, final = _iterations(cycle, run)
    form = ProfileFilter(request.GET or None)
    assessed = assess_iteration(run, final) if final else None
    rows = form.apply(rows_of(run, assessed)) if assessed is not None else []

    if assessed is not None and request.GET.get("format") == "csv":
        return _csv(name, run, columns, [row.as_csv() for row in rows])
    context = {"cycle": cycle, "run": run, "runs": runs, "form": form, "rows": rows}
    context.update(has_final=assessed is not None, profile_iteration=iteration)
    return _page(request, f"insight_{name}", context)


# Fit of provision: each profile's capabilities against the duties that match them.


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


def _final_profiles(iteration: Iteration | None) -> list[Profile]:
    """The final iteration's profiles with their capabilities: two queries."""
    if iteration is None:
        return []
    entries = ProfileCapability.objects.select_related("capability")
    profiles = iteration.profiles.select_related("role_level").prefetch_related(
        Prefetch("entries", queryset=entries)
    )
    return list(profiles.order_by("id"))


@login_required
def insight_fop_matches(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    run, runs = _run_of(request, cycle)
    iteration, final = _iterations(cycle, run)
    profiles = _final_profiles(final)
    form = FopProfileFilter(request.GET or None, profiles)
    chosen = form.chosen()
    shown = [profile for profile in profiles if chosen in (None, profile.pk)]
    rows = fop_match_rows(run, shown) if final else []

    if final and request.GET.get("format") == "csv":
        return _csv("fop-matches", run, FOP_MATCH_COLUMNS, [r.as_csv() for r in rows])
    # Every profile's matches make a long page; the CSV above has them all.
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {"cycle": cycle, "run": run, "runs": runs, "form": form, "page": page}
    context.update(has_final=final is not None, profile_iteration=iteration)
    return _page(request, "insight_fop_matches", context)


@login_required
def insight_fop_provision(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    run, runs = _run_of(request, cycle)
    iteration, final = _iterations(cycle, run)
    profiles = _final_profiles(final)
    form = FopProfileFilter(request.GET or None, profiles, blank=None)
    chosen = form.chosen()
    profile = next((p for p in profiles if p.pk == chosen), None)
    if profile is None and profiles:
        profile = profiles[0]
    standards, rows = [], []
    if profile is not None:
        # The stored figures of the iteration, when current: two queries.
        assessed = {fit_.reference: fit_ for _, fit_ in assess_iteration(run, final)}
        profile_fit = assessed[str(profile.pk)]
        standards = [standard.reference for standard in profile_fit.top]
        rows = provision_matrix(profile, profile_fit)

    if final and request.GET.get("format") == "csv":
        columns = ["ref", "capability", *standards]
        return _csv("fop-provision", run, columns, [row.as_csv() for row in rows])
    context = {"cycle": cycle, "run": run, "runs": runs, "form": form, "rows": rows}
    context.update(
        has_final=final is not None,
        profile_iteration=iteration,
        profile=profile,
        standards=standards,
    )
    return _page(request, "insight_fop_provision", context)
