"""The findings report's versions and the action tracker of a cycle.

Conveners see and change everything at any stage. Readers see the complete
report versions and the actions once the cycle reaches Communicate. Other
members get a 403 and outsiders a 404 (foresight.access).
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from foresight.access import cycle_for
from foresight.models import Cycle, Role, Stage
from reports import actions as tracker
from reports.forms import ActionFilter, ActionForm, RecommendationsForm
from reports.generation import ReportError, request_report
from reports.models import Action, Report, ReportStatus
from reports.tasks import generate_report

REPORT_TEMPLATE = "reports/report.html"
ACTIONS_TEMPLATE = "reports/actions.html"
ACTION_FORM_TEMPLATE = "reports/action_form.html"
# The stored document has no script and fetches nothing; say so to the browser.
DOCUMENT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _is_convener(cycle: Cycle) -> bool:
    return Role.CONVENER in cycle.user_roles


def _published_cycle(user, cycle_id: int) -> Cycle:
    cycle = cycle_for(user, cycle_id)
    if _is_convener(cycle):
        return cycle
    published = Stage.position(cycle.stage) >= Stage.position(Stage.COMMUNICATE)
    if Role.READER in cycle.user_roles and published:
        return cycle
    raise PermissionDenied("The report and actions open to readers at Communicate.")


def _version(user, cycle_id: int, version: int, *fields: str) -> Report:
    """A complete version of the report, with only the fields asked for."""
    cycle = _published_cycle(user, cycle_id)
    reports = Report.objects.filter(cycle=cycle, status=ReportStatus.COMPLETE)
    return get_object_or_404(reports.only("version", *fields), version=version)


def _report_page(
    request: HttpRequest, cycle: Cycle, form=None, error: str = "", status: int = 200
) -> HttpResponse:
    convener = _is_convener(cycle)
    versions = Report.objects.filter(cycle=cycle).defer("html", "pdf", "figures")
    if not convener:
        versions = versions.filter(status=ReportStatus.COMPLETE)
    versions = list(versions.select_related("requested_by"))
    context = {
        "cycle": cycle,
        "versions": versions,
        "under_way": any(version.under_way for version in versions),
        "is_convener": convener,
        "form": form or (RecommendationsForm(instance=cycle) if convener else None),
        "error": error,
    }
    # Only the poll asks for the fragment; the forms post whole pages.
    fragment = request.htmx and request.method == "GET"
    template = f"{REPORT_TEMPLATE}#versions" if fragment else REPORT_TEMPLATE
    return render(request, template, context, status=status)


@login_required
def report(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _published_cycle(request.user, cycle_id)
    return _report_page(request, cycle)


@login_required
@require_POST
def report_generate(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER)
    try:
        version = request_report(cycle, request.user)
    except ReportError as error:
        return _report_page(request, cycle, error=str(error), status=409)

    transaction.on_commit(lambda: generate_report.delay(version.pk))
    messages.success(request, f"Version {version.version} of the report is queued.")
    return redirect("report", cycle.pk)


@login_required
@require_POST
def report_recommendations(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER)
    form = RecommendationsForm(request.POST, instance=cycle)
    if not form.is_valid():
        error = "The recommendations were not saved: see below."
        return _report_page(request, cycle, form, error, status=400)

    form.save()
    messages.success(request, "Recommendations saved; the next version will use them.")
    return redirect("report", cycle.pk)


@login_required
def report_version(request: HttpRequest, cycle_id: int, version: int) -> HttpResponse:
    found = _version(request.user, cycle_id, version, "html")
    response = HttpResponse(found.html, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = DOCUMENT_POLICY
    return response


@login_required
def report_pdf(request: HttpRequest, cycle_id: int, version: int) -> HttpResponse:
    found = _version(request.user, cycle_id, version, "pdf")
    response = HttpResponse(bytes(found.pdf), content_type="application/pdf")
    filename = f"findings-report-cycle-{cycle_id}-v{found.version}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def action_list(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _published_cycle(request.user, cycle_id)
    form = ActionFilter(request.GET or None)
    actions = form.apply(tracker.tracker(cycle))

    if request.GET.get("format") == "csv":
        return _actions_csv(cycle, actions)
    query = request.GET.copy()
    query.pop("format", None)
    context = {
        "cycle": cycle,
        "form": form,
        "actions": actions,
        "query": query.urlencode(),
        "is_convener": _is_convener(cycle),
        "columns": tracker.COLUMNS,
    }
    template = f"{ACTIONS_TEMPLATE}#results" if request.htmx else ACTIONS_TEMPLATE
    return render(request, template, context)


def _actions_csv(cycle: Cycle, actions) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"actions-cycle-{cycle.pk}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(tracker.COLUMNS)
    writer.writerows(tracker.as_csv(action) for action in actions)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def action_new(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER)
    return _action_form(request, cycle, Action(cycle=cycle))


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, cycle_id: int, action_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER)
    action = get_object_or_404(Action, pk=action_id, cycle=cycle)
    return _action_form(request, cycle, action)


def _action_form(request: HttpRequest, cycle: Cycle, action: Action) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ActionForm(data, instance=action, cycle=cycle)
    if form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(request, f"Action “{saved.topic}” saved.")
        return redirect("actions", cycle.pk)

    context = {"cycle": cycle, "form": form, "action": action}
    status = 400 if form.is_bound else 200
    return render(request, ACTION_FORM_TEMPLATE, context, status=status)
