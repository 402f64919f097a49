"""Match runs end to end on a small provision, in-process and through a worker."""

import time

import pytest
from django.core.management import CommandError, call_command

from analysis import runs
from analysis.models import (
    Decision,
    Match,
    MatchRun,
    ReviewDecision,
    RunStatus,
)
from analysis.tasks import start_match_run
from conftest import require_live_worker


def test_a_run_stores_the_top_matches_and_completes(
    cycle, convener, provision, capabilities
):
    run = runs.execute(runs.launch_run(cycle, convener))

    assert run.status == RunStatus.COMPLETE
    assert (run.batches_done, run.batches_total) == (1, 1)
    assert run.model.startswith("all-MiniLM-L6-v2")
    # Every capability keeps its best (here: all four) duties, best first.
    assert Match.objects.filter(run=run).count() == 3 * 4
    best = Match.objects.filter(run=run, capability=capabilities[1], rank=1).get()
    assert best.duty == provision[1]
    scores = list(
        Match.objects.filter(run=run, capability=capabilities[0]).values_list(
            "score", flat=True
        )
    )
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= score <= 1 for score in scores)


def test_the_summary_counts_served_capabilities_at_the_threshold(
    cycle, convener, provision, capabilities
):
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5))
    best = Match.objects.get(run=run, capability=capabilities[2], rank=1).score

    counts = runs.summary(run)

    assert counts["capabilities"] == 3
    assert best < 0.5
    assert counts["served"] + counts["not_served"] == 3
    assert counts["not_served"] >= 1


def test_a_batch_stored_twice_replaces_its_rows(
    cycle, convener, provision, capabilities
):
    run = runs.launch_run(cycle, convener)
    runs.start(run)

    runs.run_batch(run, 0)
    runs.run_batch(run, 0)

    assert Match.objects.filter(run=run).count() == 12


def test_a_run_missing_batches_is_failed_not_complete(
    cycle, convener, provision, capabilities
):
    run = runs.launch_run(cycle, convener)
    runs.start(run)

    run = runs.finish(run)

    assert run.status == RunStatus.FAILED
    assert "0 of 1 batches" in run.failure


def test_a_cancelled_run_stores_nothing_more(cycle, convener, provision, capabilities):
    run = runs.launch_run(cycle, convener)
    runs.start(run)
    assert runs.cancel(run)

    assert runs.run_batch(run, 0) == 0
    assert not Match.objects.filter(run=run).exists()
    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED


@pytest.mark.parametrize(
    ("threshold", "message"), [(1.5, "between 0 and 1"), (-0.1, "between 0 and 1")]
)
def test_bad_thresholds_are_refused(
    cycle, convener, provision, capabilities, threshold, message
):
    with pytest.raises(runs.RunError, match=message):
        runs.launch_run(cycle, convener, threshold=threshold)
    assert not MatchRun.objects.exists()


def test_a_run_needs_provision_and_capabilities(cycle, convener, db):
    with pytest.raises(runs.RunError, match="import_ifate"):
        runs.launch_run(cycle, convener)


def test_the_command_runs_synchronously_and_prints_a_summary(
    cycle, provision, capabilities, capsys
):
    call_command("run_match", cycle.pk, "--sync", "--threshold", "0.5")

    out = capsys.readouterr().out
    assert "complete" in out
    assert "of 3 capabilities served" in out
    assert MatchRun.objects.get().threshold == 0.5


def test_the_command_queues_a_run_through_celery(
    cycle, provision, capabilities, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_match", cycle.pk)

    run = MatchRun.objects.get()
    assert run.status == RunStatus.COMPLETE
    assert Match.objects.filter(run=run).count() == 12


def test_the_command_refuses_an_unknown_cycle(db):
    with pytest.raises(CommandError, match="No cycle with id 999"):
        call_command("run_match", 999)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_run_goes_through_a_live_worker_to_complete(cycle, provision, capabilities):
    require_live_worker()
    run = runs.launch_run(cycle, None)

    start_match_run.delay(run.pk)

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in (RunStatus.COMPLETE, RunStatus.FAILED):
            break
        time.sleep(0.5)
    assert run.status == RunStatus.COMPLETE, run.failure
    assert run.batches_done == run.batches_total == 1
    assert Match.objects.filter(run=run).count() == 12


def test_the_summary_counts_review_decisions_like_every_other_figure(
    cycle, convener, provision, capabilities
):
    run = runs.execute(runs.launch_run(cycle, convener, threshold=0.5))
    before = runs.summary(run)
    served = Match.objects.filter(run=run, score__gte=0.5)
    low = Match.objects.filter(run=run, capability=capabilities[2]).first()
    for match in served:
        ReviewDecision.objects.create(
            match=match, decision=Decision.REJECT, reviewer=convener
        )
    ReviewDecision.objects.create(
        match=low, decision=Decision.ACCEPT, reviewer=convener
    )

    after = runs.summary(run)

    assert before["served"] == len({m.capability_id for m in served}) > 0
    assert after == {"capabilities": 3, "served": 1, "not_served": 2}
