"""The figures a findings report states, computed from a cycle's stored data.

Everything the report says is decided here, not in its template: which match
run and which iteration it reads, what counts as served, which standards are
notable, how capabilities and duties spread over the functions. The map-and-gap
rules themselves are analysis.fit's (through analysis.fit_report): a capability
is served when one of its pairs counts as matched after review (at or above the
run's threshold or accepted, never rejected).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from django.db.models import Count, Q

from analysis import fit
from analysis.fit_report import assess_iteration, run_pairs
from analysis.insight_rows import standard_titles
from analysis.models import Duty, MatchRun, RunStatus
from analysis.tables import latest_decision_by_match
from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Cycle,
    Function,
    Role,
    SourceKind,
    Stage,
)
from insights.models import CurrentStandard
from profiles.generation import proficiency_workshop
from profiles.models import Iteration
from workshops.models import KsbTag, RoundStatus, Workshop
from workshops.outcomes import MIX_LEVELS, proficiency_mix

# A standard is notable when it is among the first NOTABLE_WITHIN standards of
# at least one profile's ranking (1: it is the profile's best-fitting eligible
# standard, the current provision nearest to that future role). The report
# lists the LOWEST_NOTABLE notable standards whose best fit is lowest.
NOTABLE_WITHIN = 1
NOTABLE_MEANS = (
    "the best-fitting eligible standard of at least one profile: the current "
    "provision nearest to that future role"
)
LOWEST_NOTABLE = 5
# Priority profiles listed in the report, in analysis.fit.priorities order.
PRIORITY_ROWS = 10
NOT_PLACED = "Not placed"
BANDS = tuple(band.value for band in fit.Suitability)
PANELS = (Role.TECHNOLOGIST, Role.EMPLOYER, Role.EDUCATOR, Role.REVIEWER)
LOOKUP_CHUNK = 900


@dataclass(frozen=True)
class Served:
    capabilities: int
    served: int

    @property
    def not_served(self) -> int:
        return self.capabilities - self.served

    @property
    def not_served_share(self) -> float:
        return self.not_served / self.capabilities if self.capabilities else 0.0


@dataclass(frozen=True)
class NotableStandard:
    reference: str
    title: str
    best_fit: float
    # The profile it fits best (the first by title when several tie).
    profile: str
    # How many profiles rank it among their first NOTABLE_WITHIN.
    profiles: int


@dataclass(frozen=True)
class ProfileLine:
    title: str
    role_level: str
    partner: str
    capabilities: int
    suitability: str
    best_standard: str
    best_standard_title: str
    best_fit: float
    best_surplus: float | None
    unserved: int


@dataclass(frozen=True)
class ShiftRow:
    function: str
    future: int
    future_share: float
    current: int | None
    current_share: float | None


@dataclass(frozen=True)
class MixRow:
    role_level: str
    academic_range: str
    # Shares of Awareness, Practitioner and Expert (MIX_LEVELS), summing to 1.
    shares: tuple[float, ...]


@dataclass(frozen=True)
class StageLine:
    from_stage: str
    to_stage: str
    at: datetime.datetime
    forward: bool
    reason: str


@dataclass(frozen=True)
class WorkshopLine:
    kind: str
    title: str
    starts_at: datetime.datetime | None
    ends_at: datetime.datetime | None
    panellists: int
    rounds_closed: int


@dataclass(frozen=True)
class RunFacts:
    pk: int
    engine: str
    model: str
    threshold: float
    data_date: datetime.date | None
    finished_at: datetime.datetime | None
    judge_model: str
    standards: int
    duties: int
    academic_levels: tuple[int, ...]
    accepted: int
    rejected: int


@dataclass
class Figures:
    """Everything the findings report states about one cycle."""

    capabilities: int
    by_origin: dict[str, int]
    partner_columns: list[str]
    partners: list[tuple[str, list[int]]]
    role_levels: list[tuple[str, str]]
    ksb_tags: int
    functions: list[str]
    shift: list[ShiftRow]
    current_standards: list[str]
    unplaced_duties: int
    mix_levels: list[str]
    mix: list[MixRow]
    stages: list[StageLine]
    workshops: list[WorkshopLine]
    panels: dict[str, int]
    run: RunFacts | None = None
    served: Served | None = None
    iteration: str = ""
    iteration_is_final: bool = False
    profiles: list[ProfileLine] = field(default_factory=list)
    bands: dict[str, int] = field(default_factory=dict)
    band_cuts: fit.Bands | None = None
    notable: list[NotableStandard] = field(default_factory=list)
    priorities: list[ProfileLine] = field(default_factory=list)

    @property
    def profiles_by_level(self) -> list[tuple[str, list[ProfileLine]]]:
        grouped: dict[str, list[ProfileLine]] = defaultdict(list)
        for line in self.profiles:
            grouped[line.role_level].append(line)
        order = [name for name, _range in self.role_levels]
        return sorted(grouped.items(), key=lambda item: _position(order, item[0]))

    def headline(self) -> dict:
        """The headline figures, JSON-ready, as stored on the report version."""
        served = self.served
        return {
            "capabilities": self.capabilities,
            "served": served.served if served else None,
            "not_served": served.not_served if served else None,
            "not_served_share": round(served.not_served_share, 4) if served else None,
            "run": self.run.pk if self.run else None,
            "threshold": self.run.threshold if self.run else None,
            "standards": self.run.standards if self.run else None,
            "academic_levels": len(self.run.academic_levels) if self.run else None,
            "iteration": self.iteration,
            "profiles": len(self.profiles),
            "bands": self.bands,
            "notable": [asdict(standard) for standard in self.notable],
            "priorities": [line.title for line in self.priorities],
        }


def _position(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


# The rules, over plain values ---------------------------------------------------


def served_counts(capability_ids: Collection[int], pairs: Iterable[fit.Pair]) -> Served:
    """How many of the capabilities have at least one matched pair (the pairs
    that count after review: analysis.fit.effective_pairs)."""
    matched = {capability for capability, _duty in pairs}
    return Served(len(capability_ids), len(matched & set(capability_ids)))


def band_counts(assessed: Iterable[fit.ProfileFit]) -> dict[str, int]:
    """Profiles per suitability band, every band present (high, some, low)."""
    counts = Counter(str(profile.suitability) for profile in assessed)
    return {band: counts[band] for band in BANDS}


def notable_standards(
    assessed: Sequence[tuple[str, fit.ProfileFit]],
    titles: dict[str, str],
    *,
    within: int = NOTABLE_WITHIN,
    n: int = LOWEST_NOTABLE,
) -> list[NotableStandard]:
    """The n notable standards (see NOTABLE_WITHIN) with the lowest best fit.

    A standard's best fit is the highest fit it reaches for any profile whose
    ranking includes it among the first `within`; lowest first, then by
    reference, so the order never depends on the input's.
    """
    best: dict[str, tuple[float, str]] = {}
    profiles: Counter = Counter()
    for title, profile_fit in assessed:
        for standard in profile_fit.top[:within]:
            profiles[standard.reference] += 1
            known = best.get(standard.reference)
            if known is None or (-standard.fit, title) < (-known[0], known[1]):
                best[standard.reference] = (standard.fit, title)
    ranked = sorted(best.items(), key=lambda item: (item[1][0], item[0]))
    return [
        NotableStandard(
            reference=reference,
            title=titles.get(reference, ""),
            best_fit=best_fit,
            profile=profile,
            profiles=profiles[reference],
        )
        for reference, (best_fit, profile) in ranked[:n]
    ]


def shift_rows(
    functions: Sequence[str], future: Counter, current: Counter | None
) -> list[ShiftRow]:
    """Counts and shares per function, future (capabilities) against current
    (duties of the standards used today, None when none are marked). A row for
    what no function holds is added only when something is unclassified."""
    names = list(functions)
    if future[NOT_PLACED] or (current and current[NOT_PLACED]):
        names.append(NOT_PLACED)
    future_total = sum(future.values())
    current_total = sum(current.values()) if current is not None else 0
    rows = []
    for name in names:
        now = current[name] if current is not None else None
        rows.append(
            ShiftRow(
                function=name,
                future=future[name],
                future_share=future[name] / future_total if future_total else 0.0,
                current=now,
                current_share=(
                    None
                    if now is None
                    else (now / current_total if current_total else 0.0)
                ),
            )
        )
    return rows


def stage_lines(changes: Iterable) -> list[StageLine]:
    """The stage changes in the order they happened; going back is marked."""
    lines = []
    for change in sorted(changes, key=lambda change: (change.changed_at, change.pk)):
        forward = Stage.position(change.to_stage) > Stage.position(change.from_stage)
        lines.append(
            StageLine(
                from_stage=Stage(change.from_stage).label,
                to_stage=Stage(change.to_stage).label,
                at=change.changed_at,
                forward=forward,
                reason=change.reason,
            )
        )
    return lines


def profile_lines(
    profiles: Iterable, assessed: dict[str, fit.ProfileFit], titles: dict[str, str]
) -> list[ProfileLine]:
    """A line per profile (ordered as given) with its best standard and band."""
    lines = []
    for profile in profiles:
        profile_fit = assessed.get(str(profile.pk))
        best = profile_fit.best if profile_fit else None
        reference = best.reference if best else ""
        lines.append(
            ProfileLine(
                title=profile.title,
                role_level=profile.role_level.name,
                partner=profile.partner.name if profile.partner else "",
                capabilities=profile.entry_count,
                suitability=str(profile_fit.suitability) if profile_fit else "",
                best_standard=reference,
                best_standard_title=titles.get(reference, ""),
                best_fit=profile_fit.best_fit if profile_fit else 0.0,
                best_surplus=best.surplus if best else None,
                unserved=len(profile_fit.unserved) if profile_fit else 0,
            )
        )
    return lines


# Loading from the database ------------------------------------------------------


def latest_complete_run(cycle: Cycle) -> MatchRun | None:
    """The run the report reads: the cycle's latest complete one."""
    runs = MatchRun.objects.filter(cycle=cycle, status=RunStatus.COMPLETE)
    return runs.order_by("-finished_at", "-id").first()


