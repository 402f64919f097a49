"""What an import holds between reading the document and writing it: the rows
built unsaved, the local keys they define, and what they name that is found
only later (people, organisations, reference data, rows further on)."""

from collections import defaultdict

from django.db import models

from foresight.transfer.schema import TransferError
from foresight.transfer.values import Record


class Reader:
    def __init__(self):
        # The new cycle (unsaved) and its creation time, from the set-up section.
        self.cycle = None
        self.created_at = None
        self.people: dict[str, dict] = {}
        self.rows: dict[type[models.Model], list] = defaultdict(list)
        self.keys: dict[str, dict[str, models.Model]] = defaultdict(dict)
        # (row, attname, natural key): foreign keys set once the people,
        # organisations and reference data they name are found.
        self.user_refs: list[tuple] = []
        self.organisation_refs: list[tuple] = []
        self.framework_refs: list[tuple] = []
        self.area_refs: list[tuple] = []
        self.statement_refs: list[tuple] = []
        self.version_refs: list[tuple] = []
        self.duty_refs: list[tuple] = []
        self.standard_refs: list[tuple] = []
        # Local keys read before their rows exist (row, field, kind, key, path),
        # and then self-references to set once every row is saved.
        self.forward: list[tuple] = []
        self.after_save: list[tuple] = []
        self.parameter_rows: list[tuple] = []
        # Many-to-many links: (through model, {field: row, field: row}).
        self.links: list[tuple] = []

    def add(self, model: type[models.Model], record: Record, names: list[str], **more):
        row = model(**record.fields(model, names), **more)
        self.rows[model].append(row)
        return row

    def define(self, kind: str, record: Record, row: models.Model) -> None:
        key = record.text("key")
        if key in self.keys[kind]:
            raise TransferError(f"{record.path}.key: {key!r} is used twice.")
        self.keys[kind][key] = row

    def local(self, kind: str, key, path: str) -> models.Model:
        if not isinstance(key, str) or key not in self.keys[kind]:
            raise TransferError(f"{path}: no {kind} {key!r} in this document.")
        return self.keys[kind][key]

    def ref(self, record: Record, field: str, kind: str, *, null: bool = False):
        key = record.raw(field)
        if key is None and null:
            return None
        return self.local(kind, key, f"{record.path}.{field}")

    def ref_later(self, row, record: Record, field: str, kind: str) -> None:
        """Point `row` at the row of this kind that `record[field]` names (if not
        null) once every row is read: it may come later in the document."""
        key = record.raw(field)
        if key is not None:
            self.forward.append((row, field, kind, key, f"{record.path}.{field}"))

    def settle(self) -> None:
        """Check the keys that ref_later kept, now that every row is read."""
        for row, field, kind, key, path in self.forward:
            self.after_save.append((row, field, self.local(kind, key, path)))

    def link(self, row, name: str, record: Record, kind: str):
        """Link `row` through its many-to-many field `name` to the rows that
        `record[name]` lists by local key."""
        field = row._meta.get_field(name)
        owner, other = field.m2m_field_name(), field.m2m_reverse_field_name()
        for index, key in enumerate(record.texts(name)):
            target = self.local(kind, key, f"{record.path}.{name}[{index}]")
            self.links.append((field.remote_field.through, {owner: row, other: target}))

    def user(self, row, attname: str, record: Record, field: str, *, null=True):
        email = record.raw(field)
        if email is None and null:
            return
        if not isinstance(email, str) or email.lower() not in self.people:
            raise TransferError(
                f"{record.path}.{field}: {email!r} is not among the document's people."
            )
        self.user_refs.append((row, attname, email.lower()))

    def library(self, row, record: Record) -> None:
        """The functional area and library statement a row names, if any."""
        area = record.text("area", null=True)
        if area:
            self.area_refs.append((row, "area_id", area))
        statement = record.record("statement")
        if statement:
            natural = (statement.text("source_kind"), statement.text("source_ref"))
            self.statement_refs.append((row, "statement_id", natural))


def numbered(record: Record, field: str, rows: dict, noun: str):
    """The row (a round, an iteration) that `record[field]` names by number."""
    number = record.raw(field)
    if type(number) is not int or number not in rows:
        raise TransferError(f"{record.path}.{field}: there is no {noun} {number!r}.")
    return rows[number]
