"""Rows of the map-and-gap tables, computed from a run's stored matches and the
reviewers' latest decisions (a rejected pair counts in no figure; an accepted
one counts as matched whatever its score)."""

from dataclasses import dataclass

from analysis.matching import at_or_above
from analysis.models import Decision, Duty, Match, MatchRun, ReviewDecision

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
    # Plain values, not models: a run has thousands of matches.
    matches = Match.objects.filter(run=run).order_by("capability_id", "rank")
    best: dict[int, tuple[float, int]] = {}
    accepted: set[int] = set()
    for pk, capability, duty, score in matches.values_list(
        "pk", "capability_id", "duty_id", "score"
    ):
        decision = decisions.get(pk)
        if decision == Decision.REJECT:
            continue
        if decision == Decision.ACCEPT:
            accepted.add(capability)
        best.setdefault(capability, (score, duty))
    duties = {
        pk: (reference, text)
        for pk, reference, text in Duty.objects.filter(
            pk__in=[duty for _score, duty in best.values()]
        ).values_list("pk", "version__standard__reference", "text")
    }

    capabilities = run.cycle.capabilities.select_related("area__domain__function")
    rows = []
    for capability in capabilities.order_by("id"):
        score, duty = best.get(capability.pk, (0.0, None))
        standard, text = duties.get(duty, ("", ""))
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
                best_duty_standard=standard,
                best_duty=text,
            )
        )
    return rows
