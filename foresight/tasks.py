import logging

from celery import shared_task
from django.utils import timezone

from foresight.models import Cycle, CycleSummary

logger = logging.getLogger(__name__)


@shared_task
def refresh_cycle_summary(cycle_id: int) -> dict | None:
    """Recompute a cycle's headline counts and store them in its CycleSummary."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        logger.warning("Cycle %s is gone; no summary computed", cycle_id)
        return None

    counts = cycle.count_summary()
    CycleSummary.objects.update_or_create(
        cycle=cycle, defaults={"counts": counts, "computed_at": timezone.now()}
    )
    logger.info(
        "Summary of cycle %s: %s capabilities", cycle_id, counts["capabilities"]
    )
    return counts
