"""Insight page 6, future KSBs: every capability with all the knowledge, skills
and behaviours the educators' panel said enable it."""

from dataclasses import dataclass

from foresight.models import Cycle
from insights.tables import Table
from profiles.views.tables import classification, classification_key
from workshops.ksb import CapabilityKsb, capability_ksbs

COLUMNS = [
    "ref",
    "function",
    "functional_area",
    "capability",
    "kind",
    "ksb",
    "tools",
    "contributors",
]


@dataclass(frozen=True)
class CapabilityKsbs:
    ref: str
    function: str
    functional_area: str
    capability: str
    ksbs: tuple[CapabilityKsb, ...]

    def cells(self) -> list[list]:
        """One CSV row per KSB; a capability without any keeps one blank row."""
        leading = [self.ref, self.function, self.functional_area, self.capability]
        if not self.ksbs:
            return [[*leading, "", "", "", None]]
        return [
            [
                *leading,
                ksb.tag.kind,
                ksb.tag.text,
                ksb.tag.tools,
                ksb.contributions,
            ]
            for ksb in self.ksbs
        ]


def _contains(text: str, words: str) -> bool:
    return words.casefold() in text.casefold()


def future_ksbs(
    cycle: Cycle,
    *,
    function_id: int | None = None,
    kind: str = "",
    q: str = "",
) -> list[CapabilityKsbs]:
    """Capabilities in classification order with their KSBs, three queries.

    A kind keeps that kind's KSBs and the capabilities that have one. A search
    keeps a capability whose statement contains it (with all its KSBs) or,
    failing that, its KSBs that contain it.
    """
    capabilities = cycle.capabilities.select_related("area__domain__function")
    if function_id is not None:
        capabilities = capabilities.filter(area__domain__function=function_id)
    capabilities = sorted(capabilities, key=classification_key)
    found = capability_ksbs(capabilities)

    rows = []
    for capability in capabilities:
        ksbs = [k for k in found[capability.pk] if kind in ("", k.tag.kind)]
        if kind and not ksbs:
            continue
        if q and not _contains(capability.text, q):
            ksbs = [k for k in ksbs if _contains(k.tag.text, q)]
            if not ksbs:
                continue
        function, _domain, area = classification(capability)
        rows.append(
            CapabilityKsbs(
                ref=capability.ref or str(capability.pk),
                function=function,
                functional_area=area,
                capability=capability.text,
                ksbs=tuple(ksbs),
            )
        )
    return rows


def ksb_table(rows: list[CapabilityKsbs]) -> Table:
    return Table(
        "future-ksbs", COLUMNS, [cells for row in rows for cells in row.cells()]
    )
