"""Applying the accepted changes into the next iteration (profiles.refinement):
each kind of change, what is copied, what an earlier change made impossible,
and marking one iteration final."""

import pytest
from django.db import IntegrityError, transaction

from profiles.models import Iteration, ProfileCapability, ProfileChange
from profiles.refinement import mark_final, propose, vote
from profiles.tests.helpers import BEFORE, apply, snapshot


def accepted_by(change, panel) -> None:
    for user in panel:
        vote(change, user, True, "Agreed.")


@pytest.fixture
def accepted(world, panel):
    """Proposes a change to the first iteration as the first panellist and has the
    whole panel accept it."""

    def accept(kind: str, **fields) -> ProfileChange:
        change = propose(world.iteration, panel[0], kind, **fields)
        accepted_by(change, panel)
        return change

    return accept


# Each kind of change, accepted and applied


def test_an_accepted_rename_shows_in_the_next_iteration_only(
    world, panel, accepted, convener
):
    change = accepted(
        "rename",
        profile=world.engineer,
        new_title="  Cell therapy   automation engineer ",
        rationale="The name employers use.",
    )

    new = apply(world, convener)

    assert (new.number, new.name, new.created_by) == (2, "Refinement 1", convener)
    assert snapshot(new) == {
        "Cell therapy automation engineer": BEFORE["Process engineer"],
        "Quality lead": BEFORE["Quality lead"],
        "Data steward": BEFORE["Data steward"],
    }
    assert snapshot(world.iteration) == BEFORE
    change.refresh_from_db()
    assert (change.status, change.applied_in) == ("applied", new)
    assert change.proposed_by == panel[0]


def test_every_profile_and_entry_is_copied_with_where_it_came_from(
    world, panel, convener
):
    new = apply(world, convener)

    copies = {p.derived_from_id: p for p in new.profiles.all()}
    assert set(copies) == {world.engineer.pk, world.lead.pk, world.steward.pk}
    copy = copies[world.engineer.pk]
    assert (copy.role_level, copy.partner) == (world.level_a, world.partner)
    assert copies[world.steward.pk].partner is None
    explanations = set(copy.entries.values_list("explanation", flat=True))
    assert explanations == {
        "Generated for C1.",
        "Generated for C2.",
        "Generated for C3.",
    }
    assert new.parameters == {
        "refined_from": 1,
        "applied": [],
        "rejected": [],
        "could_not_apply": [],
    }


def test_an_accepted_addition_adds_the_capability_at_its_level(
    world, panel, accepted, convener
):
    change = accepted(
        "add", profile=world.steward, capability=world.caps[5], proficiency=3
    )

    new = apply(world, convener)

    assert snapshot(new)["Data steward"] == {"C5": 2, "C6": 3}
    added = ProfileCapability.objects.get(profile__iteration=new, capability__ref="C6")
    assert added.explanation == f"Added by the employer panel (change {change.pk})."


def test_an_accepted_removal_removes_the_capability(world, accepted, convener):
    accepted("remove", profile=world.lead, capability=world.caps[2])

    assert snapshot(apply(world, convener))["Quality lead"] == {"C4": 2}


@pytest.mark.parametrize(
    ("kind", "capability", "level", "expected"),
    [
        ("uprate", 1, None, 2),
        ("uprate", 1, 3, 3),
        ("downrate", 3, None, 2),
        ("downrate", 3, 0, 0),
    ],
)
def test_a_rerating_moves_one_level_or_to_the_chosen_one(
    world, accepted, convener, kind, capability, level, expected
):
    change = accepted(
        kind,
        profile=world.engineer,
        capability=world.caps[capability - 1],
        proficiency=level,
    )
    assert change.proficiency == expected

    after = snapshot(apply(world, convener))["Process engineer"]

    assert after[f"C{capability}"] == expected


def test_a_merge_keeps_the_higher_proficiency_and_drops_the_other_profile(
    world, accepted, convener
):
    accepted(
        "merge",
        profile=world.lead,
        other_profile=world.engineer,
        rationale="One role in practice.",
    )

    new = apply(world, convener)

    assert snapshot(new) == {
        "Quality lead": {"C1": 1, "C2": 2, "C3": 3, "C4": 2},
        "Data steward": {"C5": 2},
    }
    merged = new.profiles.get(title="Quality lead")
    assert merged.derived_from == world.lead


def test_a_merge_may_give_the_merged_profile_a_new_title(world, accepted, convener):
    accepted(
        "merge",
        profile=world.engineer,
        other_profile=world.lead,
        new_title="Quality engineer",
    )

    assert "Quality engineer" in snapshot(apply(world, convener))


def test_a_split_moves_the_chosen_capabilities_to_a_new_profile(
    world, accepted, convener
):
    accepted(
        "split",
        profile=world.engineer,
        moved_capabilities=[world.caps[1], world.caps[2].pk],
        new_title="Robot cell operator",
    )

    new = apply(world, convener)

    assert snapshot(new)["Process engineer"] == {"C1": 1}
    assert snapshot(new)["Robot cell operator"] == {"C2": 2, "C3": 3}
    split = new.profiles.get(title="Robot cell operator")
    assert (split.role_level, split.partner) == (world.level_a, world.partner)
    assert split.derived_from == world.engineer


def test_a_change_that_an_earlier_one_made_impossible_is_rejected(
    world, panel, convener
):
    merge = propose(
        world.iteration,
        panel[0],
        "merge",
        profile=world.engineer,
        other_profile=world.lead,
    )
    rename_gone = propose(
        world.iteration, panel[0], "rename", profile=world.lead, new_title="QA lead"
    )
    rename_kept = propose(
        world.iteration,
        panel[0],
        "rename",
        profile=world.steward,
        new_title="Data lead",
    )
    for change in (merge, rename_gone, rename_kept):
        accepted_by(change, panel)

    new = apply(world, convener)

    assert set(snapshot(new)) == {"Process engineer", "Data lead"}
    rename_gone.refresh_from_db()
    assert (rename_gone.status, rename_gone.applied_in) == ("rejected", None)
    assert new.parameters["applied"] == [merge.pk, rename_kept.pk]
    assert new.parameters["could_not_apply"] == [rename_gone.pk]


# The final iteration


def test_marking_another_iteration_final_clears_the_first(world, convener):
    second = apply(world, convener)

    mark_final(world.iteration)
    mark_final(second)

    finals = Iteration.objects.filter(cycle=world.cycle, is_final=True)
    assert list(finals) == [second]


def test_the_database_allows_one_final_iteration_per_cycle(world, convener):
    second = apply(world, convener)
    mark_final(world.iteration)

    with pytest.raises(IntegrityError), transaction.atomic():
        Iteration.objects.filter(pk=second.pk).update(is_final=True)
