"""Fit, surplus, suitability and priorities of a cycle's profiles, read from a
complete run's stored matches and review decisions (the rules are in fit.py)."""

from collections import defaultdict

from analysis import fit
from analysis.matching import eligible_for_range
from analysis.models import Decision, Duty, Match, MatchRun
from analysis.tables import latest_decision_by_match
from profiles.models import Iteration


def run_pairs(run: MatchRun) -> set[fit.Pair]:
    """The run's matched (capability, duty) pairs after review, in two queries."""
    decisions = latest_decision_by_match(run)
    scored, accepted, rejected = [], set(), set()
    for match_id, capability, duty, score in Match.objects.filter(run=run).values_list(
        "id", "capability_id", "duty_id", "score"
    ):
        scored.append((capability, duty, score))
        if decisions.get(match_id) == Decision.ACCEPT:
            accepted.add((capability, duty))
        elif decisions.get(match_id) == Decision.REJECT:
            rejected.add((capability, duty))
    return fit.effective_pairs(scored, run.threshold, accepted, rejected)


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


DEFAULT_BANDS = fit.Bands()


def assess_iteration(
    run: MatchRun, iteration: Iteration, bands: fit.Bands = DEFAULT_BANDS
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
