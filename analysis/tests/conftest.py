"""A tiny provision and three capabilities, for match-run tests."""

import pytest

from analysis.models import Duty, Framework, Standard, StandardVersion

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
