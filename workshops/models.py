"""Delphi workshops: rounds, answers and the consensus computed from them.

Anonymity is kept in the data layer: answers (ratings, votes, proposals, KSB
contributions) carry a `respondent` pseudonym, an HMAC of the workshop and the
user made with the server's secret key (see workshops.anonymity), never a user
id. Who takes part is recorded separately (Panellist), so the tables alone
cannot say who answered what.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models

from foresight.models import (
    CapabilityOrigin,
    CapabilityStatement,
    Cycle,
    CycleCapability,
    FunctionalArea,
    RoleLevel,
    SupplyChainPartner,
)


class WorkshopKind(models.TextChoices):
    CAPTURE = "capture", "Capability capture"
    PROFICIENCY = "proficiency", "Proficiency"
    KSB = "ksb", "Knowledge, skills and behaviours"
    REFINEMENT = "refinement", "Profile refinement"


# Which panel each kind of workshop invites.
PANEL_OF = {
    WorkshopKind.CAPTURE: "technologist",
    WorkshopKind.PROFICIENCY: "employer",
    WorkshopKind.KSB: "educator",
    WorkshopKind.REFINEMENT: "employer",
}


class Workshop(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="workshops")
    kind = models.CharField(max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title=""), name="workshop_title_not_empty"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("workshop", args=[self.cycle_id, self.pk])

    @property
    def panel_role(self) -> str:
        return PANEL_OF[WorkshopKind(self.kind)]


class Panellist(models.Model):
    """A person invited to a workshop: who takes part, never what they answered."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="panellists"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panels"
    )
    # The panel group the person rates as (employer, technologist, educator).
    group = models.CharField(max_length=20)
    invited_at = models.DateTimeField(auto_now_add=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="unique_panellist"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.workshop}"


class RoundStatus(models.TextChoices):
    DRAFT = "draft", "Not open yet"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Round(models.Model):
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when the stored consensus of this round was last computed.
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["workshop", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "number"], name="unique_round_number"
            ),
            models.UniqueConstraint(
                fields=["workshop"],
                condition=models.Q(status="open"),
                name="one_open_round_per_workshop",
            ),
        ]

    def __str__(self) -> str:
        return f"Round {self.number} of {self.workshop}"

    @property
    def is_open(self) -> bool:
        return self.status == RoundStatus.OPEN


class RoundItem(models.Model):
    """A (capability, role level) pair asked in a proficiency round."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="items")
    capability = models.ForeignKey(
        CycleCapability, on_delete=models.CASCADE, related_name="+"
    )
    role_level = models.ForeignKey(
        RoleLevel, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["capability_id", "role_level_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "capability", "role_level"], name="unique_round_item"
            )
        ]

    def __str__(self) -> str:
        return (
            f"Item {self.capability_id}/{self.role_level_id} of round {self.round_id}"
        )


class Rating(models.Model):
    """One panellist's proficiency answer for an item in a round.

    `value` is the scale level 0 to 3; null means "can't judge", which is not the same
    as 0, "Not required".
    """

    item = models.ForeignKey(
        RoundItem, on_delete=models.CASCADE, related_name="ratings"
    )
    respondent = models.CharField(max_length=32)
    group = models.CharField(max_length=20)
    value = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(3)]
    )
    rationale = models.TextField(blank=True, max_length=2000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["item", "respondent"], name="unique_rating"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__lte=3),
                name="rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"Rating of item {self.item_id}"


class ItemConsensus(models.Model):
    """The stored consensus of one item after its round (see workshops.consensus)."""

    item = models.OneToOneField(
        RoundItem, on_delete=models.CASCADE, related_name="consensus"
    )
    n = models.PositiveIntegerField()
    skipped = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=list)
    median = models.FloatField(null=True)
    iqr = models.FloatField(null=True)
    agreement = models.FloatField(null=True)
    reached = models.BooleanField(default=False)
    proficiency = models.PositiveSmallIntegerField(null=True)
    # Share of panellists who rated it in both rounds and changed their rating.
    changed_share = models.FloatField(null=True)
    stable = models.BooleanField(null=True)

    def __str__(self) -> str:
        return f"Consensus of item {self.item_id}"


class Vote(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"
    UNSURE = "unsure", "Unsure"


class Proposal(models.Model):
    """A capability statement proposed in a capture workshop."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="proposals"
    )
    respondent = models.CharField(max_length=32)
    text = models.TextField(max_length=1000)
    origin = models.CharField(max_length=20, choices=CapabilityOrigin.choices)
    statement = models.ForeignKey(
        CapabilityStatement,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.ForeignKey(
        FunctionalArea,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    partners = models.ManyToManyField(SupplyChainPartner, blank=True, related_name="+")
    # Flagged as meaning the same as an earlier proposal.
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
    )
    duplicate_score = models.FloatField(null=True, blank=True)
    promoted_to = models.OneToOneField(
        CycleCapability,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class ProposalVote(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="votes"
    )
    respondent = models.CharField(max_length=32)
    vote = models.CharField(max_length=10, choices=Vote.choices)
    rationale = models.TextField(blank=True, max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "proposal", "respondent"], name="unique_proposal_vote"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_vote_display()} on proposal {self.proposal_id}"


class KsbKind(models.TextChoices):
    KNOWLEDGE = "knowledge", "Knowledge"
    SKILL = "skill", "Skill"
    BEHAVIOUR = "behaviour", "Behaviour"


class KsbTag(models.Model):
    """A knowledge, skill or behaviour that enables capabilities of a cycle.

    Contributions with the same meaning are merged into one tag; `contributions`
    counts them."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="ksb_tags")
    kind = models.CharField(max_length=10, choices=KsbKind.choices)
    text = models.CharField(max_length=500)
    tools = models.CharField(max_length=300, blank=True)
    capabilities = models.ManyToManyField(CycleCapability, related_name="ksb_tags")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "text"]

    def __str__(self) -> str:
        return self.text


class KsbContribution(models.Model):
    tag = models.ForeignKey(
        KsbTag, on_delete=models.CASCADE, related_name="contributions"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="+")
    capability = models.ForeignKey(
        CycleCapability, on_delete=models.CASCADE, related_name="+"
    )
    respondent = models.CharField(max_length=32)
    text = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tag", "capability", "respondent"],
                name="unique_ksb_contribution",
            )
        ]

    def __str__(self) -> str:
        return f"Contribution to {self.tag_id}"
