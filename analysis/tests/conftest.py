"""A tiny provision and three capabilities, for match-run tests."""

import pytest

from analysis.models import Duty, Framework, Standard, StandardVersion
from conftest import join, make_user
from foresight.models import Role
from profiles.models import Iteration, Profile, ProfileCapability

DUTIES = [
    "Develop and validate analytical assays for cell therapy products.",
    "Operate and maintain automated bioreactor systems.",
    "Plan stock levels and manage the supply of materials.",
    "Drive a forklift truck in a warehouse.",
]


@pytest.fixture
def provision(db) -> list[Duty]:
    framework = Framework.objects.create(slug="ifate", name="IfATE")
    standard = Standard.objects.create(framework=framework, reference="ST1", title="T")
    version = StandardVersion.objects.create(
        standard=standard, version="1.0", title="T", is_current=True, has_duties=True
    )
    return [
        Duty.objects.create(version=version, code=f"D{n}", text=text)
        for n, text in enumerate(DUTIES, start=1)
    ]


@pytest.fixture
def capabilities(cycle) -> list:
    texts = [
        "Develop assays to monitor cell characteristics.",
        "Operate automated cell processing equipment.",
        "Write poetry about the sea.",
    ]
    return [cycle.capabilities.create(text=text, origin="adopted") for text in texts]


@pytest.fixture
def final(cycle, capabilities):
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=4, max_academic_level=5
    )
    managers = cycle.role_levels.create(
        name="Managers", min_academic_level=7, max_academic_level=7
    )
    iteration = Iteration.objects.create(
        cycle=cycle, number=1, name="Final", is_final=True
    )
    for role_level, title in [(scientists, "Scientist"), (managers, "Manager")]:
        profile = Profile.objects.create(
            iteration=iteration, title=title, role_level=role_level
        )
        for capability in capabilities[1:]:
            ProfileCapability.objects.create(
                profile=profile, capability=capability, proficiency=2
            )
    return iteration


@pytest.fixture
def reviewer(cycle):
    user = make_user("reviewer")
    join(user, cycle, Role.REVIEWER)
    return user
