"""The capability classification shared by all cycles:
function → functional domain → functional area → capability statement."""

from django.db import models


class Function(models.Model):
    """One of the five top-level functions (Design, Implement, …)."""

    name = models.CharField(max_length=40, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(unique=True)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    function = models.ForeignKey(
        Function, on_delete=models.PROTECT, related_name="domains"
    )
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["function__position", "name"]

    def __str__(self) -> str:
        return self.name


class FunctionalArea(models.Model):
    domain = models.ForeignKey(Domain, on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["domain__function__position", "domain__name", "name"]

    def __str__(self) -> str:
        return self.name


class SourceKind(models.TextChoices):
    ONET_TASK = "onet_task", "O*NET task"
    IFATE_DUTY = "ifate_duty", "IfATE duty"
    ESCO_SKILL = "esco_skill", "ESCO skill"
    WORKSHOP = "workshop", "Workshop"


class CapabilityStatement(models.Model):
    """A statement in the shared library; it says what an organisation can do."""

    text = models.TextField()
    area = models.ForeignKey(
        FunctionalArea, on_delete=models.PROTECT, related_name="statements"
    )
    source_kind = models.CharField(max_length=20, choices=SourceKind.choices)
    # The id in the source data set: an O*NET task id, "ST0116 1.2 D3", an ESCO URI.
    source_ref = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_kind", "source_ref"],
                condition=~models.Q(source_ref=""),
                name="unique_statement_source",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]
