"""Who may open the insight pages: conveners and reviewers at any stage,
readers from Communicate on, other members never, outsiders not even to learn
the cycle exists."""

import pytest
from django.urls import reverse

from conftest import join, make_user
from foresight.models import Role, Stage
from insights.tests.conftest import publish

PAGES = [
    "insights_dashboard",
    "insights_overview",
    "insights_supply_chain",
    "insights_future_ksbs",
    "insights_fit_matrix",
    "insights_shift",
]


def url(name, cycle) -> str:
    return reverse(name, args=[cycle.pk])


@pytest.mark.parametrize("name", PAGES)
def test_readers_see_nothing_before_communicate(client, reader, world, name):
    client.force_login(reader)

    response = client.get(url(name, world.cycle))

    assert response.status_code == 403
    assert "Communicate" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_readers_see_every_page_once_the_cycle_communicates(
    client, reader, world, name
):
    publish(world.cycle)
    client.force_login(reader)

    assert client.get(url(name, world.cycle)).status_code == 200


def test_readers_still_see_them_when_the_cycle_causes_action(client, reader, world):
    type(world.cycle).objects.filter(pk=world.cycle.pk).update(stage=Stage.CAUSE_ACTION)
    client.force_login(reader)

    assert client.get(url("insights_overview", world.cycle)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_conveners_and_reviewers_see_them_at_any_stage(
    client, convener, reviewer, world, name
):
    for user in (convener, reviewer):
        client.force_login(user)
        assert client.get(url(name, world.cycle)).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_other_members_are_refused_even_after_publication(
    client, employer, world, name
):
    publish(world.cycle)
    client.force_login(employer)

    response = client.get(url(name, world.cycle))

    assert response.status_code == 403
    assert "conveners, reviewers and readers" in response.content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_outsiders_get_a_404(client, outsider, world, name):
    publish(world.cycle)
    client.force_login(outsider)

    assert client.get(url(name, world.cycle)).status_code == 404


def test_the_downloads_follow_the_same_rule(client, reader, outsider, world):
    client.force_login(reader)
    before = client.get(url("insights_overview", world.cycle) + "?format=csv")
    publish(world.cycle)
    after = client.get(url("insights_overview", world.cycle) + "?format=json")
    client.force_login(outsider)
    stranger = client.get(url("insights_shift", world.cycle) + "?format=csv")

    assert (before.status_code, after.status_code, stranger.status_code) == (
        403,
        200,
        404,
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    response = client.get(url("insights_dashboard", world.cycle))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_reader_who_is_also_an_employer_follows_the_reader_rule(client, world):
    user = make_user("both")
    join(user, world.cycle, Role.EMPLOYER)
    join(user, world.cycle, Role.READER)
    client.force_login(user)

    refused = client.get(url("insights_dashboard", world.cycle))
    publish(world.cycle)
    allowed = client.get(url("insights_dashboard", world.cycle))

    assert (refused.status_code, allowed.status_code) == (403, 200)
