import pytest

from analysis import fit
from analysis.fit import (
    Bands,
    Profile,
    Standard,
    Suitability,
    assess,
    effective_pairs,
    fit_factor,
    priorities,
    standard_fit,
    suitability,
    surplus_factor,
    top_standards,
)

# Capabilities 1-4; standard A has duties 10-12, B 20-21.
PROFILE = Profile("FOP-1", frozenset({1, 2, 3, 4}))
A = Standard("ST0001", frozenset({10, 11, 12}))
B = Standard("ST0002", frozenset({20, 21}))
PAIRS = {(1, 10), (2, 10), (3, 11), (1, 20)}


def test_fit_and_surplus_by_hand():
    # A: capabilities 1, 2, 3 matched -> 3/4; duty 12 matches none -> 1/3.
    assert fit_factor(PROFILE, A, PAIRS) == 0.75
    assert surplus_factor(PROFILE, A, PAIRS) == pytest.approx(1 / 3)
    # B: capability 1 only -> 1/4; duty 21 unmatched -> 1/2.
    assert fit_factor(PROFILE, B, PAIRS) == 0.25
    assert surplus_factor(PROFILE, B, PAIRS) == 0.5


def test_fit_names_what_matched():
    fit = standard_fit(PROFILE, A, PAIRS)

    assert fit.matched_capabilities == {1, 2, 3}
    assert fit.unmatched_duties == {12}


def test_fit_and_surplus_need_not_add_to_one():
    fit = standard_fit(PROFILE, Standard("ST9", frozenset({10})), PAIRS)

    assert (fit.fit, fit.surplus) == (0.5, 0.0)


def test_pairs_of_other_profiles_and_standards_do_not_count():
    pairs = {(99, 10), (1, 99)}

    assert fit_factor(PROFILE, A, pairs) == 0.0
    assert surplus_factor(PROFILE, A, pairs) == 1.0


def test_a_standard_without_duties_is_excluded():
    empty = Standard("ST0000", frozenset())

    assert standard_fit(PROFILE, empty, PAIRS) is None
    assert fit_factor(PROFILE, empty, PAIRS) is None
    assert [fit.reference for fit in top_standards(PROFILE, [empty, B], PAIRS)] == [
        "ST0002"
    ]


def test_a_profile_without_capabilities_fits_nothing():
    fit = standard_fit(Profile("FOP-0", frozenset()), A, PAIRS)

    assert (fit.fit, fit.surplus) == (0.0, 1.0)


def test_effective_pairs_apply_threshold_and_decisions():
    scored = [(1, 10, 0.9), (2, 10, 0.54), (3, 11, 0.5399), (4, 12, 0.2)]

    pairs = effective_pairs(scored, 0.54, accepted=set(), rejected=set())

    assert pairs == {(1, 10), (2, 10)}


def test_a_rejected_pair_is_unmatched_whatever_its_score():
    scored = [(1, 10, 0.9), (2, 10, 0.8)]

    pairs = effective_pairs(scored, 0.54, accepted=set(), rejected={(1, 10)})

    assert pairs == {(2, 10)}
    assert fit_factor(PROFILE, A, pairs) == 0.25


def test_an_accepted_low_score_pair_is_matched():
    scored = [(1, 10, 0.9), (4, 12, 0.1)]

    pairs = effective_pairs(scored, 0.54, accepted={(4, 12)}, rejected=set())

    assert pairs == {(1, 10), (4, 12)}
    assert fit_factor(PROFILE, A, pairs) == 0.5
    assert surplus_factor(PROFILE, A, pairs) == pytest.approx(1 / 3)


def test_an_accepted_pair_need_not_have_been_scored():
    pairs = effective_pairs([], 0.54, accepted={(3, 12)}, rejected=set())

    assert pairs == {(3, 12)}


def test_a_rejection_wins_over_an_acceptance_of_the_same_pair():
    pairs = effective_pairs(
        [(1, 10, 0.9)], 0.54, accepted={(1, 10)}, rejected={(1, 10)}
    )

    assert pairs == set()


def test_top_standards_by_fit_then_lower_surplus_then_reference():
    profile = Profile("FOP-2", frozenset({1, 2}))
    standards = [
        Standard("ST-low", frozenset({30})),  # fit 0
        Standard("ST-b", frozenset({10, 11})),  # fit 1/2, surplus 1/2
        Standard("ST-a", frozenset({10, 12})),  # fit 1/2, surplus 1/2
        Standard("ST-lean", frozenset({10})),  # fit 1/2, surplus 0
        Standard("ST-best", frozenset({10, 20})),  # fit 1, surplus 0
    ]
    pairs = {(1, 10), (2, 20)}

    ranked = top_standards(profile, standards, pairs)

    assert [fit.reference for fit in ranked] == [
        "ST-best",
        "ST-lean",
        "ST-a",
        "ST-b",
        "ST-low",
    ]
    assert [fit.reference for fit in top_standards(profile, standards, pairs, n=2)] == [
        "ST-best",
        "ST-lean",
    ]


