"""A small cycle with every kind of data the findings report reads.

Worked through by hand (threshold 0.5):
- capabilities: c0 matches ST1 D1 at 0.8 (served), c1 matches ST1 D2 at 0.45
  but a reviewer accepted it (served), c2 matches ST2 D2 at 0.7 but a reviewer
  rejected it (not served), c3's best is 0.3 (not served): 2 of 4 served.
- Scientist (levels 4-5, so standards of levels 3-6: ST1, ST2) has c0, c1, c2:
  ST1 fits 2/3 with surplus 1/3 (some suitability), c2 unserved.
- Manager (level 7, so 6-8: ST3) has c2, c3: ST3 fits 0 (low), both unserved.
"""

import datetime
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
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
    Role,
    SourceKind,
    Stage,
)
from insights.models import CurrentStandard
from profiles.models import Iteration, Profile, ProfileCapability
from workshops.models import ItemConsensus, Round, RoundItem, Workshop, WorkshopKind


def _areas() -> dict[str, FunctionalArea]:
    # The five functions come with the migrations.
    areas = {}
    for position, name in enumerate(["Design", "Implement", "Logistics"], start=1):
        function = Function.objects.get(name=name)
        domain = Domain.objects.create(
            function=function, code=f"D{position}", name=f"{name} domain"
        )
        areas[name] = FunctionalArea.objects.create(
            domain=domain, code=f"A{position}", name=f"{name} area"
        )
    return areas


def _provision() -> dict[str, StandardVersion]:
    framework = Framework.objects.create(
        slug="ifate", name="IfATE", data_date=datetime.date(2024, 6, 30)
    )
    versions = {}
    for reference, title, level, duties in [
        ("ST1", "Laboratory scientist", 4, 3),
        ("ST2", "Process technician", 5, 2),
        ("ST3", "Data analyst", 7, 1),
    ]:
        standard = Standard.objects.create(
            framework=framework, reference=reference, title=title, level=level
        )
        version = StandardVersion.objects.create(
            standard=standard,
            version="1.0",
            title=title,
            level=level,
            is_current=True,
            has_duties=True,
        )
        for n in range(1, duties + 1):
            Duty.objects.create(version=version, code=f"D{n}", text=f"{title} {n}")
        versions[reference] = version
    return versions


def _duty(versions, reference: str, code: str) -> Duty:
    return Duty.objects.get(version=versions[reference], code=code)


def build_findings(cycle, convener) -> SimpleNamespace:
    areas = _areas()
    versions = _provision()
    reviewer = make_user("reviewer")
    join(reviewer, cycle, Role.REVIEWER)

    cycle.challenge = "Make ten times more therapies by 2030."
    cycle.recommendations = "Fund a data apprenticeship.\n\nReview the standards."
    cycle.save()
    cycle.solutions.create(name="Robotic platforms", prioritised=True)
    cycle.solutions.create(name="Digital twins")
    partners = [cycle.partners.create(name=name) for name in ("Suppliers", "Makers")]
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=4, max_academic_level=5
    )
    managers = cycle.role_levels.create(
        name="Managers", min_academic_level=7, max_academic_level=7
    )
    capabilities = [
        cycle.capabilities.create(
            text=f"Capability {n}.", origin=origin, area=area, ref=f"C{n}"
        )
        for n, (origin, area) in enumerate(
            [
                ("adopted", areas["Design"]),
                ("adopted", areas["Implement"]),
                ("selected", areas["Implement"]),
                ("newly_defined", None),
            ]
        )
    ]
    capabilities[0].partners.add(partners[0])
    capabilities[1].partners.add(partners[0])
    capabilities[2].partners.add(partners[1])

    run = MatchRun.objects.create(
        cycle=cycle,
        framework=Framework.objects.get(slug="ifate"),
        model="test-model",
        threshold=0.5,
        status=RunStatus.COMPLETE,
        data_date=datetime.date(2024, 6, 30),
        batches_total=1,
        batches_done=1,
        finished_at=timezone.now(),
    )
    run.versions.set(versions.values())
    pairs = [
        (0, "ST1", "D1", 0.8, None),
        (0, "ST2", "D1", 0.4, None),
        (1, "ST1", "D2", 0.45, Decision.ACCEPT),
        (2, "ST2", "D2", 0.7, Decision.REJECT),
        (3, "ST3", "D1", 0.3, None),
    ]
    for rank, (index, reference, code, score, decision) in enumerate(pairs, 1):
        match = Match.objects.create(
            run=run,
            capability=capabilities[index],
            duty=_duty(versions, reference, code),
            score=score,
            rank=rank,
        )
        if decision:
            ReviewDecision.objects.create(
                match=match, decision=decision, reviewer=reviewer
            )

    iteration = Iteration.objects.create(
        cycle=cycle, number=2, name="Refined", is_final=True
    )
    Iteration.objects.create(cycle=cycle, number=1, name="Prototype")
    profiles = {}
    for title, level, partner, members in [
        ("Scientist", scientists, partners[0], capabilities[:3]),
        ("Manager", managers, None, capabilities[2:]),
    ]:
        profile = Profile.objects.create(
            iteration=iteration, title=title, role_level=level, partner=partner
        )
        for capability in members:
            ProfileCapability.objects.create(
                profile=profile, capability=capability, proficiency=2
            )
        profiles[title] = profile

    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    round_ = Round.objects.create(workshop=workshop, number=1, status="closed")
    for level, ratings in [(scientists, [2, 3, 1, 0]), (managers, [None, None, 3, 3])]:
        for capability, proficiency in zip(capabilities, ratings, strict=True):
            if proficiency is None:
                continue
            item = RoundItem.objects.create(
                round=round_, capability=capability, role_level=level
            )
            ItemConsensus.objects.create(
                item=item, n=5, proficiency=proficiency, reached=True
            )

    CurrentStandard.objects.create(
        cycle=cycle, standard=versions["ST1"].standard, marked_by=convener
    )
    for code, area in [("D1", areas["Design"]), ("D2", areas["Implement"])]:
        CapabilityStatement.objects.create(
            text=f"Laboratory scientist {code}",
            area=area,
            source_kind=SourceKind.IFATE_DUTY,
            source_ref=f"ST1 v1.0 {code}",
        )

    for stage in (Stage.IDENTIFY, Stage.PREPARE, Stage.CARRY_OUT):
        cycle.change_stage(stage, convener)
    return SimpleNamespace(
        cycle=cycle,
        run=run,
        capabilities=capabilities,
        iteration=iteration,
        profiles=profiles,
        partners=partners,
        reviewer=reviewer,
    )


@pytest.fixture
def findings(cycle, convener) -> SimpleNamespace:
    return build_findings(cycle, convener)
