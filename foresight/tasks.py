import logging

from celery import shared_task
from django.utils import timezone

from foresight import embeddings
from foresight.models import BackgroundJob, CapabilityStatement, Cycle, CycleSummary

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


def reference_texts() -> list[str]:
    """Every text the analysis compares: library statements and current duties."""
    from analysis.models import Duty

    statements = CapabilityStatement.objects.values_list("text", flat=True)
    duties = Duty.objects.filter(version__is_current=True).values_list(
        "text", flat=True
    )
    return [*statements.iterator(), *duties.iterator()]


@shared_task
def embed_reference_texts(job_id: int) -> int | None:
    """Embed, in batches, every library statement and current duty not stored yet,
    recording progress on the BackgroundJob."""
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None:
        return None

    job.start(total=0)
    logger.info("Embedding job %s started", job_id)
    try:
        count = embeddings.embed_missing(reference_texts(), progress=job.advance)
    except Exception as error:
        job.fail(f"{type(error).__name__}: {error}")
        logger.exception("Embedding job %s failed", job_id)
        raise
    job.finish(f"Embedded {count:,} new texts.")
    logger.info("Embedding job %s embedded %s texts", job_id, count)
    return count
