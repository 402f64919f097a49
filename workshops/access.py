"""Fetch-and-check helpers for workshops, on top of foresight.access."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from foresight.access import cycle_for
from foresight.models import Role
from workshops.models import Panellist, Workshop

RUNNERS = (Role.CONVENER, Role.FACILITATOR)


def workshop_for(user, cycle_id: int, workshop_id: int, *roles: Role) -> Workshop:
    """The workshop if `user` is a member of its cycle (with one of `roles`)."""
    cycle = cycle_for(user, cycle_id, *roles)
    workshop = get_object_or_404(Workshop, pk=workshop_id, cycle=cycle)
    workshop.cycle = cycle
    return workshop


def run_workshop_for(user, cycle_id: int, workshop_id: int) -> Workshop:
    """A workshop the user may run: its cycle's conveners and facilitators."""
    return workshop_for(user, cycle_id, workshop_id, *RUNNERS)


def panellist_for(user, cycle_id: int, workshop_id: int) -> Panellist:
    """The user's place on the workshop's panel; 403 for members not invited to it."""
    workshop = workshop_for(user, cycle_id, workshop_id)
    panellist = Panellist.objects.filter(workshop=workshop, user=user).first()
    if panellist is None:
        raise PermissionDenied("You are not on this workshop's panel.")
    panellist.workshop = workshop
    return panellist
