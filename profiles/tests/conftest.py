"""Fixtures shared by the profile tests; the data they build is in helpers.py."""

from types import SimpleNamespace

import pytest

from conftest import join, make_user
from foresight.models import CapabilityStatement, ReferenceOccupation, Role
from profiles.tests.helpers import (
    MANAGEMENT,
    NOT_REQUIRED,
    QUALITY,
    SOFTWARE,
    build_world,
    make_area,
    store_consensus,
)

# --- Generation ------------------------------------------------------------------


@pytest.fixture
def setup(cycle):
    """Three role levels, three partners, quality and software capabilities, a
    few management ones only managers need, and one nobody needs."""
    quality_area = make_area("Test Quality", "01")
    software_area = make_area("Test Software", "02")
    manufacturer = cycle.partners.create(name="C&G Manufacturer")
    integrators = cycle.partners.create(name="Automation Integrators")
    regulatory = cycle.partners.create(name="Quality and regulatory")
    technicians = cycle.role_levels.create(
        name="Technicians", min_academic_level=3, max_academic_level=4
    )
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    managers = cycle.role_levels.create(
        name="Managers", min_academic_level=6, max_academic_level=7
    )

    def capability(text, area, *partners):
        made = cycle.capabilities.create(text=text, origin="adopted", area=area)
        made.partners.set(partners)
        return made

    quality = [capability(text, quality_area, manufacturer) for text in QUALITY]
    quality[0].partners.add(regulatory)
    software = [capability(text, software_area, integrators) for text in SOFTWARE]
    management = [capability(text, None, manufacturer) for text in MANAGEMENT]
    nobody = capability(NOT_REQUIRED, None, manufacturer)

    levels = {}
    for number, made in enumerate(quality + software):
        levels[made, technicians] = 1 + number % 3
        levels[made, scientists] = 3 - number % 3
        levels[made, managers] = 0
    for made in management:
        levels[made, technicians] = levels[made, scientists] = 0
        levels[made, managers] = 3
    for role_level in (technicians, scientists, managers):
        levels[nobody, role_level] = 0
    workshop = store_consensus(cycle, levels)
    return SimpleNamespace(
        cycle=cycle,
        workshop=workshop,
        levels=levels,
        quality=quality,
        software=software,
        management=management,
        nobody=nobody,
        partners=(manufacturer, integrators, regulatory),
        role_levels=(technicians, scientists, managers),
    )


@pytest.fixture
def occupations(setup):
    """Reference occupations linked to library statements like the capabilities."""
    area = setup.quality[1].area

    def occupation(source, code, title, texts):
        made = ReferenceOccupation.objects.create(source=source, code=code, title=title)
        made.statements.set(
            CapabilityStatement.objects.create(
                text=text, area=area, source_kind="onet_task", source_ref=f"{code}-{n}"
            )
            for n, text in enumerate(texts)
        )
        return made

    return [
        occupation(
            "onet",
            "19-4099.01",
            "Quality Control Analysts",
            [
                "Inspect raw materials and finished products for quality.",
                "Review batch production records for compliance.",
                "Investigate out-of-specification results and deviations.",
            ],
        ),
        occupation(
            "onet",
            "15-1252.00",
            "Software Developers",
            [
                "Write and debug computer programs.",
                "Design software applications and databases.",
                "Test software before it is released to users.",
            ],
        ),
        occupation(
            "esco",
            "http://data.europa.eu/esco/occupation/forklift",
            "forklift operator",
            [
                "Drive forklift trucks.",
                "Move pallets around a warehouse.",
                "Load and unload delivery vehicles.",
            ],
        ),
        # Too few statements to be compared.
        occupation(
            "esco",
            "http://data.europa.eu/esco/occupation/auditor",
            "quality auditor",
            ["Audit manufacturing records.", "Inspect raw materials."],
        ),
    ]


# --- Refinement and its pages ----------------------------------------------------


@pytest.fixture
def world(cycle) -> SimpleNamespace:
    return build_world(cycle)


@pytest.fixture
def panel(cycle, employer) -> list:
    """Three employers: the cycle's minimum panel size by default."""
    others = [make_user(name) for name in ("ebony", "felix")]
    for user in others:
        join(user, cycle, Role.EMPLOYER)
    return [employer, *others]


@pytest.fixture
def facilitator(cycle):
    user = make_user("facilitator")
    join(user, cycle, Role.FACILITATOR)
    return user


@pytest.fixture
def technologist(cycle):
    user = make_user("technologist")
    join(user, cycle, Role.TECHNOLOGIST)
    return user
