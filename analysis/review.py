"""Reviewing a complete match run: the queue of matches, most uncertain first,
and the reviewers' decisions on them.

A decision is never overwritten: a later one is a new row, so the history of
every match stays readable and the latest row is the one that counts.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Abs

from analysis import fit_report
from analysis.models import Decision, Match, MatchRun, ReviewDecision, RunStatus

# Score bands; "near" is the band the LLM judge is asked about
# (analysis.judge.in_band), both ends included.
BANDS = {
    "low": Q(score__lt=0.45),
    "near": Q(score__gte=0.45, score__lte=0.65),
    "high": Q(score__gt=0.65),
}
COMMENT_MAX = 2000


class ReviewError(Exception):
    """A review that cannot be done; the message is one line for the reviewer."""


def check_reviewable(run: MatchRun) -> None:
    if run.status != RunStatus.COMPLETE:
        raise ReviewError(
            f"Run {run.pk} is {run.get_status_display().lower()}: "
            "only a complete run can be reviewed."
        )


def queue(
    run: MatchRun,
    *,
    band: str | None = None,
    min_score: float | None = None,
    max_score: float | None = None,
    function_id: int | None = None,
    standard: str | None = None,
    verdict: str | None = None,
) -> QuerySet[Match]:
    """The run's matches, nearest the threshold (the most uncertain) first.

    Each carries `distance`, its distance from the run's threshold. A band
    ("low" < 0.45 ≤ "near" ≤ 0.65 < "high") or explicit min_score/max_score
    (both included) bound the score.
    """
    check_reviewable(run)
    matches = (
        Match.objects.filter(run=run)
        .select_related("capability", "duty__version__standard")
        .annotate(distance=Abs(F("score") - run.threshold))
        .order_by("distance", "-score", "pk")
    )

    if band:
        if band not in BANDS:
            raise ReviewError(f"There is no score band “{band}”.")
        matches = matches.filter(BANDS[band])
    if min_score is not None:
        matches = matches.filter(score__gte=min_score)
    if max_score is not None:
        matches = matches.filter(score__lte=max_score)
    if function_id is not None:
        matches = matches.filter(capability__area__domain__function_id=function_id)
    if standard:
        matches = matches.filter(duty__version__standard__reference=standard)
    if verdict is not None:
        matches = matches.filter(verdict=verdict)
    return matches


def latest_decisions(
    run: MatchRun, matches: Iterable[Match] | None = None
) -> dict[int, ReviewDecision]:
    """The latest decision on each decided match of the run, in one query.

    Given `matches` (a page of the queue), only those are looked up.
    """
    decisions = ReviewDecision.objects.filter(match__run=run).select_related("reviewer")
    if matches is not None:
        decisions = decisions.filter(match__in=[match.pk for match in matches])
    latest = {}
    for decision in decisions.order_by("match_id", "-decided_at", "-id"):
        latest.setdefault(decision.match_id, decision)
    return latest


def history(match: Match) -> QuerySet[ReviewDecision]:
    return match.decisions.select_related("reviewer").order_by("-decided_at", "-id")


def _checked(decision: str, comment: str) -> str:
    if decision not in Decision.values:
        raise ReviewError(f"“{decision}” is not a decision: accept, reject or partial.")
    if len(comment) > COMMENT_MAX:
        raise ReviewError(f"A comment is at most {COMMENT_MAX} characters.")
    return comment.strip()


def decide(match: Match, reviewer, decision: str, comment: str = "") -> ReviewDecision:
    """Record a decision on a match; earlier decisions are kept as its history."""
    comment = _checked(decision, comment)
    check_reviewable(match.run)
    recorded = ReviewDecision.objects.create(
        match=match, reviewer=reviewer, decision=decision, comment=comment
    )
    fit_report.schedule_refresh(match.run_id)
    return recorded


def decide_many(
    matches: QuerySet[Match] | Iterable[Match], reviewer, decision: str, comment=""
) -> int:
    """Record the same decision on every match given; returns how many."""
    comment = _checked(decision, comment)
    if not isinstance(matches, QuerySet):
        matches = Match.objects.filter(pk__in=[match.pk for match in matches])
    if matches.exclude(run__status=RunStatus.COMPLETE).exists():
        raise ReviewError("Only matches of complete runs can be reviewed.")

    ids = list(matches.values_list("pk", flat=True))
    run_ids = set(matches.order_by().values_list("run_id", flat=True).distinct())
    decisions = [
        ReviewDecision(
            match_id=pk, reviewer=reviewer, decision=decision, comment=comment
        )
        for pk in ids
    ]
    with transaction.atomic():
        ReviewDecision.objects.bulk_create(decisions, batch_size=1000)
        for run_id in run_ids:
            fit_report.schedule_refresh(run_id)
    return len(decisions)
