"""Employers' refinement of future occupational profiles.

A change (rename, add, remove, uprate, downrate, merge, split) is proposed on
the cycle's latest iteration and voted on by the employer panel. A runner then
applies every accepted change into a new iteration; the older one stays as it
was, so each profile can be traced back through the changes that made it.

A change is accepted when at least the cycle's minimum panel size voted and the
share accepting reaches its agreement threshold (the Delphi rule of
workshops.consensus, on a yes/no question).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils.crypto import salted_hmac

from foresight.models import Cycle, CycleCapability
from profiles.models import (
    ChangeKind,
    ChangeStatus,
    ChangeVote,
    Iteration,
    Profile,
    ProfileCapability,
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
LEVELS = range(4)


class RefinementError(Exception):
    """A proposal, vote or application the rules refuse; the message is for the person."""


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
        profile=_profile(iteration, fields.get("profile")),
        proposed_by=user,
        rationale=(fields.get("rationale") or "").strip(),
    )
    moved = CHECKS[kind](change, fields)
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

        drafts = _drafts(iteration)
        applied, refused, impossible = [], [], []
        for change in changes:
            if not decide(change.votes_accepting, change.votes_n, cycle).accepted:
                refused.append(change.pk)
            elif _apply(drafts, change):
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
        _write(new, drafts)
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


# Checking a proposal, one function per kind. Each fills in the change and
# returns the capabilities a split moves (an empty list for the other kinds).


def _rename(change: ProfileChange, fields: dict) -> list:
    change.new_title = _title(
        fields.get("new_title"), "Give the profile its new title."
    )
    return []


def _add(change: ProfileChange, fields: dict) -> list:
    capability = _capability(change.iteration, fields.get("capability"))
    if _entry(change.profile, capability) is not None:
        raise RefinementError(f"“{capability}” is already in this profile.")
    level = _level(fields.get("proficiency"))
    if level is None:
        raise RefinementError("Choose the proficiency the profile needs.")
    change.capability, change.proficiency = capability, level
    return []


def _remove(change: ProfileChange, fields: dict) -> list:
    capability = _capability(change.iteration, fields.get("capability"))
    _present(change.profile, capability)
    change.capability = capability
    return []


def _uprate(change: ProfileChange, fields: dict) -> list:
    return _rerate(change, fields, step=1)


def _downrate(change: ProfileChange, fields: dict) -> list:
    return _rerate(change, fields, step=-1)


def _rerate(change: ProfileChange, fields: dict, step: int) -> list:
    capability = _capability(change.iteration, fields.get("capability"))
    current = _present(change.profile, capability).proficiency
    level = _level(fields.get("proficiency"))
    if level is None:
        level = current + step
    labels = _labels(change.iteration)
    if level not in LEVELS:
        edge = "top" if step > 0 else "bottom"
        raise RefinementError(
            f"It is at {labels[current]} already, the {edge} of the scale."
        )
    if (level - current) * step <= 0:
        direction = "above" if step > 0 else "below"
        raise RefinementError(
            f"It is at {labels[current]} now: choose a level {direction} that."
        )
    change.capability, change.proficiency = capability, level
    return []


def _merge(change: ProfileChange, fields: dict) -> list:
    other = _profile(change.iteration, fields.get("other_profile"))
    if other.pk == change.profile.pk:
        raise RefinementError("A profile cannot be merged with itself.")
    change.other_profile = other
    if fields.get("new_title"):
        change.new_title = _title(fields["new_title"], "")
    return []


def _split(change: ProfileChange, fields: dict) -> list:
    moved = _capabilities(change.iteration, fields.get("moved_capabilities") or [])
    if not moved:
        raise RefinementError("Choose the capabilities that move to the new profile.")
    held = set(change.profile.entries.values_list("capability_id", flat=True))
    outside = [capability for capability in moved if capability.pk not in held]
    if outside:
        raise RefinementError(f"“{outside[0]}” is not in this profile.")
    if len(moved) == len(held):
        raise RefinementError(
            "Leave at least one capability in the profile: a split moves some, not all."
        )
    change.new_title = _title(fields.get("new_title"), "Give the new profile a title.")
    return moved


CHECKS = {
    ChangeKind.RENAME: _rename,
    ChangeKind.ADD: _add,
    ChangeKind.REMOVE: _remove,
    ChangeKind.UPRATE: _uprate,
    ChangeKind.DOWNRATE: _downrate,
    ChangeKind.MERGE: _merge,
    ChangeKind.SPLIT: _split,
}


def _require_latest(iteration: Iteration) -> None:
    if not iteration.is_latest:
        raise RefinementError(
            f"Iteration {iteration.number} is no longer the latest, so it cannot "
            "change: propose and vote on the latest iteration."
        )


def _pk(value) -> int | None:
    value = getattr(value, "pk", value)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _profile(iteration: Iteration, value) -> Profile:
    pk = _pk(value)
    if pk is None:
        raise RefinementError("Choose a profile.")
    profile = Profile.objects.filter(pk=pk, iteration=iteration).first()
    if profile is None:
        raise RefinementError(f"That profile is not in iteration {iteration.number}.")
    return profile


def _capability(iteration: Iteration, value) -> CycleCapability:
    pk = _pk(value)
    if pk is None:
        raise RefinementError("Choose a capability.")
    found = CycleCapability.objects.filter(pk=pk, cycle_id=iteration.cycle_id).first()
    if found is None:
        raise RefinementError("That capability is not one of this cycle's.")
    return found


def _capabilities(iteration: Iteration, values: Iterable) -> list[CycleCapability]:
    pks = {_pk(value) for value in values}
    if None in pks:
        raise RefinementError("Choose capabilities from the list.")
    found = list(
        CycleCapability.objects.filter(pk__in=pks, cycle_id=iteration.cycle_id)
    )
    if len(found) != len(pks):
        raise RefinementError("Some of those capabilities are not this cycle's.")
    return found


def _entry(profile: Profile, capability: CycleCapability) -> ProfileCapability | None:
    return profile.entries.filter(capability=capability).first()


def _present(profile: Profile, capability: CycleCapability) -> ProfileCapability:
    entry = _entry(profile, capability)
    if entry is None:
        raise RefinementError(f"“{capability}” is not in this profile.")
    return entry


def _level(value) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in LEVELS:
        raise RefinementError(
            f"A proficiency is a level of the scale, 0 to 3; {value} is not."
        )
    return value


def _title(value, missing: str) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise RefinementError(missing)
    if len(title) > 200:
        raise RefinementError("A title has at most 200 characters.")
    return title


def _labels(iteration: Iteration) -> dict[int, str]:
    scale = dict(iteration.cycle.scale.values_list("value", "label"))
    return {level: scale.get(level, str(level)) for level in LEVELS}


# Applying: the iteration is copied into drafts in memory, the changes edit the
# drafts, and the result is written with two bulk inserts, whatever the size.


@dataclass
class _Entry:
    proficiency: int
    explanation: str


@dataclass
class _Draft:
    derived_from: int
    title: str
    role_level_id: int
    partner_id: int | None
    notes: str = ""
    title_suggestions: list = field(default_factory=list)
    entries: dict[int, _Entry] = field(default_factory=dict)
    gone: bool = False


class _Drafts(dict):
    """Old profile id → its draft; splits append to `extra`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra: list[_Draft] = []

    def live(self, profile_id: int | None) -> _Draft | None:
        draft = self.get(profile_id)
        return None if draft is None or draft.gone else draft