def report_iteration(cycle: Cycle) -> Iteration | None:
    """The final iteration, or the latest while none is marked final."""
    iterations = Iteration.objects.filter(cycle=cycle)
    return iterations.filter(is_final=True).first() or iterations.last()


def function_names() -> list[str]:
    return list(Function.objects.order_by("position").values_list("name", flat=True))


def future_functions(cycle: Cycle) -> Counter:
    """Capabilities per function (NOT_PLACED for those without an area)."""
    names = cycle.capabilities.values_list("area__domain__function__name", flat=True)
    return Counter(name or NOT_PLACED for name in names)


def current_functions(cycle: Cycle) -> tuple[Counter | None, list[str], int]:
    """Duties of the standards marked as used today, per function: each duty sits
    in the functional area its library statement was placed in by meaning.

    Returns (counts, the standards' references, duties with no placed
    statement); counts is None when the cycle marks no standard.
    """
    marked = CurrentStandard.objects.filter(cycle=cycle).select_related("standard")
    references = [row.standard.reference for row in marked]
    if not references:
        return None, [], 0
    duties = Duty.objects.filter(
        version__is_current=True, version__standard__in=[row.standard for row in marked]
    ).values_list("version__standard__reference", "version__version", "code")
    # The library keys a current duty as "ST0116 v1.2 D3" (foresight.library).
    refs = [f"{reference} v{version} {code}" for reference, version, code in duties]
    placed: dict[str, str] = {}
    for start in range(0, len(refs), LOOKUP_CHUNK):
        rows = CapabilityStatement.objects.filter(
            source_kind=SourceKind.IFATE_DUTY,
            source_ref__in=refs[start : start + LOOKUP_CHUNK],
        ).values_list("source_ref", "area__domain__function__name")
        placed.update(rows)
    counts = Counter(placed.get(ref) or NOT_PLACED for ref in refs)
    unplaced = sum(1 for ref in refs if ref not in placed)
    return counts, references, unplaced


