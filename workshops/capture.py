"""Capability capture: proposals, their near duplicates, votes, support, promotion.

Meaning is compared with the offline MiniLM embeddings (foresight.embeddings):
the vectors are unit length, so a dot product is the cosine similarity.
"""

from collections.abc import Iterable, Sequence

import numpy as np
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet

from foresight import embeddings
from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    CycleCapability,
    Embedding,
    FunctionalArea,
    SupplyChainPartner,
)
from workshops.models import Proposal, ProposalVote, Round, Vote, Workshop

# A proposal this close in meaning to an earlier one is flagged as its duplicate.
DUPLICATE_THRESHOLD = 0.85
SUGGESTED_AREAS = 5

# (library signature, area ids, centroid matrix); see area_centroids.
_centroids: dict[str, tuple] = {}


class CaptureError(Exception):
    """An action the capture rules do not allow; the message is for the person."""


def propose(
    workshop: Workshop,
    respondent: str,
    *,
    origin: str,
    text: str,
    statement: CapabilityStatement | None,
    area: FunctionalArea | None,
    partners: Iterable[SupplyChainPartner],
) -> Proposal:
    """Store a proposal and flag it when it repeats an earlier one."""
    with transaction.atomic():
        proposal = Proposal.objects.create(
            workshop=workshop,
            respondent=respondent,
            origin=origin,
            text=text,
            statement=statement,
            area=area,
        )
        proposal.partners.set(partners)
    flag_duplicate(proposal)
    return proposal


def flag_duplicate(proposal: Proposal) -> Proposal | None:
    """Flag `proposal` as a duplicate of the earlier proposal of its workshop that is
    nearest in meaning, when the cosine reaches DUPLICATE_THRESHOLD; return that one.
    """
    earlier = list(
        Proposal.objects.filter(workshop_id=proposal.workshop_id, pk__lt=proposal.pk)
        .order_by("pk")
        .only("pk", "text")
    )
    if not earlier:
        return None

    vectors = embeddings.vectors_for([proposal.text, *(p.text for p in earlier)])
    scores = vectors[1:] @ vectors[0]
    best = int(np.argmax(scores))
    if scores[best] < DUPLICATE_THRESHOLD:
        return None

    proposal.duplicate_of = earlier[best]
    proposal.duplicate_score = round(float(scores[best]), 4)
    proposal.save(update_fields=["duplicate_of", "duplicate_score"])
    return earlier[best]


def merge(duplicate: Proposal) -> Proposal:
    """Fold a flagged duplicate into the proposal it repeats, then delete it.

    Its votes move to the original, except where the same respondent already voted
    on the original in that round (the original's vote is kept); its partners are
    added to the original (and to the original's capability, once promoted); later
    proposals flagged against it now point at the original.
    """
    original = duplicate.duplicate_of
    if original is None:
        raise CaptureError("This proposal is not flagged as a duplicate.")
    if duplicate.promoted_to_id:
        raise CaptureError("This proposal is already a cycle capability.")

    with transaction.atomic():
        taken = set(original.votes.values_list("round_id", "respondent"))
        moving = [
            pk
            for pk, round_id, respondent in duplicate.votes.values_list(
                "pk", "round_id", "respondent"
            )
            if (round_id, respondent) not in taken
        ]
        ProposalVote.objects.filter(pk__in=moving).update(proposal=original)

        partners = list(duplicate.partners.all())
        original.partners.add(*partners)
        if original.promoted_to_id:
            original.promoted_to.partners.add(*partners)

        duplicate.duplicates.exclude(pk=original.pk).update(duplicate_of=original)
        duplicate.delete()
    return original


def cast_vote(
    voting_round: Round,
    proposal: Proposal,
    respondent: str,
    vote: str,
    rationale: str = "",
) -> ProposalVote:
    """Record a respondent's vote in an open round; a second vote replaces the first."""
    if not voting_round.is_open:
        raise CaptureError(f"Round {voting_round.number} is not open.")
    if proposal.workshop_id != voting_round.workshop_id:
        raise CaptureError("The proposal belongs to another workshop.")
    if vote not in Vote.values:
        raise CaptureError(f"{vote!r} is not a vote.")

    row, _created = ProposalVote.objects.update_or_create(
        round=voting_round,
        proposal=proposal,
        respondent=respondent,
        defaults={"vote": vote, "rationale": rationale.strip()},
    )
    return row


def with_support(
    proposals: QuerySet[Proposal], voting_round: Round | None
) -> QuerySet[Proposal]:
    """The proposals with the votes cast in `voting_round` counted, in the same query:
    `includes`, `excludes`, `unsures` and `voters` (all zero without a round)."""
    in_round = Q(votes__round=voting_round)
    return proposals.annotate(
        includes=Count("votes", filter=in_round & Q(votes__vote=Vote.INCLUDE)),
        excludes=Count("votes", filter=in_round & Q(votes__vote=Vote.EXCLUDE)),
        unsures=Count("votes", filter=in_round & Q(votes__vote=Vote.UNSURE)),
        voters=Count("votes", filter=in_round),
    )


