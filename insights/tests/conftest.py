"""A small but complete cycle for the insight pages: classified capabilities
with partners, KSBs and a two-round proficiency consensus, current provision
placed in the library, a complete run with review decisions, a final iteration
of profiles and two standards marked as used today."""

import csv
import io
import json
from types import SimpleNamespace

import pytest
from django.utils import timezone

from analysis.models import (
    Decision,
    Duty,
    Framework,
    Match,
    MatchRun,
    ReviewDecision,
    RunStatus,
    Standard,
    StandardVersion,
)
from conftest import join, make_user
from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
    Placement,
    Role,
    SourceKind,
    Stage,
)
from insights.models import CurrentStandard
from profiles.models import Iteration, Profile, ProfileCapability
from workshops.models import (
    ItemConsensus,
    KsbContribution,
    KsbTag,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)

HTMX = {"HX-Request": "true"}
ORIGINS = list(CapabilityOrigin.values)
# Capability n sits in AREA_OF[n] (None: unclassified) with partners PARTNERS_OF[n].
AREA_OF = [0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, None]
PARTNERS_OF = [[0], [0, 1], [], [1], [1, 2], [0], [], [2], [1], [2], [0, 2], [1]]
# (reference, level, duties, placed duties' areas); the last has no duties.
STANDARDS = [
    ("ST0001", 3, 4, [1, 1, 2, 3]),
    ("ST0002", 4, 3, [0, 1]),
    ("ST0003", 5, 4, [3, 3, 3]),
    ("ST0004", 6, 3, [0]),
    ("ST0005", 7, 2, []),
    ("ST0006", 5, 0, []),
]


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def json_of(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def as_text(value) -> str:
    """A JSON cell as the CSV writes it."""
    return "" if value is None else str(value)


def publish(cycle) -> None:
    type(cycle).objects.filter(pk=cycle.pk).update(stage=Stage.COMMUNICATE)


@pytest.fixture
def reviewer(cycle):
    user = make_user("reviewer")
    join(user, cycle, Role.REVIEWER)
    return user


def _classification() -> list[FunctionalArea]:
    functions = list(Function.objects.order_by("position"))
    domains = [
        Domain.objects.create(function=functions[0], code="TD1", name="Test design"),
        Domain.objects.create(function=functions[1], code="TD2", name="Test making"),
        Domain.objects.create(function=functions[3], code="TD4", name="Test quality"),
    ]
    return [
        FunctionalArea.objects.create(
            domain=domains[d], code=f"TA{n}", name=f"Area {n}"
        )
        for n, d in enumerate([0, 1, 1, 2])
    ]


def _provision(areas) -> tuple[list[StandardVersion], list[Duty]]:
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    versions, duties = [], []
    for reference, level, count, placed in STANDARDS:
        standard = Standard.objects.create(
            framework=framework, reference=reference, title=f"Title {reference}"
        )
        # An older version, whose duties never count.
        old = StandardVersion.objects.create(
            standard=standard, version="1.0", title="Old", level=level
        )
        Duty.objects.create(version=old, code="D1", text="An old duty.")
        version = StandardVersion.objects.create(
            standard=standard,
            version="1.1",
            title=f"Title {reference}",
            level=level,
            is_current=True,
            has_duties=bool(count),
        )
        versions.append(version)
        for n in range(count):
            duty = Duty.objects.create(
                version=version, code=f"D{n + 1}", text=f"{reference} duty {n + 1}."
            )
            duties.append(duty)
            if n < len(placed):
                CapabilityStatement.objects.create(
                    text=duty.text,
                    area=areas[placed[n]],
                    source_kind=SourceKind.IFATE_DUTY,
                    source_ref=f"{reference} v1.1 D{n + 1}",
                    placement=Placement.NEAREST_MEANING,
                )
    return versions, duties


def _consensus(cycle, capabilities, role_levels) -> Workshop:
    """Round 1 asks every item; round 2 asks the first six capabilities again,
    and its answer is the one that counts for them."""
    Workshop.objects.create(cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Old")
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    for number, asked, level_of in [
        (1, capabilities, lambda c, r: (c + r) % 4),
        (2, capabilities[:6], lambda c, r: (2 * c + r + 1) % 4),
    ]:
        round = Round.objects.create(
            workshop=workshop, number=number, status=RoundStatus.CLOSED
        )
        for c, capability in enumerate(asked):
            for r, role_level in enumerate(role_levels):
                item = RoundItem.objects.create(
                    round=round, capability=capability, role_level=role_level
                )
                ItemConsensus.objects.create(
                    item=item, n=5, proficiency=level_of(c, r), reached=True
                )
    return workshop


def _ksbs(cycle, capabilities) -> list[KsbTag]:
    workshop = Workshop.objects.create(cycle=cycle, kind=WorkshopKind.KSB, title="KSB")
    made = []
    for kind, text, tools, held in [
        ("knowledge", "Principles of aseptic processing", "", [0, 1, 3]),
        ("knowledge", "Robot kinematics", "ROS", [3, 4]),
        ("knowledge", "GMP regulations", "", [9, 10]),
        ("skill", "Program a collaborative robot", "URScript, ROS", [4]),
        ("skill", "Analyse process data", "Python", [7, 8, 9]),
        ("behaviour", "Speaks up about deviations", "", [10]),
    ]:
        tag = KsbTag.objects.create(cycle=cycle, kind=kind, text=text, tools=tools)
        made.append(tag)
        for position, n in enumerate(held):
            tag.capabilities.add(capabilities[n])
            for person in range(position + 1):
                KsbContribution.objects.create(
                    tag=tag,
                    workshop=workshop,
                    capability=capabilities[n],
                    respondent=f"r{person}",
                    text=text,
                )
    return made


def _run(cycle, convener, capabilities, versions, duties) -> MatchRun:
    """Scores chosen so that the threshold, an acceptance below it and a
    rejection above it all decide some capability's service."""
    run = MatchRun.objects.create(
        cycle=cycle,
        framework=Framework.objects.get(slug="ifate"),
        model="test-model",
        threshold=0.54,
        status=RunStatus.COMPLETE,
        launched_by=convener,
        finished_at=timezone.now(),
        batches_total=1,
        batches_done=1,
    )
    run.versions.set(versions)
    matches = {}
    scores = [0.70, 0.62, 0.40, 0.58, 0.30, 0.35]
    for c, capability in enumerate(capabilities):
        pairs = [
            ((c * 3) % len(duties), scores[c % 6]),
            ((c * 5 + 1) % len(duties), scores[(c + 1) % 6]),
        ]
        # Ranked best first, as a run stores them.
        pairs.sort(key=lambda pair: -pair[1])
        for rank, (d, score) in enumerate(pairs):
            matches[c, score] = Match.objects.create(
                run=run,
                capability=capability,
                duty=duties[d],
                score=score,
                rank=rank + 1,
            )
    reviewer = make_user("decider")
    join(reviewer, cycle, Role.REVIEWER)
    # Capability 2 scores 0.40 and 0.58: rejecting the second leaves it unserved.
    ReviewDecision.objects.create(
        match=matches[2, 0.58], decision=Decision.REJECT, reviewer=reviewer
    )
    # Capability 4 scores 0.30 and 0.35: an acceptance serves it (10, with the
    # same scores and no decision, stays unserved).
    ReviewDecision.objects.create(
        match=matches[4, 0.30], decision=Decision.ACCEPT, reviewer=reviewer
    )
    return run


def _profiles(cycle, capabilities, role_levels) -> Iteration:
    first = Iteration.objects.create(cycle=cycle, number=1, name="Prototype")
    Profile.objects.create(iteration=first, title="Everyone", role_level=role_levels[0])
    final = Iteration.objects.create(cycle=cycle, number=2, name="Final", is_final=True)
    for title, level, held in [
        ("Process technician", 0, range(0, 6)),
        ("Quality scientist", 1, range(4, 11)),
        ("Operations manager", 2, [1, 8, 11]),
        ("Quality scientist", 2, [9, 10]),
    ]:
        profile = Profile.objects.create(
            iteration=final, title=title, role_level=role_levels[level]
        )
        for n in held:
            ProfileCapability.objects.create(
                profile=profile, capability=capabilities[n], proficiency=1 + n % 3
            )
    return final


@pytest.fixture
def world(cycle, convener):
    areas = _classification()
    partners = [
        cycle.partners.create(name=name)
        for name in ["Automation suppliers", "Manufacturer", "Quality and regulatory"]
    ]
    role_levels = [
        cycle.role_levels.create(
            name=name, min_academic_level=low, max_academic_level=high
        )
        for name, low, high in [
            ("Technicians", 3, 4),
            ("Scientists", 5, 6),
            ("Managers", 7, 7),
        ]
    ]
    capabilities = []
    for n, area in enumerate(AREA_OF):
        capability = cycle.capabilities.create(
            text=f"Operate platform {n} for cell therapy.",
            origin=ORIGINS[n % 3 if n < 9 else 0],
            area=areas[area] if area is not None else None,
            ref=f"C{n:02d}",
        )
        capability.partners.set([partners[p] for p in PARTNERS_OF[n]])
        capabilities.append(capability)
    workshop = _consensus(cycle, capabilities, role_levels)
    tags = _ksbs(cycle, capabilities)
    versions, duties = _provision(areas)
    run = _run(cycle, convener, capabilities, versions, duties)
    final = _profiles(cycle, capabilities, role_levels)
    for version in versions[:3:2]:
        CurrentStandard.objects.create(
            cycle=cycle, standard=version.standard, marked_by=convener
        )
    return SimpleNamespace(
        cycle=cycle,
        areas=areas,
        partners=partners,
        role_levels=role_levels,
        capabilities=capabilities,
        workshop=workshop,
        tags=tags,
        versions=versions,
        duties=duties,
        run=run,
        final=final,
    )
