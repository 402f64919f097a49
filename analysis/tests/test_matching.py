import math

import numpy as np
import pytest

from analysis import matching
from analysis.matching import (
    best_scores,
    eligible_for_range,
    eligible_levels,
    is_level_eligible,
    is_served,
    scores_in_blocks,
    top_matches,
)


def unit(*rows: list[float]) -> np.ndarray:
    vectors = np.array(rows, dtype=np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def random_unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def brute_top(scores: np.ndarray, threshold: float, k: int) -> list[list[int]]:
    """The rule spelled out: sort by score desc then index, keep k plus any at
    or above the threshold."""
    result = []
    for row in scores:
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))
        result.append(
            [
                j
                for rank, j in enumerate(order)
                if rank < k or row[j] >= threshold - matching.SCORE_TOLERANCE
            ]
        )
    return result


CAPABILITIES = unit([1, 0, 0], [0, 1, 0], [1, 1, 0])
DUTIES = unit([1, 0, 0], [0, 0, 1], [-1, 0, 0], [1, 1, 0], [0.6, 0.8, 0])


def test_scores_are_cosines_of_known_vectors():
    (start, scores), *rest = scores_in_blocks(CAPABILITIES, DUTIES)

    assert start == 0 and rest == []
    half = math.sqrt(0.5)
    expected = [
        [1, 0, 0, half, 0.6],
        [0, 0, 0, half, 0.8],
        [half, 0, 0, 1, (0.6 + 0.8) * half],
    ]
    np.testing.assert_allclose(scores, expected, atol=1e-6)
    assert scores.dtype == np.float32


def test_negative_cosine_is_clipped_to_zero():
    (_, scores), *_ = scores_in_blocks(unit([1, 0]), unit([-1, 0], [-1, 1]))

    assert scores.tolist() == [[0.0, 0.0]]


def test_blocks_cover_every_row_once_and_equal_one_product():
    rng = np.random.default_rng(1)
    capabilities, duties = random_unit(rng, 10), random_unit(rng, 7)

    blocks = list(scores_in_blocks(capabilities, duties, block=3))

    assert [start for start, _ in blocks] == [0, 3, 6, 9]
    assert [len(scores) for _, scores in blocks] == [3, 3, 3, 1]
    # BLAS may round a 3-row product differently from a 10-row one.
    whole = np.clip(capabilities @ duties.T, 0, 1)
    np.testing.assert_allclose(np.vstack([s for _, s in blocks]), whole, atol=1e-6)


def test_top_k_of_known_vectors_best_first():
    matches = top_matches(CAPABILITIES, DUTIES, threshold=0.99, k=2)

    assert [[j for j, _ in row] for row in matches] == [[0, 3], [4, 3], [3, 4]]
    assert matches[0][0][1] == pytest.approx(1.0)
    assert matches[1][0][1] == pytest.approx(0.8)


def test_every_duty_above_threshold_is_kept_beyond_k():
    matches = top_matches(CAPABILITIES, DUTIES, threshold=0.5, k=1)

    assert [[j for j, _ in row] for row in matches] == [
        [0, 3, 4],
        [4, 3],
        [3, 4, 0],
    ]


def test_ties_go_to_the_lower_duty_index():
    # Every duty scores 0 against this capability (all clipped negatives).
    capability = unit([1, 0])
    duties = unit([-1, 0], [-1, 1], [-1, -1], [0, 1], [-2, 1])

    matches = top_matches(capability, duties, threshold=0.54, k=3)

    assert matches == [[(0, 0.0), (1, 0.0), (2, 0.0)]]


def test_ties_at_kth_place_with_many_columns_and_a_sample(monkeypatch):
    # Force the column-sample path on a small matrix full of ties.
    monkeypatch.setattr(matching, "SAMPLE_COLUMNS", 2)
    rng = np.random.default_rng(7)
    capabilities = random_unit(rng, 9, dim=3)
    duties = np.repeat(random_unit(rng, 4, dim=3), 5, axis=0)

    matches = top_matches(capabilities, duties, threshold=0.9, k=4, block=4)

    scores = np.vstack([s for _, s in scores_in_blocks(capabilities, duties, block=4)])
    assert [[j for j, _ in row] for row in matches] == brute_top(scores, 0.9, 4)


