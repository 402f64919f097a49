"""The reviewers' queue of a complete match run: filter, decide, look back.

Reviewers and conveners of the run's cycle review; other members get a 403 and
outsiders a 404 (foresight.access). The rules live in analysis.review.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from analysis import review
from analysis.models import Decision, Match, MatchRun
from foresight.access import cycle_for
from foresight.models import Function, Role

TEMPLATE = "analysis/review.html"
PER_PAGE = 50
REVIEWERS = (Role.REVIEWER, Role.CONVENER)
UNJUDGED = "unjudged"


class QueueFilterForm(forms.Form):
    band = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any score"),
            ("low", "Low (under 0.45)"),
            ("near", "Near (0.45–0.65)"),
            ("high", "High (over 0.65)"),
        ],
    )
    min_score = forms.FloatField(required=False, min_value=0, max_value=1)
    max_score = forms.FloatField(required=False, min_value=0, max_value=1)
    function = forms.ModelChoiceField(
        Function.objects.all(), required=False, empty_label="Any function"
    )
    standard = forms.ChoiceField(required=False)
    verdict = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any verdict"),
            ("match", "Match"),
            ("partial", "Partial"),
            ("no_match", "No match"),
            ("no_verdict", "No verdict"),
            (UNJUDGED, "Not judged"),
        ],
    )

    def __init__(self, *args, run: MatchRun, **kwargs):
        super().__init__(*args, **kwargs)
        references = run.versions.order_by("standard__reference").values_list(
            "standard__reference", "standard__title"
        )
        self.fields["standard"].choices = [("", "Any standard")] + [
            (reference, f"{reference} {title}") for reference, title in references
        ]

    def filters(self) -> dict:
        """The valid filters as keyword arguments of review.queue; an invalid
        field is left out (and shown with its error)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        verdict = data.get("verdict") or None
        function = data.get("function")
        return {
            "band": data.get("band") or None,
            "min_score": data.get("min_score"),
            "max_score": data.get("max_score"),
            "function_id": function.pk if function else None,
            "standard": data.get("standard") or None,
            "verdict": "" if verdict == UNJUDGED else verdict,
        }


def _run_for(user, cycle_id: int, run_id: int) -> MatchRun:
    cycle = cycle_for(user, cycle_id, *REVIEWERS)
    run = get_object_or_404(MatchRun, pk=run_id, cycle=cycle)
    run.cycle = cycle
    return run


def _refused(request: HttpRequest, run: MatchRun, error: Exception) -> HttpResponse:
    context = {"run": run, "cycle": run.cycle, "error": error}
    if not request.htmx:
        return render(request, TEMPLATE, context, status=400)
    response = render(request, f"{TEMPLATE}#refusal", context, status=400)
    return reswap(retarget(response, "#notice"), "innerHTML")


def _queue_url(run: MatchRun, query: str = "") -> str:
    url = reverse("review_queue", args=[run.cycle_id, run.pk])
    return f"{url}?{query}" if query else url


@login_required
def review_queue(request: HttpRequest, cycle_id: int, run_id: int) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id)
    form = QueueFilterForm(request.GET or None, run=run)
    try:
        matches = review.queue(run, **form.filters())
    except review.ReviewError as error:
        return _refused(request, run, error)

    page = Paginator(matches, PER_PAGE).get_page(request.GET.get("page"))
    latest = review.latest_decisions(run, page.object_list)
    for match in page.object_list:
        match.latest = latest.get(match.pk)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "cycle": run.cycle,
        "run": run,
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filters": list(query.items()),
        "decisions": Decision.choices,
    }
    template = f"{TEMPLATE}#queue" if request.htmx else TEMPLATE
    return render(request, template, context)


@login_required
@require_POST
def review_decide(
    request: HttpRequest, cycle_id: int, run_id: int, match_id: int
) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id)
    match = get_object_or_404(_matches(run), pk=match_id)
    match.run = run
    decision = request.POST.get("decision", "")
    try:
        match.latest = review.decide(
            match, request.user, decision, request.POST.get("comment", "")
        )
    except review.ReviewError as error:
        return _refused(request, run, error)

    if request.htmx:
        context = {"cycle": run.cycle, "run": run, "match": match}
        context |= {"decisions": Decision.choices, "query": request.POST.get("query")}
        return render(request, f"{TEMPLATE}#row", context)
    messages.success(request, f"Recorded “{match.latest.get_decision_display()}”.")
    url = _queue_url(run, request.POST.get("query", ""))
    return redirect(f"{url}#match-{match.pk}")


@login_required
@require_POST
def review_bulk(request: HttpRequest, cycle_id: int, run_id: int) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id)
    form = QueueFilterForm(request.POST, run=run)
    try:
        matches = review.queue(run, **form.filters())
        count = review.decide_many(
            matches,
            request.user,
            request.POST.get("decision", ""),
            request.POST.get("comment", ""),
        )
    except review.ReviewError as error:
        return _refused(request, run, error)

    messages.success(request, f"Recorded a decision on {count} matches.")
    return redirect(_queue_url(run, request.POST.get("query", "")))


@login_required
def review_history(
    request: HttpRequest, cycle_id: int, run_id: int, match_id: int
) -> HttpResponse:
    run = _run_for(request.user, cycle_id, run_id)
    match = get_object_or_404(_matches(run), pk=match_id)
    context = {"cycle": run.cycle, "run": run, "match": match}
    context["history"] = review.history(match)
    template = "analysis/review_history.html"
    return render(request, f"{template}#history" if request.htmx else template, context)


def _matches(run: MatchRun):
    return Match.objects.filter(run=run).select_related(
        "capability", "duty__version__standard"
    )
