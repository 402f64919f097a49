import logging

from django.apps import AppConfig
from django.conf import settings

logger = logging.getLogger(__name__)


class ForesightConfig(AppConfig):
    name = "foresight"
    verbose_name = "Foresight"

    def ready(self) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info(
                "REDIS_URL is not set: background tasks run in-process, eagerly."
            )
