"""The FOP matrix page (insight page 4): its CSV, filters and htmx fragment, and
the bounded number of queries of the matrix and detail pages."""

from types import SimpleNamespace

import pytest
from django.db.models import Count

from foresight.models import (
    Cycle,
    CycleCapability,
    Domain,
    Function,
    FunctionalArea,
    Stage,
)
from profiles.models import Iteration, Profile, ProfileCapability
from profiles.refinement import mark_final, propose, vote
from profiles.tests.helpers import HTMX, base, matrix_csv
from workshops.models import KsbTag


def test_the_matrix_csv_has_the_documented_columns_and_a_row_per_capability(
    client, world, reader
):
    mark_final(world.iteration)
    Cycle.objects.filter(pk=world.cycle.pk).update(stage=Stage.COMMUNICATE)
    client.force_login(reader)

    header, *rows = matrix_csv(client, world, world.iteration)

    assert header == [
        "capability ref",
        "function",
        "domain",
        "area",
        "capability",
        "Data steward",
        "Process engineer",
        "Quality lead",
    ]
    by_ref = {row[0]: row for row in rows}
    assert sorted(by_ref) == ["C1", "C2", "C3", "C4", "C5", "C6"]
    assert by_ref["C3"] == [
        "C3",
        "Implement",
        "Operations",
        "Area 1",
        "Operate robotic platform 3.",
        "",
        "Expert",
        "Awareness",
    ]
    assert by_ref["C6"][5:] == ["", "", ""]
    page = client.get(f"{base(world)}/matrix/").content.decode()
    assert "<q>capability ref</q>, <q>function</q>, <q>domain</q>" in page


def test_the_matrix_filters_by_role_level_and_hides_empty_capabilities(
    client, world, employer
):
    client.force_login(employer)
    level = f"role_level={world.level_a.pk}"

    header, *rows = matrix_csv(client, world, world.iteration, level)
    assert header[5:] == ["Process engineer", "Quality lead"]
    assert len(rows) == 6

    header, *rows = matrix_csv(client, world, world.iteration, f"{level}&hide_empty=on")
    assert [row[0] for row in rows] == ["C1", "C2", "C3", "C4"]

    header, *rows = matrix_csv(
        client, world, world.iteration, f"profile={world.steward.pk}&hide_empty=on"
    )
    assert header[5:] == ["Data steward"]
    assert rows == [
        ["C5", "Implement", "Operations", "Area 2", rows[0][4], "Practitioner"]
    ]


def test_the_matrix_can_hide_the_domain_and_area_columns(client, world, employer):
    client.force_login(employer)

    header, *rows = matrix_csv(client, world, world.iteration, "hide_areas=on")
    page = client.get(f"{base(world)}/matrix/?hide_areas=on").content.decode()

    assert header[:3] == ["capability ref", "function", "capability"]
    assert len(rows[0]) == 3 + 3
    assert "Operations" not in page.split('id="matrix"')[1]


def test_the_matrix_filter_with_htmx_returns_the_table_alone(client, world, employer):
    client.force_login(employer)
    url = f"{base(world)}/matrix/?role_level={world.level_b.pk}&hide_empty=on"

    fragment = client.get(url, **HTMX).content.decode()
    page = client.get(url).content.decode()

    assert fragment.lstrip().startswith('<section id="matrix"')
    assert "<html" not in fragment and "<form" not in fragment
    assert "Data steward" in fragment and "Process engineer" not in fragment
    assert "1 profile × 1 capability" in fragment
    assert "<html" in page and 'class="filters"' in page
    assert "1 profile × 1 capability" in page


def test_a_bad_matrix_filter_is_refused(client, world, employer):
    client.force_login(employer)

    response = client.get(f"{base(world)}/matrix/?role_level=999999")

    assert response.status_code == 400
    assert "Check the filters above." in response.content.decode()


# Bounded queries


@pytest.fixture
def large(cycle, panel) -> SimpleNamespace:
    """25 profiles by 137 capabilities, each profile holding 40 of them, and 60 KSBs
    on three capabilities each, built in bulk."""
    function = Function.objects.get(name="Design")
    domains = Domain.objects.bulk_create(
        Domain(function=function, code=f"DL{n}", name=f"Domain {n}") for n in range(4)
    )
    areas = FunctionalArea.objects.bulk_create(
        FunctionalArea(domain=domains[n % 4], code=f"AL{n}", name=f"Large area {n}")
        for n in range(12)
    )
    capabilities = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=f"Large capability {n}.",
            origin="adopted",
            ref=f"L{n:03}",
            area=areas[n % 12],
        )
        for n in range(137)
    )
    levels = [
        cycle.role_levels.create(
            name=f"Level {n}", min_academic_level=n + 2, max_academic_level=n + 2
        )
        for n in range(4)
    ]
    iteration = Iteration.objects.create(cycle=cycle, number=1, name="Prototype")
    profiles = Profile.objects.bulk_create(
        Profile(iteration=iteration, title=f"Profile {n}", role_level=levels[n % 4])
        for n in range(25)
    )
    ProfileCapability.objects.bulk_create(
        ProfileCapability(
            profile=profile,
            capability=capabilities[(3 * p + c) % 137],
            proficiency=c % 4,
            explanation="Generated.",
        )
        for p, profile in enumerate(profiles)
        for c in range(40)
    )
    tags = KsbTag.objects.bulk_create(
        KsbTag(cycle=cycle, kind="knowledge", text=f"KSB {n}") for n in range(60)
    )
    KsbTag.capabilities.through.objects.bulk_create(
        KsbTag.capabilities.through(
            ksbtag=tag, cyclecapability=capabilities[(n * 7 + k) % 137]
        )
        for n, tag in enumerate(tags)
        for k in range(3)
    )
    for n in range(5):
        change = propose(
            iteration, panel[0], "rename", profile=profiles[0], new_title=f"Name {n}"
        )
        vote(change, panel[1], True)
    return SimpleNamespace(cycle=cycle, iteration=iteration, profiles=profiles)


def test_the_matrix_and_detail_pages_take_a_bounded_number_of_queries(
    client, large, employer, django_assert_max_num_queries
):
    client.force_login(employer)
    prefix = f"/cycles/{large.cycle.pk}/profiles/{large.iteration.pk}"
    profile = large.profiles[0]

    with django_assert_max_num_queries(14):
        page = client.get(f"{prefix}/matrix/")
    with django_assert_max_num_queries(10):
        download = client.get(f"{prefix}/matrix/?hide_empty=on&format=csv")
    with django_assert_max_num_queries(18):
        detail = client.get(f"{prefix}/{profile.pk}/")
    with django_assert_max_num_queries(10):
        detail_csv = client.get(f"{prefix}/{profile.pk}/?format=csv")

    assert page.content.decode().count('class="level level-') == 25 * 40
    # Profile n holds capabilities 3n to 3n + 39: 112 of the 137 are in one.
    assert len(download.content.decode().splitlines()) == 1 + 112
    html = detail.content.decode()
    assert html.count('id="change-') == 5
    assert len(detail_csv.content.decode().splitlines()) == 1 + 40
    counted = ProfileCapability.objects.filter(profile=profile).aggregate(n=Count("id"))
    assert counted["n"] == 40
