"""Executing a match run: capabilities scored against the run's duties in batches.

A run is launched (queued), started (running), worked through batch by batch —
each batch idempotent, so a batch re-delivered after a worker died simply
replaces its own rows — and only then marked complete. Pages show matches only
for complete runs, so partial results are never shown as a finished analysis.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from analysis import fit, fit_report, judge
from analysis.matching import top_matches
from analysis.models import Duty, Framework, Match, MatchRun, RunStatus, StandardVersion
from foresight import embeddings
from foresight.models import Cycle, CycleCapability

logger = logging.getLogger(__name__)

# Capabilities per batch: one Celery task each.
BATCH = 32
TOP_K = 10
UNDER_WAY = (RunStatus.QUEUED, RunStatus.RUNNING)
DEFAULT_BANDS = fit.Bands()


class RunError(Exception):
    """A run that cannot be launched or continued; the message is one line."""


def default_versions() -> list[StandardVersion]:
    """Current provision: each standard's current approved version with duties."""
    return list(StandardVersion.objects.filter(is_current=True, has_duties=True))


def chosen_versions(references: list[str]) -> list[StandardVersion]:
    """The current approved versions, with duties, of the standards named by
    reference (a chosen subset of provision); any other name is refused."""
    wanted = {
        reference.strip().upper() for reference in references if reference.strip()
    }
    versions = list(
        StandardVersion.objects.filter(
            is_current=True, has_duties=True, standard__reference__in=wanted
        ).select_related("standard")
    )
    missing = sorted(wanted - {version.standard.reference for version in versions})
    if missing:
        raise RunError(
            f"No current approved standard with duties for {', '.join(missing)}."
        )
    return versions


def launch_run(
    cycle: Cycle,
    by,
    *,
    threshold: float = 0.54,
    versions: list[StandardVersion] | None = None,
    use_judge: bool = False,
    judge_band: tuple[float, float] = (0.45, 0.65),
    bands: fit.Bands = DEFAULT_BANDS,
) -> MatchRun:
    """Record a queued run with everything needed to compare it with others."""
    if not 0 <= threshold <= 1:
        raise RunError(f"The threshold must be between 0 and 1, not {threshold}.")
    low, high = judge_band
    if not 0 <= low <= high <= 1:
        raise RunError(
            f"The judge's score band must lie within 0..1, low end first, "
            f"not {low}–{high}."
        )
    if not (
        0 <= bands.some_fit <= bands.high_fit <= 1 and 0 <= bands.high_surplus <= 1
    ):
        raise RunError(
            "Suitability cut-offs must lie within 0..1, with “some” fit at most "
            "“high” fit."
        )
    if use_judge and not judge.judge_configured():
        raise RunError("No LLM judge is configured (OPENAI_BASE_URL and OPENAI_MODEL).")
    versions = default_versions() if versions is None else versions
    if not versions:
        raise RunError("No standards with duties to compare: run import_ifate first.")
    capabilities = cycle.capabilities.count()
    if not capabilities:
        raise RunError("The cycle has no capabilities to match.")

    framework = Framework.objects.get(slug="ifate")
    with transaction.atomic():
        run = MatchRun.objects.create(
            cycle=cycle,
            framework=framework,
            model=embeddings.MODEL_KEY,
            threshold=threshold,
            use_judge=use_judge,
            judge_model=settings.OPENAI_MODEL if use_judge else "",
            judge_low=low,
            judge_high=high,
            high_fit=bands.high_fit,
            high_surplus=bands.high_surplus,
            some_fit=bands.some_fit,
            data_date=framework.data_date,
            launched_by=by,
            batches_total=math.ceil(capabilities / BATCH),
        )
        run.versions.set(versions)
    return run


def start(run: MatchRun) -> None:
    now = timezone.now()
    MatchRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, progressed_at=now, stage="Embedding"
    )


@dataclass
class Provision:
    duty_ids: list[int]
    vectors: np.ndarray


def provision_of(run: MatchRun) -> Provision:
    duties = Duty.objects.filter(version__in=run.versions.all()).order_by("id")
    rows = list(duties.values_list("id", "text"))
    vectors = embeddings.vectors_for([text for _id, text in rows])
    return Provision([duty_id for duty_id, _text in rows], vectors)


def run_batch(run: MatchRun, index: int, provision: Provision | None = None) -> int:
    """Score batch `index` of the run's capabilities and store its matches.

    Returns how many pairs were stored. A cancelled or failed run is left alone.
    """
    run.refresh_from_db(
        fields=["status", "threshold", "use_judge", "judge_low", "judge_high"]
    )
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return 0
    capabilities = list(
        CycleCapability.objects.filter(cycle_id=run.cycle_id).order_by("id")[
            index * BATCH : (index + 1) * BATCH
        ]
    )
    provision = provision or provision_of(run)
    vectors = embeddings.vectors_for([capability.text for capability in capabilities])
    found = top_matches(vectors, provision.vectors, threshold=run.threshold, k=TOP_K)

    matches = [
        Match(
            run=run,
            capability=capability,
            duty_id=provision.duty_ids[column],
            score=round(score, 6),
            rank=rank,
        )
        for capability, pairs in zip(capabilities, found, strict=True)
        for rank, (column, score) in enumerate(pairs, start=1)
    ]
    if run.use_judge:
        _judge(run, matches)

    with transaction.atomic():
        locked = MatchRun.objects.select_for_update().get(pk=run.pk)
        if locked.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            return 0
        # Idempotent: a re-delivered batch replaces what it stored before.
        Match.objects.filter(run=run, capability__in=capabilities).delete()
        Match.objects.bulk_create(matches, batch_size=2000)
        MatchRun.objects.filter(pk=run.pk).update(
            batches_done=F("batches_done") + 1,
            stage="Matching",
            progressed_at=timezone.now(),
        )
    return len(matches)


