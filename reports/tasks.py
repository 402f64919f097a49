import logging
from functools import partial

from celery import shared_task

from reports import generation
from reports.models import Report

logger = logging.getLogger(__name__)


@shared_task
def generate_report(report_id: int) -> str | None:
    """Generate a queued report version, recording its stage and percent; a
    failure is recorded on the version (and logged), not raised, so that an
    in-process run does not turn the convener's request into an error page."""
    report = Report.objects.filter(pk=report_id).select_related("cycle").first()
    if report is None or not generation.start(report):
        return None
    logger.info(
        "Report %s (cycle %s, v%s) started", report_id, report.cycle_id, report.version
    )
    try:
        generation.generate(report, partial(generation.record_progress, report_id))
    except Exception as error:
        generation.fail(report, f"{type(error).__name__}: {error}")
        logger.exception("Report %s failed", report_id)
        return "failed"
    logger.info("Report %s complete", report_id)
    return "complete"