def partner_rows(
    cycle: Cycle, functions: list[str]
) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """The columns (the functions, and NOT_PLACED when some capability has no
    area) and, per partner, its capabilities in each column."""
    links = cycle.capabilities.model.partners.through.objects.filter(
        cyclecapability__cycle=cycle
    ).values_list(
        "supplychainpartner_id", "cyclecapability__area__domain__function__name"
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for partner, function in links:
        counts[partner][function or NOT_PLACED] += 1
    columns = list(functions)
    if any(tally[NOT_PLACED] for tally in counts.values()):
        columns.append(NOT_PLACED)
    rows = [
        (partner.name, [counts[partner.pk][name] for name in columns])
        for partner in cycle.partners.order_by("id")
    ]
    return columns, rows


def mix_rows(cycle: Cycle) -> list[MixRow]:
    """The proficiency mix per role level from the latest proficiency
    workshop's consensus (workshops.outcomes.proficiency_mix)."""
    workshop = proficiency_workshop(cycle)
    mix = proficiency_mix(workshop) if workshop else {}
    return [
        MixRow(
            role_level=level.name,
            academic_range=level.academic_range,
            shares=tuple(mix[level.pk][value] for value in MIX_LEVELS),
        )
        for level in cycle.role_levels.all()
        if level.pk in mix
    ]


def workshop_lines(cycle: Cycle) -> list[WorkshopLine]:
    workshops = Workshop.objects.filter(cycle=cycle).annotate(
        panel=Count("panellists", distinct=True),
        closed=Count(
            "rounds", filter=Q(rounds__status=RoundStatus.CLOSED), distinct=True
        ),
    )
    return [
        WorkshopLine(
            kind=workshop.get_kind_display(),
            title=workshop.title,
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            panellists=workshop.panel,
            rounds_closed=workshop.closed,
        )
        for workshop in workshops.order_by("starts_at", "id")
    ]


def run_facts(run: MatchRun) -> RunFacts:
    versions = run.versions.all()
    levels = versions.exclude(level=None).values_list("level", flat=True).distinct()
    decisions = Counter(latest_decision_by_match(run).values())
    return RunFacts(
        pk=run.pk,
        engine=run.engine,
        model=run.model,
        threshold=run.threshold,
        data_date=run.data_date,
        finished_at=run.finished_at,
        judge_model=run.judge_model if run.use_judge else "",
        standards=versions.count(),
        duties=Duty.objects.filter(version__in=versions).count(),
        academic_levels=tuple(sorted(set(levels))),
        accepted=decisions["accept"],
        rejected=decisions["reject"],
    )


def compute(cycle: Cycle) -> Figures:
    """Every figure of the report, from the cycle's latest complete run and its
    final (else latest) iteration; sections without data stay empty."""
    functions = function_names()
    by_origin = Counter(cycle.capabilities.values_list("origin", flat=True))
    current, current_standards, unplaced = current_functions(cycle)
    members = Counter(cycle.memberships.values_list("role", flat=True))
    scale = dict(cycle.scale.values_list("value", "label"))
    partner_columns, partners = partner_rows(cycle, functions)
    figures = Figures(
        capabilities=sum(by_origin.values()),
        by_origin={
            origin.label: by_origin[origin.value] for origin in CapabilityOrigin
        },
        partner_columns=partner_columns,
        partners=partners,
        role_levels=[
            (level.name, level.academic_range) for level in cycle.role_levels.all()
        ],
        ksb_tags=KsbTag.objects.filter(cycle=cycle).count(),
        functions=functions,
        shift=shift_rows(functions, future_functions(cycle), current),
        current_standards=current_standards,
        unplaced_duties=unplaced,
        mix_levels=[scale.get(value, str(value)) for value in MIX_LEVELS],
        mix=mix_rows(cycle),
        stages=stage_lines(cycle.stage_changes.all()),
        workshops=workshop_lines(cycle),
        panels={Role(role).label: members[role] for role in PANELS},
    )

    iteration = report_iteration(cycle)
    run = latest_complete_run(cycle)
    if run is not None:
        figures.run = run_facts(run)
        capability_ids = set(cycle.capabilities.values_list("pk", flat=True))
        figures.served = served_counts(capability_ids, run_pairs(run))
    if iteration is not None:
        figures.iteration = f"{iteration.number}, “{iteration.name}”"
        figures.iteration_is_final = iteration.is_final
        _add_profiles(figures, iteration, run)
    return figures


def _add_profiles(figures: Figures, iteration: Iteration, run: MatchRun | None) -> None:
    profiles = (
        iteration.profiles.select_related("role_level", "partner")
        .annotate(entry_count=Count("entries"))
        .order_by("role_level__min_academic_level", "role_level__id", "title", "id")
    )
    assessed = assess_iteration(run, iteration) if run else []
    by_profile = {profile_fit.reference: profile_fit for _, profile_fit in assessed}
    titles = standard_titles(run) if run else {}
    profiles = list(profiles)
    figures.profiles = profile_lines(profiles, by_profile, titles)
    if not assessed:
        return

    figures.bands = band_counts(by_profile.values())
    figures.band_cuts = run.bands
    figures.notable = notable_standards(assessed, titles)
    ranked = fit.priorities(by_profile.values())[:PRIORITY_ROWS]
    by_pk = {str(profile.pk): profile for profile in profiles}
    figures.priorities = profile_lines(
        [by_pk[profile_fit.reference] for profile_fit in ranked], by_profile, titles
    )
