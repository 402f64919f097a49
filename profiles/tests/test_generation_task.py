"""The Celery task that generates profiles and records its progress on a
BackgroundJob."""

from foresight.models import BackgroundJob, JobStatus
from profiles.models import Iteration
from profiles.tasks import generate_profiles


def test_the_task_records_progress_and_returns_the_iteration(
    setup, convener, eager_celery
):
    job = BackgroundJob.objects.create(kind="generate_profiles")

    result = generate_profiles.delay(job.pk, setup.cycle.pk, convener.pk).get()

    iteration = Iteration.objects.get()
    assert result == iteration.pk
    assert iteration.created_by == convener
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.done, job.total) == (3, 3)
    assert job.message.endswith(f"iteration 1 “Prototype” (id {iteration.pk}).")


def test_the_task_records_why_it_could_not_generate(cycle, eager_celery):
    job = BackgroundJob.objects.create(kind="generate_profiles")

    assert generate_profiles.delay(job.pk, cycle.pk, None).get() is None

    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.message == f"“{cycle}” has no proficiency workshop yet."


def test_the_task_skips_a_job_or_cycle_that_is_gone(db):
    assert generate_profiles(987654, 1, None) is None
    job = BackgroundJob.objects.create(kind="generate_profiles")
    assert generate_profiles(job.pk, 987654, None) is None
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
