"""Who sees the insight pages of a cycle.

Conveners and reviewers see them at any stage, since they build the evidence;
readers once the cycle reaches Communicate, when the findings are published;
every other member gets a 403 and outsiders a 404 (foresight.access).
"""

from django.core.exceptions import PermissionDenied

from foresight.access import cycle_for
from foresight.models import Cycle, Role, Stage

ALWAYS = frozenset({Role.CONVENER, Role.REVIEWER})
NOT_YET = (
    "The insights open to readers when the cycle reaches the Communicate stage; "
    "it is at {stage} now."
)
NOT_FOR_ROLE = "The insights are for the cycle's conveners, reviewers and readers."


def is_published(cycle: Cycle) -> bool:
    return Stage.position(cycle.stage) >= Stage.position(Stage.COMMUNICATE)


def may_see_insights(cycle: Cycle) -> bool:
    """Needs `cycle.user_roles`, which cycle_for leaves on the cycle."""
    roles = getattr(cycle, "user_roles", set())
    if roles & ALWAYS:
        return True
    return Role.READER in roles and is_published(cycle)


def insight_cycle_for(user, cycle_id: int) -> Cycle:
    """The cycle if `user` may see its insights; PermissionDenied says why not."""
    cycle = cycle_for(user, cycle_id)
    if may_see_insights(cycle):
        return cycle
    if Role.READER in cycle.user_roles:
        raise PermissionDenied(NOT_YET.format(stage=Stage(cycle.stage).label))
    raise PermissionDenied(NOT_FOR_ROLE)
