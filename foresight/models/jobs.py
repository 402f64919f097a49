"""Progress of long background work (imports, embedding), for pages to poll."""

from django.db import models
from django.utils import timezone


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class BackgroundJob(models.Model):
    kind = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def start(self, total: int) -> None:
        self.status, self.total, self.started_at = (
            JobStatus.RUNNING,
            total,
            timezone.now(),
        )
        self.save(update_fields=["status", "total", "started_at"])

    def advance(self, done: int, total: int | None = None) -> None:
        self.done = done
        self.total = self.total if total is None else total
        self.save(update_fields=["done", "total"])

    def finish(self, message: str = "") -> None:
        self.status, self.message, self.finished_at = (
            JobStatus.DONE,
            message,
            timezone.now(),
        )
        self.save(update_fields=["status", "message", "finished_at"])

    def fail(self, message: str) -> None:
        self.status, self.message, self.finished_at = (
            JobStatus.FAILED,
            message,
            timezone.now(),
        )
        self.save(update_fields=["status", "message", "finished_at"])
