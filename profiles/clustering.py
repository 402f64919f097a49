"""The profile-grouping algorithm on plain data: no database, so it can be tested
and benchmarked on hand-made vectors. profiles.generation reads a cycle into these
shapes and writes the result; its docstring describes the method."""

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

CUT_DISTANCE = 0.75
DOMAIN_BONUS = 0.1
TITLE_SUGGESTIONS = 3
NEIGHBOUR_CHARS = 40


class GenerationError(Exception):
    """Profiles cannot be generated for this cycle; the message is one line."""


@dataclass(frozen=True)
class Capability:
    id: int
    text: str
    partner_ids: tuple[int, ...] = ()
    # The functional domain's name; empty when the capability has no area.
    domain: str = ""

    @property
    def partner_id(self) -> int | None:
        """The partner it is grouped under: the lowest of its partners' ids."""
        return min(self.partner_ids) if self.partner_ids else None


@dataclass(frozen=True)
class Move:
    """How a capability came into its group other than by clustering."""

    # "merged": its small group joined this one; "topped_up": it was moved from
    # a neighbouring group to bring this small group up to min_size.
    kind: str
    # The size of the small group at the time.
    group_size: int


@dataclass
class Group:
    """One future profile of a role level: its partner and capabilities."""

    partner_id: int | None
    capability_ids: list[int]
    moves: dict[int, Move] = field(default_factory=dict)


@dataclass
class _Cluster:
    partner_id: int | None
    rows: list[int]
    moves: dict[int, Move] = field(default_factory=dict)


def check_bounds(min_size: int, max_size: int) -> None:
    if min_size < 1:
        raise GenerationError("min_size must be at least 1.")
    if max_size < 2 * min_size - 1:
        raise GenerationError(
            f"max_size must be at least 2 * min_size - 1 ({2 * min_size - 1}) so "
            "that every group can be kept within the bounds."
        )


def similarity_matrix(vectors: np.ndarray) -> np.ndarray:
    """Cosine similarities of unit rows, exactly symmetric and rounded to 6
    decimals, so that arithmetic noise cannot reorder ties between runs."""
    vectors = np.asarray(vectors, dtype=np.float64)
    similarity = vectors @ vectors.T
    return np.round((similarity + similarity.T) / 2, 6)


