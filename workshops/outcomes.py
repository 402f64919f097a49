"""What a proficiency workshop concluded: each item's latest stored consensus."""

from collections import Counter, defaultdict

from workshops.models import ItemConsensus, Workshop

# The shares reported per role level: Awareness, Practitioner, Expert (1, 2, 3).
MIX_LEVELS = (1, 2, 3)


def latest_consensus(workshop: Workshop) -> dict[tuple[int, int], ItemConsensus]:
    """(capability id, role level id) → the consensus of the last round that asked it."""
    rows = (
        ItemConsensus.objects.filter(item__round__workshop=workshop)
        .select_related("item")
        .order_by("item__round__number")
    )
    latest = {}
    for consensus in rows:
        latest[(consensus.item.capability_id, consensus.item.role_level_id)] = consensus
    return latest


def proficiency_mix(workshop: Workshop) -> dict[int, dict[int, float]]:
    """Per role level id, the share of each level among items whose consensus
    proficiency is above Not required (Awareness / Practitioner / Expert)."""
    counts: dict[int, Counter] = defaultdict(Counter)
    for (_capability, role_level), consensus in latest_consensus(workshop).items():
        if consensus.proficiency in MIX_LEVELS:
            counts[role_level][consensus.proficiency] += 1
    return {
        role_level: {level: tally[level] / sum(tally.values()) for level in MIX_LEVELS}
        for role_level, tally in counts.items()
    }
