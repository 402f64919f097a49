"""The downloads and filtered views of the dashboard's pages keep to the same
twelve queries as the pages themselves (test_every_page_queries), and the
capability matches per profile agree with the fit figures."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import fit_report
from analysis.insight_rows import fop_match_rows
from conftest import join, make_user
from foresight.models import Role
from insights.tests.conftest import publish
from insights.tests.test_every_page_queries import LIMIT, page_urls


@pytest.fixture
def reader(world):
    user = make_user("reader-of-downloads")
    join(user, world.cycle, Role.READER)
    publish(world.cycle)
    return user


def counts(client, urls: list[str]) -> dict[str, int]:
    found = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        found[url] = len(queries)
    return found


@pytest.mark.parametrize("who", ["convener", "reader"])
def test_every_download_takes_at_most_twelve_queries(
    client, world, convener, reader, who
):
    fit_report.refresh_figures(world.run)
    client.force_login(convener if who == "convener" else reader)
    urls = [
        f"{url}{'&' if '?' in url else '?'}format={kind}"
        for url in page_urls(world)
        for kind in ("csv", "json")
    ]
    heatmap = f"/cycles/{world.cycle.pk}/insights/fop-heatmap/{world.final.pk}/"
    urls += [heatmap, f"{heatmap}?format=csv"]

    assert {url: n for url, n in counts(client, urls).items() if n > LIMIT} == {}


@pytest.mark.parametrize("who", ["convener", "reader"])
def test_filtered_run_pages_take_at_most_twelve_queries(
    client, world, convener, reader, who
):
    fit_report.refresh_figures(world.run)
    client.force_login(convener if who == "convener" else reader)
    base = f"/cycles/{world.cycle.pk}/insights"
    profile = world.final.profiles.order_by("id")[1].pk
    run = world.run.pk
    urls = [
        f"{base}/capabilities/?run={run}&served=no&q=platform",
        f"{base}/matched/?run={run}&standard=ST0001",
        f"{base}/fit/?run={run}&suitability=low",
        f"{base}/priorities/?run={run}&q=quality",
        f"{base}/fop-matches/?run={run}&profile={profile}",
        f"{base}/fop-matches/?run={run}&profile={profile}&format=csv",
        f"{base}/fop-provision/?run={run}&profile={profile}",
        f"{base}/fop-provision/?run={run}&profile={profile}&format=csv",
    ]

    assert {url: n for url, n in counts(client, urls).items() if n > LIMIT} == {}


def test_the_matrix_filtered_by_role_level_takes_at_most_twelve_for_a_convener(
    client, world, convener
):
    client.force_login(convener)
    matrix = f"/cycles/{world.cycle.pk}/profiles/{world.final.pk}/matrix/"
    level = world.role_levels[1].pk
    urls = [
        f"{matrix}?role_level={level}&hide_empty=on",
        f"{matrix}?role_level={level}&format=csv",
    ]

    assert {url: n for url, n in counts(client, urls).items() if n > LIMIT} == {}


def test_a_profiles_matched_capabilities_are_those_the_fit_figures_serve(world):
    # The fixture's accepted pair below the threshold and rejected pair above
    # it decide two capabilities' service, in the rows as in the figures.
    profiles = list(world.final.profiles.select_related("role_level").order_by("id"))
    figures = {
        int(result.reference): result
        for _title, result in fit_report.compute_iteration(
            world.run, world.final, world.run.bands
        )
    }

    for profile in profiles:
        # One profile at a time: two of them share a title.
        matched = {row.ref for row in fop_match_rows(world.run, [profile])}
        entries = profile.entries.select_related("capability")
        served = {
            entry.capability.ref
            for entry in entries
            if entry.capability_id not in figures[profile.pk].unserved
        }
        assert matched == served, profile.title
