"""Provision: reference frameworks of current education (IfATE standards by
default), their standards, versions, duties and KSB statements."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from analysis.fit import Bands


class Framework(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    # The newest "last updated" date in the imported data.
    data_date = models.DateField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StandardQuerySet(models.QuerySet):
    def with_current_version(self) -> "StandardQuerySet":
        """Annotate the current version's number and duty count (None when the
        standard has no version approved for delivery)."""
        current = StandardVersion.objects.filter(
            standard=models.OuterRef("pk"), is_current=True
        )
        duties = current.annotate(count=models.Count("duties")).values("count")
        return self.annotate(
            current_version=models.Subquery(current.values("version")[:1]),
            current_duties=models.Subquery(duties[:1]),
        )

    def search(self, text: str) -> "StandardQuerySet":
        return self.filter(
            models.Q(title__icontains=text) | models.Q(reference__icontains=text)
        )


class Standard(models.Model):
    """A standard; its descriptive fields mirror its latest version."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="standards"
    )
    reference = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=120, blank=True)
    occupation_code = models.CharField(max_length=40, blank=True)
    typical_job_titles = models.JSONField(default=list, blank=True)

    objects = StandardQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "reference"], name="unique_standard"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("standard_detail", args=[self.reference])


class StandardVersion(models.Model):
    standard = models.ForeignKey(
        Standard, on_delete=models.CASCADE, related_name="versions"
    )
    version = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=60, blank=True)
    route = models.CharField(max_length=120, blank=True)
    template_type = models.CharField(max_length=120, blank=True)
    overview = models.TextField(blank=True)
    approved_for_delivery = models.DateField(null=True, blank=True)
    latest_start_date = models.DateField(null=True, blank=True)
    latest_end_date = models.DateField(null=True, blank=True)
    last_updated = models.DateField(null=True, blank=True)
    # The highest version whose status is "Approved for delivery".
    is_current = models.BooleanField(default=False)
    # The highest version of the standard, whatever its status.
    is_latest = models.BooleanField(default=False)
    # Older-template standards have no structured duty statements.
    has_duties = models.BooleanField(default=False)

    class Meta:
        ordering = ["standard__reference", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "version"], name="unique_version"
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=models.Q(is_current=True),
                name="one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.reference} v{self.version}"


class Duty(models.Model):
    version = models.ForeignKey(
        StandardVersion, on_delete=models.CASCADE, related_name="duties"
    )
    # D1…Dn in the order the API lists them.
    code = models.CharField(max_length=10)
    duty_id = models.CharField(max_length=60, blank=True)
    text = models.TextField()
    is_core = models.BooleanField(default=False)
    # The K/S/B codes the duty maps to, e.g. ["K1", "S3", "B2"].
    ksb_codes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["version_id", "id"]
        verbose_name_plural = "duties"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_duty_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class KsbKind(models.TextChoices):
    KNOWLEDGE = "knowledge", "Knowledge"
    SKILL = "skill", "Skill"
    BEHAVIOUR = "behaviour", "Behaviour"