def test_ties_at_tenth_place_are_settled_by_reference():
    # Twelve standards that all fit 1/2 with surplus 0: the first ten by name.
    standards = [Standard(f"ST{i:04}", frozenset({10})) for i in range(12, 0, -1)]
    profile = Profile("FOP-3", frozenset({1, 2}))

    ranked = top_standards(profile, standards, {(1, 10)})

    assert [fit.reference for fit in ranked] == [f"ST{i:04}" for i in range(1, 11)]


def test_top_standards_accept_a_prebuilt_index():
    index = {1: {10, 20}, 2: {10}, 3: {11}}

    assert [fit.reference for fit in top_standards(PROFILE, [B, A], index)] == [
        "ST0001",
        "ST0002",
    ]


@pytest.mark.parametrize(
    ("fit", "surplus", "band"),
    [
        (0.75, 0.5, Suitability.HIGH),
        (1.0, 0.0, Suitability.HIGH),
        (0.75, 0.51, Suitability.SOME),
        (0.74, 0.0, Suitability.SOME),
        (0.5, 0.9, Suitability.SOME),
        (0.49, 0.0, Suitability.LOW),
        (0.0, 1.0, Suitability.LOW),
        (None, None, Suitability.LOW),
    ],
)
def test_suitability_bands(fit, surplus, band):
    assert suitability(fit, surplus) is band


def test_suitability_bands_are_configurable():
    bands = Bands(high_fit=0.9, high_surplus=0.2, some_fit=0.3)

    assert suitability(0.8, 0.1, bands) is Suitability.SOME
    assert suitability(0.9, 0.2, bands) is Suitability.HIGH
    assert suitability(0.3, 0.9, bands) is Suitability.SOME
    assert suitability(0.29, 0.0, bands) is Suitability.LOW


def test_assess_finds_best_standard_unserved_capabilities_and_band():
    result = assess(PROFILE, [B, A], PAIRS)

    assert result.best.reference == "ST0001"
    assert result.best_fit == 0.75
    assert result.unserved == {4}
    assert result.suitability is Suitability.HIGH


def test_assess_with_no_comparable_standard():
    result = assess(PROFILE, [Standard("ST0000", frozenset())], PAIRS)

    assert result.top == ()
    assert result.best is None and result.best_fit == 0.0
    assert result.unserved == {1, 2, 3, 4}
    assert result.suitability is Suitability.LOW


def test_priorities_most_unserved_first_then_lowest_best_fit():
    standards = [A, B]
    profiles = [
        Profile("FOP-a", frozenset({1, 2, 3, 4})),  # 1 unserved, best fit 3/4
        Profile("FOP-b", frozenset({5, 6, 1})),  # 2 unserved, best fit 1/3
        Profile("FOP-c", frozenset({7, 8, 3})),  # 2 unserved, best fit 1/3
        Profile("FOP-d", frozenset({1, 2})),  # 0 unserved, best fit 1
        Profile("FOP-e", frozenset({4, 5, 6, 3, 2})),  # 3 unserved, best fit 2/5
        Profile("FOP-f", frozenset({7, 1})),  # 1 unserved, best fit 1/2
    ]

    ranked = priorities(assess(profile, standards, PAIRS) for profile in profiles)

    assert [(p.reference, len(p.unserved)) for p in ranked] == [
        ("FOP-e", 3),
        ("FOP-b", 2),
        ("FOP-c", 2),
        ("FOP-f", 1),
        ("FOP-a", 1),
        ("FOP-d", 0),
    ]


def test_the_review_rule_names_the_stored_decisions():
    from analysis.models import Decision

    assert (fit.ACCEPT, fit.REJECT) == (Decision.ACCEPT, Decision.REJECT)


def test_pairs_after_review_applies_each_rows_latest_decision():
    rows = [
        (1, 10, 0.60, None),  # above the threshold: counts
        (1, 11, 0.70, "reject"),  # rejected: never counts
        (2, 12, 0.30, "accept"),  # accepted below the threshold: counts
        (2, 13, 0.30, "partial"),  # partial: the score decides, and it is low
        (3, 14, 0.54, "partial"),  # exactly the threshold: counts
    ]

    assert fit.pairs_after_review(rows, 0.54) == {(1, 10), (2, 12), (3, 14)}
