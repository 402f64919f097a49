"""Proposing a change (profiles.refinement): the proposals the rules refuse."""

import pytest

from profiles.models import Iteration
from profiles.refinement import RefinementError, apply_accepted, propose, vote
from profiles.tests.helpers import apply


@pytest.mark.parametrize(
    ("kind", "fields", "message"),
    [
        ("uprate", {"capability": 1, "proficiency": 7}, "0 to 3; 7 is not"),
        ("add", {"capability": 6, "proficiency": -1}, "0 to 3; -1 is not"),
        ("add", {"capability": 6}, "Choose the proficiency"),
        ("add", {"capability": 2, "proficiency": 2}, "is already in this profile"),
        ("remove", {"capability": 6}, "is not in this profile"),
        ("remove", {}, "Choose a capability"),
        ("uprate", {"capability": 3}, "at Expert already, the top of the scale"),
        ("uprate", {"capability": 2, "proficiency": 1}, "choose a level above"),
        ("uprate", {"capability": 2, "proficiency": 2}, "choose a level above"),
        ("downrate", {"capability": 2, "proficiency": 3}, "choose a level below"),
        ("downrate", {"capability": 6}, "is not in this profile"),
        ("rename", {"new_title": "   "}, "Give the profile its new title"),
        ("split", {"moved_capabilities": [], "new_title": "X"}, "Choose the capab"),
        (
            "split",
            {"moved_capabilities": [1, 2, 3], "new_title": "X"},
            "Leave at least",
        ),
        (
            "split",
            {"moved_capabilities": [1, 4], "new_title": "X"},
            "not in this profile",
        ),
        ("split", {"moved_capabilities": [1]}, "Give the new profile a title"),
        ("poll", {}, "is not a kind of change"),
    ],
)
def test_a_proposal_against_the_rules_is_refused(
    world, employer, kind, fields, message
):
    fields = dict(fields)
    if "capability" in fields:
        fields["capability"] = world.caps[fields["capability"] - 1]
    if "moved_capabilities" in fields:
        moved = fields["moved_capabilities"]
        fields["moved_capabilities"] = [world.caps[n - 1] for n in moved]

    with pytest.raises(RefinementError, match=message):
        propose(world.iteration, employer, kind, profile=world.engineer, **fields)
    assert not world.iteration.changes.exists()


def test_a_capability_of_another_cycle_is_refused(world, employer, other_cycle):
    foreign = other_cycle.capabilities.create(text="Fly drones.", origin="adopted")

    for kind, fields in [
        ("add", {"capability": foreign, "proficiency": 2}),
        ("split", {"moved_capabilities": [foreign, world.caps[0]], "new_title": "X"}),
    ]:
        with pytest.raises(RefinementError, match="this cycle"):
            propose(world.iteration, employer, kind, profile=world.engineer, **fields)
    assert not world.iteration.changes.exists()


def test_a_profile_cannot_be_merged_with_itself(world, employer):
    with pytest.raises(RefinementError, match="cannot be merged with itself"):
        propose(
            world.iteration,
            employer,
            "merge",
            profile=world.engineer,
            other_profile=world.engineer.pk,
        )


def test_a_profile_of_another_iteration_is_refused(world, employer, convener):
    new = apply(world, convener)

    with pytest.raises(RefinementError, match="not in iteration 2"):
        propose(new, employer, "rename", profile=world.engineer, new_title="X")


def test_an_older_iteration_cannot_be_edited(world, panel, convener):
    change = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    new = apply(world, convener)

    with pytest.raises(RefinementError, match="no longer the latest"):
        propose(world.iteration, panel[0], "rename", profile=world.lead, new_title="Y")
    with pytest.raises(RefinementError, match="no longer the latest"):
        apply_accepted(world.iteration, convener)
    change.status = "open"  # as if it had been left open
    with pytest.raises(RefinementError, match="no longer the latest"):
        vote(change, panel[0], True)
    assert world.iteration.changes.count() == 1
    assert Iteration.objects.filter(cycle=world.cycle).count() == 2
    assert new.is_latest and not world.iteration.is_latest
