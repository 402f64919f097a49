"""A cycle's match runs: list, launch, watch progress, cancel, and the threshold
the reviewers' decisions suggest.

Reviewers and conveners of the cycle see the runs; only conveners launch or
cancel them. Other members get a 403 and outsiders a 404 (foresight.access).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from analysis import fit, judge, runs, threshold
from analysis.models import Decision, Match, MatchRun, RunStatus
from analysis.tables import latest_decision_by_match
from analysis.tasks import start_match_run
from foresight.access import cycle_for
from foresight.models import Cycle, Role

LIST_TEMPLATE = "analysis/runs.html"
DETAIL_TEMPLATE = "analysis/runs_detail.html"
# runs.summary costs two queries a run, so the list is paged small.
PER_PAGE = 10
CURVE_ROWS = 20
VIEWERS = (Role.REVIEWER, Role.CONVENER)
UNDER_WAY = (RunStatus.QUEUED, RunStatus.RUNNING)


def _share(label: str, initial: float, help_text: str = "") -> forms.FloatField:
    # Left empty, a figure takes its default (the initial value shown).
    return forms.FloatField(
        min_value=0,
        max_value=1,
        initial=initial,
        required=False,
        label=label,
        help_text=help_text,
    )


class LaunchForm(forms.Form):
    threshold = forms.FloatField(min_value=0, max_value=1, initial=0.54)
    standards = forms.CharField(
        required=False,
        max_length=20_000,
        label="Only these standards",
        help_text="References such as ST0123, separated by spaces or commas. "
        "Empty compares every current approved standard with duties.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    use_judge = forms.BooleanField(required=False, label="Ask the LLM judge")
    judge_low = _share("Judge pairs scoring from", 0.45)
    judge_high = _share("… up to", 0.65)
    high_fit = _share("High suitability: best fit at least", 0.75)
    high_surplus = _share("… with that standard's surplus at most", 0.5)
    some_fit = _share("Some suitability: best fit at least", 0.5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not judge.judge_configured():
            for name in ("use_judge", "judge_low", "judge_high"):
                del self.fields[name]

    def clean_standards(self) -> list[str]:
        return self.cleaned_data["standards"].replace(",", " ").split()

    def clean(self) -> dict:
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, forms.FloatField) and data.get(name, 0) is None:
                data[name] = field.initial
        low, high = data.get("judge_low"), data.get("judge_high")
        if low is not None and high is not None and low > high:
            self.add_error("judge_high", "The band's upper end is below its lower end.")
        some, high_fit = data.get("some_fit"), data.get("high_fit")
        if some is not None and high_fit is not None and some > high_fit:
            self.add_error("some_fit", "“Some” cannot need a higher fit than “high”.")
        return data


def _run_for(user, cycle_id: int, run_id: int, *roles: Role) -> MatchRun:
    cycle = cycle_for(user, cycle_id, *roles)
    run = get_object_or_404(
        MatchRun.objects.select_related("launched_by"), pk=run_id, cycle=cycle
    )
    run.cycle = cycle
    return run


def _is_convener(cycle: Cycle) -> bool:
    return Role.CONVENER in cycle.user_roles


def _list_page(
    request: HttpRequest,
    cycle: Cycle,
    form: LaunchForm,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    queryset = cycle.match_runs.select_related("launched_by")
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    for run in page.object_list:
        run.cycle = cycle
        if run.status == RunStatus.COMPLETE:
            run.counts = runs.summary(run)
    context = {
        "cycle": cycle,
        "page": page,
        "form": form if _is_convener(cycle) else None,
        "error": error,
    }
    return render(request, LIST_TEMPLATE, context, status=status)


@login_required
def run_list(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, *VIEWERS)
    return _list_page(request, cycle, LaunchForm())


@login_required
@require_POST
def run_launch(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = cycle_for(request.user, cycle_id, Role.CONVENER)
    form = LaunchForm(request.POST)
    if not form.is_valid():
        error = "Check the figures: each is a number from 0 to 1."
        return _list_page(request, cycle, form, error, status=400)

    data = form.cleaned_data
    try:
        versions = (
            runs.chosen_versions(data["standards"]) if data["standards"] else None
        )
        run = runs.launch_run(
            cycle,
            request.user,
            threshold=data["threshold"],
            versions=versions,
            use_judge=data.get("use_judge", False),
            judge_band=(data.get("judge_low", 0.45), data.get("judge_high", 0.65)),
            bands=fit.Bands(data["high_fit"], data["high_surplus"], data["some_fit"]),
        )
    except runs.RunError as error:
        return _list_page(request, cycle, form, str(error), status=400)

    transaction.on_commit(lambda: start_match_run.delay(run.pk))
    messages.success(request, f"Run {run.pk} is queued.")
    return redirect("run_detail", cycle.pk, run.pk)


@login_required
def run_detail(request: HttpRequest, cycle_id: int, run_id: int) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id, *VIEWERS)
    # The page being watched is where a run that lost its worker is noticed.
    runs.fail_if_stalled(run)
    return _detail_page(request, run)


@login_required
@require_POST
def run_cancel(request: HttpRequest, cycle_id: int, run_id: int) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id, Role.CONVENER)
    if not runs.cancel(run):
        error = f"Run {run.pk} is {run.get_status_display().lower()}: "
        error += "only a queued or running run can be cancelled."
        return _detail_page(request, run, error, status=400)

    messages.success(request, f"Run {run.pk} is cancelled.")
    return redirect("run_detail", run.cycle_id, run.pk)


@login_required
@require_POST
def run_apply_threshold(
    request: HttpRequest, cycle_id: int, run_id: int
) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id, Role.CONVENER)
    try:
        threshold = float(request.POST.get("threshold", ""))
        run = runs.apply_threshold(run, threshold, request.user)
    except ValueError:
        return _detail_page(request, run, "Give the threshold as a number.", status=400)
    except runs.RunError as error:
        return _detail_page(request, run, str(error), status=400)

    messages.success(
        request, f"Run {run.pk} now uses the threshold {run.threshold:.3f}."
    )
    return redirect("run_detail", run.cycle_id, run.pk)


def _detail_page(
    request: HttpRequest, run: MatchRun, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "cycle": run.cycle,
        "run": run,
        "error": error,
        "under_way": run.status in UNDER_WAY,
        "elapsed": _elapsed(run),
        "versions": run.versions.count(),
        "can_cancel": _is_convener(run.cycle) and run.status in UNDER_WAY,
        "is_convener": _is_convener(run.cycle),
        "threshold_changes": run.threshold_changes.select_related("changed_by"),
    }
    if run.status == RunStatus.COMPLETE:
        context["counts"] = runs.summary(run)
        context |= _calibration(run)
    # Only the poll asks for the fragment; the cancel form posts a full page.
    fragment = request.htmx and request.method == "GET"
    template = f"{DETAIL_TEMPLATE}#progress" if fragment else DETAIL_TEMPLATE
    return render(request, template, context, status=status)


def _elapsed(run: MatchRun) -> int | None:
    if run.started_at is None:
        return None
    end = run.finished_at or timezone.now()
    return round((end - run.started_at).total_seconds())


def _calibration(run: MatchRun) -> dict:
    """The threshold that best agrees with the latest accept/reject decisions
    (partials say neither), and the precision-recall curve behind it."""
    decisions = latest_decision_by_match(run)
    labels = {
        match_id: decision == Decision.ACCEPT
        for match_id, decision in decisions.items()
        if decision in (Decision.ACCEPT, Decision.REJECT)
    }
    scores = Match.objects.filter(run=run, decisions__isnull=False).distinct()
    labelled = [
        (score, labels[match_id])
        for match_id, score in scores.values_list("id", "score")
        if match_id in labels
    ]
    curve = threshold.pr_curve(labelled)
    return {"optimum": threshold.optimise(labelled), "curve": _thinned(curve)}


def _thinned(curve: list, rows: int = CURVE_ROWS) -> list:
    """At most `rows` points of the curve, evenly spread, keeping both ends."""
    if len(curve) <= rows:
        return curve
    step = (len(curve) - 1) / (rows - 1)
    return [curve[round(index * step)] for index in range(rows)]
