"""Delphi consensus of one proficiency item, and stability between two rounds.

Plain Python on purpose: the rule is stated in DESIGN.md ("Delphi consensus") and
tested here without a database. Ratings are levels of the ordinal scale 0..3;
None is "can't judge", counted as skipped and left out of every statistic.
"""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

LEVELS = range(4)


@dataclass(frozen=True)
class Rule:
    """When an item has reached consensus and when it is stable (set per cycle)."""

    min_n: int = 3
    agreement: float = 0.70
    iqr_limit: float = 1.0
    stability_limit: float = 0.15

    @classmethod
    def for_cycle(cls, cycle) -> "Rule":
        """The rule a cycle sets (anything with the Cycle model's four fields)."""
        return cls(
            min_n=cycle.min_panel_size,
            agreement=cycle.agreement_threshold,
            iqr_limit=cycle.iqr_limit,
            stability_limit=cycle.stability_limit,
        )


@dataclass(frozen=True)
class ItemStats:
    n: int
    skipped: int
    # How many rated each level, 0 to 3.
    counts: tuple[int, int, int, int]
    median: float | None
    q1: float | None
    q3: float | None
    iqr: float | None
    agreement: float | None
    reached: bool
    proficiency: int | None


def summarise(values: Iterable[int | None], rule: Rule) -> ItemStats:
    """The statistics of one item's ratings and whether they reach consensus.

    - agreement: the share of ratings at the modal level; when levels tie for the
      mode it is still the count of one of them over n.
    - median: the conventional median (the mean of the two middle values for an
      even n, so it may end in .5).
    - q1, q3: quartiles by linear interpolation between order statistics, the
      method of numpy's default percentile, R's type 7 and spreadsheets'
      QUARTILE.INC, so a convener can check a figure in a spreadsheet. The
      p-quantile of sorted x[0..n-1] sits at position h = (n - 1) * p:
      x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]).
      For one rating both quartiles are that rating.
    - reached: n >= rule.min_n and (agreement >= rule.agreement or
      iqr <= rule.iqr_limit).
    - proficiency: the upper median, always one of the rated levels.

    With no ratings (n = 0) every statistic is None and consensus is not reached.
    """
    counts, skipped = _count(values)
    n = sum(counts)
    if n == 0:
        return ItemStats(
            n=0,
            skipped=skipped,
            counts=counts,
            median=None,
            q1=None,
            q3=None,
            iqr=None,
            agreement=None,
            reached=False,
            proficiency=None,
        )

    ordered = [level for level in LEVELS for _ in range(counts[level])]
    q1, q3 = _quantile(ordered, 0.25), _quantile(ordered, 0.75)
    agreement = max(counts) / n
    reached = n >= rule.min_n and (
        agreement >= rule.agreement or q3 - q1 <= rule.iqr_limit
    )
    return ItemStats(
        n=n,
        skipped=skipped,
        counts=counts,
        median=float(statistics.median(ordered)),
        q1=q1,
        q3=q3,
        iqr=q3 - q1,
        agreement=agreement,
        reached=reached,
        # DESIGN.md, "Delphi consensus": the consensus proficiency is the median,
        # and for an even n the upper of the two middle values. Index n // 2 is
        # the middle value for an odd n and the upper middle one for an even n,
        # so the result is always a level somebody chose, never a half step.
        proficiency=ordered[n // 2],
    )


def _count(values: Iterable[int | None]) -> tuple[tuple[int, int, int, int], int]:
    counts = [0, 0, 0, 0]
    skipped = 0
    for value in values:
        if value is None:
            skipped += 1
        elif isinstance(value, int) and 0 <= value <= 3:
            counts[value] += 1
        else:
            raise ValueError(f"A rating must be a level 0 to 3 or None, not {value!r}.")
    return tuple(counts), skipped


def _quantile(ordered: Sequence[int], p: float) -> float:
    # (n - 1) * p is a multiple of 0.25 for the quartiles, so this is exact.
    position = (len(ordered) - 1) * p
    below = int(position)
    fraction = position - below
    if fraction == 0:
        return float(ordered[below])
    return ordered[below] + fraction * (ordered[below + 1] - ordered[below])


def stability(
    previous: Mapping[str, int | None], current: Mapping[str, int | None]
) -> float | None:
    """The share of panellists who changed their rating of an item between rounds.

    Both mappings are respondent -> rating for the same item in two rounds. Only
    respondents who gave a rating (not None) both times count; None when there
    are none.
    """
    both = [
        (before, current.get(respondent))
        for respondent, before in previous.items()
        if before is not None and current.get(respondent) is not None
    ]
    if not both:
        return None
    return sum(before != after for before, after in both) / len(both)


def is_stable(share: float | None, rule: Rule) -> bool | None:
    """Whether a changed share is within the rule's limit; None when unknown."""
    if share is None:
        return None
    return share <= rule.stability_limit
