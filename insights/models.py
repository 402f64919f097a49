from django.conf import settings
from django.db import models


class CurrentStandard(models.Model):
    """A standard the convener marks as commonly used today: its duties make up
    the current state in the functional shift (DESIGN.md "Functional shift")."""

    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="current_standards"
    )
    standard = models.ForeignKey(
        "analysis.Standard", on_delete=models.CASCADE, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["standard__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "standard"], name="current_standard_once_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard} (used today in {self.cycle})"


class MarkAction(models.TextChoices):
    MARKED = "marked", "Marked as used today"
    UNMARKED = "unmarked", "Unmarked"


class CurrentStandardChange(models.Model):
    """Who marked or unmarked a standard as used today, and when: kept after the
    mark itself is removed, so the current state can be traced."""

    cycle = models.ForeignKey(
        "foresight.Cycle",
        on_delete=models.CASCADE,
        related_name="current_standard_changes",
    )
    standard = models.ForeignKey(
        "analysis.Standard", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=10, choices=MarkAction.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.standard}"
