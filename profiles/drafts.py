"""Applying accepted changes to a copy of an iteration.

The iteration is copied into drafts in memory, the changes edit the drafts,
and the result is written with two bulk inserts, whatever the size.
"""

from dataclasses import dataclass, field

from profiles.models import (
    ChangeKind,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)


@dataclass
class Entry:
    proficiency: int
    explanation: str


@dataclass
class Draft:
    derived_from: int
    title: str
    role_level_id: int
    partner_id: int | None
    notes: str = ""
    title_suggestions: list = field(default_factory=list)
    entries: dict[int, Entry] = field(default_factory=dict)
    gone: bool = False


class Drafts(dict):
    """Old profile id → its draft; splits append to `extra`."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.extra: list[Draft] = []

    def live(self, profile_id: int | None) -> Draft | None:
        draft = self.get(profile_id)
        return None if draft is None or draft.gone else draft


def read(iteration: Iteration) -> Drafts:
    """A draft of each of `iteration`'s profiles, with its capabilities."""
    drafts = Drafts(
        (
            profile.pk,
            Draft(
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
        drafts[entry.profile_id].entries[entry.capability_id] = Entry(
            entry.proficiency, entry.explanation
        )
    return drafts


def apply(drafts: Drafts, change: ProfileChange) -> bool:
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
        entries[capability] = Entry(
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
        return _merge(drafts, draft, change)
    elif change.kind == ChangeKind.SPLIT:
        return _split(drafts, draft, change)
    return True


def write(iteration: Iteration, drafts: Drafts) -> None:
    """Insert the drafts still standing as `iteration`'s profiles."""
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


def _merge(drafts: Drafts, draft: Draft, change: ProfileChange) -> bool:
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


def _split(drafts: Drafts, draft: Draft, change: ProfileChange) -> bool:
    moved = {capability.pk for capability in change.moved_capabilities.all()}
    if not moved or not moved < draft.entries.keys():
        return False
    drafts.extra.append(
        Draft(
            derived_from=draft.derived_from,
            title=change.new_title,
            role_level_id=draft.role_level_id,
            partner_id=draft.partner_id,
            entries={pk: draft.entries.pop(pk) for pk in sorted(moved)},
        )
    )
    return True
