"""Voting on a proposed change (profiles.refinement): the acceptance rule, votes
under a pseudonym, and what a rejection or a decision leaves."""

import pytest

from conftest import make_user
from profiles.models import ChangeVote
from profiles.refinement import RefinementError, outcome, propose, respondent_for, vote
from profiles.tests.helpers import BEFORE, apply, snapshot


def test_a_rejected_proposal_changes_nothing(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "remove",
        profile=world.lead,
        capability=world.caps[2],
    )
    for user in panel:
        vote(change, user, False, "It is needed.")

    new = apply(world, convener)

    assert snapshot(new) == BEFORE
    change.refresh_from_db()
    assert (change.status, change.applied_in) == ("rejected", None)
    assert new.parameters["rejected"] == [change.pk]


@pytest.mark.parametrize(
    ("votes", "expected"),
    [
        ([True, True], (False, 2, 1.0)),
        ([True, True, False], (False, 3, 2 / 3)),
        ([True, True, True], (True, 3, 1.0)),
        ([True, True, True, False], (True, 4, 0.75)),
        ([], (False, 0, 0.0)),
    ],
)
def test_a_change_is_accepted_by_enough_votes_with_enough_agreement(
    world, cycle, votes, expected
):
    proposer = make_user("proposer")
    change = propose(
        world.iteration, proposer, "rename", profile=world.lead, new_title="QA lead"
    )
    for number, accept in enumerate(votes):
        vote(change, make_user(f"voter{number}"), accept)

    assert outcome(change, cycle) == expected


def test_the_cycle_sets_the_rule(world, cycle, panel):
    cycle.min_panel_size, cycle.agreement_threshold = 2, 0.5
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    vote(change, panel[0], True)
    vote(change, panel[1], False)

    assert outcome(change, cycle) == (True, 2, 0.5)


def test_a_second_vote_replaces_the_first_under_a_pseudonym(world, panel):
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    vote(change, panel[1], True, "Yes.")
    vote(change, panel[1], False, "On reflection, no.")

    ballot = ChangeVote.objects.get()
    assert (ballot.accept, ballot.rationale) == (False, "On reflection, no.")
    assert ballot.respondent == respondent_for(world.iteration.pk, panel[1].pk)
    assert ballot.respondent != respondent_for(world.iteration.pk + 1, panel[1].pk)
    assert ballot.respondent != respondent_for(world.iteration.pk, panel[0].pk)


def test_a_decided_change_takes_no_more_votes(world, panel, convener):
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    apply(world, convener)
    change.refresh_from_db()

    with pytest.raises(RefinementError, match="voting on it is closed"):
        vote(change, panel[0], True)
    assert not ChangeVote.objects.exists()
