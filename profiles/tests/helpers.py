"""Ready-made data and small readers shared by the profile tests: the cycle that
generation starts from, the three-profile world that refinement works on, and the
matrix as the pages show it."""

import csv
import io
from types import SimpleNamespace

from foresight.models import Cycle, CycleCapability, Domain, Function, FunctionalArea
from profiles.models import Iteration, Profile, ProfileCapability
from profiles.refinement import apply_accepted
from workshops.models import (
    ItemConsensus,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)

# --- Generation: capability texts and a cycle with its consensus -----------------

QUALITY = [
    "Inspect incoming raw materials against their specifications.",
    "Audit manufacturing records for compliance with good manufacturing practice.",
    "Investigate deviations and out-of-specification test results.",
    "Write standard operating procedures for quality control testing.",
    "Review batch records before a product is released.",
    "Calibrate laboratory testing instruments.",
]
SOFTWARE = [
    "Write software that controls robotic liquid-handling platforms.",
    "Test and debug automation software before release.",
    "Design databases that store process and batch data.",
    "Maintain the code of the manufacturing execution system.",
    "Integrate laboratory instruments with the data network.",
    "Develop user interfaces for equipment operators.",
]
MANAGEMENT = [
    "Set the budget for the manufacturing site.",
    "Negotiate supply contracts with vendors.",
    "Plan the workforce needed for new production lines.",
]
NOT_REQUIRED = "Drive a forklift truck around the warehouse."


def make_area(name: str, code: str) -> FunctionalArea:
    domain = Domain.objects.create(
        function=Function.objects.get(name="Implement"), code=f"T{code}", name=name
    )
    return FunctionalArea.objects.create(
        domain=domain, code=f"T{code}.1", name=f"{name} area"
    )


def store_consensus(cycle, levels: dict, reached: bool = True) -> Workshop:
    """A proficiency workshop with one closed round whose consensus is `levels`,
    {(capability, role level): proficiency}."""
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    round = Round.objects.create(workshop=workshop, number=1, status=RoundStatus.CLOSED)
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round, capability=capability, role_level=role_level)
        for capability, role_level in levels
    )
    ItemConsensus.objects.bulk_create(
        ItemConsensus(
            item=item, n=5, counts=[0, 0, 0, 0], reached=reached, proficiency=level
        )
        for item, level in zip(items, levels.values(), strict=True)
    )
    return workshop


# --- Refinement: three profiles in a first iteration -----------------------------


def build_world(cycle: Cycle) -> SimpleNamespace:
    """Six classified capabilities (C1 to C3 in Area 1, C4 to C6 in Area 2), two
    role levels and a first iteration of three profiles:
      Process engineer (level A, partner): C1 at 1, C2 at 2, C3 at 3
      Quality lead (level A, partner):     C3 at 1, C4 at 2
      Data steward (level B):              C5 at 2
    C6 is in no profile."""
    function = Function.objects.get(name="Implement")
    domain = Domain.objects.create(function=function, code="D1", name="Operations")
    areas = [
        FunctionalArea.objects.create(domain=domain, code=f"A1.{n}", name=f"Area {n}")
        for n in (1, 2)
    ]
    capabilities = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=f"Operate robotic platform {n}.",
            origin="adopted",
            ref=f"C{n}",
            area=areas[(n - 1) // 3],
        )
        for n in range(1, 7)
    )
    level_a = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    level_b = cycle.role_levels.create(
        name="Technicians", min_academic_level=3, max_academic_level=4
    )
    partner = cycle.partners.create(name="C&G Manufacturer")
    iteration = Iteration.objects.create(cycle=cycle, number=1, name="Prototype")

    def profile(title, level, partner, entries) -> Profile:
        made = Profile.objects.create(
            iteration=iteration, title=title, role_level=level, partner=partner
        )
        ProfileCapability.objects.bulk_create(
            ProfileCapability(
                profile=made,
                capability=capabilities[number - 1],
                proficiency=proficiency,
                explanation=f"Generated for C{number}.",
            )
            for number, proficiency in entries
        )
        return made

    return SimpleNamespace(
        cycle=cycle,
        caps=capabilities,
        level_a=level_a,
        level_b=level_b,
        partner=partner,
        iteration=iteration,
        engineer=profile(
            "Process engineer", level_a, partner, [(1, 1), (2, 2), (3, 3)]
        ),
        lead=profile("Quality lead", level_a, partner, [(3, 1), (4, 2)]),
        steward=profile("Data steward", level_b, None, [(5, 2)]),
    )


def snapshot(iteration: Iteration) -> dict[str, dict[str, int]]:
    """Title → {capability ref: proficiency} for every profile of the iteration."""
    found = {profile.title: {} for profile in iteration.profiles.all()}
    entries = ProfileCapability.objects.filter(profile__iteration=iteration)
    for title, ref, level in entries.values_list(
        "profile__title", "capability__ref", "proficiency"
    ):
        found[title][ref] = level
    return found


BEFORE = {
    "Process engineer": {"C1": 1, "C2": 2, "C3": 3},
    "Quality lead": {"C3": 1, "C4": 2},
    "Data steward": {"C5": 2},
}


def apply(world, convener) -> Iteration:
    return apply_accepted(world.iteration, convener)


# --- The pages: URLs and the matrix read back from its CSV -----------------------

HTMX = {"HTTP_HX_REQUEST": "true"}


def base(world, iteration: Iteration | None = None) -> str:
    iteration = iteration or world.iteration
    return f"/cycles/{world.cycle.pk}/profiles/{iteration.pk}"


def matrix_csv(client, world, iteration: Iteration, query: str = "") -> list[list]:
    response = client.get(f"{base(world, iteration)}/matrix/?{query}&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


LABELS = {1: "Awareness", 2: "Practitioner", 3: "Expert", 0: "Not required"}


def shown(client, world, iteration: Iteration) -> dict[str, dict[str, str]]:
    """Profile title → {capability ref: proficiency label}, read from the CSV."""
    header, *rows = matrix_csv(client, world, iteration)
    found = {title: {} for title in header[5:]}
    for row in rows:
        for title, label in zip(header[5:], row[5:], strict=True):
            if label:
                found[title][row[0]] = label
    return found


def labelled(snapshot: dict) -> dict:
    return {
        title: {ref: LABELS[level] for ref, level in levels.items()}
        for title, levels in snapshot.items()
    }
