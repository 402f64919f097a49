"""Reading the IfATE apprenticeship standards export (SOURCES.md, section 1).

The export is the API's array of standard versions. `read_export` reads and
checks the whole file with no database in sight, so a bad file is refused before
anything is written; analysis.ifate.import_ifate then writes it.
"""

import gzip
import html
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings

from analysis.models import Duty, Ksb, KsbKind, Standard, StandardVersion

FRAMEWORK_SLUG = "ifate"
FRAMEWORK_NAME = "IfATE apprenticeship standards"
EXPORT_PATH = "ifate/apprenticeship_standards_all_versions.json.gz"
APPROVED = "Approved for delivery"
BATCH_SIZE = 2000
GZIP_MAGIC = b"\x1f\x8b"
UNRESOLVED = "?"
# The text a record gives to fields with a length limit.
LIMITED_FIELDS = (
    (Standard, "reference"),
    (Standard, "occupation_code"),
    (StandardVersion, "version"),
    (StandardVersion, "title"),
    (StandardVersion, "status"),
    (StandardVersion, "route"),
    (StandardVersion, "template_type"),
)

# (array, id key, kind, code letter): KSB codes number each array by position.
KSB_ARRAYS = (
    ("knowledges", "knowledgeId", KsbKind.KNOWLEDGE, "K"),
    ("skills", "skillId", KsbKind.SKILL, "S"),
    ("behaviours", "behaviourId", KsbKind.BEHAVIOUR, "B"),
)
# A duty's mapped GUIDs, each list resolved against its own kind's codes.
MAPPED_KSBS = (
    ("mappedKnowledge", KsbKind.KNOWLEDGE),
    ("mappedSkills", KsbKind.SKILL),
    ("mappedBehaviour", KsbKind.BEHAVIOUR),
)

PLAIN_VERSION = re.compile(r"\d+(?:\.\d+)*")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|div|h[1-6]|tr|td|th|table)\b[^>]*>", re.I)
ANY_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


class IfateImportError(Exception):
    """The export cannot be imported. The message is one line naming the file,
    the record when there is one, and the problem."""


@dataclass
class DutyRow:
    code: str
    duty_id: str
    text: str
    is_core: bool
    ksb_codes: list[str]


@dataclass
class KsbRow:
    kind: str
    code: str
    ksb_id: str
    text: str


@dataclass
class VersionRow:
    """One record of the export, checked and cleaned."""

    reference: str
    version: str
    title: str
    level: int | None
    status: str
    route: str
    template_type: str
    overview: str
    occupation_code: str
    typical_job_titles: list[str]
    approved_for_delivery: date | None
    latest_start_date: date | None
    latest_end_date: date | None
    last_updated: date | None
    duties: list[DutyRow]
    ksbs: list[KsbRow]
    is_current: bool = False
    is_latest: bool = False
    key: tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.key = (self.reference, self.version)

    @property
    def has_duties(self) -> bool:
        # Standards on the old template have no structured duty statements.
        return bool(self.duties)


def default_export_path() -> Path:
    return Path(settings.REFERENCE_DATA_DIR) / EXPORT_PATH


# Reading and checking -------------------------------------------------------


def strip_html(text: str) -> str:
    """Plain text from the API's entity-escaped HTML (`&lt;p&gt;…`)."""
    text = html.unescape(text)
    # Block tags separate words; inline ones (<strong>) sit inside them.
    text = BLOCK_TAG.sub(" ", text)
    text = ANY_TAG.sub("", text)
    # The markup had its own entities (&amp;, &#39;) under the outer escaping.
    text = html.unescape(text)
    return " ".join(text.split())


def version_key(version: str) -> tuple[int, tuple[int, ...]]:
    """Sort key comparing versions numerically ("1.10" > "1.9").

    The export also holds versions such as "" and "V0.0" (alongside a "0.0" of
    the same standard): anything that is not plain dotted digits ranks below
    every plain version.
    """
    if PLAIN_VERSION.fullmatch(version):
        return (1, tuple(int(part) for part in version.split(".")))
    return (0, tuple(int(part) for part in re.findall(r"\d+", version)))


