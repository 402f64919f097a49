"""Insight page 9, the fit-surplus matrix: each final profile's top eligible
standards as points (fit across, surplus up), the same standards and factors as
the fit and surplus page (analysis.fit_report.assess_iteration and
analysis.insight_rows.fit_rows)."""

from dataclasses import dataclass

from analysis import fit
from analysis.fit_report import assess_iteration
from analysis.insight_rows import standard_titles
from analysis.models import MatchRun
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
    standard has no point.

    The top standards come from fit_report.assess_iteration: the run's stored
    figures when they are current (four queries in all), else computed now."""
    assessed = {
        int(result.reference): result
        for _title, result in assess_iteration(run, iteration, bands)
    }
    profiles = iteration.profiles.select_related("role_level").order_by("id")
    references = {
        standard.reference for result in assessed.values() for standard in result.top
    }
    titles = standard_titles(run, references)
    return [
        FitPoint(
            profile_id=profile.pk,
            profile=profile.title,
            role_level=profile.role_level.name,
            suitability=str(assessed[profile.pk].suitability),
            rank=rank,
            standard=standard.reference,
            standard_title=titles.get(standard.reference, ""),
            fit=standard.fit,
            surplus=standard.surplus,
        )
        for profile in profiles
        for rank, standard in enumerate(assessed[profile.pk].top, start=1)
    ]


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