def distance_matrix(
    similarity: np.ndarray, domains: Sequence[str], domain_bonus: float
) -> np.ndarray:
    """1 - cosine, less `domain_bonus` for two capabilities of the same functional
    domain, never below 0."""
    codes = {domain: code for code, domain in enumerate(sorted(set(domains)))}
    labels = np.array([codes[domain] if domain else -1 for domain in domains])
    same = (labels[:, None] == labels[None, :]) & (labels[:, None] >= 0)
    distance = np.clip(1.0 - similarity - domain_bonus * same, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    return distance


def average_linkage(distance: np.ndarray) -> list[tuple[int, int, float, int]]:
    """Agglomerative clustering with average linkage (UPGMA).

    Returns the merges in order as (node, node, height, size), numbered as SciPy
    does: leaves 0..n-1, the k-th merge makes node n + k. The closest pair is the
    first in row order, so ties go to the lowest rows. O(n³) in numpy, which is
    well under a second for the few hundred capabilities of a partner group.
    """
    n = len(distance)
    matrix = np.array(distance, dtype=np.float64)
    np.fill_diagonal(matrix, np.inf)
    sizes = np.ones(n)
    nodes = list(range(n))
    merges = []
    for step in range(n - 1):
        i, j = sorted(divmod(int(np.argmin(matrix)), n))
        height = float(matrix[i, j])
        # Lance-Williams: the average distance to the union, weighted by size.
        merged = (sizes[i] * matrix[i] + sizes[j] * matrix[j]) / (sizes[i] + sizes[j])
        matrix[i, :] = merged
        matrix[:, i] = merged
        matrix[i, i] = np.inf
        matrix[j, :] = np.inf
        matrix[:, j] = np.inf
        sizes[i] += sizes[j]
        merges.append((nodes[i], nodes[j], height, int(sizes[i])))
        nodes[i] = n + step
    return merges


def cut_tree(
    merges: list[tuple[int, int, float, int]],
    n: int,
    *,
    cut_distance: float,
    max_size: int,
) -> list[list[int]]:
    """The clusters (lists of leaves) under the highest nodes that were merged at
    or below `cut_distance` and hold at most `max_size` leaves; ordered by their
    lowest leaf."""
    if n == 0:
        return []
    children = {n + k: (a, b) for k, (a, b, _height, _size) in enumerate(merges)}
    height = {n + k: merge[2] for k, merge in enumerate(merges)}
    size = {n + k: merge[3] for k, merge in enumerate(merges)}

    def leaves(node: int) -> list[int]:
        found, stack = [], [node]
        while stack:
            node = stack.pop()
            if node < n:
                found.append(node)
            else:
                stack.extend(children[node])
        return sorted(found)

    clusters, stack = [], [2 * n - 2]
    while stack:
        node = stack.pop()
        if node < n or (height[node] <= cut_distance and size[node] <= max_size):
            clusters.append(leaves(node))
        else:
            stack.extend(children[node])
    return sorted(clusters)


def group_role_level(
    capabilities: Sequence[Capability],
    vectors: np.ndarray,
    *,
    min_size: int = 5,
    max_size: int = 40,
    cut_distance: float = CUT_DISTANCE,
    domain_bonus: float = DOMAIN_BONUS,
) -> list[Group]:
    """The profiles of one role level: `capabilities` with their unit embeddings
    (`vectors`, row for row). Each capability is in exactly one group."""
    check_bounds(min_size, max_size)
    order = sorted(range(len(capabilities)), key=lambda row: capabilities[row].id)
    capabilities = [capabilities[row] for row in order]
    if not capabilities:
        return []
    similarity = similarity_matrix(np.asarray(vectors)[order])
    distance = distance_matrix(
        similarity, [capability.domain for capability in capabilities], domain_bonus
    )

    by_partner: dict[int | None, list[int]] = defaultdict(list)
    for row, capability in enumerate(capabilities):
        by_partner[capability.partner_id].append(row)
    clusters = []
    for partner_id in sorted(by_partner, key=lambda p: (p is None, p or 0)):
        rows = by_partner[partner_id]
        merges = average_linkage(distance[np.ix_(rows, rows)])
        for leaves in cut_tree(
            merges, len(rows), cut_distance=cut_distance, max_size=max_size
        ):
            clusters.append(_Cluster(partner_id, [rows[leaf] for leaf in leaves]))

    _absorb_small(clusters, distance, min_size, max_size)
    return [
        Group(
            cluster.partner_id,
            [capabilities[row].id for row in sorted(cluster.rows)],
            {capabilities[row].id: move for row, move in cluster.moves.items()},
        )
        for cluster in clusters
    ]


def _absorb_small(
    clusters: list[_Cluster], distance: np.ndarray, min_size: int, max_size: int
) -> None:
    """Bring every cluster up to `min_size`, smallest first, in place."""
    while len(clusters) > 1:
        small = [cluster for cluster in clusters if len(cluster.rows) < min_size]
        if not small:
            return
        cluster = min(small, key=lambda c: (len(c.rows), min(c.rows)))
        others = [other for other in clusters if other is not cluster]
        # Same partner first, then the nearest by average distance.
        others.sort(
            key=lambda other: (
                other.partner_id != cluster.partner_id,
                round(float(distance[np.ix_(cluster.rows, other.rows)].mean()), 6),
                min(other.rows),
            )
        )
        size = len(cluster.rows)
        target = next(
            (other for other in others if len(other.rows) + size <= max_size), None
        )
        if target is not None:
            for row in cluster.rows:
                target.moves[row] = Move("merged", size)
            target.rows += cluster.rows
            clusters.remove(cluster)
            continue

        # No group has room for it whole: take the nearest capabilities of the
        # nearest group that stays at min_size without them. One always can when
        # max_size ≥ 2 * min_size - 1 (every other group is then above
        # max_size - size ≥ min_size - 1 + (min_size - size)).
        need = min_size - size
        donor = next(other for other in others if len(other.rows) - need >= min_size)
        closeness = distance[np.ix_(donor.rows, cluster.rows)].mean(axis=1)
        ranked = sorted(
            range(len(donor.rows)),
            key=lambda k: (round(float(closeness[k]), 6), donor.rows[k]),
        )
        taken = [donor.rows[k] for k in ranked[:need]]
        donor.rows = [row for row in donor.rows if row not in taken]
        for row in taken:
            donor.moves.pop(row, None)
            cluster.moves[row] = Move("topped_up", size)
        cluster.rows += taken


def unit_mean(vectors: np.ndarray) -> np.ndarray:
    mean = np.asarray(vectors, dtype=np.float64).mean(axis=0)
    norm = np.linalg.norm(mean)
    return mean / norm if norm else mean


def nearest_neighbours(
    ids: Sequence[int], vectors: np.ndarray, count: int = 2
) -> dict[int, list[tuple[int, float]]]:
    """For each capability of a profile, its `count` most similar others in the
    profile with their cosine similarity (ties: lower id first)."""
    similarity = similarity_matrix(vectors)
    np.fill_diagonal(similarity, -np.inf)
    nearest = {}
    for row, capability_id in enumerate(ids):
        ranked = sorted(
            (k for k in range(len(ids)) if k != row),
            key=lambda k: (-similarity[row, k], ids[k]),
        )
        nearest[capability_id] = [
            (ids[k], float(similarity[row, k])) for k in ranked[:count]
        ]
    return nearest


def shorten(text: str, limit: int = NEIGHBOUR_CHARS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def explain(
    capability: Capability,
    neighbours: list[tuple[int, float]],
    *,
    texts: dict[int, str],
    partner_names: dict[int, str],
    profile_partner_id: int | None,
    move: Move | None,
    reached: bool = True,
    min_size: int = 5,
) -> str:
    """One line on why a capability is in its profile."""
    partners = ", ".join(partner_names[p] for p in sorted(capability.partner_ids))
    parts = [partners or "No partner", capability.domain or "No functional domain"]
    if neighbours:
        parts.append(
            "nearest: "
            + ", ".join(
                f"'{shorten(texts[other])}' ({similarity:.2f})"
                for other, similarity in neighbours
            )
        )
    else:
        parts.append("the only capability in its profile")
    across = (
        " across partners"
        if profile_partner_id != capability.partner_id
        and profile_partner_id not in capability.partner_ids
        else ""
    )
    if move is not None and move.kind == "merged":
        parts.append(
            f"merged in{across} from a group of {move.group_size}, "
            f"under the minimum of {min_size}"
        )
    elif move is not None:
        parts.append(
            f"moved in{across} to bring a group of {move.group_size} "
            f"up to the minimum of {min_size}"
        )
    if not reached:
        parts.append("consensus not reached; the panel's median level is used")
    return "; ".join(parts)


@dataclass(frozen=True)
class Occupation:
    title: str
    source: str
    code: str


def suggest_titles(
    centroid: np.ndarray,
    occupations: Sequence[Occupation],
    centroids: np.ndarray,
    count: int = TITLE_SUGGESTIONS,
) -> list[dict]:
    """The `count` occupations whose centroids are nearest the profile's, best
    first (ties: the order of `occupations`), with their cosine scores."""
    if not occupations:
        return []
    scores = np.round(np.asarray(centroids, dtype=np.float64) @ centroid, 6)
    best = np.argsort(-scores, kind="stable")[:count]
    return [
        {
            "title": occupations[k].title,
            "source": occupations[k].source,
            "code": occupations[k].code,
            "score": round(float(scores[k]), 4),
        }
        for k in best
    ]


def most_common_domain(capabilities: Sequence[Capability]) -> str:
    """The commonest functional domain (ties: alphabetical), or "" if none."""
    counts = Counter(c.domain for c in capabilities if c.domain)
    if not counts:
        return ""
    return min(counts, key=lambda domain: (-counts[domain], domain))


def fallback_title(role_level: str, partner: str, domain: str) -> str:
    return " — ".join(
        [role_level, partner or "No partner", domain or "No functional domain"]
    )
