"""Reviewing the support for proposals and promoting them to cycle capabilities."""

from foresight.models import CycleCapability
from workshops import capture
from workshops.anonymity import respondent_for
from workshops.models import Proposal, ProposalVote, Round, Workshop
from workshops.tests.helpers import PARAPHRASES, make_proposal, vote
from workshops.tests.helpers import capture_url as url


def test_the_review_counts_the_support_of_the_chosen_round(
    client, convener, ada, workshop, partners
):
    first = Round.objects.create(workshop=workshop, number=1, status="closed")
    second = Round.objects.create(workshop=workshop, number=2, status="open")
    proposal = make_proposal(workshop, ada, "Operate bioreactors.", partners)
    quiet = make_proposal(workshop, ada, "Write batch records.", partners)
    for respondent, value in [("a", "include"), ("b", "include"), ("c", "exclude")]:
        vote(second, proposal, respondent, value)
    vote(first, proposal, "a", "unsure")
    client.force_login(convener)

    now = client.get(url(workshop, "review/"))
    before = client.get(url(workshop, "review/"), {"round": 1})

    rows = {p.pk: p for p in now.context["proposals"]}
    assert (rows[proposal.pk].includes, rows[proposal.pk].excludes) == (2, 1)
    assert (rows[proposal.pk].unsures, rows[proposal.pk].voters) == (0, 3)
    assert rows[quiet.pk].voters == 0
    assert "67 %" in now.content.decode()
    rows = {p.pk: p for p in before.context["proposals"]}
    assert (rows[proposal.pk].unsures, rows[proposal.pk].voters) == (1, 1)
    assert client.get(url(workshop, "review/"), {"round": 9}).status_code == 404


def test_the_review_shows_flagged_pairs_and_anonymous_rationales(
    client, convener, ada, ben, workshop, open_round
):
    original = make_proposal(workshop, ada, PARAPHRASES[0])
    make_proposal(
        workshop, ben, PARAPHRASES[1], duplicate_of=original, duplicate_score=0.9163
    )
    ProposalVote.objects.create(
        round=open_round,
        proposal=original,
        respondent=respondent_for(workshop.pk, ben.pk),
        vote="exclude",
        rationale="Too close to existing practice.",
    )
    client.force_login(convener)

    body = client.get(url(workshop, "review/")).content.decode()

    assert "0.92" in body
    assert f"Merge into #{original.pk}" in body
    assert "Exclude: Too close to existing practice." in body
    for name in ("Ada", "Ben", "ada@example.org", "ben@example.org"):
        assert name not in body


def test_promoting_creates_capabilities_once(
    client, convener, ada, workshop, library, areas, partners
):
    adopted = make_proposal(
        workshop,
        ada,
        library[0].text,
        partners,
        origin="adopted",
        statement=library[0],
        area=library[0].area,
    )
    defined = make_proposal(
        workshop,
        ada,
        "Programme robots for aseptic processing.",
        partners[1:],
        area=areas["research"],
    )
    client.force_login(convener)
    picked = {"proposal": [adopted.pk, defined.pk]}

    first = client.post(url(workshop, "review/promote/"), picked)
    second = client.post(url(workshop, "review/promote/"), picked)

    assert first.status_code == second.status_code == 302
    assert CycleCapability.objects.count() == 2
    adopted.refresh_from_db()
    defined.refresh_from_db()
    capability = adopted.promoted_to
    assert capability.cycle == workshop.cycle
    assert (capability.origin, capability.text) == ("adopted", library[0].text)
    assert capability.statement == library[0]
    assert capability.area == areas["quality"]
    assert set(capability.partners.all()) == set(partners)
    assert capability.source == "O*NET task 1"
    new = defined.promoted_to
    assert (new.origin, new.statement, new.area) == (
        "newly_defined",
        None,
        areas["research"],
    )
    assert list(new.partners.all()) == partners[1:]
    assert capture.promote(workshop, [adopted.pk]) == []


def test_promoting_another_workshops_proposal_changes_nothing(
    client, convener, ada, workshop, cycle, other_cycle, outsider
):
    mine = make_proposal(workshop, ada, "Operate bioreactors.")
    sibling = Workshop.objects.create(cycle=cycle, kind="capture", title="Sibling")
    theirs = make_proposal(sibling, ada, "Write batch records.")
    foreign = make_proposal(
        Workshop.objects.create(cycle=other_cycle, kind="capture", title="Foreign"),
        outsider,
        "Clean rooms.",
    )
    client.force_login(convener)

    for stranger in (theirs, foreign):
        response = client.post(
            url(workshop, "review/promote/"), {"proposal": [mine.pk, stranger.pk]}
        )
        assert response.status_code == 404
    bad = client.post(url(workshop, "review/promote/"), {"proposal": ["x"]})

    assert bad.status_code == 400
    assert not CycleCapability.objects.exists()
    assert not Proposal.objects.filter(promoted_to__isnull=False).exists()
