"""A foresighting cycle, its stages and its set-up (partners, role levels, scale)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import Lower
from django.urls import reverse

ACADEMIC_LEVELS = range(2, 8)
DEFAULT_SCALE = [
    (0, "Not required", "The role does not need this capability."),
    (1, "Awareness", "Knows the tools and where to seek more."),
    (2, "Practitioner", "Applies them independently, knows the consequences."),
    (3, "Expert", "Detailed knowledge, supports others, leads improvement."),
]


class Stage(models.TextChoices):
    CONSIDER = "consider", "Consider"
    IDENTIFY = "identify", "Identify"
    PREPARE = "prepare", "Prepare"
    CARRY_OUT = "carry_out", "Carry out"
    COMMUNICATE = "communicate", "Communicate"
    CAUSE_ACTION = "cause_action", "Cause action"

    @classmethod
    def position(cls, value: str) -> int:
        return list(cls.values).index(value)


STAGE_PURPOSE = {
    Stage.CONSIDER: "State the challenge (the what and when) and collect candidate "
    "technology solutions (the how).",
    Stage.IDENTIFY: "Agree which solutions are prioritised for foresighting and write "
    "the working scenario.",
    Stage.PREPARE: "Define supply-chain partners, role levels and the proficiency scale; "
    "recruit the panels; schedule workshops; pick the reference provision.",
    Stage.CARRY_OUT: "Run the workshops and the map-and-gap analysis with human review.",
    Stage.COMMUNICATE: "Publish the insight pages and the findings report.",
    Stage.CAUSE_ACTION: "Track the recommended actions through to completion.",
}


class StageError(Exception):
    """A stage change that the cycle's rules do not allow."""


class Cycle(models.Model):
    title = models.CharField(max_length=200)
    is_demo = models.BooleanField(
        default=False, help_text="Demonstration data, not a real cycle."
    )
    challenge = models.TextField(blank=True, help_text="The what and the when.")
    challenge_response = models.TextField(blank=True)
    working_scenario = models.TextField(blank=True)
    sponsor = models.CharField(max_length=200, blank=True)
    convener_organisation = models.ForeignKey(
        "foresight.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="convened_cycles",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    report_date = models.DateField(null=True, blank=True)
    recommendations = models.TextField(
        blank=True, help_text="The convener's recommendations for the findings report."
    )
    stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.CONSIDER
    )

    # The Delphi consensus rule (see workshops/consensus.py).
    min_panel_size = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1)]
    )
    agreement_threshold = models.FloatField(
        default=0.70, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    iqr_limit = models.FloatField(default=1.0, validators=[MinValueValidator(0)])
    stability_limit = models.FloatField(
        default=0.15, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )

    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title=""), name="cycle_title_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(start_date__lte=models.F("end_date")),
                name="cycle_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        adding = self._state.adding
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding:
                ProficiencyLevel.objects.bulk_create(
                    ProficiencyLevel(
                        cycle=self, value=value, label=label, description=text
                    )
                    for value, label, text in DEFAULT_SCALE
                )

    def get_absolute_url(self) -> str:
        return reverse("cycle_home", args=[self.pk])

    @property
    def stage_purpose(self) -> str:
        return STAGE_PURPOSE[Stage(self.stage)]

    @property
    def next_stage(self) -> Stage | None:
        position = Stage.position(self.stage)
        stages = list(Stage)
        return stages[position + 1] if position + 1 < len(stages) else None

    @property
    def earlier_stages(self) -> list[Stage]:
        return list(Stage)[: Stage.position(self.stage)]

    def change_stage(self, to: str, by, reason: str = "") -> "StageChange":
        """Move to stage `to`: forward one step, or back any distance with a reason.

        The row is locked so two conveners clicking at once cannot both move it.
        """
        if to not in Stage.values:
            raise StageError(f"{to!r} is not a stage.")
        reason = reason.strip()

        with transaction.atomic():
            current = Cycle.objects.select_for_update().values_list("stage", flat=True)
            current = current.get(pk=self.pk)
            step = Stage.position(to) - Stage.position(current)
            if step == 0:
                raise StageError(f"The cycle is already in {Stage(to).label}.")
            if step > 1:
                raise StageError(
                    f"Cannot go from {Stage(current).label} to {Stage(to).label}: "
                    "stages move forward one at a time."
                )
            if step < 0 and not reason:
                raise StageError(
                    f"Going back from {Stage(current).label} to {Stage(to).label} "
                    "needs a reason."
                )

            Cycle.objects.filter(pk=self.pk).update(stage=to)
            self.stage = to
            return StageChange.objects.create(
                cycle=self,
                from_stage=current,
                to_stage=to,
                changed_by=by,
                reason=reason,
            )

    def count_summary(self) -> dict:
        """Headline counts, each from one aggregate query."""
        by_origin = dict(
            self.capabilities.order_by().values_list("origin").annotate(n=Count("id"))
        )
        by_role = dict(
            self.memberships.order_by().values_list("role").annotate(n=Count("user"))
        )
        return {
            "partners": self.partners.count(),
            "role_levels": self.role_levels.count(),
            "capabilities": sum(by_origin.values()),
            "capabilities_by_origin": {
                origin: by_origin.get(origin, 0) for origin in CapabilityOrigin.values
            },
            "people": self.memberships.values("user").distinct().count(),
            "members_by_role": by_role,
        }


