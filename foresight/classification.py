"""The capability classification file: load and check it, then import it.

The file (foresight/data/classification.json) is built from O*NET's work activities
by scripts/build_classification.py. Importing upserts domains and areas and never
deletes: rows that the file no longer names may be referenced by statements and
cycles, so they are left as they are and counted.
"""

import json
from pathlib import Path

from django.db import IntegrityError, models, transaction

from foresight.models import Domain, Function, FunctionalArea

REQUIRED_KEYS = ("version", "functions", "domains", "areas")


class ClassificationFileError(Exception):
    """The classification cannot be used; the message is one line."""


def load_classification_file(path: Path | str) -> dict:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ClassificationFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ClassificationFileError(f"{path}: cannot be read ({error})") from None

    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ClassificationFileError(f"{path}: not valid JSON ({error})") from None

    try:
        check_classification(data)
    except ClassificationFileError as error:
        raise ClassificationFileError(f"{path}: {error}") from None
    return data


def check_classification(data: object) -> None:
    if not isinstance(data, dict):
        raise ClassificationFileError("the top level is not a JSON object")
    missing = [key for key in REQUIRED_KEYS if key not in data]
    if missing:
        raise ClassificationFileError(f"missing key {', '.join(map(repr, missing))}")

    functions = checked_records(data, "functions", ("name",))
    domains = checked_records(data, "domains", ("code", "name", "function"))
    areas = checked_records(data, "areas", ("code", "name", "domain"))

    function_names = {function["name"] for function in functions}
    for domain in domains:
        if domain["function"] not in function_names:
            raise ClassificationFileError(
                f"domain {domain['code']!r} names unknown function {domain['function']!r}"
            )
    domain_codes = {domain["code"] for domain in domains}
    for area in areas:
        if area["domain"] not in domain_codes:
            raise ClassificationFileError(
                f"area {area['code']!r} names unknown domain {area['domain']!r}"
            )
    check_dwas(areas)


def checked_records(data: dict, key: str, fields: tuple[str, ...]) -> list[dict]:
    """The list under `key`, each record with non-empty `fields` and unique code and name."""
    records = data[key]
    if not isinstance(records, list):
        raise ClassificationFileError(f"{key!r} is not a list")
    seen: dict[str, set[str]] = {"code": set(), "name": set()}
    for index, record in enumerate(records):
        label = record_label(key, index, record)
        if not isinstance(record, dict):
            raise ClassificationFileError(f"{label} is not an object")
        for field in fields:
            value = record.get(field)
            if not isinstance(value, str) or not value.strip():
                raise ClassificationFileError(f"{label} has no {field}")
        if not isinstance(record.get("description", ""), str):
            raise ClassificationFileError(f"{label} has a description that is not text")
        for field in fields:
            if field in seen:
                if record[field] in seen[field]:
                    raise ClassificationFileError(
                        f"{label} repeats the {field} {record[field]!r}"
                    )
                seen[field].add(record[field])
    return records


def record_label(key: str, index: int, record: object) -> str:
    """'area 'A01.2'' when the record has a code, else 'areas[3]'."""
    code = record.get("code") if isinstance(record, dict) else None
    if isinstance(code, str) and code:
        return f"{key.removesuffix('s')} {code!r}"
    return f"{key}[{index}]"


def check_dwas(areas: list[dict]) -> None:
    # The library importer places O*NET tasks by DWA, so each DWA needs one area.
    placed: dict[str, str] = {}
    for area in areas:
        dwas = area.get("dwas", [])
        if not isinstance(dwas, list) or not all(isinstance(d, str) for d in dwas):
            raise ClassificationFileError(f"area {area['code']!r} has a bad dwas list")
        for dwa in dwas:
            if dwa in placed:
                raise ClassificationFileError(
                    f"DWA {dwa!r} is in both area {placed[dwa]!r} and {area['code']!r}"
                )
            placed[dwa] = area["code"]


def dwa_area_codes(data: dict) -> dict[str, str]:
    """O*NET DWA id → functional area code."""
    return {dwa: area["code"] for area in data["areas"] for dwa in area.get("dwas", [])}


def import_classification(data: dict) -> dict[str, int]:
    """Upsert the functions' descriptions, and domains and areas by their codes.

    Expects data that load_classification_file has checked. All or nothing.
    """
    counts = {"functions": 0, "domains": 0, "areas": 0, "created": 0, "updated": 0}
    try:
        with transaction.atomic():
            functions = import_functions(data["functions"], counts)
            domains = import_domains(data["domains"], functions, counts)
            import_areas(data["areas"], domains, counts)
    except IntegrityError as error:
        # Limitation: two areas that swap names in one file collide here; import
        # once with a temporary name to lift it.
        detail = " ".join(str(error).split())
        raise ClassificationFileError(f"the database refused it: {detail}") from None

    counts["not_in_file"] = (
        Domain.objects.exclude(code__in=[d["code"] for d in data["domains"]]).count()
        + FunctionalArea.objects.exclude(
            code__in=[a["code"] for a in data["areas"]]
        ).count()
    )
    return counts


def import_functions(
    records: list[dict], counts: dict[str, int]
) -> dict[str, Function]:
    # The five functions come from a migration; the file only describes them.
    functions = {function.name: function for function in Function.objects.all()}
    for record in records:
        function = functions.get(record["name"])
        if function is None:
            raise ClassificationFileError(
                f"function {record['name']!r} is not in the database (run migrate)"
            )
        update(function, {"description": record.get("description", "")}, counts)
    counts["functions"] = len(records)
    return functions


def import_domains(
    records: list[dict], functions: dict[str, Function], counts: dict[str, int]
) -> dict[str, Domain]:
    """The domains by code."""
    return _import_by_code(Domain, "function", records, functions, counts, "domains")


def import_areas(
    records: list[dict], domains: dict[str, Domain], counts: dict[str, int]
) -> None:
    _import_by_code(FunctionalArea, "domain", records, domains, counts, "areas")


def _import_by_code(model, parent: str, records, parents, counts, name) -> dict:
    """Create or update the rows of `model` (domains, areas) by code, each under
    its `parent` named by code in the record; counts them as `name`; returns
    them by code."""
    existing = {row.code: row for row in model.objects.all()}
    for record in records:
        values = {
            "name": record["name"],
            "description": record.get("description", ""),
            f"{parent}_id": parents[record[parent]].pk,
        }
        row = existing.get(record["code"])
        if row is None:
            existing[record["code"]] = model.objects.create(
                code=record["code"], **values
            )
            counts["created"] += 1
        else:
            update(row, values, counts)
    counts[name] = len(records)
    return existing


def update(obj: models.Model, values: dict, counts: dict[str, int]) -> None:
    """Set `values` on `obj`, saving and counting it only when something changed."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        return
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(update_fields=changed)
    counts["updated"] += 1
