"""Match scores between capabilities and duties, and level eligibility.

Pure rules over numpy arrays: the caller loads the sentence embeddings (unit
float32 rows) and stores what comes back. A match score is the cosine
similarity clipped to 0..1; for unit rows that is the dot product.

Scores are float32, so a pair whose score "is" the threshold may come out a
rounding step below it (0.54 is not exact in binary, and a 384-term dot product
carries an error of a few 1e-8). Every comparison with the threshold therefore
allows `SCORE_TOLERANCE`: a score within a millionth below the threshold counts
as at it, so a score of exactly 0.54 is served by a threshold of 0.54.
"""

from collections.abc import Iterator

import numpy as np

SCORE_TOLERANCE = 1e-6

# top_matches bounds each row's k-th best score from a sample of this many duty
# columns (the sample's k-th best can only be lower), so only the few scores at
# or above the bound are sorted. Below twice this many duties it uses them all.
SAMPLE_COLUMNS = 2048


def scores_in_blocks(
    capabilities: np.ndarray, duties: np.ndarray, *, block: int = 2048
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield (first row, scores of rows first..first+block) so that the whole
    capabilities x duties matrix is never held at once.

    Each block is a fresh float32 array the caller may keep or overwrite.
    """
    if block < 1:
        raise ValueError("block must be at least 1")
    capabilities = np.asarray(capabilities, dtype=np.float32)
    duties = np.asarray(duties, dtype=np.float32)

    for start in range(0, len(capabilities), block):
        scores = capabilities[start : start + block] @ duties.T
        # Clipping in place: no second block-sized array.
        np.clip(scores, 0.0, 1.0, out=scores)
        yield start, scores


def at_or_above(scores: np.ndarray | float, threshold: float) -> np.ndarray | bool:
    """Whether each score is at the threshold (within the tolerance) or above."""
    return scores >= threshold - SCORE_TOLERANCE


def top_matches(
    capabilities: np.ndarray,
    duties: np.ndarray,
    *,
    threshold: float,
    k: int = 10,
    block: int = 2048,
) -> list[list[tuple[int, float]]]:
    """For each capability, its k best duties and every other duty at or above
    the threshold, as (duty index, score) from best to worst.

    Equal scores rank by the lower duty index, so which duty makes the k-th
    place is always the same. Work is per block of rows, without a Python loop
    over pairs. Instead of an argpartition of every row (which costs three
    times the product itself), a lower bound on each row's k-th best score,
    from np.partition of a column sample, leaves a few dozen candidates a row,
    which one stable argsort puts in order.
    """
    if k < 0:
        raise ValueError("k must not be negative")
    duties = np.asarray(duties, dtype=np.float32)
    n_duties = len(duties)
    k = min(k, n_duties)
    cutoff = np.float32(threshold - SCORE_TOLERANCE)
    matches: list[list[tuple[int, float]]] = []

    for _start, scores in scores_in_blocks(capabilities, duties, block=block):
        if k == 0:
            rows, cols = np.nonzero(scores >= cutoff)
        else:
            rows, cols = _candidates(scores, k, cutoff)
        # Adding 0 turns a -0.0 into 0.0, whose bits sort with the others.
        values = scores[rows, cols] + np.float32(0)

        # One stable sort on (row, score descending): for scores of 0..1 the
        # float32 bits order as the numbers do, and np.nonzero already listed
        # each row's columns in ascending order, so ties stay in duty order.
        descending = np.uint32(0xFFFFFFFF) - values.view(np.uint32)
        key = (rows.astype(np.uint64) << np.uint64(32)) | descending
        order = np.argsort(key, kind="stable")
        rows, cols, values = rows[order], cols[order], values[order]

        counts = np.bincount(rows, minlength=len(scores))
        rank = np.arange(len(rows)) - (np.cumsum(counts) - counts)[rows]
        keep = (rank < k) | (values >= cutoff)
        rows, cols, values = rows[keep], cols[keep], values[keep]

        ends = np.cumsum(np.bincount(rows, minlength=len(scores)))
        pairs = list(zip(cols.tolist(), values.tolist(), strict=True))
        begin = 0
        for end in ends.tolist():
            matches.append(pairs[begin:end])
            begin = end

    if len(matches) < len(capabilities):
        # Zero duties still yields blocks, but zero capabilities none.
        matches.extend([] for _ in range(len(capabilities) - len(matches)))
    return matches


def _candidates(
    scores: np.ndarray, k: int, cutoff: np.float32
) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) of a block holding every row's k best (ties to the lower
    column) and every score at or above the cutoff, plus a few more."""
    n_cols = scores.shape[1]
    size = max(SAMPLE_COLUMNS, k)
    # Every step-th column: at least `size` of them, so at least k.
    sample = scores if n_cols <= 2 * size else scores[:, :: n_cols // size]
    # The sample's k-th best is at most the row's k-th best.
    bound = np.partition(sample, -k, axis=1)[:, -k]

    # scores > floor: above the bound, or at or above the cutoff.
    floor = np.minimum(bound, np.nextafter(cutoff, np.float32(-np.inf)))
    wanted = scores > floor[:, None]
    rows, cols = np.nonzero(wanted)

    # A row with fewer than k scores above its bound (below the cutoff) has the
    # bound for its k-th best: fill its last places with the lowest-index
    # columns scoring exactly that. Rare with a sample; every row without one.
    above = np.bincount(rows, minlength=len(scores))
    short = np.flatnonzero((above < k) & (bound < cutoff))
    if len(short):
        tied = scores[short] == bound[short, None]
        place = np.cumsum(tied, axis=1, dtype=np.int32)
        wanted[short] |= tied & (place <= (k - above[short])[:, None])
        rows, cols = np.nonzero(wanted)
    return rows, cols


def best_scores(
    capabilities: np.ndarray, duties: np.ndarray, *, block: int = 2048
) -> np.ndarray:
    """Each capability's best score over all duties (0 when there are none)."""
    best = np.zeros(len(capabilities), dtype=np.float32)
    if len(duties) == 0:
        return best
    for start, scores in scores_in_blocks(capabilities, duties, block=block):
        best[start : start + len(scores)] = scores.max(axis=1)
    return best


def is_served(best: float, threshold: float, approved: bool) -> bool:
    """A capability is served by current provision when its best score is at or
    above the threshold, or a reviewer approved one of its matches."""
    return approved or bool(at_or_above(best, threshold))


def eligible_levels(profile_level: int) -> range:
    """Standard levels a profile is compared with: within one of its own."""
    return range(profile_level - 1, profile_level + 2)


def is_level_eligible(profile_level: int, standard_level: int) -> bool:
    return standard_level in eligible_levels(profile_level)


def eligible_for_range(low: int, high: int, standard_level: int) -> bool:
    """For a role level spanning levels low..high: within one of the span."""
    if low > high:
        raise ValueError(f"level range {low}..{high} is empty")
    return low - 1 <= standard_level <= high + 1
