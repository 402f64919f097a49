"""The refinement rules (profiles.refinement): proposing, voting, applying the
accepted changes into the next iteration, and marking one iteration final."""

from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction

from conftest import join, make_user
from foresight.models import (
    Cycle,
    CycleCapability,
    Domain,
    Function,
    FunctionalArea,
    Role,
)
from profiles.models import ChangeVote, Iteration, Profile, ProfileCapability
from profiles.refinement import (
    RefinementError,
    apply_accepted,
    mark_final,
    outcome,
    propose,
    respondent_for,
    vote,
)


def build_world(cycle: Cycle) -> SimpleNamespace:
    """Six classified capabilities (C1 to C3 in Area 1, C4 to C6 in Area 2), two
    role levels and a first iteration of three profiles:
      Process engineer (level A, partner): C1 at 1, C2 at 2, C3 at 3
      Quality lead (level A, partner):     C3 at 1, C4 at 2
      Data steward (level B):              C5 at 2
    C6 is in no profile."""
    function = Function.objects.get(name="Implement")
    domain = Domain.objects.create(function=function, code="D1", name="Operations")
    areas = [
        FunctionalArea.objects.create(domain=domain, code=f"A1.{n}", name=f"Area {n}")
        for n in (1, 2)
    ]
    capabilities = CycleCapability.objects.bulk_create(
        CycleCapability(
            cycle=cycle,
            text=f"Operate robotic platform {n}.",
            origin="adopted",
            ref=f"C{n}",
            area=areas[(n - 1) // 3],
        )
        for n in range(1, 7)
    )
    level_a = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    level_b = cycle.role_levels.create(
        name="Technicians", min_academic_level=3, max_academic_level=4
    )
    partner = cycle.partners.create(name="C&G Manufacturer")
    iteration = Iteration.objects.create(cycle=cycle, number=1, name="Prototype")

    def profile(title, level, partner, entries) -> Profile:
        made = Profile.objects.create(
            iteration=iteration, title=title, role_level=level, partner=partner
        )
        ProfileCapability.objects.bulk_create(
            ProfileCapability(
                profile=made,
                capability=capabilities[number - 1],
                proficiency=proficiency,
                explanation=f"Generated for C{number}.",
            )
            for number, proficiency in entries
        )
        return made

    return SimpleNamespace(
        cycle=cycle,
        caps=capabilities,
        level_a=level_a,
        level_b=level_b,
        partner=partner,
        iteration=iteration,
        engineer=profile(
            "Process engineer", level_a, partner, [(1, 1), (2, 2), (3, 3)]
        ),
        lead=profile("Quality lead", level_a, partner, [(3, 1), (4, 2)]),
        steward=profile("Data steward", level_b, None, [(5, 2)]),
    )


def snapshot(iteration: Iteration) -> dict[str, dict[str, int]]:
    """Title → {capability ref: proficiency} for every profile of the iteration."""
    found = {profile.title: {} for profile in iteration.profiles.all()}
    entries = ProfileCapability.objects.filter(profile__iteration=iteration)
    for title, ref, level in entries.values_list(
        "profile__title", "capability__ref", "proficiency"
    ):
        found[title][ref] = level
    return found


BEFORE = {
    "Process engineer": {"C1": 1, "C2": 2, "C3": 3},
    "Quality lead": {"C3": 1, "C4": 2},
    "Data steward": {"C5": 2},
}


@pytest.fixture
def world(cycle) -> SimpleNamespace:
    return build_world(cycle)


@pytest.fixture
def panel(cycle, employer) -> list:
    """Three employers: the cycle's minimum panel size by default."""
    others = [make_user(name) for name in ("ebony", "felix")]
    for user in others:
        join(user, cycle, Role.EMPLOYER)
    return [employer, *others]


def accepted_by(change, panel) -> None:
    for user in panel:
        vote(change, user, True, "Agreed.")


def apply(world, convener) -> Iteration:
    return apply_accepted(world.iteration, convener)


# Each kind of change, accepted and applied


def test_an_accepted_rename_shows_in_the_next_iteration_only(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "rename",
        profile=world.engineer,
        new_title="  Cell therapy   automation engineer ",
        rationale="The name employers use.",
    )
    accepted_by(change, panel)

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


def test_an_accepted_addition_adds_the_capability_at_its_level(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "add",
        profile=world.steward,
        capability=world.caps[5],
        proficiency=3,
    )
    accepted_by(change, panel)

    new = apply(world, convener)

    assert snapshot(new)["Data steward"] == {"C5": 2, "C6": 3}
    added = ProfileCapability.objects.get(profile__iteration=new, capability__ref="C6")
    assert added.explanation == f"Added by the employer panel (change {change.pk})."


def test_an_accepted_removal_removes_the_capability(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "remove",
        profile=world.lead,
        capability=world.caps[2],
    )
    accepted_by(change, panel)

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
    world, panel, convener, kind, capability, level, expected
):
    change = propose(
        world.iteration,
        panel[0],
        kind,
        profile=world.engineer,
        capability=world.caps[capability - 1],
        proficiency=level,
    )
    accepted_by(change, panel)
    assert change.proficiency == expected

    after = snapshot(apply(world, convener))["Process engineer"]

    assert after[f"C{capability}"] == expected


def test_a_merge_keeps_the_higher_proficiency_and_drops_the_other_profile(
    world, panel, convener
):
    change = propose(
        world.iteration,
        panel[0],
        "merge",
        profile=world.lead,
        other_profile=world.engineer,
        rationale="One role in practice.",
    )
    accepted_by(change, panel)

    new = apply(world, convener)

    assert snapshot(new) == {
        "Quality lead": {"C1": 1, "C2": 2, "C3": 3, "C4": 2},
        "Data steward": {"C5": 2},
    }
    merged = new.profiles.get(title="Quality lead")
    assert merged.derived_from == world.lead


def test_a_merge_may_give_the_merged_profile_a_new_title(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "merge",
        profile=world.engineer,
        other_profile=world.lead,
        new_title="Quality engineer",
    )
    accepted_by(change, panel)

    assert "Quality engineer" in snapshot(apply(world, convener))


def test_a_split_moves_the_chosen_capabilities_to_a_new_profile(world, panel, convener):
    change = propose(
        world.iteration,
        panel[0],
        "split",
        profile=world.engineer,
        moved_capabilities=[world.caps[1], world.caps[2].pk],
        new_title="Robot cell operator",
    )
    accepted_by(change, panel)

    new = apply(world, convener)

    assert snapshot(new)["Process engineer"] == {"C1": 1}
    assert snapshot(new)["Robot cell operator"] == {"C2": 2, "C3": 3}
    split = new.profiles.get(title="Robot cell operator")
    assert (split.role_level, split.partner) == (world.level_a, world.partner)
    assert split.derived_from == world.engineer


# Votes and outcomes


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


# Proposals the rules refuse


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
