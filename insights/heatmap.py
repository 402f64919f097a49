"""The FOP matrix as a heat map: a cell per profile and capability it holds,
coloured by the proficiency it needs; capabilities in no shown profile are left
out. Rows come from profiles.views.matrix.matrix_rows, as on the matrix page."""

from insights.tables import Table, unique_labels
from profiles.models import Profile

COLUMNS = [
    "capability_ref",
    "capability",
    "profile",
    "role_level",
    "proficiency",
    "proficiency_label",
]


def column_labels(profiles: list[Profile]) -> list[str]:
    """A label per profile, unique (a category axis merges equal labels)."""
    return unique_labels([(p.title, p.role_level.name) for p in profiles])


def heatmap_table(profiles: list[Profile], rows: list, levels: dict[int, str]) -> Table:
    """`rows` are the matrix page's rows (profiles.views.matrix.Row) for `profiles`."""
    labels = column_labels(profiles)
    cells, points = [], []
    for row in rows:
        for profile, label, (level, level_label) in zip(
            profiles, labels, row.cells, strict=True
        ):
            if level is None:
                continue
            cells.append(
                [
                    row.ref,
                    row.capability.text,
                    profile.title,
                    profile.role_level.name,
                    level,
                    level_label,
                ]
            )
            points.append({"x": label, "y": row.ref, "v": level})
    chart = {
        "xLabels": labels,
        "yLabels": [row.ref for row in rows],
        "yTexts": [row.capability.text for row in rows],
        "levels": {str(value): name for value, name in levels.items()},
        "datasets": [{"label": "Proficiency", "data": points}],
    }
    return Table("fop-heatmap", COLUMNS, cells, chart)
