"""The demonstration cycle's standards used today: the current state of its
functional shift."""

from django.db import transaction

from analysis.models import Standard
from foresight.models import Cycle
from insights.models import CurrentStandard, CurrentStandardChange, MarkAction

# Apprenticeship standards that cell and gene therapy manufacturing centres
# commonly train their technicians, scientists and quality staff on today.
USED_TODAY = [
    "ST0248",  # Laboratory technician
    "ST1406",  # Science manufacturing technician
    "ST0597",  # Technician scientist
    "ST0626",  # Scientist
    "ST0853",  # Quality practitioner
    "ST0430",  # Regulatory compliance officer
    "ST1326",  # Mechatronics maintenance technician
    "ST0313",  # Procurement and supply chain practitioner
]


@transaction.atomic
def load(cycle: Cycle, convener) -> None:
    """Mark the standards above that are loaded (with a version approved for
    delivery); a standard already marked is left as it is."""
    standards = Standard.objects.filter(
        reference__in=USED_TODAY, versions__is_current=True
    ).distinct()
    for standard in standards.order_by("reference"):
        _, created = CurrentStandard.objects.get_or_create(
            cycle=cycle, standard=standard, defaults={"marked_by": convener}
        )
        if created:
            CurrentStandardChange.objects.create(
                cycle=cycle,
                standard=standard,
                action=MarkAction.MARKED,
                changed_by=convener,
            )