def code_number(code: str) -> int:
    """The number in a duty or KSB code (D12 → 12), for ordering."""
    digits = code[1:]
    return int(digits) if digits.isdigit() else 0


def read_export(path: Path) -> list[VersionRow]:
    """Every record of the export, checked, cleaned and flagged latest/current."""
    records = load_records(path)
    rows: list[VersionRow] = []
    seen: dict[tuple[str, str], int] = {}
    for index, record in enumerate(records):
        row = parse_record(record, path, index)
        if row.key in seen:
            where = _where(path, index, record)
            raise IfateImportError(f"{where}: duplicate of record {seen[row.key]}")
        seen[row.key] = index
        rows.append(row)
    mark_latest_and_current(rows)
    return rows


def load_records(path: Path) -> list:
    """The decoded top-level list; gzip is recognised by its magic bytes."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        raise IfateImportError(
            f"{path}: cannot read the file ({error.strerror})"
        ) from None

    if data[:2] == GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            problem = f"the gzip data is truncated or corrupt ({error})"
            raise IfateImportError(f"{path}: {problem}") from None

    try:
        text = data.decode("utf-8-sig")
        # Parsing holds the text and the records; the bytes need not stay too.
        del data
        records = json.loads(text)
    except ValueError as error:
        raise IfateImportError(f"{path}: invalid JSON ({error})") from None
    if not isinstance(records, list):
        kind = type(records).__name__
        raise IfateImportError(f"{path}: the top level is a {kind}, not a list")
    return records


def parse_record(record: Any, path: Path, index: int) -> VersionRow:
    where = _where(path, index, record)
    if not isinstance(record, dict):
        kind = type(record).__name__
        raise IfateImportError(f"{where}: a {kind}, not a JSON object")
    reference = record.get("referenceNumber")
    if not isinstance(reference, str) or not reference.strip():
        raise IfateImportError(f"{where}: missing referenceNumber")
    # An empty version is present (59 withdrawn or draft records have one);
    # only an absent or non-text version is refused.
    version = record.get("version")
    if not isinstance(version, str):
        raise IfateImportError(f"{where}: missing version")

    ksbs, guid_codes = _ksbs(record, where)
    row = VersionRow(
        reference=reference.strip(),
        version=version.strip(),
        title=_text(record, "title", where),
        level=_level(record, where),
        status=_text(record, "status", where),
        route=_text(record, "route", where),
        template_type=_text(record, "templateType", where),
        # Older records have no overview of the role, only the HTML summary.
        overview=_text(record, "overviewOfRole", where)
        or _text(record, "occupationalSummary", where),
        occupation_code=_text(record, "occupationCode", where),
        typical_job_titles=[
            strip_html(str(title))
            for title in _list(record, "typicalJobTitles", where)
            if title
        ],
        approved_for_delivery=_date(record, "approvedForDelivery", where),
        latest_start_date=_date(record, "latestStartDate", where),
        latest_end_date=_date(record, "latestEndDate", where),
        last_updated=_date(record, "lastUpdated", where),
        duties=_duties(record, where, guid_codes),
        ksbs=ksbs,
    )
    _check_lengths(row, where)
    return row


def mark_latest_and_current(rows: Iterable[VersionRow]) -> None:
    """Latest: each standard's highest version. Current: its highest version
    approved for delivery (none when no version is)."""
    by_reference: dict[str, list[VersionRow]] = defaultdict(list)
    for row in rows:
        by_reference[row.reference].append(row)
    for versions in by_reference.values():
        max(versions, key=lambda row: version_key(row.version)).is_latest = True
        approved = [row for row in versions if row.status == APPROVED]
        if approved:
            max(approved, key=lambda row: version_key(row.version)).is_current = True


def _where(path: Path, index: int, record: Any) -> str:
    where = f"{path}: record {index}"
    if not isinstance(record, dict):
        return where
    reference = record.get("referenceNumber")
    version = record.get("version")
    if isinstance(reference, str) and isinstance(version, str):
        return f"{where} ({reference} v{version})"
    if isinstance(reference, str):
        return f"{where} ({reference})"
    return where


def _check_lengths(row: VersionRow, where: str) -> None:
    """PostgreSQL would refuse an over-long value halfway through the writes;
    name it here instead."""
    values = [(model, name, getattr(row, name)) for model, name in LIMITED_FIELDS]
    values += [(Duty, "duty_id", duty.duty_id) for duty in row.duties]
    values += [(Ksb, "ksb_id", ksb.ksb_id) for ksb in row.ksbs]
    for model, name, value in values:
        limit = model._meta.get_field(name).max_length
        if len(value) > limit:
            problem = f"{name} is longer than {limit} characters: {value[:40]!r}…"
            raise IfateImportError(f"{where}: {problem}")


def _text(record: dict, key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise IfateImportError(f"{where}: {key} is not text")
    return strip_html(value)


def _list(record: dict, key: str, where: str) -> list:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise IfateImportError(f"{where}: {key} is not a list")
    return value


def _object(value: Any, what: str, where: str) -> dict:
    if not isinstance(value, dict):
        raise IfateImportError(f"{where}: {what} is not a JSON object")
    return value


def _level(record: dict, where: str) -> int | None:
    value = record.get("level")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise IfateImportError(f"{where}: level {value!r} is not a whole number")
    # The API writes 0 on one withdrawn standard; England has no level 0.
    return value or None


def _date(record: dict, key: str, where: str) -> date | None:
    value = record.get(key)
    if value is None or value == "":
        return None
    # "2025-12-10T00:00:00 +00:00": the day is all we keep.
    if isinstance(value, str) and ISO_DATE.match(value):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise IfateImportError(f"{where}: {key} {value!r} is not a date")


def _ksbs(record: dict, where: str) -> tuple[list[KsbRow], dict[str, dict[str, str]]]:
    """The KSB rows, and for each kind a map from GUID to code."""
    rows: list[KsbRow] = []
    guid_codes: dict[str, dict[str, str]] = {}
    for array, id_key, kind, letter in KSB_ARRAYS:
        codes = guid_codes[kind] = {}
        for number, item in enumerate(_list(record, array, where), start=1):
            item = _object(item, f"{array}[{number - 1}]", where)
            code = f"{letter}{number}"
            ksb_id = str(item.get(id_key) or "")
            # A GUID listed twice (ST0332 v1.0) keeps its first code.
            codes.setdefault(ksb_id, code)
            text = _text(item, "detail", where)
            rows.append(KsbRow(kind=kind, code=code, ksb_id=ksb_id, text=text))
    return rows, guid_codes


def _duties(
    record: dict, where: str, guid_codes: dict[str, dict[str, str]]
) -> list[DutyRow]:
    rows: list[DutyRow] = []
    for number, item in enumerate(_list(record, "duties", where), start=1):
        code = f"D{number}"
        duty = _object(item, f"duty {code}", where)
        ksb_codes = [
            guid_codes[kind].get(guid, UNRESOLVED)
            for key, kind in MAPPED_KSBS
            for guid in _list(duty, key, f"{where} duty {code}")
        ]
        rows.append(
            DutyRow(
                code=code,
                duty_id=str(duty.get("dutyID") or ""),
                text=_text(duty, "dutyDetail", f"{where} duty {code}"),
                is_core=bool(duty.get("isThisACoreDuty")),
                ksb_codes=ksb_codes,
            )
        )
    return rows


# Writing --------------------------------------------------------------------
