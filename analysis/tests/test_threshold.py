import pytest

from analysis.threshold import Optimum, optimise, pr_curve

# Positives 4. F1 = 2TP / (2TP + FP + FN) at each threshold, highest first:
# 0.9: 2/5, 0.8: 4/6, 0.7: 4/7, 0.6: 6/8, 0.5: 6/9, 0.4: 6/10, 0.3: 8/11.
LABELLED = [
    (0.5, False),
    (0.9, True),
    (0.3, True),
    (0.7, False),
    (0.6, True),
    (0.4, False),
    (0.8, True),
]


def test_the_best_f1_known_by_hand():
    assert optimise(LABELLED) == Optimum(
        threshold=0.6, precision=0.75, recall=0.75, f1=0.75, n=7
    )


def test_equal_f1_takes_the_higher_threshold():
    # 0.9: TP 1, FP 0, FN 1 -> 2/3; 0.6: TP 2, FP 2, FN 0 -> 4/6.
    labelled = [(0.6, True), (0.7, False), (0.8, False), (0.9, True)]

    optimum = optimise(labelled)

    assert optimum.threshold == 0.9
    assert optimum.f1 == pytest.approx(2 / 3)
    assert (optimum.precision, optimum.recall) == (1.0, 0.5)


def test_no_labels_gives_no_threshold():
    assert optimise([]) is None
    assert pr_curve([]) == []


def test_only_rejections_give_no_threshold():
    assert optimise([(0.8, False), (0.6, False)]) is None


def test_all_accepted_takes_the_lowest_score():
    optimum = optimise([(0.8, True), (0.55, True), (0.7, True)])

    assert optimum == Optimum(threshold=0.55, precision=1.0, recall=1.0, f1=1.0, n=3)


def test_a_single_label():
    assert optimise([(0.61, True)]).threshold == 0.61


def test_equal_scores_share_one_threshold():
    labelled = [(0.7, True), (0.5, True), (0.7, False)]

    assert pr_curve(labelled) == [(0.5, 2 / 3, 1.0), (0.7, 0.5, 0.5)]
    # 0.7: 2/(2+1+1) = 1/2; 0.5: 4/(4+1) = 4/5.
    assert optimise(labelled).threshold == 0.5


def test_pr_curve_by_hand_lowest_threshold_first():
    curve = pr_curve(LABELLED)

    assert [t for t, _, _ in curve] == [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert curve[0] == (0.3, 4 / 7, 1.0)
    assert curve[3] == (0.6, 0.75, 0.75)
    assert curve[-1] == (0.9, 1.0, 0.25)


def test_pr_curve_without_acceptances_has_zero_recall():
    assert pr_curve([(0.4, False), (0.9, False)]) == [(0.4, 0.0, 0.0), (0.9, 0.0, 0.0)]
