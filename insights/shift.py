"""The functional shift (DESIGN.md "Functional shift"): how the capabilities
spread over the five functions in the future state (the cycle's capabilities)
against the current state (the duties of the standards the convener marks as
commonly used today).

A duty's function is that of the functional area its library statement sits in:
`import_library` places each current duty by nearest meaning and keeps it as a
statement whose source ref is "<reference> v<version> <code>"
(foresight.library.current_duties). A duty with no such statement (library not
imported, or the version changed since) counts as not placed.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Concat

from analysis.models import Duty, Standard, StandardVersion
from foresight.models import CapabilityStatement, Cycle, Function, SourceKind
from insights.models import CurrentStandard, CurrentStandardChange, MarkAction
from insights.queries import subquery_count
from insights.tables import Table, share

COLUMNS = [
    "function",
    "current_duties",
    "current_pct",
    "future_capabilities",
    "future_pct",
]
NOT_PLACED = "Not placed"


class MarkError(Exception):
    """A mark that cannot be made or removed; the message is for the convener."""


@dataclass(frozen=True)
class ShiftRow:
    function: str
    current: int
    current_share: float | None
    future: int
    future_share: float | None

    def cells(self) -> list:
        return [
            self.function,
            self.current,
            self.current_share,
            self.future,
            self.future_share,
        ]


def future_by_function(cycle: Cycle, partner_id: int | None = None) -> Counter:
    """Function id (None: unclassified) → the cycle's capabilities in it."""
    capabilities = cycle.capabilities.all()
    if partner_id is not None:
        capabilities = capabilities.filter(partners=partner_id)
    return Counter(capabilities.values_list("area__domain__function_id", flat=True))


def current_duties(cycle: Cycle, level: int | None = None):
    """The duties of the current version of each standard marked as used today."""
    marked = CurrentStandard.objects.filter(cycle=cycle).values("standard")
    duties = Duty.objects.filter(version__is_current=True, version__standard__in=marked)
    if level is not None:
        duties = duties.filter(version__level=level)
    return duties


def current_by_function(cycle: Cycle, level: int | None = None) -> Counter:
    """Function id (None: not placed) → duties of the marked standards, one query."""
    ref = Concat(
        "version__standard__reference",
        Value(" v"),
        "version__version",
        Value(" "),
        "code",
        output_field=CharField(),
    )
    # Limitation: a duty is placed only through the library statement made for
    # its version at import time; after a newer IfATE import, re-run
    # import_library so the new versions' duties are placed too.
    placed = CapabilityStatement.objects.filter(
        source_kind=SourceKind.IFATE_DUTY, source_ref=OuterRef("ref")
    )
    duties = current_duties(cycle, level).annotate(
        ref=ref, function=Subquery(placed.values("area__domain__function_id")[:1])
    )
    return Counter(duties.values_list("function", flat=True))


def shift_rows(
    functions: list[Function], current: Counter, future: Counter
) -> list[ShiftRow]:
    """A row per function (shares of each state's total, in %), then one for
    what has no function, when there is any."""
    current_total, future_total = sum(current.values()), sum(future.values())
    keys = [(function.name, function.pk) for function in functions]
    if current[None] or future[None]:
        keys.append((NOT_PLACED, None))
    return [
        ShiftRow(
            function=name,
            current=current[key],
            current_share=share(current[key], current_total),
            future=future[key],
            future_share=share(future[key], future_total),
        )
        for name, key in keys
    ]


def shift_table(rows: list[ShiftRow]) -> Table:
    """Grouped bars of the shares: current against future per function."""
    chart = {
        "labels": [row.function for row in rows],
        "datasets": [
            {"label": "Current (duties)", "data": [r.current_share for r in rows]},
            {"label": "Future (capabilities)", "data": [r.future_share for r in rows]},
        ],
        "unit": "%",
    }
    return Table("functional-shift", COLUMNS, [row.cells() for row in rows], chart)


def marked_standards(cycle: Cycle):
    """The cycle's marks, each with its standard's current level and duties."""
    current = StandardVersion.objects.filter(
        standard=OuterRef("standard"), is_current=True
    )
    duties = Duty.objects.filter(
        version__standard=OuterRef("standard"), version__is_current=True
    )
    return (
        CurrentStandard.objects.filter(cycle=cycle)
        .select_related("standard", "marked_by")
        .annotate(
            level=Subquery(current.values("level")[:1]),
            duties=subquery_count(duties),
        )
    )


def mark(cycle: Cycle, reference: str, by) -> CurrentStandard:
    """Mark the standard with this reference as used today (recorded)."""
    reference = reference.strip()
    standard = (
        Standard.objects.filter(reference__iexact=reference, versions__is_current=True)
        .order_by("id")
        .first()
    )
    if standard is None:
        raise MarkError(
            f"{reference} is not a standard with a version approved for delivery."
        )
    with transaction.atomic():
        marked, created = CurrentStandard.objects.get_or_create(
            cycle=cycle, standard=standard, defaults={"marked_by": by}
        )
        if not created:
            raise MarkError(f"{standard.reference} is already marked as used today.")
        CurrentStandardChange.objects.create(
            cycle=cycle, standard=standard, action=MarkAction.MARKED, changed_by=by
        )
    return marked


def unmark(cycle: Cycle, standard_id: int, by) -> None:
    """Remove a standard's mark; the change log keeps who and when."""
    with transaction.atomic():
        deleted, _ = CurrentStandard.objects.filter(
            cycle=cycle, standard_id=standard_id
        ).delete()
        if not deleted:
            raise MarkError("That standard is not marked as used today.")
        CurrentStandardChange.objects.create(
            cycle=cycle,
            standard_id=standard_id,
            action=MarkAction.UNMARKED,
            changed_by=by,
        )
