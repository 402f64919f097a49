"""Profile titles: named after level, partner and domain, or suggested from the
nearest reference occupations, whose centroids are cached."""

import numpy as np

from foresight.models import Embedding, ReferenceOccupation
from profiles import generation
from profiles.generation import Occupation, generate_iteration, suggest_titles


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
