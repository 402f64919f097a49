import json
from itertools import product
from types import SimpleNamespace

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from foresight.models import (
    BackgroundJob,
    CapabilityStatement,
    Domain,
    Embedding,
    Function,
    FunctionalArea,
    JobStatus,
    ReferenceOccupation,
)
from profiles import generation
from profiles.generation import (
    Capability,
    GenerationError,
    Occupation,
    average_linkage,
    cut_tree,
    generate_iteration,
    group_role_level,
    suggest_titles,
)
from profiles.models import Iteration, ProfileCapability
from profiles.tasks import generate_profiles
from workshops.models import (
    ItemConsensus,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)

QUALITY = [
    "Inspect incoming raw materials against their specifications.",
    "Audit manufacturing records for compliance with good manufacturing practice.",
    "Investigate deviations and out-of-specification test results.",
    "Write standard operating procedures for quality control testing.",
    "Review batch records before a product is released.",
    "Calibrate laboratory testing instruments.",
]
SOFTWARE = [
    "Write software that controls robotic liquid-handling platforms.",
    "Test and debug automation software before release.",
    "Design databases that store process and batch data.",
    "Maintain the code of the manufacturing execution system.",
    "Integrate laboratory instruments with the data network.",
    "Develop user interfaces for equipment operators.",
]
MANAGEMENT = [
    "Set the budget for the manufacturing site.",
    "Negotiate supply contracts with vendors.",
    "Plan the workforce needed for new production lines.",
]
NOT_REQUIRED = "Drive a forklift truck around the warehouse."


# --- Building a cycle with its consensus -----------------------------------------


def make_area(name: str, code: str) -> FunctionalArea:
    domain = Domain.objects.create(
        function=Function.objects.get(name="Implement"), code=f"T{code}", name=name
    )
    return FunctionalArea.objects.create(
        domain=domain, code=f"T{code}.1", name=f"{name} area"
    )


def store_consensus(cycle, levels: dict, reached: bool = True) -> Workshop:
    """A proficiency workshop with one closed round whose consensus is `levels`,
    {(capability, role level): proficiency}."""
    workshop = Workshop.objects.create(
        cycle=cycle, kind=WorkshopKind.PROFICIENCY, title="Proficiency"
    )
    round = Round.objects.create(workshop=workshop, number=1, status=RoundStatus.CLOSED)
    items = RoundItem.objects.bulk_create(
        RoundItem(round=round, capability=capability, role_level=role_level)
        for capability, role_level in levels
    )
    ItemConsensus.objects.bulk_create(
        ItemConsensus(
            item=item, n=5, counts=[0, 0, 0, 0], reached=reached, proficiency=level
        )
        for item, level in zip(items, levels.values(), strict=True)
    )
    return workshop


@pytest.fixture
def setup(cycle):
    """Three role levels, three partners, quality and software capabilities, a
    few management ones only managers need, and one nobody needs."""
    quality_area = make_area("Test Quality", "01")
    software_area = make_area("Test Software", "02")
    manufacturer = cycle.partners.create(name="C&G Manufacturer")
    integrators = cycle.partners.create(name="Automation Integrators")
    regulatory = cycle.partners.create(name="Quality and regulatory")
    technicians = cycle.role_levels.create(
        name="Technicians", min_academic_level=3, max_academic_level=4
    )
    scientists = cycle.role_levels.create(
        name="Scientists", min_academic_level=5, max_academic_level=6
    )
    managers = cycle.role_levels.create(
        name="Managers", min_academic_level=6, max_academic_level=7
    )

    def capability(text, area, *partners):
        made = cycle.capabilities.create(text=text, origin="adopted", area=area)
        made.partners.set(partners)
        return made

    quality = [capability(text, quality_area, manufacturer) for text in QUALITY]
    quality[0].partners.add(regulatory)
    software = [capability(text, software_area, integrators) for text in SOFTWARE]
    management = [capability(text, None, manufacturer) for text in MANAGEMENT]
    nobody = capability(NOT_REQUIRED, None, manufacturer)

    levels = {}
    for number, made in enumerate(quality + software):
        levels[made, technicians] = 1 + number % 3
        levels[made, scientists] = 3 - number % 3
        levels[made, managers] = 0
    for made in management:
        levels[made, technicians] = levels[made, scientists] = 0
        levels[made, managers] = 3
    for role_level in (technicians, scientists, managers):
        levels[nobody, role_level] = 0
    workshop = store_consensus(cycle, levels)
    return SimpleNamespace(
        cycle=cycle,
        workshop=workshop,
        levels=levels,
        quality=quality,
        software=software,
        management=management,
        nobody=nobody,
        partners=(manufacturer, integrators, regulatory),
        role_levels=(technicians, scientists, managers),
    )


