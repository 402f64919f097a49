"""Importing the IfATE export into the provision tables: one transaction of bulk
upserts keyed by reference number, version and code, so a re-import keeps every
row id. Reading and checking the file is in analysis.ifate_export."""

import logging
from pathlib import Path

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from analysis.ifate_export import (  # noqa: F401  (this module's interface)
    BATCH_SIZE,
    FRAMEWORK_NAME,
    FRAMEWORK_SLUG,
    DutyRow,
    IfateImportError,
    KsbRow,
    VersionRow,
    code_number,
    default_export_path,
    load_records,
    mark_latest_and_current,
    parse_record,
    read_export,
    strip_html,
    version_key,
)
from analysis.models import Duty, Framework, Ksb, Standard, StandardVersion

logger = logging.getLogger(__name__)

STANDARD_FIELDS = [
    "title",
    "level",
    "status",
    "route",
    "occupation_code",
    "typical_job_titles",
]
VERSION_FIELDS = [
    "title",
    "level",
    "status",
    "route",
    "template_type",
    "overview",
    "approved_for_delivery",
    "latest_start_date",
    "latest_end_date",
    "last_updated",
    "is_current",
    "is_latest",
    "has_duties",
]


def import_ifate(path: Path | str) -> dict[str, int]:
    """Import the export at `path` as the "ifate" framework; return the counts.

    Nothing is written unless the whole file reads cleanly, and everything is
    written in one transaction.
    """
    path = Path(path)
    rows = read_export(path)
    logger.info("Importing %d IfATE standard versions from %s", len(rows), path)

    with transaction.atomic():
        framework = _upsert_framework(rows)
        counts: dict[str, int] = {}
        standard_ids = _upsert_standards(framework, rows, counts)
        version_ids = _upsert_versions(framework, standard_ids, rows, counts)
        duties = [
            Duty(version_id=version_ids[row.key], **vars(duty))
            for row in rows
            for duty in row.duties
        ]
        _upsert_children(Duty, framework, version_ids, duties, "duties", counts)
        ksbs = [
            Ksb(version_id=version_ids[row.key], **vars(ksb))
            for row in rows
            for ksb in row.ksbs
        ]
        _upsert_children(Ksb, framework, version_ids, ksbs, "ksbs", counts)
        counts.update(framework_counts(framework))

    logger.info("Imported IfATE standards from %s: %s", path, counts)
    return counts


def framework_counts(framework: Framework) -> dict[str, int]:
    versions = StandardVersion.objects.filter(standard__framework=framework)
    duties = Duty.objects.filter(version__standard__framework=framework)
    return {
        "standards": framework.standards.count(),
        "versions": versions.count(),
        "current_versions": versions.filter(is_current=True).count(),
        "duties": duties.count(),
        "current_duties": duties.filter(version__is_current=True).count(),
        "ksbs": Ksb.objects.filter(version__standard__framework=framework).count(),
    }


def _upsert_framework(rows: list[VersionRow]) -> Framework:
    dates = [row.last_updated for row in rows if row.last_updated]
    framework, _ = Framework.objects.update_or_create(
        slug=FRAMEWORK_SLUG,
        defaults={
            "name": FRAMEWORK_NAME,
            "data_date": max(dates, default=None),
            "imported_at": timezone.now(),
        },
    )
    return framework


def _upsert_standards(
    framework: Framework, rows: list[VersionRow], counts: dict[str, int]
) -> dict[str, int]:
    """Standards, described by their latest version; returns reference → id."""
    existing = set(framework.standards.values_list("reference", flat=True))
    standards = [
        Standard(
            framework=framework,
            reference=row.reference,
            **{name: getattr(row, name) for name in STANDARD_FIELDS},
        )
        for row in rows
        if row.is_latest
    ]
    Standard.objects.bulk_create(
        standards,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["framework", "reference"],
        update_fields=STANDARD_FIELDS,
    )
    _count_upserts(counts, "standards", {s.reference for s in standards}, existing)
    return dict(framework.standards.values_list("reference", "id"))


def _upsert_versions(
    framework: Framework,
    standard_ids: dict[str, int],
    rows: list[VersionRow],
    counts: dict[str, int],
) -> dict[tuple[str, str], int]:
    """Standard versions; returns (reference, version) → id for those in the file."""
    in_file = StandardVersion.objects.filter(
        standard_id__in={standard_ids[row.reference] for row in rows}
    )
    existing = set(in_file.values_list("standard__reference", "version"))
    # At most one current version per standard, checked row by row: clear the
    # flags first so that a newer export can move them.
    in_file.filter(Q(is_current=True) | Q(is_latest=True)).update(
        is_current=False, is_latest=False
    )
    versions = [
        StandardVersion(
            standard_id=standard_ids[row.reference],
            version=row.version,
            **{name: getattr(row, name) for name in VERSION_FIELDS},
        )
        for row in rows
    ]
    StandardVersion.objects.bulk_create(
        versions,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["standard", "version"],
        update_fields=VERSION_FIELDS,
    )
    keys = {row.key for row in rows}
    _count_upserts(counts, "versions", keys, existing)
    pairs = StandardVersion.objects.filter(standard__framework=framework).values_list(
        "standard__reference", "version", "id"
    )
    return {(ref, version): pk for ref, version, pk in pairs if (ref, version) in keys}


def _upsert_children(
    model: type[Duty] | type[Ksb],
    framework: Framework,
    version_ids: dict[tuple[str, str], int],
    objects: list[models.Model],
    name: str,
    counts: dict[str, int],
) -> None:
    """Duties or KSBs by (version, code); those of an imported version that the
    file no longer has are deleted. Versions absent from the file keep theirs."""
    imported = set(version_ids.values())
    existing = {
        (version_id, code): pk
        for pk, version_id, code in model.objects.filter(
            version__standard__framework=framework
        ).values_list("id", "version_id", "code")
        if version_id in imported
    }
    update_fields = [
        f.name
        for f in model._meta.concrete_fields
        if f.name not in ("id", "version", "code")
    ]
    model.objects.bulk_create(
        objects,
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["version", "code"],
        update_fields=update_fields,
    )

    in_file = {(obj.version_id, obj.code) for obj in objects}
    stale = [pk for key, pk in existing.items() if key not in in_file]
    for start in range(0, len(stale), BATCH_SIZE):
        model.objects.filter(id__in=stale[start : start + BATCH_SIZE]).delete()
    _count_upserts(counts, name, in_file, set(existing))
    counts[f"{name}_deleted"] = len(stale)


def _count_upserts(counts: dict[str, int], name: str, keys: set, existing: set) -> None:
    counts[f"{name}_created"] = len(keys - existing)
    counts[f"{name}_updated"] = len(keys & existing)