class Ksb(models.Model):
    """A knowledge, skill or behaviour statement of a standard version."""

    version = models.ForeignKey(
        StandardVersion, on_delete=models.CASCADE, related_name="ksbs"
    )
    kind = models.CharField(max_length=10, choices=KsbKind.choices)
    # K1, S1, B1… numbered by position in the API's arrays.
    code = models.CharField(max_length=10)
    ksb_id = models.CharField(max_length=60, blank=True)
    text = models.TextField()

    class Meta:
        ordering = ["version_id", "id"]
        verbose_name = "KSB"
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="unique_ksb_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    COMPLETE = "complete", "Complete"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class MatchRun(models.Model):
    """One map-and-gap analysis of a cycle's capabilities against provision.

    Everything needed to compare two runs is recorded: engine and model, the
    threshold, which standards and their data date, who launched it and when.
    A run is shown as complete only when every batch has been stored.
    """

    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="match_runs"
    )
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    # The versions compared (current approved ones by default, or a chosen subset).
    versions = models.ManyToManyField(StandardVersion, related_name="+")
    engine = models.CharField(max_length=40, default="embeddings")
    model = models.CharField(max_length=100)
    threshold = models.FloatField(default=0.54)
    use_judge = models.BooleanField(default=False)
    judge_model = models.CharField(max_length=100, blank=True)
    # The score band whose pairs the LLM judge is asked about, both ends included.
    judge_low = models.FloatField(default=0.45)
    judge_high = models.FloatField(default=0.65)
    # Suitability cut-offs (analysis.fit.Bands): high needs the best fit at or
    # above high_fit with that standard's surplus at most high_surplus; some
    # needs the best fit at or above some_fit.
    high_fit = models.FloatField(default=0.75)
    high_surplus = models.FloatField(default=0.5)
    some_fit = models.FloatField(default=0.5)
    data_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    stage = models.CharField(max_length=100, blank=True)
    batches_total = models.PositiveIntegerField(default=0)
    batches_done = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    launched_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a batch last stored its matches (or the run started): a running run
    # without progress for MATCH_RUN_STALL_SECONDS has lost its worker.
    progressed_at = models.DateTimeField(null=True, blank=True)
    # Set while a refresh of the stored figures is queued, so a burst of review
    # decisions queues one refresh (analysis.tasks.refresh_run_figures).
    figures_queued = models.BooleanField(default=False)

    class Meta:
        ordering = ["-launched_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0, threshold__lte=1),
                name="match_run_threshold_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    judge_low__gte=0,
                    judge_low__lte=models.F("judge_high"),
                    judge_high__lte=1,
                ),
                name="match_run_judge_band",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    some_fit__gte=0,
                    some_fit__lte=models.F("high_fit"),
                    high_fit__lte=1,
                    high_surplus__gte=0,
                    high_surplus__lte=1,
                ),
                name="match_run_suitability_bands",
            ),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.cycle} ({self.get_status_display()})"

    @property
    def bands(self) -> Bands:
        return Bands(
            high_fit=self.high_fit,
            high_surplus=self.high_surplus,
            some_fit=self.some_fit,
        )

    @property
    def percent(self) -> int:
        if not self.batches_total:
            return 0
        return round(100 * self.batches_done / self.batches_total)


class Match(models.Model):
    """A stored candidate pair: a capability against a duty, with its score."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="matches")
    capability = models.ForeignKey(
        "foresight.CycleCapability", on_delete=models.CASCADE, related_name="+"
    )
    duty = models.ForeignKey(Duty, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    # The LLM judge's verdict, beside the score and never replacing it.
    verdict = models.CharField(max_length=12, blank=True)
    verdict_rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["run", "capability_id", "rank"]
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(
                fields=["run", "capability", "duty"], name="unique_match"
            )
        ]

    def __str__(self) -> str:
        return f"{self.capability_id} ~ {self.duty_id}: {self.score:.2f}"


class Decision(models.TextChoices):
    ACCEPT = "accept", "Accept"
    REJECT = "reject", "Reject"
    PARTIAL = "partial", "Partial"


class ReviewDecision(models.Model):
    """A reviewer's decision on a match; later decisions keep the earlier ones."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    comment = models.TextField(blank=True, max_length=2000)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["match", "-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} on {self.match_id}"


class ThresholdChange(models.Model):
    """A convener's change of a complete run's threshold (e.g. to the optimised one)."""

    run = models.ForeignKey(
        MatchRun, on_delete=models.CASCADE, related_name="threshold_changes"
    )
    old = models.FloatField()
    new = models.FloatField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["run", "-changed_at", "-id"]

    def __str__(self) -> str:
        return f"Run {self.run_id}: {self.old} → {self.new}"


class RunFigures(models.Model):
    """Fit, surplus, suitability and priorities of one iteration's profiles
    against a complete run, stored by a debounced task after review decisions.

    `stamp` names what they were computed from (the run's threshold and its
    latest review decision); figures whose stamp is not the run's current one
    are stale and are not shown (analysis.fit_report computes afresh instead).
    """

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="figures")
    iteration = models.ForeignKey(
        "profiles.Iteration", on_delete=models.CASCADE, related_name="+"
    )
    stamp = models.CharField(max_length=100)
    profiles = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["run", "iteration"], name="run_figures_once_per_iteration"
            )
        ]

    def __str__(self) -> str:
        return f"Figures of run {self.run_id}, iteration {self.iteration_id}"
