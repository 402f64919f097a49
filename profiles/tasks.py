import logging

from celery import shared_task
from django.contrib.auth import get_user_model

from foresight.models import BackgroundJob, Cycle
from profiles.generation import GenerationError, generate_iteration

logger = logging.getLogger(__name__)


@shared_task
def generate_profiles(job_id: int, cycle_id: int, user_id: int | None) -> int | None:
    """Generate a new iteration of prototype profiles for the cycle, recording
    progress per role level on the BackgroundJob; returns the iteration's id."""
    job = BackgroundJob.objects.filter(pk=job_id).first()
    if job is None:
        return None
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        job.fail("The cycle no longer exists.")
        logger.warning("Generation job %s: cycle %s is gone", job_id, cycle_id)
        return None
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None

    job.start(total=cycle.role_levels.count())
    logger.info("Generation job %s started for cycle %s", job_id, cycle_id)
    try:
        iteration = generate_iteration(cycle, by=user, progress=job.advance)
    except GenerationError as error:
        job.fail(str(error))
        logger.warning("Generation job %s refused: %s", job_id, error)
        return None
    except Exception as error:
        job.fail(f"{type(error).__name__}: {error}")
        logger.exception("Generation job %s failed", job_id)
        raise

    count = iteration.profiles.count()
    job.finish(
        f"Generated {count} profiles in iteration {iteration.number} "
        f"“{iteration.name}” (id {iteration.pk})."
    )
    logger.info(
        "Generation job %s wrote iteration %s with %s profiles",
        job_id,
        iteration.pk,
        count,
    )
    return iteration.pk
