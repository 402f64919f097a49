"""Rows of the map-and-gap tables, computed from a run's stored matches and the
reviewers' latest decisions (a rejected pair counts in no figure; an accepted
one counts as matched whatever its score)."""

from dataclasses import dataclass

from analysis.matching import at_or_above
from analysis.models import Decision, Match, MatchRun, ReviewDecision

ORGANISATIONAL_COLUMNS = [
    "ref",
    "function",
    "functional_area",
    "capability",
    "match_score",
    "served",
    "best_duty_standard",
    "best_duty",
]


@dataclass
class CapabilityRow:
    ref: str
    function: str
    functional_area: str
    capability: str
    match_score: float
    served: bool
    best_duty_standard: str
    best_duty: str

    def as_csv(self) -> list:
        return [
            self.ref,
            self.function,
            self.functional_area,
            self.capability,
            f"{self.match_score:.4f}",
            "yes" if self.served else "no",
            self.best_duty_standard,
            self.best_duty,
        ]


def latest_decision_by_match(run: MatchRun) -> dict[int, str]:
    """match id → the latest decision on it (one query)."""
    rows = ReviewDecision.objects.filter(match__run=run).order_by(
        "match_id", "decided_at", "id"
    )
    return dict(rows.values_list("match_id", "decision"))


def organisational_capabilities(run: MatchRun) -> list[CapabilityRow]:
    """Per capability: its best score over non-rejected pairs, and whether current
    provision serves it (best ≥ threshold, or an accepted match)."""
    decisions = latest_decision_by_match(run)
    matches = Match.objects.filter(run=run).select_related("duty__version__standard")
    best: dict[int, Match] = {}
    accepted: set[int] = set()
    for match in matches.order_by("capability_id", "rank"):
        decision = decisions.get(match.pk)
        if decision == Decision.REJECT:
            continue
        if decision == Decision.ACCEPT:
            accepted.add(match.capability_id)
        if match.capability_id not in best:
            best[match.capability_id] = match

    capabilities = run.cycle.capabilities.select_related("area__domain__function")
    rows = []
    for capability in capabilities.order_by("id"):
        top = best.get(capability.pk)
        score = top.score if top else 0.0
        area = capability.area
        rows.append(
            CapabilityRow(
                ref=capability.ref,
                function=area.domain.function.name if area else "",
                functional_area=area.name if area else "",
                capability=capability.text,
                match_score=score,
                served=capability.pk in accepted
                or bool(at_or_above(score, run.threshold)),
                best_duty_standard=top.duty.version.standard.reference if top else "",
                best_duty=top.duty.text if top else "",
            )
        )
    return rows