class StageChange(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_from_stage_display()} → {self.get_to_stage_display()}"


class TechnologySolution(models.Model):
    """A candidate technology solution (the how); some are prioritised."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="solutions")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    prioritised = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                "cycle", Lower("name"), name="unique_solution_name_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return self.name


class SupplyChainPartner(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="partners")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                "cycle", Lower("name"), name="unique_partner_name_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return self.name


class RoleLevel(models.Model):
    """A group of roles within the cycle, tied to a range of academic levels."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="role_levels"
    )
    name = models.CharField(max_length=120)
    min_academic_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(7)]
    )
    max_academic_level = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2), MaxValueValidator(7)]
    )

    class Meta:
        ordering = ["min_academic_level", "max_academic_level", "id"]
        constraints = [
            models.UniqueConstraint(
                "cycle", Lower("name"), name="unique_role_level_name_per_cycle"
            ),
            models.CheckConstraint(
                condition=models.Q(min_academic_level__gte=2, max_academic_level__lte=7)
                & models.Q(min_academic_level__lte=models.F("max_academic_level")),
                name="role_level_academic_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def academic_range(self) -> str:
        if self.min_academic_level == self.max_academic_level:
            return f"Level {self.min_academic_level}"
        return f"Levels {self.min_academic_level}–{self.max_academic_level}"


class ProficiencyLevel(models.Model):
    """One step of the cycle's ordinal proficiency scale (values 0 to 3)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    label = models.CharField(max_length=60)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "value"], name="unique_scale_value"
            ),
            models.UniqueConstraint("cycle", Lower("label"), name="unique_scale_label"),
            models.CheckConstraint(
                condition=models.Q(value__lte=3), name="scale_value_0_3"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class CapabilityOrigin(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    SELECTED = "selected", "Selected (edited)"
    NEWLY_DEFINED = "newly_defined", "Newly defined"


class CycleCapability(models.Model):
    """A capability statement in use in one cycle."""

    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="capabilities"
    )
    text = models.TextField()
    origin = models.CharField(max_length=20, choices=CapabilityOrigin.choices)
    statement = models.ForeignKey(
        "foresight.CapabilityStatement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycle_uses",
        help_text="The library statement it was adopted or selected from.",
    )
    area = models.ForeignKey(
        "foresight.FunctionalArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cycle_capabilities",
    )
    partners = models.ManyToManyField(
        SupplyChainPartner, blank=True, related_name="capabilities"
    )
    # An outside identifier, such as the reference cycle's capability id.
    ref = models.CharField(max_length=40, blank=True)
    # Where the wording came from, in words ("O*NET task 888", "workshop").
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "cycle capabilities"
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "ref"],
                condition=~models.Q(ref=""),
                name="unique_capability_ref_per_cycle",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


class CycleSummary(models.Model):
    """Counts about a cycle, recomputed in the background (foresight.tasks)."""

    cycle = models.OneToOneField(
        Cycle, on_delete=models.CASCADE, related_name="summary"
    )
    counts = models.JSONField(default=dict)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "cycle summaries"

    def __str__(self) -> str:
        return f"Summary of {self.cycle}"
