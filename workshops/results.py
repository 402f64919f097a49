"""Opening and closing Delphi rounds, and storing each item's consensus.

The statistics are workshops.consensus; this module reads a round's ratings in
bulk, stores one ItemConsensus row per item, and moves a workshop from round to
round. Views call `open_round` and `close_round`; the consensus itself is computed
by the task `workshops.tasks.compute_round_consensus` once a close is committed.
"""

from collections import defaultdict
from functools import partial

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from foresight.models import CycleCapability, RoleLevel
from workshops.consensus import Rule, is_stable, stability, summarise
from workshops.models import (
    ItemConsensus,
    Rating,
    Round,
    RoundItem,
    RoundStatus,
    Workshop,
    WorkshopKind,
)

# respondent -> rating (None: "can't judge") of one item in one round.
Answers = dict[str, int | None]
# (capability_id, role_level_id): what identifies an item across rounds.
Pair = tuple[int, int]


class RoundError(Exception):
    """A round change that the workshop's state does not allow."""


def store_round_consensus(round: Round) -> int:
    """Compute every item's consensus and stability and store them, replacing any
    stored before; return the number of items.

    Reads the round's ratings in one query and the previous round's ratings of the
    same (capability, role level) pairs in another, whatever the number of items.
    """
    rule = Rule.for_cycle(round.workshop.cycle)
    items = round.items.values_list("pk", "capability_id", "role_level_id")
    answers = round_answers(round)
    earlier = previous_answers(round)
    rows = [
        consensus_row(item_id, answers[item_id], earlier[capability_id, level_id], rule)
        for item_id, capability_id, level_id in items
    ]

    with transaction.atomic():
        # Two computations of one round (a retried task, a close racing an
        # open_round that carries) take turns instead of colliding on the
        # one-to-one item key.
        Round.objects.select_for_update().filter(pk=round.pk).values_list("pk").get()
        ItemConsensus.objects.filter(item__round=round).delete()
        ItemConsensus.objects.bulk_create(rows)
        # update(), not save(): the caller's copy of the round may be stale.
        round.computed_at = timezone.now()
        Round.objects.filter(pk=round.pk).update(computed_at=round.computed_at)
    return len(rows)


def round_answers(round: Round) -> defaultdict[int, Answers]:
    """Every rating of the round, by item id, from one query."""
    ratings = (
        Rating.objects.filter(item__round=round)
        .order_by("item_id")
        .values_list("item_id", "respondent", "value")
    )
    answers = defaultdict(dict)
    for item_id, respondent, value in ratings:
        answers[item_id][respondent] = value
    return answers


def previous_answers(round: Round) -> defaultdict[Pair, Answers]:
    """The previous round's ratings of the items asked again in this round, by
    (capability, role level), from one query; empty for a first round."""
    answers = defaultdict(dict)
    if round.number <= 1:
        return answers

    asked_again = RoundItem.objects.filter(
        round=round,
        capability=OuterRef("item__capability"),
        role_level=OuterRef("item__role_level"),
    )
    ratings = Rating.objects.filter(
        Exists(asked_again),
        item__round__workshop=round.workshop_id,
        item__round__number=round.number - 1,
    ).values_list("item__capability_id", "item__role_level_id", "respondent", "value")
    for capability_id, role_level_id, respondent, value in ratings:
        answers[capability_id, role_level_id][respondent] = value
    return answers


def consensus_row(
    item_id: int, answers: Answers, earlier: Answers, rule: Rule
) -> ItemConsensus:
    stats = summarise(answers.values(), rule)
    changed = stability(earlier, answers)
    return ItemConsensus(
        item_id=item_id,
        n=stats.n,
        skipped=stats.skipped,
        counts=list(stats.counts),
        median=stats.median,
        iqr=stats.iqr,
        agreement=stats.agreement,
        reached=stats.reached,
        proficiency=stats.proficiency,
        changed_share=changed,
        stable=is_stable(changed, rule),
    )


