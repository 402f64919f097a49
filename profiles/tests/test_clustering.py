"""The grouping algorithm on hand-made vectors: clusters, small and large groups,
the domain bonus, and average linkage checked against SciPy."""

import numpy as np
import pytest
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from profiles import generation
from profiles.generation import Capability, average_linkage, cut_tree, group_role_level


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
