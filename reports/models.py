"""The Communicate and Cause action stages: generated findings reports, kept as
versions, and the tracker of recommended actions."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

# A version still queued or generating after this long has lost its worker
# (generation takes well under a minute); a new request marks it failed.
STALE_AFTER = datetime.timedelta(minutes=15)


class ReportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Generating"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"


class Report(models.Model):
    """One generated version of a cycle's findings report: the HTML and PDF are
    stored as they were generated, so an earlier version reads as it did."""

    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="reports"
    )
    version = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    stage = models.CharField(max_length=100, blank=True)
    percent = models.PositiveSmallIntegerField(default=0)
    failure = models.TextField(blank=True)
    # The convener's recommendations as they stood when this version was made.
    recommendations = models.TextField(blank=True)
    # The headline figures the report states, as computed (for tests and diffs).
    figures = models.JSONField(default=dict, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(blank=True, default=b"")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "version"], name="report_version_once_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"Findings report v{self.version} of {self.cycle}"

    @property
    def under_way(self) -> bool:
        return self.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)

    @property
    def is_stale(self) -> bool:
        """Under way for longer than any generation takes: its worker was lost."""
        if not self.under_way:
            return False
        since = self.started_at or self.requested_at
        return timezone.now() - since > STALE_AFTER

    @property
    def seconds(self) -> int | None:
        """How long generation took, once finished."""
        if self.started_at is None or self.finished_at is None:
            return None
        return round((self.finished_at - self.started_at).total_seconds())


DATE_OR_HORIZON = "Give either a due date or a horizon, not both."


class Horizon(models.TextChoices):
    SHORT = "short", "Short term"
    MEDIUM = "medium", "Medium term"
    ONGOING = "ongoing", "Ongoing"


class ActionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    AGREED = "agreed", "Agreed"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


class Action(models.Model):
    """A recommended action of the Cause action stage."""

    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="actions"
    )
    topic = models.CharField(max_length=200)
    action = models.TextField()
    who = models.CharField(max_length=200, blank=True, help_text="Who should act.")
    # When: a date, or a horizon when no date is set.
    due = models.DateField(null=True, blank=True)
    horizon = models.CharField(max_length=10, choices=Horizon.choices, blank=True)
    expected_result = models.TextField(blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.PROPOSED
    )
    owner = models.CharField(max_length=200, blank=True)
    comments = models.TextField(blank=True)
    profiles = models.ManyToManyField("profiles.Profile", blank=True, related_name="+")
    capabilities = models.ManyToManyField(
        "foresight.CycleCapability", blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["topic", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(due__isnull=False, horizon__gt=""),
                name="action_date_or_horizon_not_both",
                violation_error_message=DATE_OR_HORIZON,
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic}: {self.action[:60]}"

    @property
    def when(self) -> str:
        if self.due:
            return self.due.isoformat()
        return self.get_horizon_display()
