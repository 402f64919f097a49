"""The figures a findings report states, and the rules that decide them over
plain values (gather.py reads the values from a cycle's stored data).

Everything the report says is decided here or in gather.py, not in its
template: which match run and which iteration it reads, what counts as served,
which standards are notable, how capabilities and duties spread over the
functions. The map-and-gap rules themselves are analysis.fit's (through
analysis.fit_report): a capability is served when one of its pairs counts as
matched after review (at or above the run's threshold or accepted, never
rejected).
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field

from analysis import fit
from foresight.models import Stage
from insights.shift import NOT_PLACED

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
BANDS = tuple(band.value for band in fit.Suitability)


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


def by_name(counts: Counter, names: dict[int, str]) -> Counter:
    """`counts` keyed by function id (None: not placed) rekeyed by function
    name, NOT_PLACED for what no function holds."""
    named: Counter = Counter()
    for key, count in counts.items():
        named[names.get(key, NOT_PLACED)] += count
    return named
