"""What the profile tables share: the scale's labels, the classification order
of capabilities, and CSV downloads."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse

from foresight.models import Cycle, CycleCapability

UNCLASSIFIED = (99, "", "")


def level_labels(cycle: Cycle) -> dict[int, str]:
    return dict(cycle.scale.values_list("value", "label"))


def classification_key(capability: CycleCapability) -> tuple:
    """Function, domain and area order, then the capability's ref or id; a
    capability without an area comes last. Needs area__domain__function loaded."""
    area = capability.area
    place = (
        (area.domain.function.position, area.domain.name, area.name)
        if area
        else UNCLASSIFIED
    )
    return (*place, capability.ref or "", capability.pk)


def classification(capability: CycleCapability) -> list[str]:
    """[function, domain, area] of a capability; blanks when it has no area."""
    area = capability.area
    if area is None:
        return ["", "", ""]
    return [area.domain.function.name, area.domain.name, area.name]


def cell(text: str) -> str:
    # People write these texts: keep spreadsheets from reading one as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(
    filename: str, header: list[str], rows: Iterable[list]
) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow([cell(str(value)) for value in header])
    for row in rows:
        writer.writerow(
            [cell(value) if isinstance(value, str) else value for value in row]
        )
    return response
