"""Supply-chain capabilities: the capabilities of any chosen partner."""

from django.urls import reverse

from foresight.models import CycleCapability, Function
from insights.supply import CAPABILITY_COLUMNS, SUMMARY_COLUMNS
from insights.tests.conftest import HTMX, csv_rows


def listed(client, world, query: str = "") -> list[list[str]]:
    url = reverse("insights_supply_chain", args=[world.cycle.pk])
    return csv_rows(client.get(f"{url}?{query}&format=csv"))


def test_choosing_partners_lists_the_capabilities_of_any_of_them(
    client, convener, world
):
    first, _, third = world.partners
    client.force_login(convener)

    rows = listed(client, world, f"partner={first.pk}&partner={third.pk}")

    expected = CycleCapability.objects.filter(
        cycle=world.cycle, partners__in=[first, third]
    ).distinct()
    assert sorted(row[0] for row in rows[1:]) == sorted(c.ref for c in expected)
    # Capability 10 has both; it is listed once, with both partners.
    assert [row[4] for row in rows if row[0] == "C10"] == [
        "Automation suppliers; Quality and regulatory"
    ]


def test_without_a_partner_every_capability_is_listed(client, convener, world):
    client.force_login(convener)

    rows = listed(client, world)

    assert rows[0] == CAPABILITY_COLUMNS
    assert len(rows) - 1 == len(world.capabilities)
    assert [row[4] for row in rows if row[0] == "C02"] == [""]
    assert [row[1] for row in rows if row[0] == "C11"] == ["Unclassified"]


def test_the_function_filter_combines_with_partners(client, convener, world):
    implement = Function.objects.get(name="Implement")
    client.force_login(convener)

    rows = listed(
        client, world, f"partner={world.partners[1].pk}&function={implement.pk}"
    )

    assert {row[1] for row in rows[1:]} == {"Implement"}
    assert sorted(row[0] for row in rows[1:]) == ["C03", "C04", "C08"]


def test_the_summary_counts_each_partners_capabilities_by_function(
    client, convener, world
):
    client.force_login(convener)
    url = reverse("insights_supply_chain", args=[world.cycle.pk])

    rows = csv_rows(client.get(f"{url}?table=summary&format=csv"))

    assert rows[0] == SUMMARY_COLUMNS
    counts = {(p, f): int(n) for p, f, n in rows[1:]}
    for partner in world.partners:
        for function in ["Design", "Implement", "Support"]:
            assert counts[partner.name, function] == (
                partner.capabilities.filter(
                    area__domain__function__name=function
                ).count()
            )
    assert counts["Manufacturer", "Unclassified"] == 1


def test_htmx_filtering_returns_the_results_with_a_chart_of_the_filters(
    client, convener, world
):
    client.force_login(convener)
    url = reverse("insights_supply_chain", args=[world.cycle.pk])
    partner = world.partners[0].pk

    response = client.get(f"{url}?partner={partner}", headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert f"partner={partner}&amp;table=summary&amp;format=json" in html
    assert 'aria-describedby="summary-table"' in html


def test_an_unknown_partner_is_a_bad_request(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_supply_chain", args=[world.cycle.pk])

    assert client.get(f"{url}?partner=9999").status_code == 400
