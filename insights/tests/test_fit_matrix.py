"""The fit-surplus matrix: the same standards and factors as the fit and
surplus page, as points."""

from django.urls import reverse

from analysis.fit_report import assess_iteration
from analysis.insight_rows import fit_rows
from analysis.models import Duty
from insights.fit_matrix import COLUMNS, fit_points
from insights.tests.conftest import HTMX, csv_rows, json_of


def test_points_are_the_fit_pages_rows(world):
    points = fit_points(world.run, world.final)

    expected = [
        row
        for row in fit_rows(world.run, assess_iteration(world.run, world.final))
        if row.rank is not None
    ]
    assert [
        (
            p.profile,
            p.suitability,
            p.rank,
            p.standard,
            p.standard_title,
            p.fit,
            p.surplus,
        )
        for p in points
    ] == [
        (
            r.profile,
            r.suitability,
            r.rank,
            r.standard,
            r.standard_title,
            r.fit,
            r.surplus,
        )
        for r in expected
    ]


def test_a_profile_is_compared_only_with_standards_near_its_level(world):
    points = fit_points(world.run, world.final)

    # Technicians (levels 3-4) see levels 2 to 5; managers (7) see 6 and 7.
    technician = {p.standard for p in points if p.role_level == "Technicians"}
    manager = {p.standard for p in points if p.role_level == "Managers"}
    assert technician == {"ST0001", "ST0002", "ST0003"}
    assert manager == {"ST0004", "ST0005"}


def test_the_threshold_and_decisions_move_the_points(world):
    before = {
        (p.profile_id, p.standard): p.fit for p in fit_points(world.run, world.final)
    }
    # Everything scored at or above the threshold is matched: raising it past
    # every score leaves only the accepted pair.
    world.run.threshold = 0.99
    world.run.save()

    after = {
        (p.profile_id, p.standard): p.fit for p in fit_points(world.run, world.final)
    }

    assert sum(before.values()) > sum(after.values())
    accepted = Duty.objects.get(
        pk=world.run.matches.get(decisions__decision="accept").duty_id
    )
    # Capability 4 is one of the seven of the scientists' profile (levels 5-6).
    scientist = world.final.profiles.get(role_level__name="Scientists")
    reference = accepted.version.standard.reference
    assert after[scientist.pk, reference] == 1 / 7


def test_the_runs_cut_offs_set_the_bands(world):
    world.run.some_fit = 0.25
    world.run.save()

    bands = {p.profile: p.suitability for p in fit_points(world.run, world.final)}

    assert bands["Process technician"] == "some"
    assert bands["Operations manager"] == "low"


def test_the_page_filters_by_profile_and_band(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_fit_matrix", args=[world.cycle.pk])
    manager = world.final.profiles.get(title="Operations manager")

    by_profile = csv_rows(client.get(f"{url}?profile={manager.pk}&format=csv"))
    by_band = csv_rows(client.get(f"{url}?suitability=some&format=csv"))

    assert by_profile[0] == COLUMNS
    assert {row[0] for row in by_profile[1:]} == {"Operations manager"}
    assert len(by_profile) == 3
    assert {row[2] for row in by_band[1:]} == {"some"}


def test_profiles_with_the_same_title_stay_apart_in_the_chart(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_fit_matrix", args=[world.cycle.pk])

    chart = json_of(client.get(f"{url}?format=json"))["chart"]

    labels = [dataset["label"] for dataset in chart["datasets"]]
    assert "Quality scientist (Scientists)" in labels
    assert "Quality scientist (Managers)" in labels
    assert chart["datasets"][0]["data"][0]["standard"] == "ST0001 Title ST0001"


def test_htmx_returns_the_results(client, convener, world):
    client.force_login(convener)
    url = reverse("insights_fit_matrix", args=[world.cycle.pk])

    response = client.get(f"{url}?suitability=low", headers=HTMX)

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="results">')
    assert 'data-chart="scatter"' in html
    assert "suitability=low&amp;format=json" in html


def test_without_a_final_iteration_the_page_says_so(client, convener, world):
    world.final.is_final = False
    world.final.save()
    client.force_login(convener)

    page = client.get(reverse("insights_fit_matrix", args=[world.cycle.pk]))
    download = client.get(
        reverse("insights_fit_matrix", args=[world.cycle.pk]) + "?format=csv"
    )

    assert "No final iteration" in page.content.decode()
    assert csv_rows(download) == [COLUMNS]
