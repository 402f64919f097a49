"""Fit and surplus of standards against future occupational profiles (FOPs),
the suitability band of each profile, and the order of priority profiles.

Pure rules over ids: the caller loads a profile's capabilities, its eligible
standards with their duties, and the matched (capability, duty) pairs after
review (see `effective_pairs`), and stores what comes back.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from analysis.matching import at_or_above

Pair = tuple[int, int]  # (capability id, duty id)


@dataclass(frozen=True)
class Profile:
    reference: str
    capabilities: frozenset[int]


@dataclass(frozen=True)
class Standard:
    reference: str
    duties: frozenset[int]


@dataclass(frozen=True)
class StandardFit:
    reference: str
    fit: float
    surplus: float
    matched_capabilities: frozenset[int]
    unmatched_duties: frozenset[int]


@dataclass(frozen=True)
class Bands:
    """Cut-offs for suitability, set per run."""

    high_fit: float = 0.75
    high_surplus: float = 0.5
    some_fit: float = 0.5


class Suitability(StrEnum):
    HIGH = "high"
    SOME = "some"
    LOW = "low"


@dataclass(frozen=True)
class ProfileFit:
    reference: str
    top: tuple[StandardFit, ...]
    unserved: frozenset[int]
    suitability: Suitability

    @property
    def best(self) -> StandardFit | None:
        return self.top[0] if self.top else None

    @property
    def best_fit(self) -> float:
        return self.top[0].fit if self.top else 0.0


def effective_pairs(
    scored_pairs: Iterable[tuple[int, int, float]],
    threshold: float,
    accepted: Set[Pair],
    rejected: Set[Pair],
) -> set[Pair]:
    """The (capability, duty) pairs that count as matched: those scoring at or
    above the threshold, plus every accepted pair whatever its score, less
    every rejected pair (a rejection removes the pair from every figure, so it
    wins over an acceptance of the same pair)."""
    matched = {
        (capability, duty)
        for capability, duty, score in scored_pairs
        if at_or_above(score, threshold)
    }
    return (matched | set(accepted)) - set(rejected)


# The decisions that count, as analysis.models.Decision stores them (a
# "partial" is neither: the score decides).
ACCEPT, REJECT = "accept", "reject"


def pairs_after_review(
    rows: Iterable[tuple[int, int, float, str | None]], threshold: float
) -> set[Pair]:
    """effective_pairs of (capability, duty, score, latest decision or None)
    rows, as the run's stored matches give them."""
    scored, accepted, rejected = [], set(), set()
    for capability, duty, score, decision in rows:
        scored.append((capability, duty, score))
        if decision == ACCEPT:
            accepted.add((capability, duty))
        elif decision == REJECT:
            rejected.add((capability, duty))
    return effective_pairs(scored, threshold, accepted, rejected)


def duties_by_capability(pairs: Iterable[Pair]) -> dict[int, set[int]]:
    """Index the matched pairs once for many fits."""
    index: dict[int, set[int]] = defaultdict(set)
    for capability, duty in pairs:
        index[capability].add(duty)
    return index


def _as_index(pairs: Set[Pair] | Mapping[int, Set[int]]) -> Mapping[int, Set[int]]:
    return pairs if isinstance(pairs, Mapping) else duties_by_capability(pairs)


def standard_fit(
    profile: Profile,
    standard: Standard,
    pairs: Set[Pair] | Mapping[int, Set[int]],
) -> StandardFit | None:
    """Fit (share of the profile's capabilities matched by at least one of the
    standard's duties) and surplus (share of the standard's duties matching
    none of them). None for a standard without duties: it cannot be compared.

    The two are separate ratios and need not add to 1. A profile without
    capabilities fits nothing (0), and all of a standard's duties are surplus.
    """
    if not standard.duties:
        return None
    index = _as_index(pairs)

    matched_capabilities = set()
    matched_duties: set[int] = set()
    for capability in profile.capabilities:
        duties = index.get(capability, set()) & standard.duties
        if duties:
            matched_capabilities.add(capability)
            matched_duties |= duties

    n_capabilities = len(profile.capabilities)
    fit = len(matched_capabilities) / n_capabilities if n_capabilities else 0.0
    unmatched = standard.duties - matched_duties
    return StandardFit(
        reference=standard.reference,
        fit=fit,
        surplus=len(unmatched) / len(standard.duties),
        matched_capabilities=frozenset(matched_capabilities),
        unmatched_duties=frozenset(unmatched),
    )


def fit_factor(profile: Profile, standard: Standard, pairs: Set[Pair]) -> float | None:
    result = standard_fit(profile, standard, pairs)
    return None if result is None else result.fit


def surplus_factor(
    profile: Profile, standard: Standard, pairs: Set[Pair]
) -> float | None:
    result = standard_fit(profile, standard, pairs)
    return None if result is None else result.surplus


def top_standards(
    profile: Profile,
    standards: Iterable[Standard],
    pairs: Set[Pair] | Mapping[int, Set[int]],
    n: int = 10,
) -> list[StandardFit]:
    """The profile's n best standards among those given (the caller passes only
    level-eligible ones): by fit, highest first; equal fits by lower surplus,
    then by reference so the order never depends on the input's."""
    index = _as_index(pairs)
    fits = [standard_fit(profile, standard, index) for standard in standards]
    ranked = sorted(
        (fit for fit in fits if fit is not None),
        key=lambda fit: (-fit.fit, fit.surplus, fit.reference),
    )
    return ranked[:n]


def suitability(
    best_fit: float | None, surplus: float | None, bands: Bands = Bands()
) -> Suitability:
    """High when the best fit reaches `high_fit` and that standard's surplus is
    at most `high_surplus`; some when the best fit reaches `some_fit` (however
    high the surplus); otherwise low, as is a profile with no comparable
    standard (best_fit None)."""
    if best_fit is None:
        return Suitability.LOW
    lean = surplus is not None and surplus <= bands.high_surplus
    if best_fit >= bands.high_fit and lean:
        return Suitability.HIGH
    if best_fit >= bands.some_fit:
        return Suitability.SOME
    return Suitability.LOW


def assess(
    profile: Profile,
    standards: Collection[Standard],
    pairs: Set[Pair] | Mapping[int, Set[int]],
    *,
    n: int = 10,
    bands: Bands = Bands(),
) -> ProfileFit:
    """A profile against its eligible standards: its top n, the capabilities
    no eligible standard's duty matches, and its suitability band (from the
    best standard, the first of the top)."""
    index = _as_index(pairs)
    top = top_standards(profile, standards, index, n)

    all_duties = frozenset().union(*(standard.duties for standard in standards))
    unserved = frozenset(
        capability
        for capability in profile.capabilities
        if not index.get(capability, set()) & all_duties
    )

    best = top[0] if top else None
    band = suitability(best.fit, best.surplus, bands) if best else Suitability.LOW
    return ProfileFit(
        reference=profile.reference, top=tuple(top), unserved=unserved, suitability=band
    )


def priorities(profiles: Iterable[ProfileFit]) -> list[ProfileFit]:
    """Priority order: most capabilities unserved by any eligible standard first,
    then the lowest best fit, then reference for a stable order."""
    return sorted(
        profiles,
        key=lambda profile: (
            -len(profile.unserved),
            profile.best_fit,
            profile.reference,
        ),
    )