def _judge(run: MatchRun, matches: list[Match]) -> None:
    """Ask the LLM judge about the pairs near the threshold; verdicts go beside
    the scores."""
    candidates = [
        match
        for match in matches
        if judge.in_band(match.score, run.judge_low, run.judge_high)
    ]
    duties = Duty.objects.in_bulk([match.duty_id for match in candidates])
    pairs = [
        judge.Pair(
            key=str(index),
            capability=match.capability.text,
            duty=duties[match.duty_id].text,
            standard=str(duties[match.duty_id].version_id),
            score=match.score,
        )
        for index, match in enumerate(candidates)
    ]
    for match, verdict in zip(candidates, judge.judge_pairs(pairs), strict=True):
        match.verdict, match.verdict_rationale = verdict.verdict, verdict.rationale


def finish(run: MatchRun) -> MatchRun:
    """Mark the run complete if every batch is stored; otherwise failed."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.RUNNING:
            return run
        if run.batches_done < run.batches_total:
            run.status = RunStatus.FAILED
            run.failure = (
                f"Only {run.batches_done} of {run.batches_total} batches were stored."
            )
        else:
            run.status = RunStatus.COMPLETE
            run.stage = "Done"
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "failure", "stage", "finished_at"])
        if run.status == RunStatus.COMPLETE:
            fit_report.schedule_refresh(run.pk)
    return run


def fail(run: MatchRun, reason: str) -> None:
    MatchRun.objects.filter(pk=run.pk).exclude(status=RunStatus.COMPLETE).update(
        status=RunStatus.FAILED, failure=reason[:2000], finished_at=timezone.now()
    )


def fail_if_stalled(run: MatchRun, now: datetime | None = None) -> bool:
    """Mark a run failed when its worker has gone quiet for longer than
    MATCH_RUN_STALL_SECONDS: queued and never started, or running without a
    batch stored. Returns whether it did.

    A batch that a worker was killed in the middle of is re-delivered by the
    broker (acks_late), but only after the broker's visibility timeout; until
    then nothing moves, and a person watching the page deserves an answer. If
    the batch does come back later, it finds the run failed and does nothing.
    """
    now = now or timezone.now()
    limit = timedelta(seconds=settings.MATCH_RUN_STALL_SECONDS)
    quiet_since = Coalesce("progressed_at", "launched_at")
    stalled = (
        MatchRun.objects.filter(pk=run.pk, status__in=UNDER_WAY)
        .alias(quiet_since=quiet_since)
        .filter(quiet_since__lt=now - limit)
    )
    minutes = round(limit.total_seconds() / 60)
    failed = stalled.update(
        status=RunStatus.FAILED,
        failure=(
            f"No progress for {minutes} minutes: the worker stopped. "
            f"{run.batches_done} of {run.batches_total} batches were stored."
        ),
        finished_at=now,
    )
    if failed:
        logger.warning("Match run %s stalled and was marked failed", run.pk)
        run.refresh_from_db(fields=["status", "failure", "finished_at"])
    return bool(failed)


def cancel(run: MatchRun) -> bool:
    """Stop a queued or running run; batches still queued then do nothing."""
    cancelled = MatchRun.objects.filter(
        pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    ).update(status=RunStatus.CANCELLED, finished_at=timezone.now())
    return bool(cancelled)


def execute(run: MatchRun) -> MatchRun:
    """Run every batch in this process (the --sync path and the demo)."""
    start(run)
    provision = provision_of(run)
    try:
        for index in range(run.batches_total):
            run_batch(run, index, provision)
    except Exception as error:
        fail(run, f"{type(error).__name__}: {error}")
        raise
    return finish(run)


def summary(run: MatchRun) -> dict[str, int]:
    """Capabilities served and not served by the run, after review (an accepted
    match serves, a rejected one does not), as in every other figure."""
    served = len(fit_report.served_capabilities(run))
    total = run.cycle.capabilities.count()
    return {"capabilities": total, "served": served, "not_served": total - served}


def apply_threshold(run: MatchRun, threshold: float, by) -> MatchRun:
    """Set a complete run's threshold (recorded); every figure reads it afresh.

    Only raising is possible in place: the run kept every pair at or above its
    own threshold, but not the pairs below it beyond each capability's top ten.
    """
    from analysis.models import ThresholdChange

    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.COMPLETE:
            raise RunError("Only a complete run's threshold can be changed.")
        if not 0 <= threshold <= 1:
            raise RunError(f"The threshold must be between 0 and 1, not {threshold}.")
        if threshold < run.threshold:
            raise RunError(
                f"Lowering the threshold below {run.threshold} needs pairs this run did "
                f"not keep: launch a new run at {threshold}."
            )
        ThresholdChange.objects.create(
            run=run, old=run.threshold, new=threshold, changed_by=by
        )
        run.threshold = threshold
        run.save(update_fields=["threshold"])
        fit_report.schedule_refresh(run.pk)
    return run
