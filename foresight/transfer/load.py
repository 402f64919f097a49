"""Reading a cycle document (see schema.py) into a new cycle.

Three steps, all in one transaction:
1. read: check every value and local key and build the rows unsaved, so a
   malformed document is refused before anything is written (each section
   module reads its part into a Reader, reader.py);
2. resolve: find the reference data it names (areas, library statements,
   standards, duties) with one query per kind, refusing if any is missing
   (resolve.py);
3. write: people, organisations and every row, with bulk_create (write.py).
"""

import json
from pathlib import Path

from django.db import DatabaseError, transaction

from foresight.models import Cycle
from foresight.transfer import schema
from foresight.transfer.reader import Reader
from foresight.transfer.resolve import resolve
from foresight.transfer.schema import TransferError
from foresight.transfer.sections import SECTIONS
from foresight.transfer.values import Record
from foresight.transfer.write import write


def read_document(path: Path | str) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TransferError(f"{path}: no such file.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise TransferError(f"{path}: cannot be read ({error}).") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise TransferError(f"{path}: not valid JSON ({error}).") from None


def import_cycle(document) -> Cycle:
    """A new cycle made from `document`; TransferError (one line) and nothing
    written when the document is malformed or names missing reference data."""
    try:
        with transaction.atomic():
            reader = read(document)
            resolve(reader)
            return write(reader)
    except DatabaseError as error:
        # A rule only the database checks (a unique pair, a range across two
        # fields); the atomic block has already undone everything.
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise TransferError(
            f"The document breaks a rule of the database: {detail}."
        ) from None


def read(document) -> Reader:
    """Every row of `document` built unsaved, its values and local keys checked."""
    if not isinstance(document, dict):
        raise TransferError("The document is not a JSON object.")
    if document.get("format") != schema.FORMAT:
        raise TransferError(
            f"Not a Foresight cycle document: its format is "
            f"{document.get('format')!r}, not {schema.FORMAT!r}."
        )
    version = document.get("version")
    if version != schema.VERSION or isinstance(version, bool):
        raise TransferError(
            f"The document is version {version!r} of the cycle format; this "
            f"installation reads version {schema.VERSION}."
        )

    reader, root = Reader(), Record(document, "document")
    for section in SECTIONS:
        section.read(reader, root)
    reader.settle()
    return reader
