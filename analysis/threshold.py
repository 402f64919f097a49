"""The match threshold that best agrees with reviewers' decisions.

Each labelled pair is (score, accepted): accepted True for a pair a reviewer
approved, False for one rejected. A threshold t predicts "match" for every
pair scoring at or above t. Only the labelled scores are tried as thresholds:
between two neighbouring scores every threshold makes the same predictions.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Optimum:
    threshold: float
    precision: float
    recall: float
    f1: float
    n: int  # labelled pairs the choice rests on


def _counts(
    labelled: Sequence[tuple[float, bool]],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct scores, highest first, with the accepted and rejected pairs
    scoring at or above each."""
    scores = np.array([score for score, _ in labelled], dtype=np.float64)
    accepted = np.array([bool(label) for _, label in labelled])

    order = np.argsort(-scores, kind="stable")
    scores, accepted = scores[order], accepted[order]
    true_positives = np.cumsum(accepted)
    false_positives = np.cumsum(~accepted)

    # The last pair of each run of equal scores carries the counts for it.
    last = np.flatnonzero(np.append(scores[1:] != scores[:-1], True))
    return scores[last], true_positives[last], false_positives[last]


def pr_curve(
    labelled: Sequence[tuple[float, bool]],
) -> list[tuple[float, float, float]]:
    """(threshold, precision, recall) at each distinct labelled score, from the
    lowest threshold to the highest. Recall is 0 throughout when nothing was
    accepted; precision is never undefined, since each threshold is a labelled
    score and so predicts at least one pair."""
    if not labelled:
        return []
    thresholds, tp, fp = _counts(labelled)
    positives = tp[-1]

    precision = tp / (tp + fp)
    recall = tp / positives if positives else np.zeros_like(precision)
    curve = zip(thresholds.tolist(), precision.tolist(), recall.tolist(), strict=True)
    return list(curve)[::-1]


def optimise(labelled: Sequence[tuple[float, bool]]) -> Optimum | None:
    """The threshold with the highest F1 on the labelled pairs; of equal F1s the
    higher threshold (fewer pairs to review). None without labels, or without
    an accepted pair, when every threshold scores F1 = 0 and none is better."""
    if not labelled:
        return None
    thresholds, tp, fp = _counts(labelled)
    positives = tp[-1]
    if not positives:
        return None

    precision = tp / (tp + fp)
    recall = tp / positives
    # 2PR / (P + R) written in counts: exact for equal ratios, never 0/0 here.
    f1 = 2 * tp / (2 * tp + fp + (positives - tp))
    # Thresholds run from high to low, so argmax's first maximum is the higher.
    best = int(np.argmax(f1))
    return Optimum(
        threshold=float(thresholds[best]),
        precision=float(precision[best]),
        recall=float(recall[best]),
        f1=float(f1[best]),
        n=len(labelled),
    )
