"""Fixtures for the capture workshop tests (workshops/tests/test_capture_*.py).

Other test modules here define their own ``workshop`` and ``open_round``,
which take precedence over these.
"""

import pytest

from conftest import join, make_user
from foresight import embeddings
from foresight.models import (
    CapabilityStatement,
    Domain,
    Function,
    FunctionalArea,
    Role,
    SourceKind,
    SupplyChainPartner,
)
from workshops import capture
from workshops.models import Panellist, Round, Workshop, WorkshopKind


@pytest.fixture(autouse=True)
def fresh_centroids():
    # Each test builds its own small library; the per-process cache must not leak.
    capture.forget_area_centroids()
    yield
    capture.forget_area_centroids()


@pytest.fixture
def areas(db) -> dict[str, FunctionalArea]:
    support = Domain.objects.create(
        function=Function.objects.get(name="Support"), code="D01", name="Check"
    )
    logistics = Domain.objects.create(
        function=Function.objects.get(name="Logistics"), code="D02", name="Move"
    )
    design = Domain.objects.create(
        function=Function.objects.get(name="Design"), code="D03", name="Create"
    )
    return {
        "quality": FunctionalArea.objects.create(
            domain=support, code="A01.1", name="Manage Quality Control"
        ),
        "stores": FunctionalArea.objects.create(
            domain=logistics, code="A02.1", name="Move and Store Goods"
        ),
        # No library statements: represented by its name and description.
        "research": FunctionalArea.objects.create(
            domain=design,
            code="A03.1",
            name="Research & Develop Technologies",
            description="Invent and develop new technologies, methods and products.",
        ),
    }


@pytest.fixture
def library(areas) -> list[CapabilityStatement]:
    rows = [
        ("Inspect finished products for defects.", "quality"),
        ("Test samples against release specifications.", "quality"),
        ("Audit batch records for compliance with quality standards.", "quality"),
        ("Load and unload goods in the warehouse.", "stores"),
        ("Track stock levels of consumables.", "stores"),
        ("Arrange the transport of shipments to customers.", "stores"),
    ]
    statements = CapabilityStatement.objects.bulk_create(
        CapabilityStatement(
            text=text,
            area=areas[area],
            source_kind=SourceKind.ONET_TASK,
            source_ref=str(number),
        )
        for number, (text, area) in enumerate(rows, start=1)
    )
    embeddings.embed_missing(text for text, _area in rows)
    return statements


@pytest.fixture
def partners(cycle) -> list[SupplyChainPartner]:
    return [
        SupplyChainPartner.objects.create(cycle=cycle, name="Automation suppliers"),
        SupplyChainPartner.objects.create(cycle=cycle, name="C&G manufacturer"),
    ]


@pytest.fixture
def workshop(cycle) -> Workshop:
    return Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.CAPTURE, title="Capability capture"
    )


@pytest.fixture
def open_round(workshop) -> Round:
    return Round.objects.create(workshop=workshop, number=1, status="open")


def panellist(workshop: Workshop, name: str):
    user = make_user(name)
    join(user, workshop.cycle, Role.TECHNOLOGIST)
    Panellist.objects.create(workshop=workshop, user=user, group="technologist")
    return user


@pytest.fixture
def ada(workshop):
    return panellist(workshop, "ada")


@pytest.fixture
def ben(workshop):
    return panellist(workshop, "ben")
