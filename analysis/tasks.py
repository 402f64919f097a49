import logging

from celery import chain, shared_task

from analysis import fit_report, runs
from analysis.models import MatchRun

logger = logging.getLogger(__name__)


@shared_task
def start_match_run(run_id: int) -> None:
    """Mark the run running and queue one task per batch, then the finish."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    runs.start(run)
    logger.info("Match run %s started: %s batches", run_id, run.batches_total)
    steps = [run_match_batch.si(run_id, index) for index in range(run.batches_total)]
    chain(*steps, finish_match_run.si(run_id)).apply_async()


@shared_task(acks_late=True)
def run_match_batch(run_id: int, index: int) -> int | None:
    """Score and store one batch; idempotent, so a re-delivery after a worker
    died replaces the batch's rows."""
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    try:
        return runs.run_batch(run, index)
    except Exception as error:
        runs.fail(run, f"Batch {index + 1}: {type(error).__name__}: {error}")
        logger.exception("Match run %s failed in batch %s", run_id, index)
        raise


@shared_task
def finish_match_run(run_id: int) -> str | None:
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    run = runs.finish(run)
    logger.info("Match run %s finished: %s", run_id, run.status)
    return run.status


@shared_task
def refresh_run_figures(run_id: int) -> int:
    """Store the run's fit and surplus figures after a burst of review decisions
    (queued once per burst by fit_report.schedule_refresh)."""
    MatchRun.objects.filter(pk=run_id).update(figures_queued=False)
    run = MatchRun.objects.filter(pk=run_id).first()
    if run is None:
        return 0
    return len(fit_report.refresh_figures(run))
