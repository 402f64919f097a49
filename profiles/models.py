"""Future occupational profiles (FOPs), in iterations refined by employers.

An iteration is a complete set of profiles for a cycle. Generation writes the
first ("Prototype"); each refinement pass applies accepted changes into a new
iteration, and the older one becomes read-only. Exactly one iteration per cycle
may be marked final.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from foresight.models import Cycle, CycleCapability, RoleLevel, SupplyChainPartner


class Iteration(models.Model):
    cycle = models.ForeignKey(
        Cycle, on_delete=models.CASCADE, related_name="iterations"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    is_final = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # How generation was configured, for the record (bounds, seed, method).
    parameters = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["cycle", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "number"], name="unique_iteration"
            ),
            models.UniqueConstraint(
                fields=["cycle"],
                condition=models.Q(is_final=True),
                name="one_final_iteration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def is_latest(self) -> bool:
        return not Iteration.objects.filter(
            cycle_id=self.cycle_id, number__gt=self.number
        ).exists()


class Profile(models.Model):
    iteration = models.ForeignKey(
        Iteration, on_delete=models.CASCADE, related_name="profiles"
    )
    title = models.CharField(max_length=200)
    role_level = models.ForeignKey(
        RoleLevel, on_delete=models.PROTECT, related_name="+"
    )
    partner = models.ForeignKey(
        SupplyChainPartner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(blank=True)
    # Suggested titles from reference occupations: [{"title", "source", "code", "score"}].
    title_suggestions = models.JSONField(default=list, blank=True)
    # The profile of the previous iteration this one continues, if any.
    derived_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["iteration", "role_level__min_academic_level", "title", "id"]

    def __str__(self) -> str:
        return self.title


class ProfileCapability(models.Model):
    profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, related_name="entries"
    )
    capability = models.ForeignKey(
        CycleCapability, on_delete=models.CASCADE, related_name="+"
    )
    proficiency = models.PositiveSmallIntegerField(validators=[MaxValueValidator(3)])
    # Why generation put it here: partner, domain, nearest neighbours, similarity.
    explanation = models.TextField(blank=True)

    class Meta:
        ordering = ["profile", "capability_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "capability"], name="unique_profile_capability"
            ),
            models.CheckConstraint(
                condition=models.Q(proficiency__lte=3),
                name="profile_proficiency_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.capability_id} at {self.proficiency} in {self.profile_id}"


class ChangeKind(models.TextChoices):
    RENAME = "rename", "Rename"
    ADD = "add", "Add a capability"
    REMOVE = "remove", "Remove a capability"
    UPRATE = "uprate", "Raise a proficiency"
    DOWNRATE = "downrate", "Lower a proficiency"
    MERGE = "merge", "Merge two profiles"
    SPLIT = "split", "Split a profile"


class ChangeStatus(models.TextChoices):
    OPEN = "open", "Open for votes"
    APPLIED = "applied", "Applied"
    REJECTED = "rejected", "Rejected"


class ProfileChange(models.Model):
    """An employer's proposed refinement of one iteration, voted like a Delphi item."""

    iteration = models.ForeignKey(
        Iteration, on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(max_length=10, choices=ChangeKind.choices)
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="+")
    # The other profile of a merge.
    other_profile = models.ForeignKey(
        Profile, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    capability = models.ForeignKey(
        CycleCapability,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    proficiency = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    new_title = models.CharField(max_length=200, blank=True)
    # For a split: the capabilities that move to the new profile.
    moved_capabilities = models.ManyToManyField(
        CycleCapability, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True, max_length=2000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.OPEN
    )
    applied_in = models.ForeignKey(
        Iteration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applied",
    )

    class Meta:
        ordering = ["iteration", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"


class ChangeVote(models.Model):
    change = models.ForeignKey(
        ProfileChange, on_delete=models.CASCADE, related_name="votes"
    )
    # A keyed-hash pseudonym, as for workshop answers (workshops.anonymity).
    respondent = models.CharField(max_length=32)
    accept = models.BooleanField()
    rationale = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["change", "respondent"], name="unique_change_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{'Accept' if self.accept else 'Reject'} change {self.change_id}"
