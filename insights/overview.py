"""Insight page 1, the data capture overview: every count of the cycle computed
from its data, and the proficiency mix per role level from the final consensus.

Counts that come from capabilities (capabilities, the classification they use,
KSBs, served) follow the function filter; the others describe the whole cycle.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from analysis.fit_report import served_capabilities
from analysis.models import (
    MatchRun,
    StandardVersion,
)
from foresight.models import (
    CapabilityOrigin,
    Cycle,
    Domain,
    Function,
    FunctionalArea,
    ProficiencyLevel,
    RoleLevel,
    SupplyChainPartner,
)
from insights.queries import subquery_count
from insights.tables import Table, share
from profiles.models import Iteration
from workshops.models import KsbKind, KsbTag, Workshop, WorkshopKind
from workshops.outcomes import MIX_LEVELS, latest_consensus

COUNT_COLUMNS = ["group", "measure", "count"]
MIX_COLUMNS = [
    "role_level",
    "items",
    "awareness",
    "practitioner",
    "expert",
    "awareness_pct",
    "practitioner_pct",
    "expert_pct",
]
KSB_MEASURES = {
    KsbKind.KNOWLEDGE: "Knowledge",
    KsbKind.SKILL: "Skills",
    KsbKind.BEHAVIOUR: "Behaviours",
}


@dataclass(frozen=True)
class Place:
    """Where a capability sits in the classification (None when unclassified)."""

    capability: int
    origin: str
    area: int | None
    domain: int | None
    function: int | None
    function_name: str | None
    function_position: int | None


def capability_places(cycle: Cycle) -> list[Place]:
    rows = cycle.capabilities.order_by("id").values_list(
        "pk",
        "origin",
        "area_id",
        "area__domain_id",
        "area__domain__function_id",
        "area__domain__function__name",
        "area__domain__function__position",
    )
    return [Place(*row) for row in rows]


def functions_in_use(places: list[Place]) -> list[tuple[int, str]]:
    """(id, name) of the functions the capabilities use, in the usual order."""
    found = {
        (place.function_position, place.function, place.function_name)
        for place in places
        if place.function is not None
    }
    return [(pk, name) for _position, pk, name in sorted(found)]


@dataclass(frozen=True)
class Count:
    group: str
    measure: str
    count: int

    def cells(self) -> list:
        return [self.group, self.measure, self.count]


def cycle_totals(cycle: Cycle, run: MatchRun | None, function_id: int | None) -> dict:
    """The counts that are plain counts, in one query."""
    own = OuterRef("pk")
    tags = KsbTag.objects.filter(cycle=own)
    if function_id is not None:
        tags = tags.filter(capabilities__area__domain__function=function_id)
    # The same workshop profile generation reads: the latest proficiency one.
    workshops = Workshop.objects.filter(cycle=own, kind=WorkshopKind.PROFICIENCY)
    scale = ProficiencyLevel.objects.filter(cycle=own)
    values = {
        "functions": subquery_count(Function.objects.all()),
        "domains": subquery_count(Domain.objects.all()),
        "areas": subquery_count(FunctionalArea.objects.all()),
        "partners": subquery_count(SupplyChainPartner.objects.filter(cycle=own)),
        "role_levels": subquery_count(RoleLevel.objects.filter(cycle=own)),
        "scale": subquery_count(scale),
        "ksbs": subquery_count(tags, distinct=True),
        "workshop": Subquery(
            workshops.order_by("-created_at", "-id").values("pk")[:1],
            output_field=IntegerField(),
        ),
    }
    for kind in KsbKind.values:
        values[kind] = subquery_count(tags.filter(kind=kind), distinct=True)
    for level in MIX_LEVELS:
        values[f"label_{level}"] = Subquery(
            scale.filter(value=level).values("label")[:1]
        )
    if run is not None:
        versions = StandardVersion.objects.filter(pk__in=run.versions.values("pk"))
        levels = versions.annotate(known=Coalesce("level", "standard__level"))
        values["standards"] = subquery_count(versions)
        values["levels"] = subquery_count(levels, "known", distinct=True)
    # Prefixed: an annotation may not take the name of a relation (partners…).
    row = Cycle.objects.filter(pk=cycle.pk).values(
        **{f"n_{name}": value for name, value in values.items()}
    )
    return {name[2:]: value for name, value in row.get().items()}


def fop_measure(iteration: Iteration | None) -> str:
    if iteration is None:
        return "FOPs (no iteration yet)"
    if iteration.is_final:
        return f"FOPs (final iteration {iteration.number})"
    return f"FOPs (latest iteration {iteration.number}, not final)"


def overview_counts(
    totals: dict,
    places: list[Place],
    iteration: Iteration | None,
    served: set[int] | None,
    function_id: int | None = None,
) -> list[Count]:
    """Every count of the page, in the order shown; provision and served only
    with a run (`served` None without one)."""
    shown = [p for p in places if function_id in (None, p.function)]
    origins = Counter(place.origin for place in shown)
    counts = [
        Count("Classification", "Functions", totals["functions"]),
        Count("Classification", "Functional domains", totals["domains"]),
        Count("Classification", "Functional areas", totals["areas"]),
        Count(
            "Classification", "Functions with capabilities", _used(shown, "function")
        ),
        Count("Classification", "Domains with capabilities", _used(shown, "domain")),
        Count("Classification", "Areas with capabilities", _used(shown, "area")),
        Count("Capabilities", "Capabilities", len(shown)),
        *(
            Count("Capabilities", str(label), origins[value])
            for value, label in CapabilityOrigin.choices
        ),
        Count("Set-up", "Supply-chain partners", totals["partners"]),
        Count("Set-up", "Role levels", totals["role_levels"]),
        Count("Set-up", "Proficiency levels", totals["scale"]),
        Count("Profiles", fop_measure(iteration), _profiles(iteration)),
        Count("KSBs", "KSBs", totals["ksbs"]),
        *(Count("KSBs", KSB_MEASURES[kind], totals[kind]) for kind in KsbKind.values),
    ]
    if "standards" in totals:
        counts += [
            Count("Provision", "Standards analysed", totals["standards"]),
            Count("Provision", "Academic levels", totals["levels"]),
        ]
    if served is not None:
        hits = sum(place.capability in served for place in shown)
        counts += [
            Count("Map and gap", "Capabilities served", hits),
            Count("Map and gap", "Capabilities not served", len(shown) - hits),
        ]
    return counts


def _used(places: list[Place], level: str) -> int:
    return len({getattr(place, level) for place in places} - {None})


def _profiles(iteration: Iteration | None) -> int:
    return iteration.profile_count if iteration is not None else 0


@dataclass(frozen=True)
class MixRow:
    role_level: str
    # Items at Awareness, Practitioner and Expert.
    counts: tuple[int, int, int]

    @property
    def items(self) -> int:
        return sum(self.counts)

    @property
    def shares(self) -> list[float | None]:
        return [share(count, self.items) for count in self.counts]

    @property
    def pairs(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.shares, strict=True))

    def cells(self) -> list:
        return [self.role_level, self.items, *self.counts, *self.shares]


def mix_rows(
    role_levels: list[RoleLevel],
    consensus: dict,
    capabilities: set[int] | None = None,
) -> list[MixRow]:
    """Per role level, the items whose consensus proficiency is above Not
    required, by level (workshops.outcomes.proficiency_mix gives the same
    shares); only `capabilities` when given."""
    tallies: dict[int, Counter] = {level.pk: Counter() for level in role_levels}
    for (capability, role_level), item in consensus.items():
        if capabilities is not None and capability not in capabilities:
            continue
        if item.proficiency in MIX_LEVELS and role_level in tallies:
            tallies[role_level][item.proficiency] += 1
    return [
        MixRow(level.name, tuple(tallies[level.pk][v] for v in MIX_LEVELS))
        for level in role_levels
    ]


@dataclass
class Overview:
    counts: list[Count]
    mix: list[MixRow]
    labels: list[str]
    has_consensus: bool

    def count_table(self) -> Table:
        rows = [count.cells() for count in self.counts]
        return Table("overview", COUNT_COLUMNS, rows)

    def mix_table(self) -> Table:
        rows = [row.cells() for row in self.mix]
        datasets = [
            {"label": label, "data": [row[5 + index] for row in rows]}
            for index, label in enumerate(self.labels)
        ]
        chart = {
            "labels": [row[0] for row in rows],
            "datasets": datasets,
            "unit": "%",
            "max": 100,
        }
        return Table("proficiency-mix", MIX_COLUMNS, rows, chart)


def build_overview(
    cycle: Cycle,
    places: list[Place],
    *,
    run: MatchRun | None,
    iteration: Iteration | None,
    function_id: int | None = None,
) -> Overview:
    totals = cycle_totals(cycle, run, function_id)
    served = served_capabilities(run) if run is not None else None
    counts = overview_counts(totals, places, iteration, served, function_id)

    consensus = {}
    if totals["workshop"] is not None:
        # The id is all latest_consensus filters by; no need to load the row.
        workshop = Workshop(pk=totals["workshop"], cycle=cycle)
        consensus = latest_consensus(workshop)
    wanted = None
    if function_id is not None:
        wanted = {p.capability for p in places if p.function == function_id}
    role_levels = list(cycle.role_levels.all())
    labels = [totals[f"label_{level}"] or str(level) for level in MIX_LEVELS]
    mix = mix_rows(role_levels, consensus, wanted)
    return Overview(counts, mix, labels, bool(consensus))