@pytest.mark.parametrize("block", [1, 3, 2048])
@pytest.mark.parametrize("k", [0, 1, 5, 40])
def test_top_matches_equal_the_rule_spelled_out(block, k, monkeypatch):
    monkeypatch.setattr(matching, "SAMPLE_COLUMNS", 4)
    rng = np.random.default_rng(k * 100 + block)
    capabilities, duties = random_unit(rng, 11, dim=4), random_unit(rng, 30, dim=4)

    matches = top_matches(capabilities, duties, threshold=0.8, k=k, block=block)

    blocks = scores_in_blocks(capabilities, duties, block=block)
    scores = np.vstack([scores for _, scores in blocks])
    assert [[j for j, _ in row] for row in matches] == brute_top(scores, 0.8, k)
    for row, found in zip(scores, matches, strict=True):
        assert [value for _, value in found] == [float(row[j]) for j, _ in found]


def test_k_larger_than_duties_gives_them_all():
    matches = top_matches(CAPABILITIES[:1], DUTIES, threshold=0.54, k=50)

    assert sorted(j for j, _ in matches[0]) == [0, 1, 2, 3, 4]


def test_no_duties_or_no_capabilities():
    empty_duties = np.zeros((0, 3), dtype=np.float32)
    empty_capabilities = np.zeros((0, 3), dtype=np.float32)

    assert top_matches(CAPABILITIES, empty_duties, threshold=0.54) == [[], [], []]
    assert top_matches(empty_capabilities, DUTIES, threshold=0.54) == []
    assert best_scores(CAPABILITIES, empty_duties).tolist() == [0, 0, 0]


def test_a_score_of_exactly_the_threshold_is_served():
    other = math.sqrt(1 - 0.54**2)
    capability, duty = unit([1, 0]), np.array([[0.54, other]], dtype=np.float32)

    [[(index, score)]] = top_matches(capability, duty, threshold=0.54, k=0)

    assert index == 0 and score == pytest.approx(0.54)
    assert is_served(score, 0.54, approved=False)
    # One float32 step below 0.54 is rounding, still at the threshold.
    assert is_served(float(np.nextafter(np.float32(0.54), 0)), 0.54, approved=False)
    assert not is_served(0.5399, 0.54, approved=False)


def test_threshold_boundary_in_top_matches():
    duties = np.array(
        [[0.5399, math.sqrt(1 - 0.5399**2)], [0.54, math.sqrt(1 - 0.54**2)]],
        dtype=np.float32,
    )

    matches = top_matches(unit([1, 0]), duties, threshold=0.54, k=0)

    assert [j for j, _ in matches[0]] == [1]


def test_best_scores_in_blocks():
    best = best_scores(CAPABILITIES, DUTIES, block=2)

    np.testing.assert_allclose(best, [1, 0.8, 1], atol=1e-6)


def test_served_by_approval_whatever_the_score():
    assert is_served(0.1, 0.54, approved=True)
    assert is_served(0.6, 0.54, approved=False)
    assert not is_served(0.1, 0.54, approved=False)


def test_a_level_6_profile_sees_levels_5_to_7():
    assert list(eligible_levels(6)) == [5, 6, 7]
    assert [is_level_eligible(6, level) for level in range(3, 10)] == [
        False,
        False,
        True,
        True,
        True,
        False,
        False,
    ]


def test_a_level_range_reaches_one_beyond_each_end():
    assert not eligible_for_range(4, 6, 2)
    assert eligible_for_range(4, 6, 3)
    assert eligible_for_range(4, 6, 5)
    assert eligible_for_range(4, 6, 7)
    assert not eligible_for_range(4, 6, 8)
    assert eligible_for_range(6, 6, 5) and not eligible_for_range(6, 6, 8)


def test_an_inverted_level_range_is_an_error():
    with pytest.raises(ValueError):
        eligible_for_range(6, 4, 5)


@pytest.mark.parametrize("seed", range(40))
def test_top_matches_with_many_ties_equal_the_rule(seed, monkeypatch):
    # Small integer vectors give many equal scores, and many clipped to 0.
    rng = np.random.default_rng(seed)
    monkeypatch.setattr(matching, "SAMPLE_COLUMNS", int(rng.integers(1, 6)))
    shift = np.array([0.5, 0, 0])
    capabilities = rng.integers(-2, 3, (int(rng.integers(1, 20)), 3)) + shift
    duties = rng.integers(-2, 3, (int(rng.integers(1, 60)), 3)) + shift[::-1]
    capabilities, duties = unit(*capabilities), unit(*duties)
    k, block, threshold = (
        int(rng.integers(0, 12)),
        int(rng.integers(1, 8)),
        rng.random(),
    )

    matches = top_matches(capabilities, duties, threshold=threshold, k=k, block=block)

    blocks = scores_in_blocks(capabilities, duties, block=block)
    scores = np.vstack([scores for _, scores in blocks])
    assert [[j for j, _ in row] for row in matches] == brute_top(scores, threshold, k)
