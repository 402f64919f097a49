"""The action tracker of the Cause action stage: which profiles actions may
link to, and the tracker's rows as CSV."""

from django.db.models import Q, QuerySet

from foresight.models import Cycle
from profiles.models import Profile
from reports.gather import report_iteration
from reports.models import Action

# The CSV's columns, in order; the actions page documents each.
COLUMNS = [
    "id",
    "topic",
    "action",
    "who",
    "due",
    "horizon",
    "expected_result",
    "status",
    "owner",
    "comments",
    "profiles",
    "capabilities",
    "updated",
]


def linkable_profiles(cycle: Cycle, linked: QuerySet | None = None) -> QuerySet:
    """The profiles of the cycle's final (else latest) iteration, plus those an
    action already links to (kept when a newer iteration replaces theirs)."""
    iteration = report_iteration(cycle)
    wanted = Q(iteration=iteration) if iteration else Q(pk__in=[])
    if linked is not None:
        wanted |= Q(pk__in=linked.values("pk"), iteration__cycle=cycle)
    return (
        Profile.objects.filter(wanted)
        .select_related("role_level")
        .order_by("role_level__min_academic_level", "title", "id")
    )


def tracker(cycle: Cycle) -> QuerySet:
    """The cycle's actions with what their rows show, in a fixed query count."""
    return Action.objects.filter(cycle=cycle).prefetch_related(
        "profiles", "capabilities"
    )


def as_csv(action: Action) -> list[str]:
    return [
        str(action.pk),
        action.topic,
        action.action,
        action.who,
        action.due.isoformat() if action.due else "",
        action.horizon,
        action.expected_result,
        action.status,
        action.owner,
        action.comments,
        "; ".join(profile.title for profile in action.profiles.all()),
        "; ".join(
            capability.ref or capability.text
            for capability in action.capabilities.all()
        ),
        action.updated_at.isoformat(timespec="seconds"),
    ]
