import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from foresight.models import (
    CapabilityOrigin,
    Cycle,
    CycleCapability,
    Membership,
    Organisation,
    Stage,
)

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        "cycles": Cycle.objects.count(),
        "capabilities": CycleCapability.objects.count(),
        "memberships": Membership.objects.count(),
        "users": get_user_model().objects.count(),
        "organisations": Organisation.objects.count(),
    }


def test_load_demo_builds_the_reference_cycle():
    call_command("load_demo", without_library=True)

    cycle = Cycle.objects.get(is_demo=True)
    assert cycle.title.startswith(
        "Digitalisation & Automation for Cell and Gene Therapy"
    )
    assert cycle.partners.count() == 5
    assert cycle.role_levels.count() == 4
    assert cycle.capabilities.count() == 16
    assert cycle.scale.count() == 4
    assert cycle.sponsor == "BioIndustry Association"
    assert cycle.convener_organisation.name == "Cell and Gene Therapy Catapult"
    assert cycle.stage == Stage.COMMUNICATE
    assert cycle.actions.count() == 5
    prioritised = set(
        cycle.solutions.filter(prioritised=True).values_list("name", flat=True)
    )
    assert prioritised == {
        "Robotic platforms",
        "Digital twins",
        "Supply-chain improvements",
    }


def test_demo_capabilities_keep_origin_ref_and_source():
    call_command("load_demo", without_library=True)

    cycle = Cycle.objects.get(is_demo=True)
    by_origin = {
        origin: cycle.capabilities.filter(origin=origin).count()
        for origin in CapabilityOrigin.values
    }
    assert by_origin == {"adopted": 9, "selected": 2, "newly_defined": 5}
    calibrate = cycle.capabilities.get(ref="17000")
    assert calibrate.text.startswith("Calibrate testing instruments")
    assert calibrate.source == "O*NET task 888"
    assert calibrate.area.name == "Operate Equipment"
    placed = dict(cycle.capabilities.values_list("ref", "area__name"))
    assert placed["5260"] == "Perform Data Analysis"
    assert not cycle.capabilities.filter(area__isnull=True).exists()


def test_load_demo_twice_changes_nothing():
    call_command("load_demo", without_library=True)
    first = counts()
    password = get_user_model().objects.get(username__startswith="convener@").password

    call_command("load_demo", without_library=True)

    assert counts() == first
    assert (
        get_user_model().objects.get(username__startswith="convener@").password
        == password
    )


def test_the_demo_convener_can_sign_in_and_open_the_cycle(client):
    call_command("load_demo", without_library=True)
    cycle = Cycle.objects.get(is_demo=True)

    assert client.login(
        username="convener@demo.foresight.example", password="foresight-demo"
    )
    page = client.get(f"/cycles/{cycle.pk}/").content.decode()

    assert "Demonstration data" in page
    assert "Automation Equipment Suppliers" in page


def test_missing_demo_data_stops_with_one_clear_line(settings, tmp_path):
    settings.REFERENCE_DATA_DIR = tmp_path

    with pytest.raises(CommandError, match=r"capabilities\.csv: file not found"):
        call_command("load_demo", without_library=True)
    assert not Cycle.objects.exists()
