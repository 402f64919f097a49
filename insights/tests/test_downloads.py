"""Every table leaves the app twice, as CSV and as the JSON its chart draws:
for the same filters both carry the same rows, and the chart the same numbers."""

from collections import Counter

import pytest
from django.urls import reverse

from foresight.models import Function
from insights.tests.conftest import as_text, csv_rows, json_of


def _function(name: str) -> int:
    return Function.objects.get(name=name).pk


CASES = {
    "counts": ("insights_overview", lambda w: "table=counts"),
    "mix": ("insights_overview", lambda w: "table=mix"),
    "mix of a function": (
        "insights_overview",
        lambda w: f"table=mix&function={_function('Implement')}",
    ),
    "partner summary": (
        "insights_supply_chain",
        lambda w: (
            f"table=summary&partner={w.partners[0].pk}&partner={w.partners[2].pk}"
        ),
    ),
    "partner capabilities": (
        "insights_supply_chain",
        lambda w: f"partner={w.partners[1].pk}&function={_function('Implement')}",
    ),
    "ksbs": ("insights_future_ksbs", lambda w: "kind=skill&q=robot"),
    "fit points": ("insights_fit_matrix", lambda w: "suitability=low"),
    "shift": ("insights_shift", lambda w: f"partner={w.partners[1].pk}"),
}


def both(client, world, name, query) -> tuple[list[list[str]], dict]:
    url = reverse(name, args=[world.cycle.pk])
    return (
        csv_rows(client.get(f"{url}?{query}&format=csv")),
        json_of(client.get(f"{url}?{query}&format=json")),
    )


@pytest.mark.parametrize("case", CASES)
def test_csv_and_json_carry_the_same_rows(client, convener, world, case):
    name, query = CASES[case]
    client.force_login(convener)

    table, data = both(client, world, name, query(world))

    assert table[0] == data["columns"]
    assert table[1:] == [[as_text(cell) for cell in row] for row in data["rows"]]
    assert data["rows"], "the case should have rows to compare"


def test_the_mix_chart_draws_the_share_columns(client, convener, world):
    client.force_login(convener)

    table, data = both(client, world, "insights_overview", "table=mix")

    chart = data["chart"]
    assert chart["labels"] == [row[0] for row in table[1:]]
    for index, dataset in enumerate(chart["datasets"]):
        column = table[0].index(
            ["awareness_pct", "practitioner_pct", "expert_pct"][index]
        )
        assert [as_text(v) for v in dataset["data"]] == [r[column] for r in table[1:]]


def test_the_partner_chart_draws_the_summary_and_the_list_agrees(
    client, convener, world
):
    client.force_login(convener)
    chosen = f"partner={world.partners[0].pk}&partner={world.partners[2].pk}"

    summary, data = both(
        client, world, "insights_supply_chain", f"table=summary&{chosen}"
    )
    listed, _ = both(client, world, "insights_supply_chain", chosen)

    chart = data["chart"]
    numbers = {(p, f): int(n) for p, f, n in summary[1:]}
    for dataset in chart["datasets"]:
        for partner, value in zip(chart["labels"], dataset["data"], strict=True):
            assert numbers[partner, dataset["label"]] == value
    # The summary counts the listed capabilities per partner and function.
    counted = Counter(
        (partner, row[1]) for row in listed[1:] for partner in row[4].split("; ")
    )
    for (partner, function), value in numbers.items():
        assert counted[partner, function] == value
    assert chart["labels"] == [world.partners[0].name, world.partners[2].name]


def test_the_scatter_draws_a_point_per_row(client, convener, world):
    client.force_login(convener)

    table, data = both(client, world, "insights_fit_matrix", "")

    # A label is the profile's title, with its role level when titles repeat.
    points = [
        (dataset["label"].split(" (")[0], point["standard"], point["x"], point["y"])
        for dataset in data["chart"]["datasets"]
        for point in dataset["data"]
    ]
    rows = [
        (row[0], f"{row[4]} {row[5]}", float(row[6]), float(row[7]))
        for row in table[1:]
    ]
    assert sorted(points) == sorted(rows)
    assert len(points) == 11


def test_the_shift_chart_draws_the_share_columns(client, convener, world):
    client.force_login(convener)

    table, data = both(client, world, "insights_shift", "")

    chart = data["chart"]
    assert chart["labels"] == [row[0] for row in table[1:]]
    current, future = chart["datasets"]
    assert [as_text(v) for v in current["data"]] == [row[2] for row in table[1:]]
    assert [as_text(v) for v in future["data"]] == [row[4] for row in table[1:]]
