"""Every page of the dashboard's navigation — the new ones here, the analysis
pages and the profile pages — in at most twelve queries, for a convener and
for a reader, once the run's figures are stored."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analysis import fit_report
from conftest import join, make_user
from foresight.models import Role
from insights.navigation import links, profile_iteration
from insights.tests.conftest import publish

LIMIT = 12


def page_urls(world) -> list[str]:
    iteration = profile_iteration(world.cycle)
    world.cycle.user_roles = {Role.CONVENER}
    return [link.url for link in links(world.cycle, iteration, "", None)]


@pytest.fixture
def reader(world):
    user = make_user("reader-of-all")
    join(user, world.cycle, Role.READER)
    publish(world.cycle)
    return user


def test_the_navigation_lists_all_thirteen_pages(world):
    # The dashboard itself and the twelve insight pages, plus the functional shift.
    assert len(page_urls(world)) == 14


@pytest.mark.parametrize("who", ["convener", "reader"])
def test_every_page_takes_at_most_twelve_queries(client, world, convener, reader, who):
    fit_report.refresh_figures(world.run)
    client.force_login(convener if who == "convener" else reader)

    counts = {}
    for url in page_urls(world):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)

    assert {url: n for url, n in counts.items() if n > LIMIT} == {}
