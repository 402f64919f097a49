"""Proposing capabilities: adopting, selecting or defining a statement."""

from foresight.models import SupplyChainPartner
from workshops.anonymity import respondent_for
from workshops.models import Proposal, ProposalVote, Round
from workshops.tests.helpers import capture_url as url
from workshops.tests.helpers import make_proposal


def propose(client, workshop, partners, **data):
    data.setdefault("partners", [partner.pk for partner in partners])
    return client.post(url(workshop, "propose/"), data)


def test_adopting_stores_the_library_wording_area_and_partners(
    client, ada, workshop, open_round, library, partners
):
    client.force_login(ada)
    statement = library[0]

    response = propose(
        client, workshop, partners[:1], origin="adopted", statement=statement.pk
    )

    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.origin == "adopted"
    assert proposal.text == "Inspect finished products for defects."
    assert proposal.statement == statement
    assert proposal.area == statement.area
    assert list(proposal.partners.all()) == partners[:1]
    assert proposal.respondent == respondent_for(workshop.pk, ada.pk)


def test_selecting_stores_the_edited_wording_with_its_library_link(
    client, ada, workshop, open_round, library, partners
):
    client.force_login(ada)
    statement = library[1]

    propose(
        client,
        workshop,
        partners,
        origin="selected",
        statement=statement.pk,
        text="Test  cell therapy samples against release specifications.",
    )

    proposal = Proposal.objects.get()
    assert proposal.origin == "selected"
    assert proposal.text == "Test cell therapy samples against release specifications."
    assert proposal.statement == statement
    assert proposal.area == statement.area
    assert set(proposal.partners.all()) == set(partners)


def test_a_selection_left_unedited_is_an_adoption(
    client, ada, workshop, open_round, library, partners
):
    client.force_login(ada)

    propose(
        client,
        workshop,
        partners,
        origin="selected",
        statement=library[1].pk,
        text=library[1].text,
    )

    assert Proposal.objects.get().origin == "adopted"


def test_defining_a_statement_needs_its_area(
    client, ada, workshop, open_round, areas, partners
):
    client.force_login(ada)
    text = "Programme robots for aseptic cell processing."

    refused = propose(client, workshop, partners, origin="newly_defined", text=text)
    saved = propose(
        client,
        workshop,
        partners,
        origin="newly_defined",
        text=text,
        area=areas["research"].pk,
    )

    assert refused.status_code == 400
    assert "Choose the statement&#x27;s functional area." in refused.content.decode()
    assert saved.status_code == 302
    proposal = Proposal.objects.get()
    assert (proposal.origin, proposal.text) == ("newly_defined", text)
    assert proposal.statement is None
    assert proposal.area == areas["research"]


def test_a_proposal_names_partners_of_this_cycle(
    client, ada, workshop, open_round, library, partners, other_cycle
):
    client.force_login(ada)
    stranger = SupplyChainPartner.objects.create(cycle=other_cycle, name="Elsewhere")

    none = propose(client, workshop, [], origin="adopted", statement=library[0].pk)
    foreign = propose(
        client, workshop, [stranger], origin="adopted", statement=library[0].pk
    )

    assert none.status_code == 400
    assert "Choose at least one supply-chain partner." in none.content.decode()
    assert foreign.status_code == 400
    assert not Proposal.objects.exists()


def test_without_an_open_round_nothing_is_stored(
    client, ada, workshop, library, partners
):
    client.force_login(ada)
    Round.objects.create(workshop=workshop, number=1, status="closed")
    proposal = make_proposal(workshop, ada, "Operate bioreactors.", partners)

    proposed = propose(
        client, workshop, partners, origin="adopted", statement=library[0].pk
    )
    voted = client.post(
        url(workshop, f"proposals/{proposal.pk}/vote/"), {"vote": "include"}
    )

    assert proposed.status_code == 400
    assert "No round of this workshop is open" in proposed.content.decode()
    assert voted.status_code == 400
    assert "No round of this workshop is open" in voted.content.decode()
    assert Proposal.objects.count() == 1
    assert not ProposalVote.objects.exists()


def test_htmx_proposing_answers_with_the_form_and_the_refreshed_list(
    client, ada, workshop, open_round, library, partners
):
    client.force_login(ada)

    response = client.post(
        url(workshop, "propose/"),
        {"origin": "adopted", "statement": library[0].pk, "partners": partners[0].pk},
        headers={"HX-Request": "true", "HX-Target": "propose"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert body.lstrip().startswith('<section id="propose"')
    assert (
        'id="proposals" aria-labelledby="proposals-heading" hx-swap-oob="true"' in body
    )
    assert "Inspect finished products for defects." in body
