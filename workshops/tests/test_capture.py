import pytest

from conftest import join, make_user
from foresight import embeddings
from foresight.models import (
    CapabilityStatement,
    CycleCapability,
    Domain,
    Function,
    FunctionalArea,
    Role,
    SourceKind,
    SupplyChainPartner,
)
from workshops import capture
from workshops.anonymity import respondent_for
from workshops.models import (
    Panellist,
    Proposal,
    ProposalVote,
    Round,
    Workshop,
    WorkshopKind,
)

PARAPHRASES = (
    "Monitor bioreactor performance using digital twins.",
    "Use digital twins to monitor how bioreactors perform.",
)
UNRELATED = "Negotiate contracts with logistics suppliers."


@pytest.fixture(autouse=True)
def fresh_centroids():
    # Each test builds its own small library; the per-process cache must not leak.
    capture.forget_area_centroids()
    yield
    capture.forget_area_centroids()


@pytest.fixture
def areas(db) -> dict[str, FunctionalArea]:
    support = Domain.objects.create(
        function=Function.objects.get(name="Support"), code="D01", name="Check"
    )
    logistics = Domain.objects.create(
        function=Function.objects.get(name="Logistics"), code="D02", name="Move"
    )
    design = Domain.objects.create(
        function=Function.objects.get(name="Design"), code="D03", name="Create"
    )
    return {
        "quality": FunctionalArea.objects.create(
            domain=support, code="A01.1", name="Manage Quality Control"
        ),
        "stores": FunctionalArea.objects.create(
            domain=logistics, code="A02.1", name="Move and Store Goods"
        ),
        # No library statements: represented by its name and description.
        "research": FunctionalArea.objects.create(
            domain=design,
            code="A03.1",
            name="Research & Develop Technologies",
            description="Invent and develop new technologies, methods and products.",
        ),
    }


@pytest.fixture
def library(areas) -> list[CapabilityStatement]:
    rows = [
        ("Inspect finished products for defects.", "quality"),
        ("Test samples against release specifications.", "quality"),
        ("Audit batch records for compliance with quality standards.", "quality"),
        ("Load and unload goods in the warehouse.", "stores"),
        ("Track stock levels of consumables.", "stores"),
        ("Arrange the transport of shipments to customers.", "stores"),
    ]
    statements = CapabilityStatement.objects.bulk_create(
        CapabilityStatement(
            text=text,
            area=areas[area],
            source_kind=SourceKind.ONET_TASK,
            source_ref=str(number),
        )
        for number, (text, area) in enumerate(rows, start=1)
    )
    embeddings.embed_missing(text for text, _area in rows)
    return statements


@pytest.fixture
def partners(cycle) -> list[SupplyChainPartner]:
    return [
        SupplyChainPartner.objects.create(cycle=cycle, name="Automation suppliers"),
        SupplyChainPartner.objects.create(cycle=cycle, name="C&G manufacturer"),
    ]


@pytest.fixture
def workshop(cycle) -> Workshop:
    return Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.CAPTURE, title="Capability capture"
    )


@pytest.fixture
def open_round(workshop) -> Round:
    return Round.objects.create(workshop=workshop, number=1, status="open")


def panellist(workshop: Workshop, name: str):
    user = make_user(name)
    join(user, workshop.cycle, Role.TECHNOLOGIST)
    Panellist.objects.create(workshop=workshop, user=user, group="technologist")
    return user


@pytest.fixture
def ada(workshop):
    return panellist(workshop, "ada")


@pytest.fixture
def ben(workshop):
    return panellist(workshop, "ben")


def url(workshop: Workshop, rest: str = "") -> str:
    return f"/cycles/{workshop.cycle_id}/workshops/{workshop.pk}/capture/{rest}"


def propose(client, workshop, partners, **data):
    data.setdefault("partners", [partner.pk for partner in partners])
    return client.post(url(workshop, "propose/"), data)


def make_proposal(workshop, user, text, partners=(), **fields) -> Proposal:
    proposal = Proposal.objects.create(
        workshop=workshop,
        respondent=respondent_for(workshop.pk, user.pk),
        text=text,
        origin=fields.pop("origin", "newly_defined"),
        **fields,
    )
    proposal.partners.set(partners)
    return proposal


