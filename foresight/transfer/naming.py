"""How the export names what rows point at, without database ids: people by
e-mail, the cycle's own rows by local key, library statements by natural key;
and the grouping that lets each kind of row be read with one query."""

from collections import defaultdict

from foresight.transfer import schema
from foresight.transfer.schema import TransferError
from foresight.transfer.values import values_of


class People:
    """The people a document names, by lower-case e-mail."""

    def __init__(self):
        self.found: dict[str, object] = {}

    def email(self, user) -> str | None:
        if user is None:
            return None
        email = user.email.strip().lower()
        if not email:
            raise TransferError(
                f"User {user.get_username()!r} has no e-mail address, so the cycle "
                "cannot name them: give them one and export again."
            )
        other = self.found.setdefault(email, user)
        if other.pk != user.pk:
            raise TransferError(
                f"Users {other.get_username()!r} and {user.get_username()!r} share "
                f"the e-mail address {email}, so the cycle cannot tell them apart."
            )
        return email

    def listed(self) -> list[dict]:
        return [
            {"email": email, **values_of(user, schema.PERSON_FIELDS)}
            for email, user in sorted(self.found.items())
        ]


def local_keys(prefix: str, rows) -> dict[int, str]:
    """Local keys for `rows` (a queryset), numbered in id order."""
    ids = rows.order_by("pk").values_list("pk", flat=True)
    return {pk: f"{prefix}{number}" for number, pk in enumerate(ids, start=1)}


def grouped(pairs) -> dict[int, list]:
    groups = defaultdict(list)
    for parent, child in pairs:
        groups[parent].append(child)
    return groups


def linked(through, owner: str, other: str, owners: list, keys: dict[int, str]):
    """Many-to-many links of `owners` (ids or rows) as {owner id: [the other side's
    local keys, in key order]}."""
    rows = through.objects.filter(**{f"{owner}__in": owners}).values_list(
        f"{owner}_id", f"{other}_id"
    )
    groups = grouped(rows.order_by(f"{owner}_id", f"{other}_id"))
    return {pk: [keys[other_id] for other_id in ids] for pk, ids in groups.items()}


def statement_name(statement) -> dict | None:
    if statement is None:
        return None
    return {"source_kind": statement.source_kind, "source_ref": statement.source_ref}
