"""Future KSBs: every capability with all its KSBs, filtered and searched."""

from django.urls import reverse

from foresight.models import Function
from insights.ksbs import COLUMNS, future_ksbs
from insights.tests.conftest import HTMX, csv_rows
from workshops.models import KsbContribution


def rows_of(client, world, query: str = "") -> list[list[str]]:
    url = reverse("insights_future_ksbs", args=[world.cycle.pk])
    return csv_rows(client.get(f"{url}?{query}&format=csv"))


def test_every_capability_comes_with_all_its_ksbs(client, convener, world):
    client.force_login(convener)

    rows = rows_of(client, world)

    assert rows[0] == COLUMNS
    assert {row[0] for row in rows[1:]} == {c.ref for c in world.capabilities}
    links = {(c.ref, tag.text) for c in world.capabilities for tag in c.ksb_tags.all()}
    assert {(row[0], row[5]) for row in rows[1:] if row[5]} == links
    # A capability without KSBs keeps one row, its KSB columns blank.
    assert [row[4:] for row in rows if row[0] == "C02"] == [["", "", "", ""]]


def test_contributors_are_counted_per_capability(client, convener, world):
    client.force_login(convener)

    rows = rows_of(client, world)

    for row in rows[1:]:
        if row[5]:
            count = KsbContribution.objects.filter(
                capability__ref=row[0], tag__text=row[5]
            ).count()
            assert int(row[7]) == count


def test_a_kind_keeps_its_ksbs_and_the_capabilities_that_have_one(world):
    rows = future_ksbs(world.cycle, kind="behaviour")

    assert [row.ref for row in rows] == ["C10"]
    assert [k.tag.text for k in rows[0].ksbs] == ["Speaks up about deviations"]


def test_a_search_finds_statements_and_ksbs(world):
    world.capabilities[5].text = "Program the robot arm."
    world.capabilities[5].save()

    rows = future_ksbs(world.cycle, q="ROBOT")

    found = {row.ref: [k.tag.text for k in row.ksbs] for row in rows}
    # C05 matches by its statement (and has no KSBs); C03 and C04 by a KSB.
    assert found == {
        "C03": ["Robot kinematics"],
        "C04": ["Robot kinematics", "Program a collaborative robot"],
        "C05": [],
    }


def test_the_function_filter(client, convener, world):
    support = Function.objects.get(name="Support")
    client.force_login(convener)

    rows = rows_of(client, world, f"function={support.pk}")

    assert {row[0] for row in rows[1:]} == {"C09", "C10"}


def test_the_page_pages_through_capabilities_and_htmx_gets_the_table(
    client, convener, world
):
    client.force_login(convener)
    url = reverse("insights_future_ksbs", args=[world.cycle.pk])

    page = client.get(url)
    partial = client.get(f"{url}?kind=skill", headers=HTMX)

    assert page.context["page"].paginator.count == len(world.capabilities)
    assert "Principles of aseptic processing" in page.content.decode()
    assert partial.content.decode().lstrip().startswith('<div id="results">')
    assert "Principles of aseptic processing" not in partial.content.decode()
    assert "Analyse process data" in partial.content.decode()
