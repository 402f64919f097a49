"""Every dashboard page, its downloads and its htmx partial take at most twelve
queries, whatever the size of the cycle."""

import pytest
from django.urls import reverse

from analysis import fit_report
from analysis.models import Match
from foresight.models import CycleCapability
from insights.tests.conftest import HTMX
from profiles.models import Profile, ProfileCapability
from workshops.models import ItemConsensus, KsbTag, Round, RoundItem

LIMIT = 12
PAGES = [
    "insights_dashboard",
    "insights_overview",
    "insights_supply_chain",
    "insights_future_ksbs",
    "insights_fit_matrix",
    "insights_shift",
]


@pytest.fixture
def larger(world):
    """Forty more capabilities, two more partners, twelve more profiles, with
    their KSBs, consensus items and matches: enough for an N+1 to show."""
    cycle = world.cycle
    partners = [
        *world.partners,
        cycle.partners.create(name="Point of care partners"),
        cycle.partners.create(name="Integrators"),
    ]
    added = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=f"Monitor line {n} remotely.",
            origin="selected",
            area=world.areas[n % 4],
            ref=f"X{n:02d}",
        )
        for n in range(40)
    )
    links = CycleCapability.partners.through
    links.objects.bulk_create(
        links(cyclecapability=capability, supplychainpartner=partners[(n + k) % 5])
        for n, capability in enumerate(added)
        for k in range(1 + n % 3)
    )
    tags = KsbTag.objects.bulk_create(
        KsbTag(
            cycle=cycle, kind=["knowledge", "skill", "behaviour"][n % 3], text=f"K{n}"
        )
        for n in range(30)
    )
    KsbTag.capabilities.through.objects.bulk_create(
        KsbTag.capabilities.through(ksbtag=tag, cyclecapability=added[(n + k) % 40])
        for n, tag in enumerate(tags)
        for k in range(3)
    )
    round = Round.objects.get(workshop=world.workshop, number=1)
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round, capability=capability, role_level=level)
        for capability in added
        for level in world.role_levels
    )
    ItemConsensus.objects.bulk_create(
        ItemConsensus(item=item, n=5, proficiency=n % 4) for n, item in enumerate(items)
    )
    profiles = Profile.objects.bulk_create(
        Profile(
            iteration=world.final,
            title=f"Profile {n}",
            role_level=world.role_levels[n % 3],
        )
        for n in range(12)
    )
    ProfileCapability.objects.bulk_create(
        ProfileCapability(
            profile=profile, capability=added[(p + c) % 40], proficiency=2
        )
        for p, profile in enumerate(profiles)
        for c in range(10)
    )
    Match.objects.bulk_create(
        Match(
            run=world.run,
            capability=capability,
            duty=world.duties[n % len(world.duties)],
            score=0.5 + (n % 5) / 20,
            rank=1,
        )
        for n, capability in enumerate(added)
    )
    # As the run's completion and each burst of review decisions do.
    fit_report.refresh_figures(world.run)
    return world


@pytest.mark.parametrize("name", PAGES)
def test_each_page_and_its_downloads_take_at_most_twelve_queries(
    client, convener, larger, name, django_assert_max_num_queries
):
    client.force_login(convener)
    url = reverse(name, args=[larger.cycle.pk])

    for query in ["", "?format=csv", "?format=json", "?table=&format=csv"]:
        with django_assert_max_num_queries(LIMIT):
            response = client.get(url + query)
        assert response.status_code == 200
    with django_assert_max_num_queries(LIMIT):
        assert client.get(url, headers=HTMX).status_code == 200


def test_the_second_tables_take_at_most_twelve_queries_too(
    client, convener, larger, django_assert_max_num_queries
):
    client.force_login(convener)
    partner = larger.partners[0].pk

    for name, query in [
        ("insights_overview", "?table=mix&format=json&function=2"),
        ("insights_supply_chain", f"?table=summary&format=json&partner={partner}"),
    ]:
        with django_assert_max_num_queries(LIMIT):
            response = client.get(reverse(name, args=[larger.cycle.pk]) + query)
        assert response.status_code == 200


def test_a_readers_page_takes_no_more(
    client, reader, larger, django_assert_max_num_queries
):
    from insights.tests.conftest import publish

    publish(larger.cycle)
    client.force_login(reader)

    for name in PAGES:
        with django_assert_max_num_queries(LIMIT):
            client.get(reverse(name, args=[larger.cycle.pk]))


def test_the_heat_map_takes_at_most_twelve_queries(
    client, convener, larger, django_assert_max_num_queries
):
    client.force_login(convener)
    url = reverse("insights_fop_heatmap", args=[larger.cycle.pk, larger.final.pk])

    with django_assert_max_num_queries(LIMIT):
        data = client.get(url).json()

    assert len(data["chart"]["xLabels"]) == 16


def test_marking_a_standard_takes_few_queries(
    client, convener, larger, django_assert_max_num_queries
):
    client.force_login(convener)
    url = reverse("insights_mark_standard", args=[larger.cycle.pk])

    with django_assert_max_num_queries(LIMIT):
        response = client.post(url, {"action": "mark", "reference": "ST0002"})

    assert response.status_code == 302
