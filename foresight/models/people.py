"""Organisations, people's roles in cycles, and invitations to join one."""

from django.conf import settings
from django.core import signing
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

INVITATION_SALT = "foresight.invitation"


class Organisation(models.Model):
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="unique_organisation_name")
        ]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CONVENER = "convener", "Convener"
    FACILITATOR = "facilitator", "Facilitator"
    TECHNOLOGIST = "technologist", "Technologist"
    EMPLOYER = "employer", "Employer"
    EDUCATOR = "educator", "Educator"
    REVIEWER = "reviewer", "Reviewer"
    READER = "reader", "Reader"


PANEL_ROLES = {Role.TECHNOLOGIST, Role.EMPLOYER, Role.EDUCATOR}


class Membership(models.Model):
    """A user's role in one cycle; a user may hold several roles in a cycle."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["cycle", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "cycle", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} in {self.cycle}"


class InvitationError(Exception):
    """An invitation link that cannot be used; the message is for the person."""


class Invitation(models.Model):
    """An invitation by e-mail to take a role in a cycle.

    The link carries a signed, timestamped invitation id: it expires after
    settings.INVITATION_MAX_AGE seconds and works once.
    """

    cycle = models.ForeignKey(
        "foresight.Cycle", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"

    @property
    def token(self) -> str:
        return signing.dumps({"invitation": self.pk}, salt=INVITATION_SALT)

    @classmethod
    def from_token(cls, token: str) -> "Invitation":
        try:
            data = signing.loads(
                token, salt=INVITATION_SALT, max_age=settings.INVITATION_MAX_AGE
            )
        except signing.SignatureExpired:
            raise InvitationError(
                "This invitation link has expired. Ask the convener for a new one."
            ) from None
        except signing.BadSignature:
            raise InvitationError(
                "This invitation link is not valid. Check that you copied all of it."
            ) from None

        invitation = cls.objects.select_related("cycle").filter(
            pk=data.get("invitation")
        )
        invitation = invitation.first()
        if invitation is None:
            raise InvitationError("This invitation has been withdrawn.")
        if invitation.accepted_at:
            raise InvitationError(
                "This invitation has already been used. Please sign in."
            )
        return invitation

    def accept(self, user) -> Membership:
        """Give `user` the invited role, once: a second accept raises InvitationError."""
        with transaction.atomic():
            locked = Invitation.objects.select_for_update().get(pk=self.pk)
            if locked.accepted_at:
                raise InvitationError(
                    "This invitation has already been used. Please sign in."
                )
            locked.accepted_at = timezone.now()
            locked.accepted_by = user
            locked.save(update_fields=["accepted_at", "accepted_by"])
            membership, _ = Membership.objects.get_or_create(
                user=user, cycle_id=self.cycle_id, role=self.role
            )
        self.accepted_at, self.accepted_by = locked.accepted_at, user
        return membership
