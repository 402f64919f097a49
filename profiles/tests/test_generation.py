"""Generating an iteration from a cycle's proficiency consensus
(profiles.generation): which capabilities are placed where, at what level, why,
and what stops generation."""

import json
from itertools import product

import pytest

from profiles import generation
from profiles.generation import GenerationError, generate_iteration
from profiles.models import Iteration, ProfileCapability
from profiles.tests.helpers import QUALITY, store_consensus
from workshops.models import Workshop, WorkshopKind


def snapshot(iteration: Iteration) -> list:
    return sorted(
        (
            profile.role_level_id,
            profile.partner_id or 0,
            profile.title,
            json.dumps(profile.title_suggestions),
            tuple(
                (entry.capability_id, entry.proficiency, entry.explanation)
                for entry in profile.entries.all()
            ),
        )
        for profile in iteration.profiles.prefetch_related("entries")
    )


def placements(iteration: Iteration) -> list[tuple[int, int]]:
    """(capability id, role level id) of every placement."""
    return list(
        ProfileCapability.objects.filter(profile__iteration=iteration).values_list(
            "capability_id", "profile__role_level_id"
        )
    )


# --- Generating an iteration ------------------------------------------------------


def test_the_first_iteration_is_the_prototype_and_the_next_are_numbered(
    setup, convener
):
    first = generate_iteration(setup.cycle, by=convener)
    second = generate_iteration(setup.cycle)

    assert (first.number, first.name, first.created_by) == (1, "Prototype", convener)
    assert (second.number, second.name) == (2, "Generated 2")
    assert first.parameters["min_size"] == 5
    assert first.parameters["max_size"] == 40
    assert first.parameters["cut_distance"] == generation.CUT_DISTANCE
    assert first.parameters["workshop"] == setup.workshop.pk
    assert "average-linkage" in first.parameters["method"]


def test_the_same_input_gives_the_same_profiles_titles_and_members(setup, occupations):
    first = generate_iteration(setup.cycle)
    second = generate_iteration(setup.cycle)

    assert snapshot(first) == snapshot(second)
    assert len(snapshot(first)) >= 3


def test_every_required_capability_is_placed_once_at_its_role_level(setup):
    iteration = generate_iteration(setup.cycle)

    required = sorted(
        (capability.pk, role_level.pk)
        for (capability, role_level), level in setup.levels.items()
        if level > 0
    )
    assert sorted(placements(iteration)) == required


def test_a_capability_not_required_anywhere_is_placed_nowhere(setup):
    iteration = generate_iteration(setup.cycle)

    placed = {capability_id for capability_id, _level in placements(iteration)}
    assert setup.nobody.pk not in placed


def test_each_placement_keeps_the_consensus_proficiency(setup):
    iteration = generate_iteration(setup.cycle)

    for entry in ProfileCapability.objects.filter(profile__iteration=iteration):
        key = (entry.capability, entry.profile.role_level)
        assert entry.proficiency == setup.levels[key]


def test_partners_split_the_profiles_of_a_role_level(setup):
    technicians = setup.role_levels[0]
    iteration = generate_iteration(setup.cycle)

    profiles = iteration.profiles.filter(role_level=technicians)
    members = {
        profile.partner.name: {entry.capability_id for entry in profile.entries.all()}
        for profile in profiles
    }
    assert members == {
        "C&G Manufacturer": {capability.pk for capability in setup.quality},
        "Automation Integrators": {capability.pk for capability in setup.software},
    }


def test_every_placement_is_explained(setup):
    iteration = generate_iteration(setup.cycle)

    entries = ProfileCapability.objects.filter(profile__iteration=iteration)
    assert all(entry.explanation for entry in entries)
    first = entries.get(
        capability=setup.quality[0], profile__role_level=setup.role_levels[0]
    )
    assert first.explanation.startswith(
        "C&G Manufacturer, Quality and regulatory; Test Quality; nearest: '"
    )
    similarities = [
        float(part.split("(")[-1].rstrip(")"))
        for part in first.explanation.split("', ")
    ]
    assert similarities == sorted(similarities, reverse=True)


def test_a_role_level_with_too_few_capabilities_gets_one_smaller_profile(setup):
    managers = setup.role_levels[2]
    iteration = generate_iteration(setup.cycle)

    (profile,) = iteration.profiles.filter(role_level=managers)
    assert sorted(entry.capability_id for entry in profile.entries.all()) == [
        capability.pk for capability in setup.management
    ]
    assert profile.title == "Managers — C&G Manufacturer — No functional domain"


def test_sixty_capabilities_stay_within_the_size_bounds(cycle):
    partners = [cycle.partners.create(name=f"Partner {n}") for n in range(2)]
    levels = [
        cycle.role_levels.create(
            name=f"Level {n}", min_academic_level=3 + n, max_academic_level=4 + n
        )
        for n in range(2)
    ]
    verbs = ["Inspect", "Maintain", "Calibrate", "Design", "Document", "Validate"]
    objects = [
        "bioreactors",
        "cleanroom air handling",
        "robotic arms",
        "batch records",
        "cell culture media",
        "software releases",
        "freezers for cell storage",
        "supplier contracts",
        "analytical methods",
        "training plans",
    ]
    capabilities = []
    for number, (verb, thing) in enumerate(product(verbs, objects)):
        made = cycle.capabilities.create(text=f"{verb} {thing}.", origin="adopted")
        made.partners.set([partners[number % 2]])
        capabilities.append(made)
    store_consensus(
        cycle,
        {
            (capability, level): 1 + (number + n) % 3
            for number, capability in enumerate(capabilities)
            for n, level in enumerate(levels)
        },
    )

    iteration = generate_iteration(cycle, min_size=5, max_size=10)

    sizes = [profile.entries.count() for profile in iteration.profiles.all()]
    assert sum(sizes) == 120
    assert max(sizes) <= 10
    assert min(sizes) >= 5


def test_bounds_that_cannot_always_be_kept_are_refused(setup):
    with pytest.raises(GenerationError, match="max_size"):
        generate_iteration(setup.cycle, min_size=5, max_size=8)
    assert not Iteration.objects.exists()


def test_generation_needs_a_proficiency_consensus(cycle):
    cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    with pytest.raises(GenerationError, match="no proficiency workshop"):
        generate_iteration(cycle)

    Workshop.objects.create(cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Rates")
    with pytest.raises(GenerationError, match="no consensus yet"):
        generate_iteration(cycle)
    assert not Iteration.objects.exists()


def test_generation_needs_role_levels(cycle):
    Workshop.objects.create(cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Rates")

    with pytest.raises(GenerationError, match="no role levels"):
        generate_iteration(cycle)


def test_consensus_not_reached_is_said_in_the_explanation(cycle):
    level = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    made = [cycle.capabilities.create(text=text, origin="adopted") for text in QUALITY]
    store_consensus(cycle, {(c, level): 2 for c in made}, reached=False)

    iteration = generate_iteration(cycle)

    entries = ProfileCapability.objects.filter(profile__iteration=iteration)
    assert entries.count() == len(QUALITY)
    assert all("consensus not reached" in entry.explanation for entry in entries)
    assert all(entry.explanation.startswith("No partner; ") for entry in entries)
