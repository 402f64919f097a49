"""A report for a cycle the size of the reference cycle is complete and states
its sizes. How long it takes is measured by benchmarks/report_generation.py,
which builds the same cycle with `reference_sized`."""

import random

from django.utils import timezone

from analysis.models import (
    Duty,
    Framework,
    Match,
    MatchRun,
    RunStatus,
    Standard,
    StandardVersion,
)
from foresight.models import Domain, Function, FunctionalArea
from profiles.models import Iteration, Profile, ProfileCapability
from reports.generation import request_report
from reports.models import Report, ReportStatus
from reports.tasks import generate_report
from workshops.models import ItemConsensus, Round, RoundItem, Workshop, WorkshopKind

# The reference cycle's sizes (DESIGN.md): 137 capabilities, 5 partners,
# 4 role levels, 25 profiles; about 714 current standards with 7,572 duties.
CAPABILITIES, PARTNERS, PROFILES, STANDARDS, DUTIES_EACH = 137, 5, 25, 714, 10


def reference_sized(cycle) -> None:
    rng = random.Random(7)
    areas = []
    for function in Function.objects.order_by("position"):
        domain = Domain.objects.create(
            function=function, code=f"D-{function.pk}", name=f"{function} domain"
        )
        areas.append(
            FunctionalArea.objects.create(
                domain=domain, code=f"A-{function.pk}", name=f"{function} area"
            )
        )
    partners = [cycle.partners.create(name=f"Partner {n}") for n in range(PARTNERS)]
    levels = [
        cycle.role_levels.create(
            name=f"Level group {n}", min_academic_level=low, max_academic_level=high
        )
        for n, (low, high) in enumerate([(2, 4), (5, 6), (6, 7), (6, 7)])
    ]
    capabilities = [
        cycle.capabilities.create(
            text=f"Operate automated platform {n} to specification.",
            origin="adopted",
            area=areas[n % len(areas)],
            ref=str(n),
        )
        for n in range(CAPABILITIES)
    ]
    for n, capability in enumerate(capabilities):
        capability.partners.add(partners[n % PARTNERS])

    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standards = Standard.objects.bulk_create(
        Standard(framework=framework, reference=f"ST{n:04}", title=f"Standard {n}")
        for n in range(STANDARDS)
    )
    versions = StandardVersion.objects.bulk_create(
        StandardVersion(
            standard=standard,
            version="1.0",
            title=standard.title,
            level=2 + n % 6,
            is_current=True,
            has_duties=True,
        )
        for n, standard in enumerate(standards)
    )
    duties = Duty.objects.bulk_create(
        Duty(version=version, code=f"D{d}", text=f"{version.title} duty {d}")
        for version in versions
        for d in range(DUTIES_EACH)
    )
    run = MatchRun.objects.create(
        cycle=cycle,
        framework=framework,
        model="test-model",
        threshold=0.54,
        status=RunStatus.COMPLETE,
        finished_at=timezone.now(),
    )
    run.versions.set(versions)
    Match.objects.bulk_create(
        Match(
            run=run,
            capability=capability,
            duty=duty,
            score=rng.uniform(0.3, 0.8),
            rank=rank,
        )
        for capability in capabilities
        for rank, duty in enumerate(rng.sample(duties, 12), start=1)
    )

    iteration = Iteration.objects.create(
        cycle=cycle, number=1, name="Final", is_final=True
    )
    for n in range(PROFILES):
        profile = Profile.objects.create(
            iteration=iteration,
            title=f"Profile {n}",
            role_level=levels[n % len(levels)],
            partner=partners[n % PARTNERS],
        )
        ProfileCapability.objects.bulk_create(
            ProfileCapability(profile=profile, capability=capability, proficiency=2)
            for capability in rng.sample(capabilities, 20)
        )

    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    round_ = Round.objects.create(workshop=workshop, number=2, status="closed")
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round_, capability=capability, role_level=level)
        for capability in capabilities
        for level in levels
    )
    ItemConsensus.objects.bulk_create(
        ItemConsensus(item=item, n=8, proficiency=rng.randint(0, 3), reached=True)
        for item in items
    )


def test_a_reference_sized_report_is_complete(cycle, convener):
    reference_sized(cycle)
    report = request_report(cycle, convener)

    generate_report(report.pk)

    report = Report.objects.get(pk=report.pk)
    assert report.status == ReportStatus.COMPLETE, report.failure
    assert report.figures["profiles"] == PROFILES
    assert report.figures["standards"] == STANDARDS
    assert report.pdf.startswith(b"%PDF")
