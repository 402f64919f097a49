"""Knowledge, skills and behaviours: contributions merged into a cycle's KSB tags.

A contribution joins an existing tag of the same cycle and kind when it says the
same thing: the same words (ignoring case and spacing), or failing that a cosine
of at least SAME_MEANING between the MiniLM embeddings. Otherwise it starts a
new tag. The count shown beside a KSB is the number of people who contributed it
to that capability.
"""

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Count

from foresight import embeddings
from foresight.models import Cycle, CycleCapability
from workshops.models import KsbContribution, KsbKind, KsbTag, Workshop

SAME_MEANING = 0.85
TOOLS_LENGTH = KsbTag._meta.get_field("tools").max_length


@dataclass(frozen=True)
class CapabilityKsb:
    """One KSB of a capability, with how many people contributed it there."""

    tag: KsbTag
    contributions: int


def add_contribution(
    workshop: Workshop,
    capability: CycleCapability,
    respondent: str,
    kind: str,
    text: str,
    tools: str = "",
) -> KsbTag:
    """Record a KSB for a capability; return the tag it was merged into or created.

    The tag is attached to the capability (a tag may enable several). A repeat by
    the same respondent for the same tag and capability is stored once.
    """
    if capability.cycle_id != workshop.cycle_id:
        raise ValueError("The capability belongs to another cycle.")
    if kind not in KsbKind.values:
        raise ValueError(f"{kind!r} is not a kind of KSB.")
    text = " ".join(text.split())
    tools = ", ".join(_tool_names(tools))
    # Embedded (and stored) before the lock, so the lock is held only briefly.
    vector = embeddings.vectors_for([text])[0]

    with transaction.atomic():
        # One contribution at a time per cycle, so two people adding the same
        # KSB at once cannot both create a tag.
        Cycle.objects.select_for_update().filter(pk=workshop.cycle_id).first()
        tag = _same_tag(workshop.cycle_id, kind, text, vector)
        if tag is None:
            tag = KsbTag.objects.create(
                cycle_id=workshop.cycle_id, kind=kind, text=text, tools=tools
            )
        elif tools:
            merged = merge_tools(tag.tools, tools)
            if merged != tag.tools:
                tag.tools = merged
                tag.save(update_fields=["tools"])

        tag.capabilities.add(capability)
        KsbContribution.objects.get_or_create(
            tag=tag,
            capability=capability,
            respondent=respondent,
            defaults={"workshop": workshop, "text": text},
        )
    return tag


def _same_tag(cycle_id: int, kind: str, text: str, vector: np.ndarray) -> KsbTag | None:
    tags = KsbTag.objects.filter(cycle_id=cycle_id, kind=kind)
    exact = tags.filter(text__iexact=text).first()
    if exact is not None:
        return exact

    candidates = list(tags.order_by("pk"))
    if not candidates:
        return None
    scores = embeddings.vectors_for([tag.text for tag in candidates]) @ vector
    best = int(np.argmax(scores))
    return candidates[best] if scores[best] >= SAME_MEANING else None


def merge_tools(old: str, new: str) -> str:
    """Both lists of tools, comma-separated, each name once (ignoring case)."""
    names: dict[str, str] = {}
    for name in [*_tool_names(old), *_tool_names(new)]:
        names.setdefault(name.casefold(), name)
    merged = ", ".join(names.values())
    # Limitation: a list longer than the column keeps its first names only.
    return merged[:TOOLS_LENGTH].rstrip(", ")


def _tool_names(tools: str) -> list[str]:
    return [" ".join(name.split()) for name in tools.split(",") if name.strip()]


def capability_ksbs(
    capabilities: Iterable[CycleCapability],
) -> dict[int, list[CapabilityKsb]]:
    """Capability id → its KSBs (knowledge, then skills, then behaviours) with their
    contribution counts, in two queries whatever the number of capabilities."""
    ids = [capability.pk for capability in capabilities]
    tags = KsbTag.capabilities.through.objects.filter(
        cyclecapability_id__in=ids
    ).select_related("ksbtag")
    contributions = (
        KsbContribution.objects.filter(capability_id__in=ids)
        .order_by()
        .values_list("capability_id", "tag_id")
        .annotate(n=Count("id"))
    )
    counts = {(capability, tag): n for capability, tag, n in contributions}

    order = {kind: position for position, kind in enumerate(KsbKind.values)}
    found: dict[int, list[CapabilityKsb]] = {pk: [] for pk in ids}
    for link in tags:
        count = counts.get((link.cyclecapability_id, link.ksbtag_id), 0)
        found[link.cyclecapability_id].append(CapabilityKsb(link.ksbtag, count))
    for ksbs in found.values():
        ksbs.sort(key=lambda ksb: (order[ksb.tag.kind], ksb.tag.text.casefold()))
    return found
