"""The document's iterations: each with its parameters, profiles (and their
entries) and proposed changes (and their votes)."""

from foresight.models import Cycle
from foresight.transfer import schema
from foresight.transfer.naming import People, grouped, linked
from foresight.transfer.reader import Reader, numbered
from foresight.transfer.values import Record, values_of
from profiles.models import (
    ChangeVote,
    Iteration,
    Profile,
    ProfileCapability,
    ProfileChange,
)

# The rows the section creates, parents before children: write.py saves them
# in this order.
MODELS = [Iteration, Profile, ProfileCapability, ProfileChange, ChangeVote]

# --- Export ---------------------------------------------------------------------


def export(cycle: Cycle, people: People, keys: dict) -> dict:
    profiles = _profiles(cycle, keys)
    changes = _changes(cycle, people, keys)
    iterations = Iteration.objects.filter(cycle=cycle).select_related("created_by")
    return {
        "iterations": [
            {
                **values_of(iteration, schema.ITERATION_FIELDS),
                "parameters": _parameters(iteration.parameters, keys),
                "created_by": people.email(iteration.created_by),
                "profiles": profiles.get(iteration.pk, []),
                "changes": changes.get(iteration.pk, []),
            }
            for iteration in iterations.order_by("pk")
        ]
    }


def _profiles(cycle: Cycle, keys: dict) -> dict[int, list]:
    capability_keys, profile_keys = keys["capability"], keys["profile"]
    entries = grouped(
        (
            entry.profile_id,
            {
                **values_of(entry, schema.ENTRY_FIELDS),
                "capability": capability_keys[entry.capability_id],
            },
        )
        for entry in ProfileCapability.objects.filter(
            profile__iteration__cycle=cycle
        ).order_by("pk")
    )
    return grouped(
        (
            profile.iteration_id,
            {
                "key": profile_keys[profile.pk],
                **values_of(profile, schema.PROFILE_FIELDS),
                "role_level": keys["role level"][profile.role_level_id],
                "partner": keys["partner"].get(profile.partner_id),
                "derived_from": profile_keys.get(profile.derived_from_id),
                "entries": entries.get(profile.pk, []),
            },
        )
        for profile in Profile.objects.filter(iteration__cycle=cycle).order_by("pk")
    )


def _parameters(parameters: dict, keys: dict) -> dict:
    """An iteration's parameters with the row ids they record as local keys."""
    parameters = dict(parameters)
    for name, kind in schema.PARAMETER_KEYS.items():
        value = parameters.get(name)
        if isinstance(value, list):
            parameters[name] = [keys[kind].get(pk) for pk in value]
        elif value is not None:
            parameters[name] = keys[kind].get(value)
    return parameters


def _changes(cycle: Cycle, people: People, keys: dict) -> dict[int, list]:
    capability_keys, profile_keys = keys["capability"], keys["profile"]
    changes = list(
        ProfileChange.objects.filter(iteration__cycle=cycle)
        .select_related("proposed_by", "applied_in")
        .order_by("pk")
    )
    moved = linked(
        ProfileChange.moved_capabilities.through,
        "profilechange",
        "cyclecapability",
        [change.pk for change in changes],
        capability_keys,
    )
    votes = grouped(
        (vote.change_id, values_of(vote, schema.CHANGE_VOTE_FIELDS))
        for vote in ChangeVote.objects.filter(change__iteration__cycle=cycle).order_by(
            "pk"
        )
    )
    return grouped(
        (
            change.iteration_id,
            {
                "key": keys["change"][change.pk],
                **values_of(change, schema.CHANGE_FIELDS),
                "profile": profile_keys[change.profile_id],
                "other_profile": profile_keys.get(change.other_profile_id),
                "capability": capability_keys.get(change.capability_id),
                "moved_capabilities": moved.get(change.pk, []),
                "proposed_by": people.email(change.proposed_by),
                "applied_in": change.applied_in.number if change.applied_in else None,
                "votes": votes.get(change.pk, []),
            },
        )
        for change in changes
    )


# --- Import ---------------------------------------------------------------------


def read(reader: Reader, root: Record) -> None:
    records = root.records("iterations")
    # Profiles first: a change may name a profile of any iteration.
    iterations = []
    for record in records:
        iteration = reader.add(
            Iteration, record, schema.ITERATION_FIELDS, cycle=reader.cycle
        )
        reader.user(iteration, "created_by_id", record, "created_by")
        iterations.append(iteration)
        for profile_record in record.records("profiles"):
            _read_profile(reader, iteration, profile_record)

    by_number = {iteration.number: iteration for iteration in iterations}
    for record, iteration in zip(records, iterations, strict=True):
        for change in record.records("changes"):
            _read_change(reader, iteration, change, by_number)
    # Parameters name changes of any iteration, so they come last.
    for record, iteration in zip(records, iterations, strict=True):
        _read_parameters(reader, iteration, f"{record.path}.parameters")


def _read_profile(reader: Reader, iteration: Iteration, record: Record) -> None:
    profile = reader.add(
        Profile,
        record,
        schema.PROFILE_FIELDS,
        iteration=iteration,
        role_level=reader.ref(record, "role_level", "role level"),
        partner=reader.ref(record, "partner", "partner", null=True),
    )
    reader.define("profile", record, profile)
    reader.ref_later(profile, record, "derived_from", "profile")
    for entry in record.records("entries"):
        reader.add(
            ProfileCapability,
            entry,
            schema.ENTRY_FIELDS,
            profile=profile,
            capability=reader.ref(entry, "capability", "capability"),
        )


def _read_change(
    reader: Reader, iteration: Iteration, record: Record, iterations: dict
) -> None:
    change = reader.add(
        ProfileChange,
        record,
        schema.CHANGE_FIELDS,
        iteration=iteration,
        profile=reader.ref(record, "profile", "profile"),
        other_profile=reader.ref(record, "other_profile", "profile", null=True),
        capability=reader.ref(record, "capability", "capability", null=True),
    )
    reader.define("change", record, change)
    reader.link(change, "moved_capabilities", record, "capability")
    reader.user(change, "proposed_by_id", record, "proposed_by")
    if record.raw("applied_in") is not None:
        change.applied_in = numbered(record, "applied_in", iterations, "iteration")
    for vote in record.records("votes"):
        reader.add(ChangeVote, vote, schema.CHANGE_VOTE_FIELDS, change=change)


def _read_parameters(reader: Reader, iteration: Iteration, path: str) -> None:
    """The local keys in an iteration's parameters, as rows whose ids are
    written in once they are saved."""
    for name, kind in schema.PARAMETER_KEYS.items():
        value = iteration.parameters.get(name)
        if isinstance(value, list):
            rows = [
                None if key is None else reader.local(kind, key, f"{path}.{name}")
                for key in value
            ]
        elif value is not None:
            rows = reader.local(kind, value, f"{path}.{name}")
        else:
            continue
        reader.parameter_rows.append((iteration, name, rows))
