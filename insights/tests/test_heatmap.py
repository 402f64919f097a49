"""The FOP matrix's heat map: its JSON follows the matrix page's filters."""

from django.urls import reverse

from insights.heatmap import COLUMNS
from insights.tests.conftest import csv_rows, json_of, publish
from profiles.models import ProfileCapability


def heatmap(client, world, iteration=None, query: str = ""):
    iteration = iteration or world.final
    url = reverse("insights_fop_heatmap", args=[world.cycle.pk, iteration.pk])
    return client.get(f"{url}?{query}")


def test_a_cell_per_profile_and_capability_it_holds(client, convener, world):
    client.force_login(convener)

    data = json_of(heatmap(client, world))

    chart = data["chart"]
    profiles = list(world.final.profiles.order_by("id"))
    assert len(chart["xLabels"]) == len(profiles)
    # The two profiles titled alike get apart labels.
    assert len(set(chart["xLabels"])) == len(profiles)
    points = chart["datasets"][0]["data"]
    assert (
        len(points)
        == ProfileCapability.objects.filter(profile__iteration=world.final).count()
    )
    assert {p["v"] for p in points} <= {0, 1, 2, 3}
    assert chart["levels"]["2"] == "Practitioner"
    assert data["columns"] == COLUMNS


def test_empty_rows_are_hidden(client, convener, world):
    client.force_login(convener)

    chart = json_of(heatmap(client, world))["chart"]

    held = set(
        ProfileCapability.objects.filter(profile__iteration=world.final).values_list(
            "capability__ref", flat=True
        )
    )
    assert set(chart["yLabels"]) == held
    assert len(chart["yTexts"]) == len(chart["yLabels"])


def test_the_matrix_filters_apply(client, convener, world):
    client.force_login(convener)
    managers = world.role_levels[2]

    data = json_of(heatmap(client, world, query=f"role_level={managers.pk}"))
    download = csv_rows(
        heatmap(client, world, query=f"role_level={managers.pk}&format=csv")
    )

    assert {row[3] for row in data["rows"]} == {"Managers"}
    assert sorted(data["chart"]["yLabels"]) == ["C01", "C08", "C09", "C10", "C11"]
    assert download[1:] == [[str(cell) for cell in row] for row in data["rows"]]


def test_the_same_people_see_it_as_see_the_iteration(
    client, reader, employer, outsider, world
):
    earlier = world.cycle.iterations.get(number=1)
    client.force_login(reader)
    unpublished = heatmap(client, world).status_code
    publish(world.cycle)
    published = heatmap(client, world).status_code
    not_final = heatmap(client, world, earlier).status_code
    client.force_login(employer)
    employer_sees = heatmap(client, world, earlier).status_code
    client.force_login(outsider)
    stranger = heatmap(client, world).status_code

    assert (unpublished, published, not_final, employer_sees, stranger) == (
        403,
        200,
        403,
        200,
        404,
    )


def test_the_matrix_page_draws_it_from_its_own_filters(client, convener, world):
    client.force_login(convener)
    managers = world.role_levels[2]
    url = reverse("fop_matrix", args=[world.cycle.pk, world.final.pk])

    html = client.get(f"{url}?role_level={managers.pk}").content.decode()

    source = reverse("insights_fop_heatmap", args=[world.cycle.pk, world.final.pk])
    assert f'data-source="{source}?role_level={managers.pk}"' in html
    assert 'data-chart="matrix"' in html
    assert 'aria-describedby="matrix-table"' in html
    assert 'id="matrix-table"' in html
    assert "chartjs-chart-matrix-3.1.0.min.js" in html
