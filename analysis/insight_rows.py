"""Rows of the map-and-gap insight tables, each with its CSV form: built from a
complete run's stored matches, the latest review decisions and the final
iteration's profiles. The pages are in analysis.views_insights."""

from dataclasses import dataclass

from django.db.models import Q

from analysis import fit
from analysis.matching import SCORE_TOLERANCE, at_or_above, eligible_for_range
from analysis.models import (
    Decision,
    Match,
    MatchRun,
    StandardVersion,
)
from analysis.tables import (
    latest_decision_by_match,
)

MATCHED_COLUMNS = [
    "ref",
    "capability",
    "standard",
    "standard_title",
    "level",
    "duty_code",
    "duty",
    "score",
    "decision",
]


@dataclass
class MatchedRow:
    ref: str
    capability_id: int
    capability: str
    standard: str
    standard_title: str
    level: int | None
    duty_code: str
    duty: str
    score: float
    decision: str

    def as_csv(self) -> list:
        level = "" if self.level is None else self.level
        return [
            self.ref,
            self.capability,
            self.standard,
            self.standard_title,
            level,
            self.duty_code,
            self.duty,
            f"{self.score:.4f}",
            self.decision,
        ]


def matched_duties(run: MatchRun) -> list[MatchedRow]:
    """Each capability's matched duties after review: at or above the threshold
    or accepted, never rejected; by capability, then best score first."""
    decisions = latest_decision_by_match(run)
    accepted = [pk for pk, decision in decisions.items() if decision == Decision.ACCEPT]
    # Only candidates leave the database: a pair below the threshold counts
    # only when accepted. Plain values, not models: a run has thousands.
    candidates = Match.objects.filter(
        Q(score__gte=run.threshold - SCORE_TOLERANCE) | Q(pk__in=accepted), run=run
    ).order_by("capability_id", "rank")
    rows = []
    for match in candidates.values(
        "pk",
        "capability_id",
        "capability__ref",
        "capability__text",
        "duty__code",
        "duty__text",
        "duty__version__level",
        "duty__version__standard__reference",
        "duty__version__standard__title",
        "duty__version__standard__level",
        "score",
    ):
        decision = decisions.get(match["pk"], "")
        if decision == Decision.REJECT:
            continue
        if decision != Decision.ACCEPT and not at_or_above(
            match["score"], run.threshold
        ):
            continue
        rows.append(
            MatchedRow(
                ref=match["capability__ref"],
                capability_id=match["capability_id"],
                capability=match["capability__text"],
                standard=match["duty__version__standard__reference"],
                standard_title=match["duty__version__standard__title"],
                level=match["duty__version__level"]
                or match["duty__version__standard__level"],
                duty_code=match["duty__code"],
                duty=match["duty__text"],
                score=match["score"],
                decision=decision,
            )
        )
    return rows


FIT_COLUMNS = [
    "profile",
    "suitability",
    "rank",
    "standard",
    "standard_title",
    "fit",
    "surplus",
]


@dataclass
class FitRow:
    profile: str
    suitability: str
    rank: int | None
    standard: str
    standard_title: str
    fit: float | None
    surplus: float | None

    def as_csv(self) -> list:
        return [
            self.profile,
            self.suitability,
            "" if self.rank is None else self.rank,
            self.standard,
            self.standard_title,
            "" if self.fit is None else f"{self.fit:.4f}",
            "" if self.surplus is None else f"{self.surplus:.4f}",
        ]


def standard_titles(run: MatchRun, references=None) -> dict[str, str]:
    """Reference → title of the run's standards (only those named, if given)."""
    versions = StandardVersion.objects.filter(pk__in=run.versions.values("pk"))
    if references is not None:
        versions = versions.filter(standard__reference__in=references)
    pairs = versions.values_list("standard__reference", "standard__title")
    return dict(pairs)


def fit_rows(run: MatchRun, assessed) -> list[FitRow]:
    """One row per profile and top standard; a profile with none keeps one row."""
    titles = standard_titles(run)
    rows = []
    for title, profile_fit in assessed:
        band = str(profile_fit.suitability)
        if not profile_fit.top:
            rows.append(FitRow(title, band, None, "", "", None, None))
        for rank, standard in enumerate(profile_fit.top, start=1):
            rows.append(
                FitRow(
                    profile=title,
                    suitability=band,
                    rank=rank,
                    standard=standard.reference,
                    standard_title=titles.get(standard.reference, ""),
                    fit=standard.fit,
                    surplus=standard.surplus,
                )
            )
    return rows


PRIORITY_COLUMNS = [
    "priority",
    "profile",
    "unserved",
    "best_standard",
    "best_standard_title",
    "best_fit",
    "best_surplus",
    "suitability",
]


