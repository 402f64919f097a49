"""One navigation over every insight page, on each of them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from insights.navigation import PAGES, profile_iteration_and_latest
from insights.tests.conftest import publish

NEW_PAGES = [
    "insights_overview",
    "insights_supply_chain",
    "insights_future_ksbs",
    "insights_fit_matrix",
    "insights_shift",
]
ANALYSIS_PAGES = [
    "insight_capabilities",
    "insight_matched",
    "insight_fit",
    "insight_priorities",
    "insight_fop_matches",
    "insight_fop_provision",
]


def nav_of(html: str) -> str:
    found = re.search(r'<nav aria-label="Insights".*?</nav>', html, re.S)
    assert found, "the page has no insight navigation"
    return found.group(0)


def current_of(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)" aria-current="page">', nav_of(html))


def test_the_dashboard_lists_the_twelve_pages_and_the_shift(client, convener, world):
    client.force_login(convener)

    response = client.get(reverse("insights_dashboard", args=[world.cycle.pk]))

    html = response.content.decode()
    assert len(PAGES) == 13
    for entry in response.context["entries"]:
        assert entry.url and entry.page.title in html
        assert escape(entry.page.summary) in html
        assert entry.missing == ()
    profile = world.final.profiles.order_by("id").first()
    detail = reverse("fop_detail", args=[world.cycle.pk, world.final.pk, profile.pk])
    assert f'href="{detail}"' in html


def test_the_dashboard_says_what_a_page_waits_for(client, convener, cycle):
    client.force_login(convener)

    response = client.get(reverse("insights_dashboard", args=[cycle.pk]))

    entries = {entry.page.url_name: entry for entry in response.context["entries"]}
    assert entries["insight_fit"].missing == (
        "a complete match run",
        "a final iteration of profiles",
    )
    assert entries["fop_matrix"].url is None
    assert entries["insights_overview"].missing == ()
    assert "Shows its figures once the cycle has" in response.content.decode()


@pytest.mark.parametrize("name", NEW_PAGES + ANALYSIS_PAGES + ["insights_dashboard"])
def test_each_insight_page_marks_itself_in_the_navigation(
    client, convener, world, name
):
    client.force_login(convener)
    url = reverse(name, args=[world.cycle.pk])

    html = client.get(url).content.decode()

    assert [link.split("?")[0] for link in current_of(html)] == [url]
    assert nav_of(html).count("<li>") == 14


def test_the_profile_pages_carry_it_too(client, convener, world):
    client.force_login(convener)
    matrix = reverse("fop_matrix", args=[world.cycle.pk, world.final.pk])
    profile = world.final.profiles.order_by("id").first()
    detail = reverse("fop_detail", args=[world.cycle.pk, world.final.pk, profile.pk])

    assert current_of(client.get(matrix).content.decode()) == [matrix]
    assert current_of(client.get(detail).content.decode()) == [detail]


def test_members_without_insights_see_no_insight_navigation(client, employer, world):
    publish(world.cycle)
    client.force_login(employer)
    matrix = reverse("fop_matrix", args=[world.cycle.pk, world.final.pk])

    html = client.get(matrix).content.decode()

    assert 'aria-label="Insights"' not in html


def test_readers_are_led_to_the_final_iteration_only(client, reader, world):
    publish(world.cycle)
    world.final.is_final = False
    world.final.save()
    client.force_login(reader)

    html = client.get(reverse("insights_dashboard", args=[world.cycle.pk]))

    assert "/matrix/" not in nav_of(html.content.decode())


def test_the_chosen_run_follows_to_the_pages_that_read_runs(client, convener, world):
    client.force_login(convener)

    html = client.get(
        reverse("insights_overview", args=[world.cycle.pk]) + f"?run={world.run.pk}"
    ).content.decode()

    nav = nav_of(html)
    fit = reverse("insight_fit", args=[world.cycle.pk])
    shift = reverse("insights_shift", args=[world.cycle.pk])
    assert f'href="{fit}?run={world.run.pk}"' in nav
    assert f'href="{shift}"' in nav


def test_the_current_link_leads_to_the_page_shown(client, convener, world):
    client.force_login(convener)
    profile = world.final.profiles.order_by("id").last()
    detail = reverse("fop_detail", args=[world.cycle.pk, world.final.pk, profile.pk])
    earlier = world.cycle.iterations.get(number=1)
    matrix = reverse("fop_matrix", args=[world.cycle.pk, earlier.pk])

    assert current_of(client.get(detail).content.decode()) == [detail]
    assert current_of(client.get(matrix).content.decode()) == [matrix]


def test_an_iteration_page_learns_the_navigations_iteration_and_if_it_is_latest(
    world,
):
    prototype = world.final.cycle.iterations.get(number=1)

    assert profile_iteration_and_latest(prototype) == (world.final, False)
    shown, is_latest = profile_iteration_and_latest(world.final)
    assert (shown, is_latest) == (world.final, True)
    assert (shown.profile_count, shown.first_profile) == (
        4,
        min(world.final.profiles.values_list("id", flat=True)),
    )
