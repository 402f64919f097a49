"""The functional shift, and the convener's marks of the standards used today."""

import pytest
from django.test import Client
from django.urls import reverse

from analysis.models import Duty, Standard, StandardVersion
from conftest import join, make_user
from foresight.models import CapabilityStatement, Function, Role
from insights.models import CurrentStandard, CurrentStandardChange
from insights.shift import COLUMNS, NOT_PLACED
from insights.tests.conftest import csv_rows, publish


def shift_of(client, world, query: str = "") -> dict[str, list[str]]:
    url = reverse("insights_shift", args=[world.cycle.pk])
    rows = csv_rows(client.get(f"{url}?{query}&format=csv"))
    assert rows[0] == COLUMNS
    return {row[0]: row[1:] for row in rows[1:]}


def current_by_hand(world, level=None) -> dict[str, int]:
    """Each marked standard's current duties, through their library statement."""
    found: dict[str, int] = {}
    for mark in CurrentStandard.objects.filter(cycle=world.cycle):
        version = StandardVersion.objects.get(standard=mark.standard, is_current=True)
        if level is not None and version.level != level:
            continue
        for duty in Duty.objects.filter(version=version):
            ref = f"{mark.standard.reference} v{version.version} {duty.code}"
            statement = CapabilityStatement.objects.filter(source_ref=ref).first()
            name = statement.area.domain.function.name if statement else NOT_PLACED
            found[name] = found.get(name, 0) + 1
    return found


def test_each_state_is_counted_per_function(client, convener, world):
    client.force_login(convener)

    rows = shift_of(client, world)

    current = current_by_hand(world)
    future = {}
    for capability in world.capabilities:
        name = capability.area.domain.function.name if capability.area else NOT_PLACED
        future[name] = future.get(name, 0) + 1
    names = [*Function.objects.order_by("position").values_list("name", flat=True)]
    assert list(rows) == [*names, NOT_PLACED]
    for name, (duties, _, capabilities, _) in rows.items():
        assert int(duties) == current.get(name, 0)
        assert int(capabilities) == future.get(name, 0)


def test_shares_are_percentages_of_each_state(client, convener, world):
    client.force_login(convener)

    rows = shift_of(client, world)

    # Marked: ST0001 (4 duties: 3 Implement, 1 Support) and ST0003 (4 duties: 3
    # Support, 1 not placed).
    assert rows["Implement"] == ["3", "37.5", "6", "50.0"]
    assert rows["Support"] == ["4", "50.0", "2", "16.7"]
    assert rows[NOT_PLACED] == ["1", "12.5", "1", "8.3"]


def test_the_old_versions_duties_never_count(client, convener, world):
    client.force_login(convener)

    rows = shift_of(client, world)

    assert sum(int(row[0]) for row in rows.values()) == 8


def test_the_filters_narrow_each_state(client, convener, world):
    client.force_login(convener)
    manufacturer = world.partners[1]

    by_level = shift_of(client, world, "level=5")
    by_partner = shift_of(client, world, f"partner={manufacturer.pk}")

    assert {k: int(v[0]) for k, v in by_level.items() if int(v[0])} == (
        current_by_hand(world, level=5)
    )
    assert sum(int(row[2]) for row in by_partner.values()) == (
        manufacturer.capabilities.count()
    )


def test_without_marks_the_current_state_is_empty(client, convener, world):
    CurrentStandard.objects.all().delete()
    client.force_login(convener)

    rows = shift_of(client, world)

    assert all(row[0] == "0" and row[1] == "" for row in rows.values())


# Marking standards as used today

MARK = "insights_mark_standard"


def post(client, world, **data):
    return client.post(reverse(MARK, args=[world.cycle.pk]), data)


def test_a_convener_marks_a_standard_and_the_change_is_recorded(
    client, convener, world
):
    client.force_login(convener)

    response = post(client, world, action="mark", reference=" st0002 ")

    assert response.status_code == 302
    mark = CurrentStandard.objects.get(cycle=world.cycle, standard__reference="ST0002")
    assert mark.marked_by == convener
    change = CurrentStandardChange.objects.get(standard=mark.standard)
    assert (change.action, change.changed_by) == ("marked", convener)
    assert "ST0002" in client.get(response["Location"]).content.decode()


def test_a_convener_unmarks_a_standard_and_the_log_keeps_it(client, convener, world):
    client.force_login(convener)
    standard = Standard.objects.get(reference="ST0001")

    response = post(client, world, action="unmark", standard=standard.pk)

    assert response.status_code == 302
    assert not CurrentStandard.objects.filter(standard=standard).exists()
    assert CurrentStandardChange.objects.get(standard=standard).action == "unmarked"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "mark", "reference": "ST0001"}, "already marked"),
        ({"action": "mark", "reference": "ST9999"}, "not a standard"),
        ({"action": "mark", "reference": ""}, "required"),
        ({"action": "unmark", "standard": "99999"}, "not marked"),
    ],
)
def test_bad_marks_are_refused_with_a_message(client, convener, world, data, message):
    client.force_login(convener)
    before = CurrentStandard.objects.count()

    response = post(client, world, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert CurrentStandard.objects.count() == before
    assert not CurrentStandardChange.objects.exists()


def test_a_standard_without_a_current_version_cannot_be_marked(client, convener, world):
    StandardVersion.objects.filter(standard__reference="ST0002").update(
        is_current=False
    )
    client.force_login(convener)

    response = post(client, world, action="mark", reference="ST0002")

    assert response.status_code == 400


def test_only_conveners_may_mark(client, reader, reviewer, world):
    publish(world.cycle)
    for user in (reader, reviewer):
        client.force_login(user)
        response = post(client, world, action="mark", reference="ST0002")
        assert response.status_code == 403
    assert not CurrentStandard.objects.filter(standard__reference="ST0002").exists()


def test_outsiders_get_a_404_when_marking(client, outsider, world):
    client.force_login(outsider)

    assert post(client, world, action="mark", reference="ST0002").status_code == 404


def test_marking_needs_a_post_with_a_csrf_token(convener, world):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(convener)

    refused = strict.post(reverse(MARK, args=[world.cycle.pk]), {"reference": "ST0002"})
    wrong_method = strict.get(reverse(MARK, args=[world.cycle.pk]))

    assert refused.status_code == 403
    assert wrong_method.status_code == 405


def test_readers_see_the_marks_but_no_form(client, reader, convener, world):
    publish(world.cycle)
    client.force_login(reader)
    as_reader = client.get(reverse("insights_shift", args=[world.cycle.pk]))
    client.force_login(convener)
    as_convener = client.get(reverse("insights_shift", args=[world.cycle.pk]))

    assert "ST0003" in as_reader.content.decode()
    assert 'id="mark-form"' not in as_reader.content.decode()
    assert "Unmark" not in as_reader.content.decode()
    assert 'id="mark-form"' in as_convener.content.decode()


def test_any_convener_of_the_cycle_may_mark(client, world):
    user = make_user("second")
    join(user, world.cycle, Role.CONVENER)
    client.force_login(user)

    assert post(client, world, action="mark", reference="ST0004").status_code == 302
