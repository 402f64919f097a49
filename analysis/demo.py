"""The demonstration cycle's match run, with a handful of review decisions."""

from collections.abc import Callable

from django.db.models import F
from django.db.models.functions import Abs

from analysis import fit_report, runs
from analysis.models import Decision, Match, ReviewDecision
from foresight.models import Cycle, Role

REVIEWS = 6


def add_demo_match_run(cycle: Cycle, progress: Callable[[str], None]) -> None:
    """Once, when the standards are loaded: a run at 0.54 against current provision,
    then the reviewer decides the pairs nearest the threshold (alternately)."""
    if cycle.match_runs.exists() or not runs.default_versions():
        return
    convener = cycle.memberships.filter(role=Role.CONVENER).first().user
    progress("Matching the capabilities against current provision (threshold 0.54)")
    run = runs.execute(runs.launch_run(cycle, convener))

    reviewer = cycle.memberships.filter(role=Role.REVIEWER).first()
    if reviewer is None:
        return
    nearest = Match.objects.filter(run=run).order_by(
        Abs(F("score") - run.threshold), "id"
    )[:REVIEWS]
    ReviewDecision.objects.bulk_create(
        ReviewDecision(
            match=match,
            decision=Decision.ACCEPT if index % 2 == 0 else Decision.REJECT,
            comment="Demonstration review.",
            reviewer=reviewer.user,
        )
        for index, match in enumerate(nearest)
    )
    fit_report.schedule_refresh(run.pk)