@dataclass
class PriorityRow:
    priority: int
    profile: str
    unserved: int
    best_standard: str
    best_standard_title: str
    best_fit: float
    best_surplus: float | None
    suitability: str

    def as_csv(self) -> list:
        surplus = "" if self.best_surplus is None else f"{self.best_surplus:.4f}"
        return [
            self.priority,
            self.profile,
            self.unserved,
            self.best_standard,
            self.best_standard_title,
            f"{self.best_fit:.4f}",
            surplus,
            self.suitability,
        ]


def priority_rows(run: MatchRun, assessed) -> list[PriorityRow]:
    """Profiles in fit.priorities order: most unserved capabilities first."""
    titles = standard_titles(run)
    names = {profile_fit.reference: title for title, profile_fit in assessed}
    ranked = fit.priorities(profile_fit for _, profile_fit in assessed)
    rows = []
    for position, profile_fit in enumerate(ranked, start=1):
        best = profile_fit.best
        reference = best.reference if best else ""
        rows.append(
            PriorityRow(
                priority=position,
                profile=names[profile_fit.reference],
                unserved=len(profile_fit.unserved),
                best_standard=reference,
                best_standard_title=titles.get(reference, ""),
                best_fit=profile_fit.best_fit,
                best_surplus=best.surplus if best else None,
                suitability=str(profile_fit.suitability),
            )
        )
    return rows


FOP_MATCH_COLUMNS = [
    "profile",
    "ref",
    "capability",
    "standard",
    "duty_code",
    "duty",
    "score",
]


@dataclass
class FopMatchRow:
    profile: str
    ref: str
    capability: str
    standard: str
    duty_code: str
    duty: str
    score: float

    def as_csv(self) -> list:
        return [
            self.profile,
            self.ref,
            self.capability,
            self.standard,
            self.duty_code,
            self.duty,
            f"{self.score:.4f}",
        ]


def fop_match_rows(run: MatchRun, profiles) -> list[FopMatchRow]:
    """Per profile and capability, its matched duties after review among the
    profile's level-eligible standards; best score first.

    Two queries, whatever the number of profiles: the latest decisions, and the
    run's matches against the duties of its standards, each with what a row
    shows of its duty. The matched pairs are fit.effective_pairs of the same
    matches, as in the fit figures (analysis.fit_report.run_pairs); a duty's
    standard is eligible by its version's level, as there (run_standards)."""
    decisions = latest_decision_by_match(run)
    matches = Match.objects.filter(run=run, duty__version__in=run.versions.all())
    fields = ["id", "capability_id", "duty_id", "score", "duty__code", "duty__text"]
    fields += ["duty__version__level", "duty__version__standard__reference"]
    found = matches.values_list(*fields)
    reviewed, scores, level_of, duty_of = [], {}, {}, {}
    for match, capability, duty, score, code, text, level, standard in found:
        reviewed.append((capability, duty, score, decisions.get(match)))
        scores[capability, duty] = score
        level_of[duty] = level
        duty_of[duty] = (standard, code, text)
    pairs = fit.pairs_after_review(reviewed, run.threshold)
    index = fit.duties_by_capability(pairs)

    rows = []
    for profile in profiles:
        low = profile.role_level.min_academic_level
        high = profile.role_level.max_academic_level
        for entry in profile.entries.all():
            capability = entry.capability
            matched = sorted(
                (
                    duty
                    for duty in index.get(capability.pk, set())
                    if _eligible(level_of[duty], low, high)
                ),
                key=lambda duty: (-scores[capability.pk, duty], duty),
            )
            for duty in matched:
                standard, code, text = duty_of[duty]
                rows.append(
                    FopMatchRow(
                        profile=profile.title,
                        ref=capability.ref,
                        capability=capability.text,
                        standard=standard,
                        duty_code=code,
                        duty=text,
                        score=scores[capability.pk, duty],
                    )
                )
    return rows


def _eligible(level: int | None, low: int, high: int) -> bool:
    # A version without a level is compared with no profile (run_standards).
    return level is not None and eligible_for_range(low, high, level)


@dataclass
class ProvisionRow:
    ref: str
    capability: str
    cells: list[bool]

    def as_csv(self) -> list:
        return [self.ref, self.capability, *("yes" if c else "no" for c in self.cells)]


def provision_matrix(profile, profile_fit: fit.ProfileFit) -> list[ProvisionRow]:
    """The profile's capabilities (rows) against its top standards (columns)."""
    return [
        ProvisionRow(
            ref=entry.capability.ref,
            capability=entry.capability.text,
            cells=[
                entry.capability_id in standard.matched_capabilities
                for standard in profile_fit.top
            ],
        )
        for entry in profile.entries.all()
    ]
