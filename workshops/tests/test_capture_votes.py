"""Voting on proposals and merging near duplicates."""

from workshops import capture
from workshops.anonymity import respondent_for
from workshops.models import Proposal, ProposalVote, Workshop
from workshops.tests.helpers import PARAPHRASES, make_proposal
from workshops.tests.helpers import capture_url as url

UNRELATED = "Negotiate contracts with logistics suppliers."


def test_a_second_vote_replaces_the_first(client, ada, workshop, open_round, partners):
    client.force_login(ada)
    proposal = make_proposal(workshop, ada, "Operate bioreactors.", partners)
    vote_url = url(workshop, f"proposals/{proposal.pk}/vote/")

    client.post(vote_url, {"vote": "include"})
    response = client.post(vote_url, {"vote": "exclude", "rationale": " Too vague. "})

    assert response.status_code == 302
    vote = ProposalVote.objects.get()
    assert (vote.vote, vote.rationale) == ("exclude", "Too vague.")
    assert vote.respondent == respondent_for(workshop.pk, ada.pk)
    assert vote.round == open_round


def test_a_vote_by_htmx_answers_with_the_proposal(
    client, ada, workshop, open_round, partners
):
    client.force_login(ada)
    proposal = make_proposal(workshop, ada, "Operate bioreactors.", partners)

    response = client.post(
        url(workshop, f"proposals/{proposal.pk}/vote/"),
        {"vote": "unsure"},
        headers={"HX-Request": "true"},
    )
    refused = client.post(
        url(workshop, f"proposals/{proposal.pk}/vote/"),
        {"vote": "maybe"},
        headers={"HX-Request": "true"},
    )

    body = response.content.decode().strip()
    assert body.startswith(f'<article id="proposal-{proposal.pk}"')
    assert 'value="unsure" required checked' in body
    assert "Saved: Unsure" in body
    assert refused.status_code == 400
    assert "Choose include, exclude or unsure." in refused.content.decode()
    assert ProposalVote.objects.get().vote == "unsure"


def test_panellists_see_every_proposal_without_its_author(
    client, ada, ben, workshop, open_round, partners
):
    mine = make_proposal(workshop, ada, "Operate bioreactors.", partners)
    make_proposal(workshop, ben, "Write batch records.", partners)
    client.force_login(ben)
    client.post(
        url(workshop, f"proposals/{mine.pk}/vote/"),
        {"vote": "exclude", "rationale": "Vague."},
    )

    client.force_login(ada)
    seen_by_ada = client.get(url(workshop)).content.decode()
    client.force_login(ben)
    seen_by_ben = client.get(url(workshop)).content.decode()

    for body in (seen_by_ada, seen_by_ben):
        assert "Operate bioreactors." in body
        assert "Write batch records." in body
    assert seen_by_ada.count('<span class="badge">yours</span>') == 1
    assert "ben@example.org" not in seen_by_ada
    assert "Ben" not in seen_by_ada
    assert "ada@example.org" not in seen_by_ben
    assert "Ada" not in seen_by_ben
    assert "Vague." not in seen_by_ada


def test_a_paraphrase_is_flagged_as_a_duplicate(ada, ben, workshop, partners):
    first = capture.propose(
        workshop,
        "r1",
        origin="newly_defined",
        text=PARAPHRASES[0],
        statement=None,
        area=None,
        partners=partners,
    )
    unrelated = capture.propose(
        workshop,
        "r2",
        origin="newly_defined",
        text=UNRELATED,
        statement=None,
        area=None,
        partners=partners,
    )
    again = capture.propose(
        workshop,
        "r3",
        origin="newly_defined",
        text=PARAPHRASES[1],
        statement=None,
        area=None,
        partners=partners[:1],
    )

    assert first.duplicate_of is None
    assert unrelated.duplicate_of is None
    again.refresh_from_db()
    assert again.duplicate_of == first
    assert again.duplicate_score >= capture.DUPLICATE_THRESHOLD


def test_duplicates_of_another_workshop_are_not_flagged(ada, workshop, cycle):
    other = Workshop.objects.create(cycle=cycle, kind="capture", title="Other")
    make_proposal(other, ada, PARAPHRASES[0])
    proposal = make_proposal(workshop, ada, PARAPHRASES[1])

    assert capture.flag_duplicate(proposal) is None


def test_merging_moves_votes_and_partners_to_the_original(
    client, convener, ada, workshop, open_round, partners
):
    original = make_proposal(workshop, ada, PARAPHRASES[0], partners[:1])
    duplicate = make_proposal(
        workshop, ada, PARAPHRASES[1], partners[1:], duplicate_of=original
    )
    later = make_proposal(workshop, ada, "Monitor bioreactors.", duplicate_of=duplicate)
    ProposalVote.objects.create(
        round=open_round, proposal=original, respondent="both", vote="include"
    )
    ProposalVote.objects.create(
        round=open_round, proposal=duplicate, respondent="both", vote="exclude"
    )
    ProposalVote.objects.create(
        round=open_round, proposal=duplicate, respondent="only", vote="unsure"
    )
    client.force_login(convener)

    response = client.post(url(workshop, f"proposals/{duplicate.pk}/merge/"))

    assert response.status_code == 302
    assert not Proposal.objects.filter(pk=duplicate.pk).exists()
    votes = dict(original.votes.values_list("respondent", "vote"))
    assert votes == {"both": "include", "only": "unsure"}
    assert set(original.partners.all()) == set(partners)
    later.refresh_from_db()
    assert later.duplicate_of == original


def test_only_flagged_proposals_can_be_merged(client, convener, ada, workshop):
    proposal = make_proposal(workshop, ada, "Operate bioreactors.")
    client.force_login(convener)

    response = client.post(url(workshop, f"proposals/{proposal.pk}/merge/"))

    assert response.status_code == 404
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_a_runner_can_keep_a_flagged_proposal(client, convener, ada, workshop):
    original = make_proposal(workshop, ada, PARAPHRASES[0])
    flagged = make_proposal(
        workshop, ada, PARAPHRASES[1], duplicate_of=original, duplicate_score=0.9
    )
    client.force_login(convener)

    client.post(url(workshop, f"proposals/{flagged.pk}/unflag/"))

    flagged.refresh_from_db()
    assert (flagged.duplicate_of, flagged.duplicate_score) == (None, None)


def test_a_vote_on_another_workshops_proposal_is_not_found(
    client, ada, workshop, open_round, cycle
):
    sibling = Workshop.objects.create(cycle=cycle, kind="capture", title="Sibling")
    theirs = make_proposal(sibling, ada, "Write batch records.")
    client.force_login(ada)

    response = client.post(
        url(workshop, f"proposals/{theirs.pk}/vote/"), {"vote": "include"}
    )

    assert response.status_code == 404
    assert not ProposalVote.objects.exists()