def close_round(round_id: int, by_user: AbstractBaseUser | None) -> Round:
    """Close an open round; its consensus is computed in the background once the
    close is committed. `by_user` is the facilitator (None for the system).

    The round's row is locked, so when two facilitators close it at once one
    closes it and the other gets a RoundError.
    """
    # Imported here because the task module imports this one.
    from workshops.tasks import compute_round_consensus

    with transaction.atomic():
        round = Round.objects.select_for_update().get(pk=round_id)
        if round.status == RoundStatus.CLOSED:
            raise RoundError(f"Round {round.number} is already closed.")
        if not round.is_open:
            raise RoundError(f"Round {round.number} has not been opened.")

        round.status = RoundStatus.CLOSED
        round.closed_at = timezone.now()
        round.closed_by = by_user
        round.save(update_fields=["status", "closed_at", "closed_by"])
        transaction.on_commit(partial(compute_round_consensus.delay, round.pk))
    return round


def open_round(workshop: Workshop, carry_unresolved: bool) -> Round:
    """Open the workshop's next round with its items.

    A proficiency workshop's first round asks every cycle capability at every
    role level; a later round asks the previous round's items again, or with
    `carry_unresolved` only those that did not reach consensus. Other kinds of
    workshop have no items.
    """
    with transaction.atomic():
        last = workshop.rounds.order_by("-number").first()
        if last is not None and last.is_open:
            raise RoundError(f"Round {last.number} is still open; close it first.")

        pairs = next_pairs(workshop, last, carry_unresolved)
        round = create_open_round(workshop, 1 if last is None else last.number + 1)
        RoundItem.objects.bulk_create(
            RoundItem(round=round, capability_id=capability_id, role_level_id=level_id)
            for capability_id, level_id in pairs
        )
    return round


def next_pairs(
    workshop: Workshop, last: Round | None, carry_unresolved: bool
) -> list[Pair]:
    """The (capability, role level) pairs the workshop's next round asks."""
    if workshop.kind != WorkshopKind.PROFICIENCY:
        return []
    if last is None:
        pairs = cycle_pairs(workshop.cycle_id)
        if not pairs:
            raise RoundError(
                "The cycle has no capabilities or role levels to rate yet."
            )
        return pairs

    items = last.items.all()
    if carry_unresolved:
        if not consensus_is_current(last):
            store_round_consensus(last)
        items = items.exclude(consensus__reached=True)
    pairs = list(items.values_list("capability_id", "role_level_id"))
    if carry_unresolved and not pairs:
        raise RoundError(f"Every item reached consensus in round {last.number}.")
    return pairs


def consensus_is_current(round: Round) -> bool:
    """Whether the round's stored consensus was computed after its last rating."""
    if round.computed_at is None:
        return False
    # Ratings can change until a round closes, so a computation made before the
    # close may be out of date.
    return round.closed_at is None or round.computed_at >= round.closed_at


def cycle_pairs(cycle_id: int) -> list[Pair]:
    """Every capability of the cycle at every one of its role levels."""
    capabilities = CycleCapability.objects.filter(cycle_id=cycle_id)
    levels = list(
        RoleLevel.objects.filter(cycle_id=cycle_id).values_list("pk", flat=True)
    )
    return [
        (capability_id, level_id)
        for capability_id in capabilities.values_list("pk", flat=True)
        for level_id in levels
    ]


def create_open_round(workshop: Workshop, number: int) -> Round:
    try:
        # A savepoint, so the caller's transaction survives to report the clash.
        with transaction.atomic():
            return Round.objects.create(
                workshop=workshop,
                number=number,
                status=RoundStatus.OPEN,
                opened_at=timezone.now(),
            )
    except IntegrityError as error:
        # Another facilitator opened a round between the check and this insert;
        # the one-open-round and round-number constraints refuse the second.
        raise RoundError(
            "Another round of this workshop has just been opened."
        ) from error
