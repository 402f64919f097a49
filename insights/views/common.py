"""What the insight views share: the refusal page, the run to read, and one
response for a page, its htmx partial, or one of its tables as CSV or JSON."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from analysis.models import MatchRun, RunStatus
from foresight.models import Cycle
from insights.tables import Table

FORMATS = ("csv", "json")


def insight_view(view):
    """Sign-in required; a refusal from the access rule is a page saying why."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as refused:
            context = {"message": str(refused) or "You may not see this page."}
            return render(request, "insights/forbidden.html", context, status=403)

    return wrapped


def complete_runs(cycle: Cycle) -> list[MatchRun]:
    runs = MatchRun.objects.filter(cycle=cycle, status=RunStatus.COMPLETE)
    return list(runs.order_by("-finished_at", "-id"))


def chosen_run(runs: list[MatchRun], run_id: int | None) -> MatchRun | None:
    """The run asked for (the form has checked it is one of `runs`), else the
    latest complete one."""
    return next((run for run in runs if run.pk == run_id), runs[0] if runs else None)


def query_of(request: HttpRequest) -> str:
    """The filters of this request, for download links and chart sources."""
    query = request.GET.copy()
    for name in ("format", "page", "table"):
        query.pop(name, None)
    return query.urlencode()


def respond(
    request: HttpRequest,
    template: str,
    context: dict,
    tables: dict[str, Table],
    *,
    form=None,
    status: int = 200,
) -> HttpResponse:
    """The page (its #results partial for htmx), or with ?format=csv|json the
    table named by ?table= (the first by default) with the filters applied."""
    valid = form is None or not form.is_bound or form.is_valid()
    wanted = request.GET.get("format")
    if wanted in FORMATS:
        if not valid:
            return HttpResponseBadRequest("Check the filters: " + _errors(form))
        name = request.GET.get("table") or next(iter(tables))
        if name not in tables:
            return HttpResponseBadRequest(f"This page has no table named {name!r}.")
        table = tables[name]
        if wanted == "json":
            return table.as_json()
        return table.as_csv(f"{table.name}-cycle-{context['cycle'].pk}.csv")

    context.update(form=form, query=query_of(request), tables=tables)
    name = f"{template}#results" if request.htmx else template
    return render(request, name, context, status=status if valid else 400)


def _errors(form) -> str:
    return " ".join(
        f"{name}: {message}"
        for name, errors in form.errors.items()
        for message in errors
    )
