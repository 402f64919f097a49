"""Moving a whole cycle between installations as one JSON document
(`manage.py export_cycle` and `manage.py import_cycle`); schema.py says what the
document holds and what it leaves out."""

from foresight.transfer.export import export_cycle
from foresight.transfer.load import import_cycle, read_document
from foresight.transfer.schema import FORMAT, VERSION, TransferError, dumps

__all__ = [
    "FORMAT",
    "VERSION",
    "TransferError",
    "dumps",
    "export_cycle",
    "import_cycle",
    "read_document",
]