@pytest.fixture
def occupations(setup):
    """Reference occupations linked to library statements like the capabilities."""
    area = setup.quality[1].area

    def occupation(source, code, title, texts):
        made = ReferenceOccupation.objects.create(source=source, code=code, title=title)
        made.statements.set(
            CapabilityStatement.objects.create(
                text=text, area=area, source_kind="onet_task", source_ref=f"{code}-{n}"
            )
            for n, text in enumerate(texts)
        )
        return made

    return [
        occupation(
            "onet",
            "19-4099.01",
            "Quality Control Analysts",
            [
                "Inspect raw materials and finished products for quality.",
                "Review batch production records for compliance.",
                "Investigate out-of-specification results and deviations.",
            ],
        ),
        occupation(
            "onet",
            "15-1252.00",
            "Software Developers",
            [
                "Write and debug computer programs.",
                "Design software applications and databases.",
                "Test software before it is released to users.",
            ],
        ),
        occupation(
            "esco",
            "http://data.europa.eu/esco/occupation/forklift",
            "forklift operator",
            [
                "Drive forklift trucks.",
                "Move pallets around a warehouse.",
                "Load and unload delivery vehicles.",
            ],
        ),
        # Too few statements to be compared.
        occupation(
            "esco",
            "http://data.europa.eu/esco/occupation/auditor",
            "quality auditor",
            ["Audit manufacturing records.", "Inspect raw materials."],
        ),
    ]


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


def test_without_reference_occupations_the_title_names_level_partner_and_domain(
    setup,
):
    iteration = generate_iteration(setup.cycle)

    titles = list(
        iteration.profiles.filter(role_level=setup.role_levels[0]).values_list(
            "title", "title_suggestions"
        )
    )
    assert {title for title, _suggestions in titles} == {
        "Technicians — C&G Manufacturer — Test Quality",
        "Technicians — Automation Integrators — Test Software",
    }
    assert all(suggestions == [] for _title, suggestions in titles)


