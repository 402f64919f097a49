"""Insight page 9, the fit-surplus matrix: each final profile's top eligible
standards as points (fit across, surplus up), the same standards and factors as
the fit and surplus page (analysis.fit_report.compute_iteration and
analysis.insight_rows.fit_rows), computed with analysis.fit's rules in fewer
queries: the run's standards, levels and titles come from one query."""

from collections import defaultdict
from dataclasses import dataclass

from analysis import fit
from analysis.fit_report import run_pairs
from analysis.matching import eligible_for_range
from analysis.models import Duty, MatchRun
from insights.tables import Table, unique_labels
from profiles.models import Iteration

COLUMNS = [
    "profile",
    "role_level",
    "suitability",
    "rank",
    "standard",
    "standard_title",
    "fit",
    "surplus",
]


@dataclass(frozen=True)
class Provided:
    level: int | None
    standard: fit.Standard
    title: str


def run_provision(run: MatchRun) -> list[Provided]:
    """The run's standards with their duty ids, level and title in one query.
    A version without duties is left out: fit.standard_fit cannot compare it,
    so it is never among a profile's top standards."""
    rows = Duty.objects.filter(version__in=run.versions.all()).values_list(
        "version_id",
        "version__level",
        "version__standard__reference",
        "version__standard__title",
        "id",
    )
    duties: dict[int, set[int]] = defaultdict(set)
    about: dict[int, tuple] = {}
    for version, level, reference, title, duty in rows:
        duties[version].add(duty)
        about[version] = (level, reference, title)
    return [
        Provided(level, fit.Standard(reference, frozenset(duties[version])), title)
        for version, (level, reference, title) in about.items()
    ]


@dataclass(frozen=True)
class FitPoint:
    profile_id: int
    profile: str
    role_level: str
    suitability: str
    rank: int
    standard: str
    standard_title: str
    fit: float
    surplus: float

    def cells(self) -> list:
        return [
            self.profile,
            self.role_level,
            self.suitability,
            self.rank,
            self.standard,
            self.standard_title,
            round(self.fit, 4),
            round(self.surplus, 4),
        ]


def fit_points(
    run: MatchRun, iteration: Iteration, bands: fit.Bands | None = None
) -> list[FitPoint]:
    """A point per profile and top eligible standard (within one level of the
    role level's academic range), ranked as fit.assess ranks them, banded with
    the run's cut-offs unless `bands` is given; a profile with no eligible
    standard has no point. Five queries, whether or not the run's stored
    figures are current (fit_report.assess_iteration may compute and store)."""
    bands = run.bands if bands is None else bands
    index = fit.duties_by_capability(run_pairs(run))
    provided = run_provision(run)
    profiles = iteration.profiles.select_related("role_level").prefetch_related(
        "entries"
    )
    points = []
    for profile in profiles.order_by("id"):
        low = profile.role_level.min_academic_level
        high = profile.role_level.max_academic_level
        eligible = [
            item
            for item in provided
            if item.level is not None and eligible_for_range(low, high, item.level)
        ]
        titles = {item.standard.reference: item.title for item in eligible}
        shape = fit.Profile(
            str(profile.pk),
            frozenset(entry.capability_id for entry in profile.entries.all()),
        )
        assessed = fit.assess(
            shape, [item.standard for item in eligible], index, bands=bands
        )
        for rank, standard in enumerate(assessed.top, start=1):
            points.append(
                FitPoint(
                    profile_id=profile.pk,
                    profile=profile.title,
                    role_level=profile.role_level.name,
                    suitability=str(assessed.suitability),
                    rank=rank,
                    standard=standard.reference,
                    standard_title=titles[standard.reference],
                    fit=standard.fit,
                    surplus=standard.surplus,
                )
            )
    return points


def fit_table(points: list[FitPoint]) -> Table:
    """The points as a table, and as a scatter chart with a series per profile
    (the tooltip names the profile and the standard)."""
    profiles = list(
        dict.fromkeys((p.profile_id, p.profile, p.role_level) for p in points)
    )
    labels = unique_labels([(title, level) for _pk, title, level in profiles])
    series = {
        pk: {"label": label, "data": []}
        for (pk, _title, _level), label in zip(profiles, labels, strict=True)
    }
    for point in points:
        entry = series[point.profile_id]
        entry["data"].append(
            {
                "x": round(point.fit, 4),
                "y": round(point.surplus, 4),
                "standard": f"{point.standard} {point.standard_title}",
            }
        )
    chart = {"datasets": list(series.values()), "xTitle": "Fit", "yTitle": "Surplus"}
    return Table("fit-surplus", COLUMNS, [point.cells() for point in points], chart)
