"""Insight page 3, supply-chain capabilities: the capabilities of one or several
partners (any of them), with their function, and how many each partner has
per function (the chart)."""

from collections import defaultdict
from dataclasses import dataclass

from foresight.models import Cycle, CycleCapability, SupplyChainPartner
from insights.tables import Table
from profiles.views.tables import classification, classification_key

CAPABILITY_COLUMNS = ["ref", "function", "functional_area", "capability", "partners"]
SUMMARY_COLUMNS = ["partner", "function", "capabilities"]
UNCLASSIFIED = "Unclassified"


@dataclass(frozen=True)
class PartnerCapability:
    ref: str
    function: str
    functional_area: str
    capability: str
    # Every partner of the capability, in the cycle's order.
    partners: tuple[str, ...]

    def cells(self) -> list:
        return [
            self.ref,
            self.function,
            self.functional_area,
            self.capability,
            "; ".join(self.partners),
        ]


def partner_capabilities(
    cycle: Cycle,
    partners: list[SupplyChainPartner],
    chosen: set[int],
    function_id: int | None = None,
) -> list[PartnerCapability]:
    """Capabilities linked to any of the `chosen` partners (every capability
    when none is chosen), of one function when given; classification order.
    Two queries."""
    links = CycleCapability.partners.through.objects.filter(
        cyclecapability__cycle=cycle
    ).values_list("cyclecapability_id", "supplychainpartner_id")
    linked: dict[int, set[int]] = defaultdict(set)
    for capability, partner in links:
        linked[capability].add(partner)

    capabilities = cycle.capabilities.select_related("area__domain__function")
    if function_id is not None:
        capabilities = capabilities.filter(area__domain__function=function_id)
    rows = []
    for capability in sorted(capabilities, key=classification_key):
        held = linked.get(capability.pk, set())
        if chosen and not held & chosen:
            continue
        function, _domain, area = classification(capability)
        rows.append(
            PartnerCapability(
                ref=capability.ref or str(capability.pk),
                function=function or UNCLASSIFIED,
                functional_area=area,
                capability=capability.text,
                partners=tuple(p.name for p in partners if p.pk in held),
            )
        )
    return rows


def capability_table(rows: list[PartnerCapability]) -> Table:
    return Table("supply-chain", CAPABILITY_COLUMNS, [row.cells() for row in rows])


def summary_table(
    rows: list[PartnerCapability],
    partners: list[SupplyChainPartner],
    functions: list[str],
) -> Table:
    """Per shown partner and function, how many of `rows` the partner has: the
    numbers the stacked chart draws (a bar per partner, a stack per function)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        for partner in row.partners:
            counts[partner, row.function] += 1
    names = [partner.name for partner in partners]
    used = [f for f in [*functions, UNCLASSIFIED] if any(r.function == f for r in rows)]
    cells = [
        [name, function, counts[name, function]] for name in names for function in used
    ]
    chart = {
        "labels": names,
        "datasets": [
            {
                "label": function,
                "data": [counts[name, function] for name in names],
            }
            for function in used
        ],
    }
    return Table("supply-chain-summary", SUMMARY_COLUMNS, cells, chart)
