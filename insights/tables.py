"""A table of an insight page as it leaves the app: the same cells go to the
CSV download and to the JSON that the page's chart draws, so the two never
disagree. Cells are str, int, float (already rounded) or None (blank)."""

from collections import Counter
from dataclasses import dataclass, field

from django.http import HttpResponse, JsonResponse

from profiles.views.tables import csv_response


@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    # What the chart draws, built from `rows` (see static/js/charts.js).
    chart: dict | None = None

    def as_csv(self, filename: str) -> HttpResponse:
        return csv_response(filename, self.columns, self.rows)

    def as_json(self) -> JsonResponse:
        return JsonResponse(
            {"columns": self.columns, "rows": self.rows, "chart": self.chart}
        )


def share(part: int, whole: int) -> float | None:
    """Percent, one decimal; None when there is nothing to share."""
    return round(100 * part / whole, 1) if whole else None


def unique_labels(items: list[tuple[str, str]]) -> list[str]:
    """A label per (title, qualifier): the title alone when no other item shares
    it, else with its qualifier, else numbered too (a chart merges equal labels
    into one column or legend entry)."""
    titles = Counter(title for title, _ in items)
    labels = [
        title if titles[title] == 1 else f"{title} ({qualifier})"
        for title, qualifier in items
    ]
    repeated = Counter(labels)
    seen: Counter = Counter()
    numbered = []
    for label in labels:
        seen[label] += 1
        numbered.append(label if repeated[label] == 1 else f"{label} #{seen[label]}")
    return numbered
