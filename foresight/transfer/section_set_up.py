"""The document's set-up section: the cycle, its scale, solutions, partners,
role levels, stage changes, members and capabilities. Its import also reads the
people the document names, which export_cycle lists last, once every section
has named them."""

from django.contrib.auth import get_user_model

from foresight.models import (
    Cycle,
    CycleCapability,
    Membership,
    ProficiencyLevel,
    RoleLevel,
    StageChange,
    SupplyChainPartner,
    TechnologySolution,
)
from foresight.transfer import schema
from foresight.transfer.naming import People, linked, statement_name
from foresight.transfer.reader import Reader
from foresight.transfer.schema import TransferError
from foresight.transfer.values import Record, values_of

# The rows the section creates besides the cycle, parents before children:
# write.py saves them in this order.
MODELS = [
    ProficiencyLevel,
    TechnologySolution,
    SupplyChainPartner,
    RoleLevel,
    StageChange,
    Membership,
    CycleCapability,
]

# --- Export ---------------------------------------------------------------------


def export(cycle: Cycle, people: People, keys: dict) -> dict:
    organisation = cycle.convener_organisation
    return {
        "cycle": {
            **values_of(cycle, schema.CYCLE_FIELDS),
            "convener_organisation": organisation.name if organisation else None,
            "created_by": people.email(cycle.created_by),
        },
        "scale": [
            values_of(level, schema.SCALE_FIELDS)
            for level in cycle.scale.order_by("value")
        ],
        "solutions": [
            values_of(solution, schema.SOLUTION_FIELDS)
            for solution in cycle.solutions.order_by("pk")
        ],
        "partners": [
            {"key": keys["partner"][p.pk], **values_of(p, schema.PARTNER_FIELDS)}
            for p in cycle.partners.order_by("pk")
        ],
        "role_levels": [
            {"key": keys["role level"][r.pk], **values_of(r, schema.ROLE_LEVEL_FIELDS)}
            for r in cycle.role_levels.order_by("pk")
        ],
        "stage_changes": _stage_changes(cycle, people),
        "members": _members(cycle, people),
        "capabilities": _capabilities(cycle, keys),
    }


def _stage_changes(cycle: Cycle, people: People) -> list[dict]:
    changes = StageChange.objects.filter(cycle=cycle).select_related("changed_by")
    return [
        {
            **values_of(change, schema.STAGE_CHANGE_FIELDS),
            "changed_by": people.email(change.changed_by),
        }
        for change in changes.order_by("pk")
    ]


def _members(cycle: Cycle, people: People) -> list[dict]:
    members = Membership.objects.filter(cycle=cycle).select_related(
        "user", "organisation"
    )
    return [
        {
            **values_of(member, schema.MEMBER_FIELDS),
            "email": people.email(member.user),
            "organisation": member.organisation.name if member.organisation else None,
        }
        for member in members.order_by("pk")
    ]


def _capabilities(cycle: Cycle, keys: dict) -> list[dict]:
    capabilities = CycleCapability.objects.filter(cycle=cycle).select_related(
        "statement", "area"
    )
    partners = linked(
        CycleCapability.partners.through,
        "cyclecapability",
        "supplychainpartner",
        list(keys["capability"]),
        keys["partner"],
    )
    return [
        {
            "key": keys["capability"][capability.pk],
            **values_of(capability, schema.CAPABILITY_FIELDS),
            "statement": statement_name(capability.statement),
            "area": capability.area.code if capability.area else None,
            "partners": partners.get(capability.pk, []),
        }
        for capability in capabilities.order_by("pk")
    ]


# --- Import ---------------------------------------------------------------------


def read(reader: Reader, root: Record) -> None:
    _read_people(reader, root)
    _read_cycle(reader, root)
    _read_lists(reader, root)
    for record in root.records("capabilities"):
        row = reader.add(
            CycleCapability, record, schema.CAPABILITY_FIELDS, cycle=reader.cycle
        )
        reader.define("capability", record, row)
        reader.library(row, record)
        reader.link(row, "partners", record, "partner")


def _read_people(reader: Reader, root: Record) -> None:
    User = get_user_model()  # noqa: N806
    for person in root.records("people"):
        email = person.text("email").strip().lower()
        if "@" not in email:
            raise TransferError(f"{person.path}.email: {email!r} is not an e-mail.")
        if email in reader.people:
            raise TransferError(f"{person.path}.email: {email!r} is listed twice.")
        reader.people[email] = person.fields(User, schema.PERSON_FIELDS)


def _read_cycle(reader: Reader, root: Record) -> None:
    record = root.record("cycle")
    if record is None:
        raise TransferError("document.cycle: must not be null.")
    fields = record.fields(Cycle, schema.CYCLE_FIELDS)
    reader.created_at = fields.pop("created_at")
    reader.cycle = cycle = Cycle(**fields)
    reader.user(cycle, "created_by_id", record, "created_by")
    name = record.text("convener_organisation", null=True)
    if name:
        reader.organisation_refs.append((cycle, "convener_organisation_id", name))


def _read_lists(reader: Reader, root: Record) -> None:
    """The cycle's scale, solutions, partners, role levels, stage changes and
    members."""
    cycle = reader.cycle
    for level in root.records("scale"):
        reader.add(ProficiencyLevel, level, schema.SCALE_FIELDS, cycle=cycle)
    for solution in root.records("solutions"):
        reader.add(TechnologySolution, solution, schema.SOLUTION_FIELDS, cycle=cycle)
    for partner in root.records("partners"):
        row = reader.add(
            SupplyChainPartner, partner, schema.PARTNER_FIELDS, cycle=cycle
        )
        reader.define("partner", partner, row)
    for level in root.records("role_levels"):
        row = reader.add(RoleLevel, level, schema.ROLE_LEVEL_FIELDS, cycle=cycle)
        reader.define("role level", level, row)
    for change in root.records("stage_changes"):
        row = reader.add(StageChange, change, schema.STAGE_CHANGE_FIELDS, cycle=cycle)
        reader.user(row, "changed_by_id", change, "changed_by", null=False)
    for member in root.records("members"):
        row = reader.add(Membership, member, schema.MEMBER_FIELDS, cycle=cycle)
        reader.user(row, "user_id", member, "email", null=False)
        name = member.text("organisation", null=True)
        if name:
            reader.organisation_refs.append((row, "organisation_id", name))
