"""The insight dashboard and the pages new to it: overview, supply-chain
capabilities, future KSBs and the fit-surplus matrix. Access: insights.access."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from analysis.models import RunStatus
from insights import fit_matrix, ksbs, supply
from insights.access import insight_cycle_for
from insights.forms import FitFilter, KsbFilter, OverviewFilter, SupplyFilter
from insights.navigation import dashboard_entries, profile_iteration
from insights.overview import build_overview, capability_places, functions_in_use
from insights.views.common import chosen_run, complete_runs, insight_view, respond

# Capabilities per page of the future KSBs (each lists all its KSBs).
PER_PAGE = 50


@insight_view
@require_GET
def dashboard(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    iteration = profile_iteration(cycle)
    has_run = cycle.match_runs.filter(status=RunStatus.COMPLETE).exists()
    context = {
        "cycle": cycle,
        "profile_iteration": iteration,
        "entries": dashboard_entries(cycle, iteration, has_run),
    }
    return render(request, "insights/dashboard.html", context)


@insight_view
@require_GET
def overview(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    runs = complete_runs(cycle)
    places = capability_places(cycle)
    form = OverviewFilter(request.GET, functions=functions_in_use(places), runs=runs)
    run = chosen_run(runs, form.value("run"))
    iteration = profile_iteration(cycle)

    result = build_overview(
        cycle, places, run=run, iteration=iteration, function_id=form.value("function")
    )
    context = {"cycle": cycle, "run": run, "profile_iteration": iteration}
    context["overview"] = result
    tables = {"counts": result.count_table(), "mix": result.mix_table()}
    return respond(request, "insights/overview.html", context, tables, form=form)


@insight_view
@require_GET
def supply_chain(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    partners = list(cycle.partners.all())
    functions = functions_in_use(capability_places(cycle))
    form = SupplyFilter(request.GET, partners=partners, functions=functions)
    chosen = set(form.value("partner") or [])

    rows = supply.partner_capabilities(cycle, partners, chosen, form.value("function"))
    shown = [partner for partner in partners if not chosen or partner.pk in chosen]
    names = [name for _pk, name in functions]
    tables = {
        "capabilities": supply.capability_table(rows),
        "summary": supply.summary_table(rows, shown, names),
    }
    context = {"cycle": cycle, "rows": rows, "partners": shown}
    return respond(request, "insights/supply_chain.html", context, tables, form=form)


@insight_view
@require_GET
def future_ksbs(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    functions = functions_in_use(capability_places(cycle))
    form = KsbFilter(request.GET, functions=functions)

    rows = ksbs.future_ksbs(
        cycle,
        function_id=form.value("function"),
        kind=form.value("kind") or "",
        q=form.value("q") or "",
    )
    context = {"cycle": cycle, "rows": rows}
    context["page"] = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context["ksb_count"] = sum(len(row.ksbs) for row in rows)
    tables = {"ksbs": ksbs.ksb_table(rows)}
    return respond(request, "insights/future_ksbs.html", context, tables, form=form)


@insight_view
@require_GET
def fit_surplus_matrix(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = insight_cycle_for(request.user, cycle_id)
    runs = complete_runs(cycle)
    iteration = profile_iteration(cycle)
    final = iteration if iteration is not None and iteration.is_final else None
    run = chosen_run(runs, _run_asked(request, runs))

    points = fit_matrix.fit_points(run, final) if run and final else []
    profiles = list(dict.fromkeys((p.profile_id, p.profile) for p in points))
    form = FitFilter(request.GET, profiles=profiles, runs=runs)
    profile, band = form.value("profile"), form.value("suitability")
    shown = [
        point
        for point in points
        if profile in (None, point.profile_id) and band in (None, point.suitability)
    ]
    context = {"cycle": cycle, "run": run, "profile_iteration": iteration}
    context.update(final=final, points=shown)
    tables = {"points": fit_matrix.fit_table(shown)}
    return respond(request, "insights/fit_matrix.html", context, tables, form=form)


def _run_asked(request: HttpRequest, runs: list) -> int | None:
    """The run id asked for, read before the form (the form's profile choices
    depend on the run); an unknown one is left to the form to reject."""
    asked = request.GET.get("run", "")
    return int(asked) if asked.isdigit() else None
