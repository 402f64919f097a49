import statistics
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshops.consensus import ItemStats, Rule, is_stable, stability, summarise

DEFAULT = Rule()

ratings = st.lists(st.one_of(st.none(), st.integers(0, 3)), max_size=60)
rated = st.lists(st.integers(0, 3), min_size=1, max_size=60)
rules = st.builds(
    Rule,
    min_n=st.integers(1, 6),
    agreement=st.floats(0, 1),
    iqr_limit=st.floats(0, 3),
    stability_limit=st.floats(0, 1),
)


def test_the_rule_comes_from_the_cycle():
    cycle = SimpleNamespace(
        min_panel_size=5, agreement_threshold=0.8, iqr_limit=0.5, stability_limit=0.2
    )

    assert Rule.for_cycle(cycle) == Rule(
        min_n=5, agreement=0.8, iqr_limit=0.5, stability_limit=0.2
    )


def test_an_odd_panel_has_the_middle_rating_as_proficiency():
    stats = summarise([3, 2, 1, 2, 2], DEFAULT)

    assert stats == ItemStats(
        n=5,
        skipped=0,
        counts=(0, 1, 3, 1),
        median=2.0,
        q1=2.0,
        q3=2.0,
        iqr=0.0,
        agreement=0.6,
        reached=True,
        proficiency=2,
    )


def test_an_even_panel_takes_the_upper_of_the_two_middle_ratings():
    stats = summarise([1, 3, 1, 2], DEFAULT)

    assert stats.median == 1.5
    assert stats.proficiency == 2
    # Sorted 1 1 2 3: Q1 at position 0.75 is 1, Q3 at 2.25 is 2 + 0.25 * (3 - 2).
    assert (stats.q1, stats.q3, stats.iqr) == (1.0, 2.25, 1.25)
    assert stats.agreement == 0.5
    assert not stats.reached


@pytest.mark.parametrize("values", [[None, None, None], []])
def test_an_item_nobody_rated_has_no_statistics(values):
    stats = summarise(values, DEFAULT)

    assert stats == ItemStats(
        n=0,
        skipped=len(values),
        counts=(0, 0, 0, 0),
        median=None,
        q1=None,
        q3=None,
        iqr=None,
        agreement=None,
        reached=False,
        proficiency=None,
    )


def test_a_single_rater_agrees_with_themself_but_is_too_few():
    stats = summarise([None, 2], DEFAULT)

    assert (stats.n, stats.skipped) == (1, 1)
    assert (stats.median, stats.q1, stats.q3, stats.iqr) == (2.0, 2.0, 2.0, 0.0)
    assert stats.agreement == 1.0
    assert stats.proficiency == 2
    assert not stats.reached
    assert summarise([2], Rule(min_n=1)).reached


def test_a_tie_at_the_mode_counts_one_modal_level():
    stats = summarise([0, 3, 0, 3], DEFAULT)

    assert stats.counts == (2, 0, 0, 2)
    assert stats.agreement == 0.5
    assert stats.median == 1.5
    assert stats.proficiency == 3
    assert stats.iqr == 3.0
    assert not stats.reached


def test_an_iqr_of_exactly_the_limit_reaches_consensus():
    stats = summarise([1, 2, None, 1, 2], DEFAULT)

    # Sorted 1 1 2 2: Q1 at position 0.75 is 1, Q3 at 2.25 is 2.
    assert (stats.q1, stats.q3, stats.iqr) == (1.0, 2.0, 1.0)
    assert stats.agreement == 0.5
    assert stats.reached
    assert not summarise([1, 2, 1, 2], Rule(iqr_limit=0.99)).reached


def test_an_agreement_of_exactly_the_threshold_reaches_consensus():
    seven_of_ten = summarise([0, 0, 0] + [2] * 7, DEFAULT)
    six_of_nine = summarise([0, 0, 0] + [2] * 6, DEFAULT)

    # Both spread too widely for the IQR rule: Q1 is 0.5 and 0, Q3 is 2.
    assert seven_of_ten.iqr == 1.5
    assert six_of_nine.iqr == 2.0
    assert seven_of_ten.agreement == 0.7
    assert seven_of_ten.reached
    assert not six_of_nine.reached


def test_full_agreement_below_the_minimum_panel_is_not_consensus():
    stats = summarise([3, 3], DEFAULT)

    assert stats.agreement == 1.0
    assert stats.iqr == 0.0
    assert not stats.reached
    assert summarise([3, 3, 3], DEFAULT).reached


def test_a_rating_off_the_scale_is_refused():
    with pytest.raises(ValueError, match="level 0 to 3"):
        summarise([1, 4], DEFAULT)


def test_stability_counts_only_those_who_rated_in_both_rounds():
    previous = {"a": 1, "b": 2, "c": 3, "d": None, "e": 2}
    current = {"a": 1, "b": 3, "c": 3, "d": 2, "f": 1}

    # a, b and c rated both times (d skipped before, e is gone, f is new); b changed.
    assert stability(previous, current) == pytest.approx(1 / 3)
    assert stability({"a": 1}, {"a": None, "b": 2}) is None
    assert stability({}, {}) is None


def test_a_round_is_stable_up_to_and_including_the_limit():
    assert is_stable(0.15, DEFAULT)
    assert is_stable(0.0, DEFAULT)
    assert not is_stable(0.16, DEFAULT)
    assert is_stable(None, DEFAULT) is None


@given(ratings, rules)
def test_counts_add_up_to_n_and_skips_make_up_the_rest(values, rule):
    stats = summarise(values, rule)

    assert sum(stats.counts) == stats.n
    assert stats.n + stats.skipped == len(values)


@given(ratings, rules)
def test_agreement_is_a_share(values, rule):
    stats = summarise(values, rule)

    if stats.n:
        assert 0.25 <= stats.agreement <= 1
    else:
        assert stats.agreement is None


@given(ratings, rules)
def test_the_proficiency_is_a_level_somebody_rated(values, rule):
    stats = summarise(values, rule)

    rated_levels = {value for value in values if value is not None}
    if rated_levels:
        assert stats.proficiency in rated_levels
    else:
        assert stats.proficiency is None


@given(st.data(), ratings, rules)
def test_the_order_of_the_ratings_changes_nothing(data, values, rule):
    shuffled = data.draw(st.permutations(values))

    assert summarise(shuffled, rule) == summarise(values, rule)


@given(rated)
def test_the_statistics_match_the_standard_library(values):
    stats = summarise(values, DEFAULT)

    assert stats.median == statistics.median(values)
    assert stats.proficiency == statistics.median_high(values)
    if len(values) > 1:
        # statistics.quantiles' "inclusive" method is the same interpolation.
        q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
        assert (stats.q1, stats.q3) == (pytest.approx(q1), pytest.approx(q3))


@given(ratings, rules)
def test_consensus_needs_the_minimum_panel(values, rule):
    stats = summarise(values, rule)

    if stats.reached:
        assert stats.n >= rule.min_n


@given(
    st.dictionaries(
        st.sampled_from("abcdefgh"), st.one_of(st.none(), st.integers(0, 3))
    )
)
def test_nobody_changes_when_the_rounds_are_the_same(answers):
    share = stability(answers, answers)

    rated_both = any(value is not None for value in answers.values())
    assert share == (0.0 if rated_both else None)
