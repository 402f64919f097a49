"""Who sees which iteration, on top of foresight.access.

Conveners, facilitators and employers see every iteration. Every other member
sees the final one, once the cycle has reached Communicate; before that the
profiles are work in progress.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from foresight.access import cycle_for
from foresight.models import Cycle, Role, Stage
from profiles.models import Iteration

RUNNERS = (Role.CONVENER, Role.FACILITATOR)
EDITORS = (*RUNNERS, Role.EMPLOYER)
NOT_PUBLISHED = (
    "The profiles are published when the cycle reaches Communicate, and then only "
    "the final iteration."
)


def is_runner(cycle: Cycle) -> bool:
    return bool(cycle.user_roles.intersection(RUNNERS))


def is_employer(cycle: Cycle) -> bool:
    return Role.EMPLOYER in cycle.user_roles


def sees_every_iteration(cycle: Cycle) -> bool:
    return bool(cycle.user_roles.intersection(EDITORS))


def is_published(cycle: Cycle) -> bool:
    return Stage.position(cycle.stage) >= Stage.position(Stage.COMMUNICATE)


def visible_iterations(cycle: Cycle) -> QuerySet:
    if sees_every_iteration(cycle):
        return cycle.iterations.all()
    if is_published(cycle):
        return cycle.iterations.filter(is_final=True)
    return cycle.iterations.none()


def iteration_for(user, cycle_id: int, iteration_id: int, *roles: Role) -> Iteration:
    """The iteration if `user` may see it (and holds one of `roles`, when given)."""
    cycle = cycle_for(user, cycle_id, *roles)
    iteration = get_object_or_404(Iteration, pk=iteration_id, cycle=cycle)
    if not sees_every_iteration(cycle) and not (
        iteration.is_final and is_published(cycle)
    ):
        raise PermissionDenied(NOT_PUBLISHED)
    iteration.cycle = cycle
    return iteration


def run_iteration_for(user, cycle_id: int, iteration_id: int) -> Iteration:
    return iteration_for(user, cycle_id, iteration_id, *RUNNERS)
