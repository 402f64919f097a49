"""Generating a findings report version: requested (queued), started (running),
written whole (complete) or not at all (failed, with the reason).

A version's HTML, PDF and figures are stored in one update together with its
status, so a page never shows part of a report as a finished one.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from foresight.models import Cycle
from reports import document
from reports.gather import compute
from reports.models import STALE_AFTER, Report, ReportStatus

UNDER_WAY = (ReportStatus.QUEUED, ReportStatus.RUNNING)
Progress = Callable[[str, int], None]


class ReportError(Exception):
    """A report that cannot be requested now; the message is one line."""


def request_report(cycle: Cycle, by) -> Report:
    """A new queued version numbered one past the cycle's last.

    The cycle's row is locked while the number is taken, so two conveners
    clicking at once get two versions (the unique constraint backs this up).
    A version still under way refuses a new one, unless it is stale (its
    worker was lost): then it is marked failed and the new one goes ahead.
    The convener's recommendations are copied as they stand now.
    """
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        pending = Report.objects.filter(cycle=locked, status__in=UNDER_WAY)
        for report in pending.only(
            "pk", "version", "status", "requested_at", "started_at"
        ):
            if not report.is_stale:
                raise ReportError(
                    f"Version {report.version} is still being generated: "
                    "wait for it to finish."
                )
            minutes = round(STALE_AFTER.total_seconds() / 60)
            fail(report, f"No result after {minutes} minutes: the worker was lost.")
        last = Report.objects.filter(cycle=locked).aggregate(Max("version"))
        return Report.objects.create(
            cycle=locked,
            version=(last["version__max"] or 0) + 1,
            recommendations=locked.recommendations,
            requested_by=by,
        )


def start(report: Report) -> bool:
    """Mark a queued version running; False when it is not queued (already
    taken by another delivery of the task, or failed meanwhile)."""
    now = timezone.now()
    started = Report.objects.filter(pk=report.pk, status=ReportStatus.QUEUED).update(
        status=ReportStatus.RUNNING, started_at=now, stage="Starting", percent=0
    )
    report.status, report.started_at = ReportStatus.RUNNING, now
    return bool(started)


def record_progress(report_id: int, stage: str, percent: int) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        stage=stage, percent=percent
    )


def generate(
    report: Report, progress: Progress = lambda _stage, _percent: None
) -> None:
    """Compute the figures, write the HTML, print the PDF, then store all of it
    with the status complete. Raises whatever went wrong; the caller records
    the failure (see fail)."""
    progress("Computing the figures", 10)
    figures = compute(report.cycle)

    progress("Writing the document", 40)
    html = document.render_html(report, figures)

    progress("Printing the PDF", 60)
    pdf = document.render_pdf(html)

    progress("Storing", 95)
    stored = Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING).update(
        status=ReportStatus.COMPLETE,
        stage="Done",
        percent=100,
        figures=figures.headline(),
        html=html,
        pdf=pdf,
        failure="",
        finished_at=timezone.now(),
    )
    if not stored:
        raise ReportError(f"Version {report.version} stopped running meanwhile.")


def fail(report: Report, reason: str) -> None:
    """Record why a version failed; a complete one is never touched."""
    Report.objects.filter(pk=report.pk).exclude(status=ReportStatus.COMPLETE).update(
        status=ReportStatus.FAILED,
        failure=reason[:2000],
        html="",
        pdf=b"",
        finished_at=timezone.now(),
    )
