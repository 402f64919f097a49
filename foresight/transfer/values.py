"""A field's value in the cycle document: written to JSON (to_json, values_of)
and read back with checks (from_json, Record), every refusal naming the path of
the offending value."""

import copy
import datetime

from django.core.exceptions import ValidationError
from django.db import models

from foresight.transfer.schema import TransferError


def to_json(field: models.Field, value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def values_of(instance: models.Model, names: list[str]) -> dict:
    meta = instance._meta
    return {
        name: to_json(meta.get_field(name), getattr(instance, name)) for name in names
    }


def _type_name(value) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "a number"
    )


def from_json(field: models.Field, value, path: str):
    """`value` read back into `field`'s Python type, checked against the field's
    type, length, choices and validators; TransferError naming `path` if not."""
    if value is None:
        if field.null:
            return None
        raise TransferError(f"{path}: must not be null.")

    kind = field.get_internal_type()
    if kind in ("CharField", "TextField", "SlugField", "EmailField"):
        value = _checked_text(field, value, path)
    elif kind == "BooleanField":
        if not isinstance(value, bool):
            raise TransferError(
                f"{path}: expected true or false, not {_type_name(value)}."
            )
    elif kind.endswith("IntegerField"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TransferError(
                f"{path}: expected a whole number, not {_type_name(value)}."
            )
        if kind.startswith("Positive") and value < 0:
            raise TransferError(f"{path}: must not be negative.")
    elif kind == "FloatField":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TransferError(f"{path}: expected a number, not {_type_name(value)}.")
        value = float(value)
    elif kind in ("DateField", "DateTimeField"):
        value = _checked_moment(kind, value, path)
    elif kind == "JSONField":
        expected = type(field.default()) if callable(field.default) else object
        if not isinstance(value, expected):
            raise TransferError(f"{path}: expected {_type_name(expected())}.")
        # A copy: the import fills ids into it, and the caller keeps its document.
        value = copy.deepcopy(value)

    try:
        field.run_validators(value)
    except ValidationError as error:
        raise TransferError(f"{path}: {' '.join(error.messages)}") from None
    return value


def _checked_text(field: models.Field, value, path: str) -> str:
    if not isinstance(value, str):
        raise TransferError(f"{path}: expected a string, not {_type_name(value)}.")
    if not value and not field.blank:
        raise TransferError(f"{path}: must not be empty.")
    if field.max_length and len(value) > field.max_length:
        raise TransferError(f"{path}: longer than {field.max_length} characters.")
    if field.choices and value and value not in {key for key, _ in field.flatchoices}:
        raise TransferError(f"{path}: {value!r} is not one of the allowed values.")
    return value


def _checked_moment(kind: str, value, path: str):
    if not isinstance(value, str):
        raise TransferError(
            f"{path}: expected an ISO 8601 date, not {_type_name(value)}."
        )
    try:
        if kind == "DateField":
            return datetime.date.fromisoformat(value)
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        raise TransferError(f"{path}: {value!r} is not an ISO 8601 date.") from None
    if moment.tzinfo is None:
        raise TransferError(f"{path}: {value!r} has no time zone.")
    return moment


class Record:
    """One JSON object of the document, read with checks: every method raises
    TransferError naming the path of the offending value."""

    def __init__(self, data, path: str):
        if not isinstance(data, dict):
            raise TransferError(f"{path}: expected an object, not {_type_name(data)}.")
        self.data, self.path = data, path

    def raw(self, key: str):
        if key not in self.data:
            raise TransferError(f"{self.path}: the key {key!r} is missing.")
        return self.data[key]

    def records(self, key: str) -> list["Record"]:
        return [
            Record(item, f"{self.path}.{key}[{index}]")
            for index, item in enumerate(self._list(key))
        ]

    def record(self, key: str) -> "Record | None":
        value = self.raw(key)
        return None if value is None else Record(value, f"{self.path}.{key}")

    def text(self, key: str, *, null: bool = False) -> str | None:
        value = self.raw(key)
        if value is None and null:
            return None
        if not isinstance(value, str) or not value:
            raise TransferError(f"{self.path}.{key}: expected a non-empty string.")
        return value

    def texts(self, key: str) -> list[str]:
        values = self._list(key)
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise TransferError(f"{self.path}.{key}[{index}]: expected a string.")
        return values

    def fields(self, model: type[models.Model], names: list[str]) -> dict:
        """The named plain fields of `model`, checked and converted."""
        meta = model._meta
        return {
            name: from_json(meta.get_field(name), self.raw(name), f"{self.path}.{name}")
            for name in names
        }

    def _list(self, key: str) -> list:
        value = self.raw(key)
        if not isinstance(value, list):
            raise TransferError(
                f"{self.path}.{key}: expected a list, not {_type_name(value)}."
            )
        return value