def test_titles_are_suggested_from_the_nearest_reference_occupations(
    setup, occupations
):
    iteration = generate_iteration(setup.cycle)

    technicians = iteration.profiles.filter(role_level=setup.role_levels[0])
    quality = technicians.get(partner=setup.partners[0])
    software = technicians.get(partner=setup.partners[1])
    assert quality.title == "Quality Control Analysts"
    assert software.title == "Software Developers"
    suggestions = quality.title_suggestions
    assert len(suggestions) == 3
    assert suggestions[0] == {
        "title": "Quality Control Analysts",
        "source": "onet",
        "code": "19-4099.01",
        "score": suggestions[0]["score"],
    }
    scores = [s["score"] for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    assert 0 < scores[0] <= 1
    # The occupation with two statements is never compared.
    assert "quality auditor" not in {s["title"] for s in suggestions}


def test_occupation_centroids_are_cached_for_the_next_run(setup, occupations):
    generate_iteration(setup.cycle)
    cached = Embedding.objects.filter(model=generation.CENTROID_MODEL)
    assert cached.count() == 3

    ReferenceOccupation.objects.get(code="15-1252.00").statements.first().delete()
    generate_iteration(setup.cycle)

    # The changed occupation fell under three statements; the others were reused.
    assert cached.count() == 3
    names, _matrix = generation.occupation_centroids()
    assert [occupation.title for occupation in names] == [
        "forklift operator",
        "Quality Control Analysts",
    ]


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


# --- The task ---------------------------------------------------------------------


def test_the_task_records_progress_and_returns_the_iteration(
    setup, convener, eager_celery
):
    job = BackgroundJob.objects.create(kind="generate_profiles")

    result = generate_profiles.delay(job.pk, setup.cycle.pk, convener.pk).get()

    iteration = Iteration.objects.get()
    assert result == iteration.pk
    assert iteration.created_by == convener
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.message.endswith(f"iteration 1 “Prototype” (id {iteration.pk}).")


def test_the_task_records_why_it_could_not_generate(cycle, eager_celery):
    job = BackgroundJob.objects.create(kind="generate_profiles")

    assert generate_profiles.delay(job.pk, cycle.pk, None).get() is None

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == f"“{cycle}” has no proficiency workshop yet."


def test_the_task_skips_a_job_or_cycle_that_is_gone(db):
    assert generate_profiles(987654, 1, None) is None
    job = BackgroundJob.objects.create(kind="generate_profiles")
    assert generate_profiles(job.pk, 987654, None) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED


# --- The algorithm on hand-made vectors --------------------------------------------


def cluster_around(axis: int, count: int, *, dims: int = 8, seed: int = 0):
    rng = np.random.default_rng(seed + axis)
    vectors = np.zeros((count, dims))
    vectors[:, axis] = 1.0
    vectors += rng.normal(scale=0.05, size=vectors.shape)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def capabilities(ids, partner=1, domain=""):
    return [Capability(pk, f"Capability {pk}", (partner,), domain) for pk in ids]


def test_two_obvious_clusters_make_two_profiles():
    vectors = np.vstack([cluster_around(0, 6), cluster_around(1, 6)])
    # Interleave the ids so that the clusters are not simply the first and last.
    ids = [1, 3, 5, 7, 9, 11, 2, 4, 6, 8, 10, 12]

    groups = group_role_level(capabilities(ids), vectors)

    assert sorted(group.capability_ids for group in groups) == [
        [1, 3, 5, 7, 9, 11],
        [2, 4, 6, 8, 10, 12],
    ]
    assert all(not group.moves for group in groups)


def test_the_order_of_the_input_does_not_matter():
    vectors = np.vstack(
        [cluster_around(0, 7), cluster_around(1, 7), cluster_around(2, 3)]
    )
    items = capabilities(range(1, 18))
    shuffled = np.random.default_rng(1).permutation(len(items))

    first = group_role_level(items, vectors)
    second = group_role_level([items[k] for k in shuffled], vectors[shuffled])

    assert first == second


def test_a_small_group_is_merged_into_the_nearest_even_across_partners():
    vectors = np.vstack(
        [cluster_around(0, 6), cluster_around(1, 6), cluster_around(0, 2, seed=5)]
    )
    items = (
        capabilities(range(1, 7), partner=1)
        + capabilities(range(7, 13), partner=1)
        + capabilities([13, 14], partner=2)
    )

    groups = group_role_level(items, vectors)

    assert [group.capability_ids for group in groups] == [
        [1, 2, 3, 4, 5, 6, 13, 14],
        [7, 8, 9, 10, 11, 12],
    ]
    assert groups[0].partner_id == 1
    assert set(groups[0].moves) == {13, 14}
    assert groups[0].moves[13].kind == "merged"
    text = generation.explain(
        items[12],
        [(14, 0.9)],
        texts={14: "Capability 14"},
        partner_names={1: "One", 2: "Two"},
        profile_partner_id=1,
        move=groups[0].moves[13],
    )
    assert text == (
        "Two; No functional domain; nearest: 'Capability 14' (0.90); merged in "
        "across partners from a group of 2, under the minimum of 5"
    )


def test_a_small_group_with_no_room_anywhere_is_topped_up_from_its_neighbour():
    vectors = np.vstack([cluster_around(0, 9), cluster_around(1, 2)])

    groups = group_role_level(capabilities(range(1, 12)), vectors, max_size=9)

    sizes = sorted(len(group.capability_ids) for group in groups)
    assert sizes == [5, 6]
    small = next(group for group in groups if 10 in group.capability_ids)
    assert {move.kind for move in small.moves.values()} == {"topped_up"}
    assert len(small.moves) == 3


def test_a_group_above_max_size_is_split():
    vectors = cluster_around(0, 30)

    groups = group_role_level(capabilities(range(1, 31)), vectors, max_size=10)

    assert all(5 <= len(group.capability_ids) <= 10 for group in groups)
    assert sorted(pk for group in groups for pk in group.capability_ids) == list(
        range(1, 31)
    )


def test_fewer_than_min_size_in_all_make_one_group():
    vectors = np.vstack([cluster_around(0, 2), cluster_around(1, 1)])
    items = capabilities([1, 2], partner=1) + capabilities([3], partner=2)

    groups = group_role_level(items, vectors)

    assert [group.capability_ids for group in groups] == [[1, 2, 3]]


def test_a_shared_domain_draws_capabilities_together():
    similarity = np.array([[1.0, 0.3, 0.35], [0.3, 1.0, 0.3], [0.35, 0.3, 1.0]])

    plain = generation.distance_matrix(similarity, ["", "", ""], 0.1)
    same = generation.distance_matrix(similarity, ["A", "A", "B"], 0.1)

    assert plain[0, 1] == pytest.approx(0.7)
    assert same[0, 1] == pytest.approx(0.6)
    assert same[0, 2] == pytest.approx(0.65)


def test_average_linkage_agrees_with_scipy():
    rng = np.random.default_rng(7)
    vectors = rng.normal(size=(25, 6))
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    distance = generation.distance_matrix(
        generation.similarity_matrix(vectors), [""] * 25, 0.0
    )

    ours = average_linkage(distance)
    theirs = linkage(squareform(distance, checks=False), method="average")

    assert np.allclose([height for _a, _b, height, _s in ours], theirs[:, 2])
    clusters = cut_tree(ours, 25, cut_distance=0.9, max_size=25)
    labels = fcluster(theirs, t=0.9, criterion="distance")
    assert sorted(clusters) == sorted(
        sorted(np.flatnonzero(labels == label).tolist()) for label in set(labels)
    )


def test_titles_are_ranked_by_cosine_to_the_profile_centroid():
    occupations = [
        Occupation("A", "onet", "1"),
        Occupation("B", "onet", "2"),
        Occupation("C", "esco", "3"),
        Occupation("D", "esco", "4"),
    ]
    centroids = np.eye(4)[[0, 1, 2, 3]] * 1.0
    centroid = np.array([0.6, 0.8, 0.0, 0.0])

    suggestions = suggest_titles(centroid, occupations, centroids)

    assert [(s["title"], s["score"]) for s in suggestions] == [
        ("B", 0.8),
        ("A", 0.6),
        ("C", 0.0),
    ]
    assert suggest_titles(centroid, [], np.zeros((0, 4))) == []
