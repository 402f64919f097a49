"""The facilitator's console: progress per panellist, consensus so far, reminders."""

from html import unescape

import pytest
from django.core import mail

from workshops.anonymity import respondent_for
from workshops.models import Panellist, Rating, Round, Workshop
from workshops.results import close_round, open_round, store_round_consensus
from workshops.tests.helpers import (
    HTMX,
    items_of,
    on_panel,
    proficiency_workshop,
    url,
)


@pytest.fixture
def workshop(cycle) -> Workshop:
    return proficiency_workshop(cycle)


@pytest.fixture
def panel(workshop) -> list:
    return on_panel(workshop, "ada", "ben", "cy")


@pytest.fixture
def round(workshop) -> Round:
    return open_round(workshop, carry_unresolved=False)


def answer(workshop, user, items, value=2, rationale="") -> None:
    Rating.objects.bulk_create(
        Rating(
            item=item,
            respondent=respondent_for(workshop.pk, user.pk),
            group="employer",
            value=value,
            rationale=rationale,
        )
        for item in items
    )


def readable(response) -> str:
    return unescape(response.content.decode())


def test_the_console_shows_how_far_each_panellist_has_got(
    client, convener, workshop, panel, round
):
    ada, ben, _cy = panel
    items = items_of(round)
    answer(workshop, ada, items, rationale="Ada's private reasoning")
    answer(workshop, ben, items[:1], value=3)
    client.force_login(convener)

    page = readable(client.get(url(workshop, "console/")))

    assert "<html" in page
    assert "Round 1: open" in page
    rows = [
        "<tr><td>Ada</td>\n          <td>4</td><td>0</td>",
        "<tr><td>Ben</td>\n          <td>1</td><td>3</td>",
        "<tr><td>Cy</td>\n          <td>0</td><td>4</td>",
    ]
    for row in rows:
        assert row in page
    assert "Not finished: Ben, Cy." in page
    # Counts only: never a panellist's answers or reasons.
    assert "Ada's private reasoning" not in page


def test_the_console_charts_the_consensus_so_far(
    client, convener, workshop, panel, round
):
    first = items_of(round)[0]
    for user, value in zip(panel, (1, 2, 2), strict=True):
        answer(workshop, user, [first], value=value)
    client.force_login(convener)

    page = readable(client.get(url(workshop, "console/")))

    label = 'aria-label="Not required 0, Awareness 1, Practitioner 2, Expert 0"'
    assert label in page
    assert 'class="bar level-2" style="width: 67%"' in page
    assert "<td>2.0</td>" not in page and "<td>2</td>" in page
    assert "67 %" in page
    assert "1 of 4 items have reached consensus so far." in page


def test_htmx_polling_gets_only_the_live_part(client, convener, workshop, panel, round):
    client.force_login(convener)

    response = client.get(url(workshop, "console/"), headers=HTMX)

    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="live"')
    assert 'hx-trigger="every 5s"' in page
    assert f'hx-get="{url(workshop, "console/")}"' in page


def test_polling_stops_once_the_closed_round_is_computed(
    client, convener, workshop, panel, round
):
    client.force_login(convener)
    close_round(round.pk, None)

    computing = readable(client.get(url(workshop, "console/"), headers=HTMX))
    store_round_consensus(round)
    computed = readable(client.get(url(workshop, "console/"), headers=HTMX))

    assert "being computed" in computing and "every 5s" in computing
    assert "every 5s" not in computed
    assert "Open round 2" in computed
    assert "Only carry items without consensus" in computed


def test_a_reminder_goes_to_those_who_have_not_finished(
    client, convener, workshop, panel, round
):
    ada, ben, _cy = panel
    answer(workshop, ada, items_of(round))
    answer(workshop, ben, items_of(round)[:2])
    client.force_login(convener)

    response = client.post(url(workshop, "console/remind/"))

    assert response.url == url(workshop, "console/")
    assert sorted(message.to for message in mail.outbox) == [
        ["ben@example.org"],
        ["cy@example.org"],
    ]
    assert url(workshop, "proficiency/") in mail.outbox[0].body
    reminded = dict(Panellist.objects.values_list("user__first_name", "reminded_at"))
    assert reminded["Ada"] is None
    assert reminded["Ben"] is not None and reminded["Cy"] is not None


def test_with_no_round_open_there_is_nobody_to_remind(
    client, convener, workshop, panel
):
    client.force_login(convener)

    response = client.post(url(workshop, "console/remind/"))

    assert response.status_code == 409
    assert "No round is open" in readable(response)
    assert not mail.outbox
    assert not Panellist.objects.filter(reminded_at__isnull=False).exists()


def test_the_console_needs_a_fixed_number_of_queries(
    client, cycle, convener, django_assert_max_num_queries
):
    """16 capabilities by 4 role levels by 5 panellists, three of them done."""
    workshop = proficiency_workshop(cycle, capabilities=16, levels=4)
    panel = on_panel(workshop, "p0", "p1", "p2", "p3", "p4")
    round = open_round(workshop, carry_unresolved=False)
    items = items_of(round)
    for position, user in enumerate(panel[:3]):
        answer(workshop, user, items, value=position, rationale="A reason")
    answer(workshop, panel[3], items[:10])
    client.force_login(convener)

    with django_assert_max_num_queries(11):
        response = client.get(url(workshop, "console/"))

    page = readable(response)
    assert page.count('class="bars"') == 64
    assert "<tr><td>P3</td>\n          <td>10</td><td>54</td>" in page
    assert "Not finished: P3, P4." in page


def test_the_console_of_another_kind_has_the_round_controls_only(
    client, cycle, convener
):
    workshop = Workshop.objects.create(cycle=cycle, kind="capture", title="Capture")
    client.force_login(convener)

    page = readable(client.get(url(workshop, "console/")))

    assert "Open round 1" in page
    assert "followed on its own pages" in page
    assert "every 5s" not in page
