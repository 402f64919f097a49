"""Employers' refinement of future occupational profiles.

A change (rename, add, remove, uprate, downrate, merge, split) is proposed on
the cycle's latest iteration and voted on by the employer panel. A runner then
applies every accepted change into a new iteration; the older one stays as it
was, so each profile can be traced back through the changes that made it.

A change is accepted when at least the cycle's minimum panel size voted and the
share accepting reaches its agreement threshold (the Delphi rule of
workshops.consensus, on a yes/no question).

The checks of each kind of change are in profiles.changes; the copy that
accepted changes edit before it is written, in profiles.drafts.
"""

from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac

from foresight.models import Cycle
from profiles import drafts
from profiles.changes import (  # noqa: F401  (part of this module's interface)
    CHECKS,
    LEVELS,
    RefinementError,
    check,
    profile_in,
)
from profiles.models import (
    ChangeKind,
    ChangeStatus,
    ChangeVote,
    Iteration,
    ProfileChange,
)

SALT = "foresight.profiles.respondent"
FIELDS = {
    "profile",
    "other_profile",
    "capability",
    "proficiency",
    "new_title",
    "moved_capabilities",
    "rationale",
}


class Outcome(NamedTuple):
    accepted: bool
    n: int
    share: float


def respondent_for(iteration_id: int, user_id: int) -> str:
    """The pseudonym a vote is stored under, as workshops.anonymity does for answers."""
    return salted_hmac(
        SALT, f"profiles:{iteration_id}:{user_id}", algorithm="sha256"
    ).hexdigest()[:32]


def propose(iteration: Iteration, user, kind: str, **fields) -> ProfileChange:
    """Record `user`'s proposed change to a profile of `iteration`, open for votes.

    `fields` (a model instance or its id where a row is meant):
    - profile: the profile to change (always);
    - rename: new_title; add: capability and proficiency; remove: capability;
    - uprate, downrate: capability, and the proficiency to reach (one level up
      or down when it is None);
    - merge: other_profile, whose capabilities move into profile (new_title
      optional); split: moved_capabilities, a proper subset of the profile's,
      and new_title for the profile they form;
    - rationale, for every kind.
    """
    unknown = set(fields) - FIELDS
    if unknown:
        raise TypeError(f"Unknown fields for a change: {', '.join(sorted(unknown))}.")
    if kind not in ChangeKind.values:
        raise RefinementError(f"“{kind}” is not a kind of change.")
    _require_latest(iteration)

    change = ProfileChange(
        iteration=iteration,
        kind=kind,
        profile=profile_in(iteration, fields.get("profile")),
        proposed_by=user,
        rationale=(fields.get("rationale") or "").strip(),
    )
    moved = check(change, fields)
    with transaction.atomic():
        change.save()
        if moved:
            change.moved_capabilities.set(moved)
    return change


def vote(change: ProfileChange, user, accept: bool, rationale: str = "") -> ChangeVote:
    """Record `user`'s vote on an open change; a second vote replaces the first."""
    if change.status != ChangeStatus.OPEN:
        raise RefinementError("This change has been decided: voting on it is closed.")
    _require_latest(change.iteration)

    ballot, _ = ChangeVote.objects.update_or_create(
        change=change,
        respondent=respondent_for(change.iteration_id, user.pk),
        defaults={"accept": bool(accept), "rationale": (rationale or "").strip()},
    )
    return ballot


def decide(accepting: int, n: int, cycle: Cycle) -> Outcome:
    """Accepted when n reaches the cycle's minimum panel size and the share
    accepting its agreement threshold."""
    share = accepting / n if n else 0.0
    accepted = n >= cycle.min_panel_size and share >= cycle.agreement_threshold
    return Outcome(accepted, n, share)


def outcome(change: ProfileChange, cycle: Cycle) -> Outcome:
    counts = change.votes.aggregate(
        n=Count("id"), accepting=Count("id", filter=Q(accept=True))
    )
    return decide(counts["accepting"], counts["n"], cycle)


def tallied(changes: QuerySet) -> QuerySet:
    """`changes` with `votes_n` and `votes_accepting` counted in the same query."""
    return changes.annotate(
        votes_n=Count("votes"),
        votes_accepting=Count("votes", filter=Q(votes__accept=True)),
    )


def apply_accepted(iteration: Iteration, by) -> Iteration:
    """Copy `iteration` into the next one, named “Refinement N” after the
    iteration N it refines, and apply its accepted open changes there.

    Changes apply in the order they were proposed. One that an earlier change
    made impossible (its profile merged away, its capability already removed)
    is marked rejected and leaves no trace; the new iteration's `parameters`
    list which changes were applied, rejected by the vote, or could not apply.
    """
    with transaction.atomic():
        # Lock the cycle so two runners applying at once cannot both number N + 1.
        cycle = Cycle.objects.select_for_update().get(pk=iteration.cycle_id)
        _require_latest(iteration)
        changes = tallied(iteration.changes.filter(status=ChangeStatus.OPEN))
        changes = list(changes.prefetch_related("moved_capabilities").order_by("id"))

        copy = drafts.read(iteration)
        applied, refused, impossible = [], [], []
        for change in changes:
            if not decide(change.votes_accepting, change.votes_n, cycle).accepted:
                refused.append(change.pk)
            elif drafts.apply(copy, change):
                applied.append(change.pk)
            else:
                impossible.append(change.pk)

        new = Iteration.objects.create(
            cycle=cycle,
            number=iteration.number + 1,
            name=f"Refinement {iteration.number}",
            created_by=by,
            parameters={
                "refined_from": iteration.number,
                "applied": applied,
                "rejected": refused,
                "could_not_apply": impossible,
            },
        )
        drafts.write(new, copy)
        ProfileChange.objects.filter(pk__in=applied).update(
            status=ChangeStatus.APPLIED, applied_in=new
        )
        ProfileChange.objects.filter(pk__in=refused + impossible).update(
            status=ChangeStatus.REJECTED
        )
    return new


def mark_final(iteration: Iteration) -> Iteration:
    """Make `iteration` the cycle's final one, and no other."""
    with transaction.atomic():
        # Cleared first: the database allows one final iteration per cycle.
        Iteration.objects.filter(cycle_id=iteration.cycle_id, is_final=True).exclude(
            pk=iteration.pk
        ).update(is_final=False)
        Iteration.objects.filter(pk=iteration.pk).update(is_final=True)
    iteration.is_final = True
    return iteration


def _require_latest(iteration: Iteration) -> None:
    if not iteration.is_latest:
        raise RefinementError(
            f"Iteration {iteration.number} is no longer the latest, so it cannot "
            "change: propose and vote on the latest iteration."
        )
