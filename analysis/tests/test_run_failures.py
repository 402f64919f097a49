"""A run whose worker stops is failed, never shown complete with part of its
matches; the batch, should it come back, changes nothing."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from celery import chain
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from analysis import runs
from analysis.models import Match, RunStatus
from analysis.tasks import finish_match_run, run_match_batch
from analysis.tests.chat_server import (  # noqa: F401 (chat_server is a fixture)
    SLOW,
    chat_server,
)
from conftest import require_live_worker


def later(seconds_past_the_limit: int = 1):
    limit = django_settings.MATCH_RUN_STALL_SECONDS
    return timezone.now() + timedelta(seconds=limit + seconds_past_the_limit)


def test_a_running_run_without_progress_is_failed(cycle, provision, capabilities):
    run = runs.launch_run(cycle, None)
    runs.start(run)

    assert runs.fail_if_stalled(run, now=later())

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.failure == (
        "No progress for 10 minutes: the worker stopped. 0 of 1 batches were stored."
    )
    assert run.finished_at is not None


def test_a_queued_run_no_worker_picked_up_is_failed(cycle, provision, capabilities):
    run = runs.launch_run(cycle, None)

    assert runs.fail_if_stalled(run, now=later())
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def test_a_run_with_recent_progress_is_left_running(cycle, provision, capabilities):
    run = runs.launch_run(cycle, None)
    runs.start(run)

    assert not runs.fail_if_stalled(run, now=later(-5))
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


def test_each_stored_batch_counts_as_progress(cycle, provision, capabilities):
    run = runs.launch_run(cycle, None)
    runs.start(run)
    run.refresh_from_db()
    started = run.progressed_at

    runs.run_batch(run, 0)

    run.refresh_from_db()
    assert run.progressed_at > started


def test_a_complete_run_is_never_failed_as_stalled(cycle, provision, capabilities):
    run = runs.execute(runs.launch_run(cycle, None))

    assert not runs.fail_if_stalled(run, now=later(3600))
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETE


def test_a_batch_arriving_after_the_run_failed_stores_nothing(
    cycle, provision, capabilities
):
    run = runs.launch_run(cycle, None)
    runs.start(run)
    runs.fail_if_stalled(run, now=later())

    assert runs.run_batch(run, 0) == 0
    assert runs.finish(run).status == RunStatus.FAILED
    assert not Match.objects.filter(run=run).exists()


def test_the_run_page_fails_a_stalled_run(
    client, convener, cycle, provision, capabilities
):
    run = runs.launch_run(cycle, convener)
    runs.start(run)
    past = timezone.now() - timedelta(
        seconds=django_settings.MATCH_RUN_STALL_SECONDS + 5
    )
    type(run).objects.filter(pk=run.pk).update(progressed_at=past)
    client.force_login(convener)

    page = client.get(f"/cycles/{cycle.pk}/runs/{run.pk}/")

    assert page.status_code == 200
    assert "the worker stopped" in page.content.decode()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


def _test_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db['PORT'] or 5432}/{db['NAME']}"


def _start_worker(queue: str, judge_url: str) -> subprocess.Popen:
    """A worker of its own on a queue of its own, so the test can kill it
    without touching the worker the rest of the suite uses."""
    env = os.environ | {
        "DATABASE_URL": _test_database_url(),
        "DB_CONN_MAX_AGE": "0",
        "OPENAI_BASE_URL": judge_url,
        "OPENAI_MODEL": "test-model",
    }
    command = [sys.executable, "-m", "celery", "-A", "foresight", "worker"]
    command += ["--pool=solo", "-Q", queue, f"--hostname={queue}@%h"]
    command += ["--without-mingle", "--without-gossip", "--loglevel=WARNING"]
    return subprocess.Popen(
        command,
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_is_killed_mid_batch_is_failed_not_complete(
    cycle,
    provision,
    capabilities,
    chat_server,  # noqa: F811
    settings,
):
    require_live_worker()
    settings.OPENAI_BASE_URL = chat_server.base_url
    settings.OPENAI_MODEL = "test-model"
    # The judge never answers in time, so the worker is inside the batch, in the
    # middle of its work, when it is killed.
    chat_server.slow_seconds = 120
    chat_server.script(SLOW)
    run = runs.launch_run(cycle, None, use_judge=True, judge_band=(0.0, 1.0))
    runs.start(run)
    queue = f"doomed-{uuid.uuid4().hex[:8]}"
    worker = _start_worker(queue, chat_server.base_url)
    try:
        steps = [run_match_batch.si(run.pk, 0), finish_match_run.si(run.pk)]
        chain(*(step.set(queue=queue) for step in steps)).apply_async()

        deadline = time.monotonic() + 120
        while not chat_server.requests and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker exited by itself"
            time.sleep(0.2)
        assert chat_server.requests, "the worker never reached the judge"
    finally:
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.batches_done == 0
    assert not Match.objects.filter(run=run).exists()

    # Nobody finishes it: the watched page notices the silence and fails it.
    assert runs.fail_if_stalled(run, now=later())
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "0 of 1 batches" in run.failure

    # Should the broker re-deliver the batch, it stores nothing.
    assert runs.run_batch(run, 0) == 0
    assert runs.finish(run).status == RunStatus.FAILED
    assert not Match.objects.filter(run=run).exists()
