"""Anonymity: no page or admin list puts a person next to an answer."""

from html import unescape

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model

from workshops.anonymity import respondent_for
from workshops.models import KsbContribution, ProposalVote, Rating, Workshop
from workshops.results import close_round, open_round, store_round_consensus
from workshops.tests.helpers import (
    items_of,
    on_panel,
    proficiency_workshop,
    url,
)

REASONS = {
    "ada": "Ada thinks operators need it daily.",
    "ben": "Ben says only leads will touch it.",
    "cy": "Cy has seen it automated away.",
}


@pytest.fixture
def workshop(cycle) -> Workshop:
    return proficiency_workshop(cycle)


@pytest.fixture
def panel(workshop) -> list:
    return on_panel(workshop, *REASONS)


@pytest.fixture
def second_round(workshop, panel):
    """Round 1 answered with a reason each and no consensus, round 2 open."""
    first = open_round(workshop, carry_unresolved=False)
    for user, value in zip(panel, (0, 3, 3), strict=True):
        Rating.objects.bulk_create(
            Rating(
                item=item,
                respondent=respondent_for(workshop.pk, user.pk),
                group="employer",
                value=value,
                rationale=REASONS[user.username.split("@")[0]],
            )
            for item in items_of(first)
        )
    close_round(first.pk, None)
    store_round_consensus(first)
    return open_round(workshop, carry_unresolved=True)


def pseudonyms(workshop, panel) -> list[str]:
    return [respondent_for(workshop.pk, user.pk) for user in panel]


def page(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200, address
    return unescape(response.content.decode())


def test_a_pseudonym_differs_per_workshop_and_is_stable(cycle, workshop, panel):
    other = Workshop.objects.create(cycle=cycle, kind="proficiency", title="Other")
    ada = panel[0]

    assert respondent_for(workshop.pk, ada.pk) == respondent_for(workshop.pk, ada.pk)
    assert respondent_for(workshop.pk, ada.pk) != respondent_for(other.pk, ada.pk)
    assert len(respondent_for(workshop.pk, ada.pk)) == 32


def test_the_feedback_shows_every_reason_but_no_other_panellist(
    client, workshop, panel, second_round
):
    ada, ben, cy = panel
    client.force_login(ada)

    text = page(client, url(workshop, "proficiency/"))

    for reason in REASONS.values():
        assert reason in text
    for person in (ben, cy):
        assert person.email not in text
        assert f">{person.first_name}<" not in text
    for pseudonym in pseudonyms(workshop, panel):
        assert pseudonym not in text


def test_the_console_shows_names_and_counts_but_no_reason_or_value(
    client, convener, workshop, panel, second_round
):
    ada, _ben, _cy = panel
    Rating.objects.create(
        item=items_of(second_round)[0],
        respondent=respondent_for(workshop.pk, ada.pk),
        group="employer",
        value=3,
        rationale="Ada's round two reason.",
    )
    client.force_login(convener)

    text = page(client, url(workshop, "console/"))

    assert "<tr><td>Ada</td>\n          <td>1</td><td>3</td>" in text
    assert "Ada's round two reason." not in text
    for reason in REASONS.values():
        assert reason not in text
    for pseudonym in pseudonyms(workshop, panel):
        assert pseudonym not in text


def test_no_answer_model_is_in_the_admin():
    for model in (Rating, ProposalVote, KsbContribution):
        assert not admin.site.is_registered(model), model


def test_the_admin_lists_show_no_answers(client, workshop, panel, second_round):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    addresses = [
        "/admin/workshops/workshop/",
        f"/admin/workshops/workshop/{workshop.pk}/change/",
        "/admin/workshops/panellist/",
        "/admin/workshops/round/",
        f"/admin/workshops/round/{second_round.pk}/change/",
    ]

    texts = [page(client, address) for address in addresses]

    assert "ada@example.org" in texts[2]  # who takes part is no secret
    for text in texts:
        for reason in REASONS.values():
            assert reason not in text
        for pseudonym in pseudonyms(workshop, panel):
            assert pseudonym not in text
    assert client.get("/admin/workshops/rating/").status_code == 404