# Proposing


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


# Searching the library and suggesting areas


def test_the_library_search_shows_at_most_twenty_statements(
    client, ada, workshop, library, areas
):
    client.force_login(ada)
    CapabilityStatement.objects.bulk_create(
        CapabilityStatement(
            text=f"Inspect batch number {n}.",
            area=areas["quality"],
            source_kind=SourceKind.IFATE_DUTY,
            source_ref=f"ST1 D{n}",
        )
        for n in range(30)
    )
    support = Function.objects.get(name="Support")

    page = client.get(url(workshop), {"q": "inspect"}).content.decode()
    by_function = client.get(
        url(workshop), {"q": "goods", "function": support.pk}
    ).content.decode()

    assert page.count("Use this statement") == 20
    assert "Load and unload goods" not in by_function


def test_htmx_search_gets_only_the_results(client, ada, workshop, library):
    client.force_login(ada)

    response = client.get(
        url(workshop),
        {"q": "stock"},
        headers={"HX-Request": "true", "HX-Target": "results"},
    )

    body = response.content.decode().strip()
    assert body.startswith('<div id="results"')
    assert "Track stock levels of consumables." in body
    assert f"statement={library[4].pk}" in body


def test_choosing_a_statement_fills_the_proposal_form(client, ada, workshop, library):
    client.force_login(ada)
    chosen = f"?statement={library[3].pk}"

    page = client.get(url(workshop, chosen)).content.decode()
    fragment = client.get(
        url(workshop, chosen), headers={"HX-Request": "true", "HX-Target": "propose"}
    ).content.decode()

    assert "<html" in page
    assert "<html" not in fragment
    for body in (page, fragment):
        assert f'name="statement" value="{library[3].pk}"' in body
        assert "Adopt it as it is" in body


def test_areas_are_ranked_by_meaning(library, areas):
    def first(text: str) -> FunctionalArea:
        return capture.suggest_areas(text)[0][0]

    assert first("Inspect cell therapy batches for contamination.") == areas["quality"]
    assert first("Keep an inventory of reagents in the store room.") == areas["stores"]
    # An area without library statements is placed by its name and description.
    assert first("Invent new methods for gene editing.") == areas["research"]
    scores = [score for _area, score in capture.suggest_areas("Track stock.")]
    assert scores == sorted(scores, reverse=True)
    assert capture.suggest_areas("   ") == []


def test_the_centroids_are_kept_until_the_library_changes(library, areas):
    ids, first = capture.area_centroids()
    again_ids, again = capture.area_centroids()
    FunctionalArea.objects.create(
        domain=areas["quality"].domain, code="A01.2", name="Calibrate Equipment"
    )
    grown_ids, _grown = capture.area_centroids()

    assert again is first
    assert again_ids == ids == [area.pk for area in areas.values()]
    assert len(grown_ids) == 4
    assert float(first[0] @ first[0]) == pytest.approx(1.0, abs=1e-5)


def test_suggested_areas_as_fragment_and_as_page(client, ada, workshop, library, areas):
    client.force_login(ada)
    text = "Keep an inventory of reagents in the store room."

    fragment = client.get(
        url(workshop, "areas/"), {"text": text}, headers={"HX-Request": "true"}
    ).content.decode()
    page = client.get(url(workshop, "areas/"), {"text": text}).content.decode()

    assert fragment.strip().startswith('<div id="area-field"')
    assert "<html" not in fragment
    assert f'<option value="{areas["stores"].pk}" selected>' in fragment
    assert "<html" in page
    assert text in page
    assert f'<option value="{areas["stores"].pk}" selected>' in page


# Voting


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


# Near duplicates


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


# Review and promotion


def vote(round_: Round, proposal: Proposal, respondent: str, value: str) -> None:
    ProposalVote.objects.create(
        round=round_, proposal=proposal, respondent=respondent, vote=value
    )


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


# Access


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


# Bounded queries


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
