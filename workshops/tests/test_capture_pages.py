"""Who may open the capture pages, and how many queries they take."""

import pytest

from workshops.anonymity import respondent_for
from workshops.models import Proposal, ProposalVote, Workshop
from workshops.tests.helpers import capture_url as url
from workshops.tests.helpers import make_proposal, vote


def test_who_may_open_the_capture_pages(
    client, ada, convener, employer, reader, outsider, workshop, open_round
):
    proposal = make_proposal(workshop, ada, "Operate bioreactors.")
    pages = ["", "areas/", "review/"]
    posts = [
        "propose/",
        f"proposals/{proposal.pk}/vote/",
        "review/promote/",
        f"proposals/{proposal.pk}/merge/",
        f"proposals/{proposal.pk}/unflag/",
    ]

    client.force_login(outsider)
    assert {client.get(url(workshop, page)).status_code for page in pages} == {404}
    assert {client.post(url(workshop, post)).status_code for post in posts} == {404}

    client.force_login(employer)
    assert client.get(url(workshop)).status_code == 403
    assert client.post(url(workshop, "propose/")).status_code == 403

    client.force_login(reader)
    assert {client.post(url(workshop, post)).status_code for post in posts} == {403}

    client.force_login(ada)
    assert client.get(url(workshop)).status_code == 200
    assert client.get(url(workshop, "review/")).status_code == 403
    assert {client.post(url(workshop, post)).status_code for post in posts[2:]} == {403}

    client.force_login(convener)
    assert client.get(url(workshop, "review/")).status_code == 200
    assert client.get(url(workshop)).status_code == 403
    assert Proposal.objects.count() == 1
    assert not ProposalVote.objects.exists()


def test_a_proficiency_workshop_has_no_capture_pages(client, convener, cycle):
    workshop = Workshop.objects.create(cycle=cycle, kind="proficiency", title="P")
    client.force_login(convener)

    assert client.get(url(workshop, "review/")).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, workshop):
    assert client.get(url(workshop)).status_code == 302


@pytest.fixture
def busy_workshop(workshop, open_round, library, partners, ada, ben):
    for n in range(20):
        proposal = make_proposal(
            workshop, ada if n % 2 else ben, f"Capability {n}.", partners
        )
        vote(open_round, proposal, respondent_for(workshop.pk, ada.pk), "include")
        vote(open_round, proposal, respondent_for(workshop.pk, ben.pk), "unsure")
    return workshop


def test_the_capture_page_has_bounded_queries(
    client, ada, busy_workshop, django_assert_max_num_queries
):
    client.force_login(ada)

    with django_assert_max_num_queries(16):
        response = client.get(url(busy_workshop), {"q": "inspect"})

    assert response.content.decode().count('class="proposal"') == 20


def test_the_review_page_has_bounded_queries(
    client, convener, busy_workshop, django_assert_max_num_queries
):
    client.force_login(convener)

    with django_assert_max_num_queries(10):
        response = client.get(url(busy_workshop, "review/"))

    assert response.content.decode().count('name="proposal"') == 20
