"""Checking a proposed change to a profile, one function per kind.

Each check reads the proposer's fields, refuses what the rules do not allow
with a message for the person, fills in the change, and returns the
capabilities a split moves (an empty list for the other kinds).
"""

from collections.abc import Iterable

from foresight.models import CycleCapability
from profiles.models import (
    ChangeKind,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)

LEVELS = range(4)


class RefinementError(Exception):
    """A proposal, vote or application the rules refuse; the message is for the person."""


def check(change: ProfileChange, fields: dict) -> list[CycleCapability]:
    """Fill in `change` from `fields` by the rules of its kind."""
    return CHECKS[change.kind](change, fields)


def profile_in(iteration: Iteration, value) -> Profile:
    """The profile of `iteration` that `value` (a profile or its id) names."""
    pk = _pk(value)
    if pk is None:
        raise RefinementError("Choose a profile.")
    profile = Profile.objects.filter(pk=pk, iteration=iteration).first()
    if profile is None:
        raise RefinementError(f"That profile is not in iteration {iteration.number}.")
    return profile


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
    other = profile_in(change.iteration, fields.get("other_profile"))
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


# Reading the proposer's values: rows by instance or id, levels, titles.


def _pk(value) -> int | None:
    value = getattr(value, "pk", value)
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
