import logging

from celery import shared_task
from django.db import OperationalError

from workshops.models import Round
from workshops.results import store_round_consensus

logger = logging.getLogger(__name__)


# Safe to retry: it replaces the round's stored consensus as a whole.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def compute_round_consensus(round_id: int) -> int | None:
    """Compute and store the consensus and stability of every item of a round
    (enqueued when a round closes); return the number of items."""
    round = Round.objects.select_related("workshop__cycle").filter(pk=round_id).first()
    if round is None:
        logger.warning("Round %s is gone; no consensus computed", round_id)
        return None

    count = store_round_consensus(round)
    logger.info("Consensus of round %s stored for %s items", round_id, count)
    return count