def promote(workshop: Workshop, proposal_ids: Iterable[int]) -> list[CycleCapability]:
    """Make each of the workshop's proposals a capability of its cycle, once.

    Proposals already promoted are skipped, so repeating a promotion does nothing;
    the rows are locked so that two runners promoting at once cannot both create
    one. Returns the capabilities created now.
    """
    with transaction.atomic():
        locked = list(
            Proposal.objects.select_for_update()
            .filter(workshop=workshop, pk__in=list(proposal_ids))
            .filter(promoted_to__isnull=True)
            .values_list("pk", flat=True)
        )
        proposals = list(
            Proposal.objects.filter(pk__in=locked)
            .select_related("statement")
            .prefetch_related("partners")
        )
        capabilities = CycleCapability.objects.bulk_create(
            CycleCapability(
                cycle_id=workshop.cycle_id,
                text=proposal.text,
                origin=proposal.origin,
                statement_id=proposal.statement_id,
                area_id=proposal.area_id,
                source=_source(proposal, workshop),
            )
            for proposal in proposals
        )

        through = CycleCapability.partners.through
        through.objects.bulk_create(
            through(cyclecapability_id=capability.pk, supplychainpartner_id=partner.pk)
            for proposal, capability in zip(proposals, capabilities, strict=True)
            for partner in proposal.partners.all()
        )
        for proposal, capability in zip(proposals, capabilities, strict=True):
            proposal.promoted_to = capability
        Proposal.objects.bulk_update(proposals, ["promoted_to"])
    return capabilities


def _source(proposal: Proposal, workshop: Workshop) -> str:
    statement = proposal.statement
    if proposal.origin == CapabilityOrigin.NEWLY_DEFINED or statement is None:
        return f"Workshop: {workshop.title}"[:200]
    source = f"{statement.get_source_kind_display()} {statement.source_ref}"
    if proposal.origin == CapabilityOrigin.SELECTED:
        source = f"{source}, edited in the workshop"
    return source[:200]


def suggest_areas(
    text: str, limit: int = SUGGESTED_AREAS
) -> list[tuple[FunctionalArea, float]]:
    """The functional areas nearest in meaning to `text`, best first, with cosines."""
    text = text.strip()
    area_ids, centroids = area_centroids()
    if not text or not area_ids:
        return []

    scores = centroids @ embeddings.encode([text])[0]
    best = [area_ids[row] for row in np.argsort(-scores)[:limit]]
    areas = FunctionalArea.objects.in_bulk(best)
    score_of = dict(zip(area_ids, scores.tolist(), strict=True))
    return [(areas[pk], score_of[pk]) for pk in best if pk in areas]


def area_centroids() -> tuple[list[int], np.ndarray]:
    """Each functional area's centroid: (area ids, a matrix of unit rows).

    A centroid is the unit mean of the stored embeddings of the area's library
    statements; an area with none stored stands for itself by its name and
    description. Kept per process while the count and the highest id of areas and
    of statements stay the same.
    """
    # Limitation: a library embedded after the first suggestion is used only from
    # the next process start (or forget_area_centroids()); counting embeddings in the
    # signature would recompute on every proposal, which stores one.
    signature = _library_signature()
    cached = _centroids.get("library")
    if cached is None or cached[0] != signature:
        cached = (signature, *_compute_centroids())
        _centroids["library"] = cached
    return cached[1], cached[2]


def forget_area_centroids() -> None:
    _centroids.clear()


def _library_signature() -> tuple:
    areas = FunctionalArea.objects.aggregate(n=Count("id"), last=Max("id"))
    statements = CapabilityStatement.objects.aggregate(n=Count("id"), last=Max("id"))
    return (areas["n"], areas["last"], statements["n"], statements["last"])


def _compute_centroids() -> tuple[list[int], np.ndarray]:
    areas = list(
        FunctionalArea.objects.order_by("id").values_list("id", "name", "description")
    )
    row_of = {area[0]: row for row, area in enumerate(areas)}
    sums = np.zeros((len(areas), embeddings.DIMENSIONS), dtype=np.float32)
    counts = np.zeros(len(areas), dtype=np.int64)

    statements = CapabilityStatement.objects.order_by().values_list("area_id", "text")
    for chunk in _chunks(list(statements), embeddings.LOOKUP_CHUNK):
        hashes = [embeddings.text_hash(text) for _area, text in chunk]
        stored = dict(
            Embedding.objects.filter(
                model=embeddings.MODEL_KEY, text_hash__in=set(hashes)
            ).values_list("text_hash", "vector")
        )
        for (area_id, _text), key in zip(chunk, hashes, strict=True):
            if key in stored:
                sums[row_of[area_id]] += np.frombuffer(bytes(stored[key]), np.float32)
                counts[row_of[area_id]] += 1

    bare = np.flatnonzero(counts == 0).tolist()
    if bare:
        texts = [f"{areas[row][1]}. {areas[row][2]}".strip() for row in bare]
        sums[bare] = embeddings.encode(texts)

    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return [area[0] for area in areas], sums / np.where(norms == 0, 1, norms)


def _chunks(rows: Sequence, size: int) -> Iterable[Sequence]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
