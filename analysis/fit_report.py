"""Fit, surplus, suitability and priorities of a cycle's profiles, read from a
complete run's stored matches and review decisions (the rules are in fit.py).

The figures of an iteration are stored (RunFigures) with a stamp of what they
were computed from. Review decisions and threshold changes queue one debounced
refresh (analysis.tasks.refresh_run_figures); a page that finds the stored
figures stale computes them afresh and stores them, so no page shows figures
that ignore a decision.
"""

from collections import defaultdict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from analysis import fit
from analysis.matching import eligible_for_range
from analysis.models import (
    Duty,
    Match,
    MatchRun,
    ReviewDecision,
    RunFigures,
    RunStatus,
)
from profiles.models import Iteration


def run_pairs(run: MatchRun) -> set[fit.Pair]:
    """The run's matched (capability, duty) pairs after review, in one query:
    each match comes with its latest decision."""
    latest = ReviewDecision.objects.filter(match=OuterRef("pk")).order_by(
        "-decided_at", "-id"
    )
    matches = Match.objects.filter(run=run).annotate(
        decision=Subquery(latest.values("decision")[:1])
    )
    rows = matches.values_list("capability_id", "duty_id", "score", "decision")
    return fit.pairs_after_review(rows, run.threshold)


def served_capabilities(run: MatchRun) -> set[int]:
    """Capabilities in a matched pair after review: at or above the run's
    threshold or accepted, never rejected."""
    return {capability for capability, _duty in run_pairs(run)}


def run_standards(run: MatchRun) -> list[tuple[int | None, fit.Standard]]:
    """(level, standard with its duty ids) for each version the run compared."""
    duties: dict[int, set[int]] = defaultdict(set)
    rows = Duty.objects.filter(version__in=run.versions.all()).values_list(
        "version_id", "id"
    )
    for version, duty in rows:
        duties[version].add(duty)
    versions = run.versions.select_related("standard").order_by("standard__reference")
    return [
        (
            version.level,
            fit.Standard(version.standard.reference, frozenset(duties[version.pk])),
        )
        for version in versions
    ]


def assess_iteration(
    run: MatchRun, iteration: Iteration, bands: fit.Bands | None = None
) -> list[tuple[str, fit.ProfileFit]]:
    """(profile title, its fit) for every profile of the iteration, with the
    run's suitability cut-offs unless `bands` is given: the stored figures when
    they are current, otherwise computed now (and stored)."""
    if bands is not None and bands != run.bands:
        return compute_iteration(run, iteration, bands)

    stamp = figures_stamp(run)
    stored = RunFigures.objects.filter(run=run, iteration=iteration).first()
    if stored is not None and stored.stamp == stamp:
        return [(row["title"], _loaded(row)) for row in stored.profiles]
    results = compute_iteration(run, iteration, run.bands)
    _store(run, iteration, stamp, results, stored)
    return results


def figures_stamp(run: MatchRun) -> str:
    """What a run's figures depend on that can change after it completes: its
    threshold and its review decisions (which are only ever added)."""
    # Limitation: an iteration's profiles are taken as fixed (refinement writes
    # a new iteration); an entry edited in place, through the admin, is not in
    # the stamp and shows in the figures only after the next decision.
    latest = ReviewDecision.objects.filter(match__run=run).aggregate(latest=Max("id"))
    return f"threshold={run.threshold!r};decision={latest['latest'] or 0}"


def refresh_figures(run: MatchRun) -> list[RunFigures]:
    """Compute and store the figures of the cycle's final iteration (or its
    latest, before one is final) against a complete run."""
    if run.status != RunStatus.COMPLETE:
        return []
    iteration = (
        Iteration.objects.filter(cycle_id=run.cycle_id)
        .order_by("-is_final", "-number")
        .first()
    )
    if iteration is None:
        return []
    # The stamp is read before the pairs: a decision that lands meanwhile makes
    # these figures stale at once, and its own queued refresh follows.
    stamp = figures_stamp(run)
    stored = RunFigures.objects.filter(run=run, iteration=iteration).first()
    results = compute_iteration(run, iteration, run.bands)
    return [_store(run, iteration, stamp, results, stored)]


def schedule_refresh(run_id: int) -> None:
    """Queue one refresh of the run's figures once the current transaction
    commits; decisions arriving before it runs share it."""
    # Limitation: a queued refresh the broker loses leaves figures_queued set,
    # so later decisions queue none; pages still never show stale figures
    # (assess_iteration computes and stores them), they just pay for it once.
    from analysis.tasks import refresh_run_figures  # the task module imports this

    def enqueue() -> None:
        queued = MatchRun.objects.filter(pk=run_id, figures_queued=False).update(
            figures_queued=True
        )
        if queued:
            refresh_run_figures.apply_async(
                (run_id,), countdown=settings.FIGURES_DEBOUNCE_SECONDS
            )

    transaction.on_commit(enqueue)


def _store(run, iteration, stamp, results, stored: RunFigures | None) -> RunFigures:
    rows = [_dumped(title, result) for title, result in results]
    now = timezone.now()
    if stored is not None:
        RunFigures.objects.filter(pk=stored.pk).update(
            stamp=stamp, profiles=rows, computed_at=now
        )
        return stored
    try:
        with transaction.atomic():
            return RunFigures.objects.create(
                run=run,
                iteration=iteration,
                stamp=stamp,
                profiles=rows,
                computed_at=now,
            )
    except IntegrityError:
        # Another request or task stored them first: theirs are as good.
        return RunFigures.objects.get(run=run, iteration=iteration)


def _dumped(title: str, result: fit.ProfileFit) -> dict:
    return {
        "title": title,
        "reference": result.reference,
        "suitability": result.suitability.value,
        "unserved": sorted(result.unserved),
        "top": [
            {
                "reference": standard.reference,
                "fit": standard.fit,
                "surplus": standard.surplus,
                "matched_capabilities": sorted(standard.matched_capabilities),
                "unmatched_duties": sorted(standard.unmatched_duties),
            }
            for standard in result.top
        ],
    }


def _loaded(row: dict) -> fit.ProfileFit:
    top = tuple(
        fit.StandardFit(
            reference=standard["reference"],
            fit=standard["fit"],
            surplus=standard["surplus"],
            matched_capabilities=frozenset(standard["matched_capabilities"]),
            unmatched_duties=frozenset(standard["unmatched_duties"]),
        )
        for standard in row["top"]
    )
    return fit.ProfileFit(
        reference=row["reference"],
        top=top,
        unserved=frozenset(row["unserved"]),
        suitability=fit.Suitability(row["suitability"]),
    )


def compute_iteration(
    run: MatchRun, iteration: Iteration, bands: fit.Bands
) -> list[tuple[str, fit.ProfileFit]]:
    """(profile title, its fit) for every profile, against its level-eligible
    standards (within one level of the role level's academic range)."""
    index = fit.duties_by_capability(run_pairs(run))
    standards = run_standards(run)
    profiles = iteration.profiles.select_related("role_level").prefetch_related(
        "entries"
    )
    results = []
    for profile in profiles.order_by("id"):
        low = profile.role_level.min_academic_level
        high = profile.role_level.max_academic_level
        eligible = [
            standard
            for level, standard in standards
            if level is not None and eligible_for_range(low, high, level)
        ]
        shape = fit.Profile(
            str(profile.pk),
            frozenset(entry.capability_id for entry in profile.entries.all()),
        )
        results.append((profile.title, fit.assess(shape, eligible, index, bands=bands)))
    return results