def _drafts(iteration: Iteration) -> _Drafts:
    drafts = _Drafts(
        (
            profile.pk,
            _Draft(
                derived_from=profile.pk,
                title=profile.title,
                role_level_id=profile.role_level_id,
                partner_id=profile.partner_id,
                notes=profile.notes,
                title_suggestions=profile.title_suggestions,
            ),
        )
        for profile in iteration.profiles.order_by("id")
    )
    entries = ProfileCapability.objects.filter(profile__iteration=iteration)
    for entry in entries.order_by("profile_id", "capability_id"):
        drafts[entry.profile_id].entries[entry.capability_id] = _Entry(
            entry.proficiency, entry.explanation
        )
    return drafts


def _apply(drafts: _Drafts, change: ProfileChange) -> bool:
    """Apply one change to the drafts; False when it no longer can."""
    draft = drafts.live(change.profile_id)
    if draft is None:
        return False
    entries, capability = draft.entries, change.capability_id

    if change.kind == ChangeKind.RENAME:
        draft.title = change.new_title
    elif change.kind == ChangeKind.ADD:
        if capability in entries:
            return False
        entries[capability] = _Entry(
            change.proficiency, f"Added by the employer panel (change {change.pk})."
        )
    elif change.kind == ChangeKind.REMOVE:
        if entries.pop(capability, None) is None:
            return False
    elif change.kind in (ChangeKind.UPRATE, ChangeKind.DOWNRATE):
        if capability not in entries:
            return False
        entries[capability].proficiency = change.proficiency
    elif change.kind == ChangeKind.MERGE:
        return _apply_merge(drafts, draft, change)
    elif change.kind == ChangeKind.SPLIT:
        return _apply_split(drafts, draft, change)
    return True


def _apply_merge(drafts: _Drafts, draft: _Draft, change: ProfileChange) -> bool:
    other = drafts.live(change.other_profile_id)
    if other is None or other is draft:
        return False
    for capability, entry in other.entries.items():
        kept = draft.entries.get(capability)
        # Where both had it, the merged profile needs the higher proficiency.
        if kept is None or entry.proficiency > kept.proficiency:
            draft.entries[capability] = entry
    other.gone = True
    if change.new_title:
        draft.title = change.new_title
    return True


def _apply_split(drafts: _Drafts, draft: _Draft, change: ProfileChange) -> bool:
    moved = {capability.pk for capability in change.moved_capabilities.all()}
    if not moved or not moved < draft.entries.keys():
        return False
    drafts.extra.append(
        _Draft(
            derived_from=draft.derived_from,
            title=change.new_title,
            role_level_id=draft.role_level_id,
            partner_id=draft.partner_id,
            entries={pk: draft.entries.pop(pk) for pk in sorted(moved)},
        )
    )
    return True


def _write(iteration: Iteration, drafts: _Drafts) -> None:
    kept = [draft for draft in drafts.values() if not draft.gone] + drafts.extra
    profiles = Profile.objects.bulk_create(
        Profile(
            iteration=iteration,
            title=draft.title,
            role_level_id=draft.role_level_id,
            partner_id=draft.partner_id,
            notes=draft.notes,
            title_suggestions=draft.title_suggestions,
            derived_from_id=draft.derived_from,
        )
        for draft in kept
    )
    ProfileCapability.objects.bulk_create(
        (
            ProfileCapability(
                profile=profile,
                capability_id=capability,
                proficiency=entry.proficiency,
                explanation=entry.explanation,
            )
            for profile, draft in zip(profiles, kept, strict=True)
            for capability, entry in draft.entries.items()
        ),
        batch_size=2000,
    )
