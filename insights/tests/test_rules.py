"""The plain rules behind the pages, without the database where possible."""

from collections import Counter
from types import SimpleNamespace

import pytest

from insights.heatmap import column_labels
from insights.overview import Count, MixRow, Place, functions_in_use, overview_counts
from insights.shift import NOT_PLACED, shift_rows
from insights.tables import share, unique_labels

TOTALS = {
    "functions": 5,
    "domains": 38,
    "areas": 141,
    "partners": 5,
    "role_levels": 4,
    "scale": 4,
    "ksbs": 7,
    "knowledge": 3,
    "skill": 2,
    "behaviour": 2,
}


def place(pk, origin="adopted", area=None, domain=None, function=None):
    return Place(pk, origin, area, domain, function, f"F{function}", function)


def test_share_is_a_percentage_with_one_decimal():
    assert share(1, 3) == 33.3
    assert share(2, 3) == 66.7
    assert share(0, 4) == 0.0
    assert share(0, 0) is None


def test_functions_in_use_come_in_the_classifications_order():
    places = [
        place(1, function=4),
        place(2, function=1),
        place(3),
        place(4, function=4),
    ]

    assert functions_in_use(places) == [(1, "F1"), (4, "F4")]


def test_overview_counts_capabilities_and_their_classification():
    places = [
        place(1, "adopted", 10, 100, 1),
        place(2, "selected", 10, 100, 1),
        place(3, "newly_defined", 11, 101, 2),
        place(4, "adopted"),
    ]
    iteration = SimpleNamespace(is_final=True, number=3, profile_count=25)

    counts = overview_counts(TOTALS, places, iteration, served={1, 3, 99})

    found = {count.measure: count.count for count in counts}
    assert found["Capabilities"] == 4
    assert (found["Adopted"], found["Selected (edited)"], found["Newly defined"]) == (
        2,
        1,
        1,
    )
    assert found["Functions with capabilities"] == 2
    assert found["Areas with capabilities"] == 2
    assert found["FOPs (final iteration 3)"] == 25
    assert (found["Capabilities served"], found["Capabilities not served"]) == (2, 2)
    assert "Standards analysed" not in found


def test_overview_counts_follow_a_function():
    places = [place(1, function=1), place(2, function=2), place(3, function=2)]

    counts = overview_counts(TOTALS, places, None, served={1, 2}, function_id=2)

    found = {count.measure: count.count for count in counts}
    assert found["Capabilities"] == 2
    assert (found["Capabilities served"], found["Capabilities not served"]) == (1, 1)
    assert found["FOPs (no iteration yet)"] == 0
    assert found["Functions"] == 5


def test_counts_and_mix_rows_give_their_csv_cells():
    assert Count("KSBs", "Skills", 2).cells() == ["KSBs", "Skills", 2]
    row = MixRow("Scientists", (1, 13, 6))
    assert row.items == 20
    assert row.cells() == ["Scientists", 20, 1, 13, 6, 5.0, 65.0, 30.0]
    assert MixRow("Empty", (0, 0, 0)).shares == [None, None, None]


@pytest.mark.parametrize(
    ("current", "future", "rows"),
    [
        (
            Counter({1: 1, 2: 3}),
            Counter({1: 2, 2: 2}),
            [("F1", 1, 25.0, 2, 50.0), ("F2", 3, 75.0, 2, 50.0)],
        ),
        (
            Counter({1: 2, None: 2}),
            Counter({2: 3}),
            [
                ("F1", 2, 50.0, 0, 0.0),
                ("F2", 0, 0.0, 3, 100.0),
                (NOT_PLACED, 2, 50.0, 0, 0.0),
            ],
        ),
        (
            Counter(),
            Counter({1: 1}),
            [("F1", 0, None, 1, 100.0), ("F2", 0, None, 0, 0.0)],
        ),
    ],
)
def test_shift_rows_share_each_state_over_the_functions(current, future, rows):
    functions = [SimpleNamespace(pk=1, name="F1"), SimpleNamespace(pk=2, name="F2")]

    found = shift_rows(functions, current, future)

    assert [tuple(row.cells()) for row in found] == rows


def test_chart_labels_keep_alike_titles_apart():
    levels = SimpleNamespace
    profiles = [
        SimpleNamespace(pk=7, title="Quality lead", role_level=levels(name="Leads")),
        SimpleNamespace(pk=8, title="Data analyst", role_level=levels(name="Leads")),
        SimpleNamespace(pk=9, title="Quality lead", role_level=levels(name="Managers")),
    ]

    assert column_labels(profiles) == [
        "Quality lead (Leads)",
        "Data analyst",
        "Quality lead (Managers)",
    ]


def test_labels_alike_even_with_their_qualifier_are_numbered():
    items = [("Tester", "Scientists"), ("Tester", "Scientists"), ("Lead", "Managers")]

    assert unique_labels(items) == [
        "Tester (Scientists) #1",
        "Tester (Scientists) #2",
        "Lead",
    ]
